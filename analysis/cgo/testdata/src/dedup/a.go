// Package dedup reaches chain/c from two files, directly and through
// chain/b: one finding, at the first direct import.
package dedup

import (
	"chain/c"      // want `^chain/c needs cgo: c.go imports "C" and nothing replaces it`
	"promfallback" // want `^promfallback uses cgo`
)

var _ = c.Connect
var _ = promfallback.Collect
