// Package a holds files for the taghygiene analyzer's tests. Every file
// here builds on linux/amd64, where the tests run; files that the test
// configuration ignores are covered by TestIgnoredFiles.
package a
