// Package version says which build this is.
package version

// String is the version.
func String() string { return "1.0.0" }
