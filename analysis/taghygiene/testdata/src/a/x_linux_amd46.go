package a // want `file name suffix "amd46" is not a known GOARCH: this file builds on every target; did you mean "amd64"\?`
