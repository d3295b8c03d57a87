//go:build amd64

package a // want `file name suffix "linuxx" is not a known GOOS: it does not constrain the build; did you mean "linux"\?`
