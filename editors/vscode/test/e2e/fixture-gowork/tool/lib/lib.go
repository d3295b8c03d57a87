package lib

// Name is the tool's name.
func Name() string { return "tool" }
