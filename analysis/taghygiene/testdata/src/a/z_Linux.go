package a // want `file name suffix "Linux" is not a known GOOS: this file builds on every target; did you mean "linux"\?`
