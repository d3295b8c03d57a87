package winonly

func Registry() string { return "HKLM" }
