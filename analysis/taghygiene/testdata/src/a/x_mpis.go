package a // want `file name suffix "mpis" is not a known GOARCH: this file builds on every target; did you mean "mips"\?`
