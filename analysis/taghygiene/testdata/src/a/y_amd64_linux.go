package a // want `file name suffix "amd64_linux" has GOARCH before GOOS: this file builds for linux on every GOARCH; did you mean linux_amd64\?`
