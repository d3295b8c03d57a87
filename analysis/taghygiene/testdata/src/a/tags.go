// want +1 `build tag "darwn" is not a known GOOS and is never set; did you mean "darwin"\?`
//go:build linux || darwn || integration

package a
