package b

// Fine parses and is formatted.
func Fine() {}
