// One diagnostic per misspelt word and line; each fix replaces every
// occurrence of its word on the line.

// want +1 `build tag "windwos" is not a known GOOS and is never set; did you mean "windows"\?` `build tag "Plan9" is not a known GOOS and is never set; did you mean "plan9"\?` `build tag "macos" is not a known GOOS and is never set; did you mean "darwin"\?`
//go:build !windwos && !Plan9 && !macos && !(windwos && arm)

// want +1 `build tag "windwos" is not a known GOOS` `build tag "Plan9" is not a known GOOS` `build tag "macos" is not a known GOOS`
// +build !windwos,!Plan9,!macos
// +build !arm

package a
