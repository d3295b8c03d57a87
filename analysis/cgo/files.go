package cgo

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crossls/crossls/internal/memo"
	"github.com/crossls/crossls/internal/syntax"
)

// A droppedFile is a Go file that a configuration with cgo disabled leaves
// out only because cgo is disabled.
type droppedFile struct {
	name    string
	file    *ast.File
	importC *ast.ImportSpec // nil if a cgo build constraint excludes the file
}

// droppedFiles returns, in order, the Go files among names that ctxt
// (which has cgo disabled) leaves out only because of that: files that
// match ctxt with cgo enabled and either import "C" or do not match ctxt.
// Files excluded for any other reason (file name suffix, other build tags)
// are not dropped. Each dropped file is parsed into fset; a file whose
// header cannot be read is not the concern of this analyzer and is skipped.
func droppedFiles(fset *token.FileSet, ctxt *build.Context, names []string, readFile func(string) ([]byte, error)) ([]droppedFile, error) {
	var dropped []droppedFile
	for _, name := range names {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		src, err := readFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading ignored file: %w", err)
		}
		if !matches(ctxt, true, name, src) {
			continue
		}
		header, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			continue
		}
		if importC(header) == nil && matches(ctxt, false, name, src) {
			continue // left out for another reason, e.g. a different package clause
		}
		f, _ := syntax.ParseIgnored(fset, name, src)
		if f == nil || f.Name == nil {
			continue
		}
		dropped = append(dropped, droppedFile{name: name, file: f, importC: importC(f)})
	}
	return dropped, nil
}

// matches reports whether ctxt, with CgoEnabled set to cgo, includes the
// file name with content src, by go/build's rules for file name suffixes
// and build constraints.
func matches(ctxt *build.Context, cgo bool, name string, src []byte) bool {
	// A driver asks for every left-out file of a package, for every edit
	// of it: the answers for a file's content and configuration are kept.
	key := matchKey{name, ctxt.GOOS, ctxt.GOARCH, ctxt.Compiler,
		strings.Join(ctxt.BuildTags, ","), strings.Join(ctxt.ToolTags, ","), strings.Join(ctxt.ReleaseTags, ","), cgo}
	return matchMemo.Get(key, syntax.ContentSum(name, src), func() bool { return matchFile(ctxt, cgo, name, src) })
}

type matchKey struct {
	name                      string
	goos, goarch, compiler    string
	buildTags, toolTags, rels string
	cgo                       bool
}

// matchMemo keeps the answers for the latest two contents of each file
// and configuration.
var matchMemo = memo.NewVersions[matchKey, bool](1<<16, 2)

func matchFile(ctxt *build.Context, cgo bool, name string, src []byte) bool {
	c := *ctxt
	c.CgoEnabled = cgo
	c.UseAllFiles = false
	c.OpenFile = func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(src)), nil
	}
	dir, base := filepath.Split(name)
	ok, err := c.MatchFile(dir, base)
	return ok && err == nil
}

// importC returns the import "C" declaration of f, or nil.
func importC(f *ast.File) *ast.ImportSpec {
	for _, spec := range f.Imports {
		if path, err := strconv.Unquote(spec.Path.Value); err == nil && path == "C" {
			return spec
		}
	}
	return nil
}
