// Package testgap builds everywhere; its tests do not.
package testgap

// Lib is what the tests test.
func Lib() int { return 1 }
