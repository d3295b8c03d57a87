//go:build amd64

// The name does not decide where a file with a constraint line builds:
// its suffix may be a naming convention (os_linux64.go in the runtime).
package a
