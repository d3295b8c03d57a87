package a

func platformName() string { return "darwin" }
