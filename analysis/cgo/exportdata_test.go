package cgo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/analysis/target"
)

// TestFallbackFromExportData runs the analyzer on a dependency as a
// driver with a type cache hands it: the package's types come from export
// data, whose scope holds no unexported name, and its files hold their
// imports only. The fallback must still be found, from the files.
func TestFallbackFromExportData(t *testing.T) {
	dir := filepath.Join("testdata", "src", "promfallback")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	ctxt := target.Target{GOOS: "linux", GOARCH: "amd64"}.Context()
	var files []*ast.File
	var ignored []string
	for _, e := range entries {
		name, _ := filepath.Abs(filepath.Join(dir, e.Name()))
		if ok, err := ctxt.MatchFile(dir, e.Name()); err != nil || !ok {
			ignored = append(ignored, name)
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var diags []analysis.Diagnostic
	var fact *needsCgo
	pass := &analysis.Pass{
		Fset:              fset,
		Files:             files,
		IgnoredFiles:      ignored,
		Pkg:               types.NewPackage("promfallback", "promfallback"), // nothing exported
		TypesInfo:         &types.Info{},
		ReadFile:          os.ReadFile,
		Report:            func(d analysis.Diagnostic) { diags = append(diags, d) },
		ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
		ExportPackageFact: func(f analysis.Fact) { fact = f.(*needsCgo) },
	}
	if _, err := run(pass, &ctxt); err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Category != CategoryFallbackFile || !strings.Contains(diags[0].Message, "works without it") {
		t.Errorf("diagnostics %+v, want one %s", diags, CategoryFallbackFile)
	}
	if fact == nil || !fact.works() {
		t.Errorf("fact %v, want one that works without cgo", fact)
	}
}
