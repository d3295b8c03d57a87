package cgo

import (
	"errors"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// TestDroppedFilesBadInput checks that files the go command cannot use
// are skipped, not reported, and that an unreadable file is an error.
func TestDroppedFilesBadInput(t *testing.T) {
	files := map[string]string{
		"ok.go":             "package p\n\nimport \"C\"\n",
		"tagged.go":         "//go:build cgo\n\npackage p\n",
		"body_error.go":     "package p\n\nimport \"C\"\n\nfunc f( {\n",
		"bad_constraint.go": "//go:build linux &&\n\npackage p\n\nimport \"C\"\n",
		"no_package.go":     "import \"C\"\n",
		"empty.go":          "",
		"hello.c":           "int x;\n",
		"notcgo.go":         "package p\n",
	}
	dir := t.TempDir()
	var names []string
	for name := range files {
		names = append(names, filepath.Join(dir, name))
	}
	slices.Sort(names)
	read := func(name string) ([]byte, error) {
		return []byte(files[filepath.Base(name)]), nil
	}

	ctxt := target.Target{GOOS: "linux", GOARCH: "amd64"}.Context()
	dropped, err := droppedFiles(token.NewFileSet(), &ctxt, names, read)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dropped {
		name := filepath.Base(d.name)
		if (d.importC != nil) != (name != "tagged.go") {
			t.Errorf("%s: importC = %v", name, d.importC)
		}
		got = append(got, name)
	}
	if want := []string{"body_error.go", "ok.go", "tagged.go"}; !slices.Equal(got, want) {
		t.Errorf("dropped %v, want %v", got, want)
	}

	failing := func(string) ([]byte, error) { return nil, fs.ErrPermission }
	if _, err := droppedFiles(token.NewFileSet(), &ctxt, names, failing); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable file: err = %v, want %v", err, fs.ErrPermission)
	}
}
