package a

func platformName() string { return "windows" }

func (handle) close() {}
