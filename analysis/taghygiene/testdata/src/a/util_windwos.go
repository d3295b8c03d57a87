// Copyright notice: the diagnostic is at the package clause.

package a // want `file name suffix "windwos" is not a known GOOS: this file builds on every target; did you mean "windows"\?`
