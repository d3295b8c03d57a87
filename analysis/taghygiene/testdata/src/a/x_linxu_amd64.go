package a // want `file name suffix "linxu" is not a known GOOS: this file builds for amd64 on every GOOS; did you mean "linux"\?`
