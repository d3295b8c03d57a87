// Short ordinary words near a GOOS or GOARCH are not typos: maps ~ mips,
// search (in example_search_test.go) ~ sparc, hard ~ hurd.
package a
