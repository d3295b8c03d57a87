package a // want `file name suffix "macos" is not a known GOOS: this file builds on every target; did you mean "darwin"\?`
