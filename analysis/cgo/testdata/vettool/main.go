// The vettool command runs the cgo analyzer under go vet, for tests.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/crossls/crossls/analysis/cgo"
)

func main() { unitchecker.Main(cgo.Analyzer) }
