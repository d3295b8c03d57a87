// The crossls-vet command runs the crossls analyzers for the current
// configuration (GOOS, GOARCH, CGO_ENABLED and build tags of the go
// command) under go vet:
//
//	go install github.com/crossls/crossls/cmd/crossls-vet
//	go vet -vettool=$(which crossls-vet) ./...
//
// Checking several targets at once is the job of crossls check; this
// command is for CI pipelines built around go vet. It runs the buildtag
// analyzer of golang.org/x/tools too, since a -vettool replaces vet's own
// analyzers. Under go vet a package that fails to type-check is not
// analysed, so buildgap reports only what it finds in packages that build.
package main

import (
	"golang.org/x/tools/go/analysis/passes/buildtag"
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/crossls/crossls/analysis/buildgap"
	"github.com/crossls/crossls/analysis/cgo"
	"github.com/crossls/crossls/analysis/format"
	"github.com/crossls/crossls/analysis/taghygiene"
)

func main() {
	unitchecker.Main(
		buildgap.Analyzer,
		buildtag.Analyzer,
		cgo.Analyzer,
		format.Analyzer,
		taghygiene.Analyzer,
	)
}
