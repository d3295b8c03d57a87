// Package a holds files for the format analyzer's tests.
package a

// Clean is already gofmt-formatted: no finding.
func Clean(x int) int {
	return x * 2
}
