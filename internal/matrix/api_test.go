package matrix

import (
	"context"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// TestEditKeepsImporters checks that an edit that keeps a package's API
// re-checks no importer, that an API change re-checks them, and that
// packages checked before and after an edit agree on type identity.
func TestEditKeepsImporters(t *testing.T) {
	files := map[string]string{
		"go.mod": "module example.com/api\n\ngo 1.22\n",
		"a/a.go": "package a\n\n// T is shared by b and c.\ntype T struct{ N int }\n\n// New makes a T.\nfunc New() T { return T{N: 1} }\n",
		"b/b.go": "package b\n\nimport \"example.com/api/a\"\n\n// F returns an a.T.\nfunc F() a.T { return a.New() }\n",
		"c/c.go": "package c\n\nimport (\n\t\"example.com/api/a\"\n\t\"example.com/api/b\"\n)\n\n// X mixes a's and b's view of a.T.\nvar X a.T = b.F()\n",
		"d/d.go": "package d\n\nimport \"example.com/api/c\"\n\n// Y uses c.\nvar Y = c.X.N\n",
	}
	dir := writeModule(t, files)
	s := NewSession()
	targets := []target.Target{{GOOS: "linux", GOARCH: "amd64"}, {GOOS: "windows", GOARCH: "amd64"}}
	check := func(overlay map[string][]byte) *Result {
		t.Helper()
		res, err := s.Check(context.Background(), Options{Dir: dir, Targets: targets, Overlay: overlay})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	errorsOf := func(res *Result) []string {
		var out []string
		for _, d := range res.Diagnostics {
			if d.Severity == SeverityError {
				out = append(out, d.Message)
			}
		}
		return out
	}
	if errs := errorsOf(check(nil)); len(errs) > 0 {
		t.Fatalf("clean module has errors: %v", errs)
	}
	aPath, cPath := filepath.Join(dir, "a/a.go"), filepath.Join(dir, "c/c.go")

	// A body edit in a: only a is type-checked again, at most once per
	// target (targets with identical inputs share one check).
	before := s.typeChecks.Load()
	bodyEdit := []byte(strings.Replace(files["a/a.go"], "N: 1", "N: 2", 1))
	if errs := errorsOf(check(map[string][]byte{aPath: bodyEdit})); len(errs) > 0 {
		t.Fatalf("after a body edit: %v", errs)
	}
	if n := s.typeChecks.Load() - before; n < 1 || n > int64(len(targets)) {
		t.Errorf("a body edit type-checked %d packages, want only a (1 to %d checks)", n, len(targets))
	}

	// Now edit c, which sees a.T both directly (the new a) and through b
	// (checked against the old a): no identity mismatch may appear.
	cEdit := []byte(files["c/c.go"] + "\nvar Z a.T = b.F()\n")
	if errs := errorsOf(check(map[string][]byte{aPath: bodyEdit, cPath: cEdit})); len(errs) > 0 {
		t.Fatalf("mixing packages checked before and after an edit: %v", errs)
	}

	// An API change in a re-checks its importers, which now fail.
	before = s.typeChecks.Load()
	apiEdit := []byte(strings.Replace(files["a/a.go"], "func New()", "func Make()", 1))
	errs := errorsOf(check(map[string][]byte{aPath: apiEdit, cPath: cEdit}))
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "undefined: a.New") {
		t.Errorf("after renaming a.New, errors: %v", errs)
	}
	if n := s.typeChecks.Load() - before; n < 3 {
		t.Errorf("an API change type-checked %d packages; want a and its importers", n)
	}
}

// TestConstantValueIsAPI checks that changing the value of an exported
// constant re-checks importers: the value takes part in their constant
// expressions (array lengths, overflow), though not in the type.
func TestConstantValueIsAPI(t *testing.T) {
	files := map[string]string{
		"go.mod": "module example.com/cv\n\ngo 1.22\n",
		"a/a.go": "package a\n\n// N sizes b's table.\nconst N = 4\n",
		"b/b.go": "package b\n\nimport \"example.com/cv/a\"\n\n// Table has a.N entries.\nvar Table [a.N]int\n\n// Last is the fourth entry.\nvar Last = Table[3]\n",
	}
	dir := writeModule(t, files)
	s := NewSession()
	check := func(overlay map[string][]byte) []string {
		t.Helper()
		res, err := s.Check(context.Background(), Options{Dir: dir, Targets: []target.Target{{GOOS: "linux", GOARCH: "amd64"}}, Overlay: overlay})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range res.Diagnostics {
			if d.Severity == SeverityError {
				out = append(out, d.Message)
			}
		}
		return out
	}
	if errs := check(nil); len(errs) > 0 {
		t.Fatalf("clean module has errors: %v", errs)
	}
	aPath := filepath.Join(dir, "a/a.go")
	errs := check(map[string][]byte{aPath: []byte(strings.Replace(files["a/a.go"], "N = 4", "N = 3", 1))})
	if !strings.Contains(strings.Join(errs, "\n"), "out of bounds") {
		t.Errorf("after a.N = 3, errors %v; want b's Table[3] out of bounds", errs)
	}
	if errs := check(nil); len(errs) > 0 {
		t.Errorf("after restoring a.N: %v", errs)
	}
}

// TestEditsDoNotGrowFileSet checks that re-checking adds to the session's
// FileSet only the new content of the edited file: files the targets
// leave out are parsed once per content (by buildgap and buildtag) and
// read as text once per content (taghygiene, format), not once per check.
func TestEditsDoNotGrowFileSet(t *testing.T) {
	files := map[string]string{
		"go.mod":       "module example.com/fs\n\ngo 1.22\n",
		"p/p.go":       "package p\n\nvar _ = name\n",
		"p/p_linux.go": "package p\n\nconst name = \"linux\"\n",
		"p/p_other.go": "//go:build !linux\n\npackage p\n",
	}
	dir := writeModule(t, files)
	s := NewSession()
	pPath := filepath.Join(dir, "p/p.go")
	contents := []string{files["p/p.go"], files["p/p.go"] + "\nvar _ = 1\n"}
	var others []int // token.Files of files other than the edited one
	for i := range 6 {
		overlay := map[string][]byte{pPath: []byte(contents[i%2])}
		// One target: with more, which target's pass runs the analyzers that
		// see only files varies, and with it which files are read as text.
		targets := []target.Target{{GOOS: "windows", GOARCH: "amd64"}}
		if _, err := s.Check(context.Background(), Options{Dir: dir, Targets: targets, Overlay: overlay}); err != nil {
			t.Fatal(err)
		}
		n := 0
		s.fset.Iterate(func(f *token.File) bool {
			if f.Name() != pPath {
				n++
			}
			return true
		})
		others = append(others, n)
	}
	if others[5] != others[0] {
		t.Errorf("token.Files of unedited files after each check: %v; want no growth", others)
	}
}

// writeModule writes files (by slash-separated name) to a new directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestAPIKeyIsExact checks that packages whose API differs only in what a
// printed signature leaves out (a method's receiver) get different API
// keys, so an importer is never checked against another target's package,
// whatever the order of the targets and whatever the session saw before.
func TestAPIKeyIsExact(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":         "module example.com/recv\n\ngo 1.22\n",
		"a/a.go":         "package a\n\ntype T struct{}\n\ntype I interface{ M() }\n",
		"a/m_linux.go":   "package a\n\nfunc (T) M() {}\n",
		"a/m_windows.go": "package a\n\nfunc (*T) M() {}\n",
		"b/b.go":         "package b\n\nimport \"example.com/recv/a\"\n\nvar X a.I = a.T{}\n",
	})
	linux, windows := target.Target{GOOS: "linux", GOARCH: "amd64"}, target.Target{GOOS: "windows", GOARCH: "amd64"}
	shared := NewSession()
	for _, order := range [][]target.Target{{linux, windows}, {windows, linux}} {
		for _, s := range []*Session{NewSession(), shared} {
			res, err := s.Check(context.Background(), Options{Dir: dir, Targets: order})
			if err != nil {
				t.Fatal(err)
			}
			if v := verdictOf(res, "example.com/recv/b", "linux/amd64"); v.Status != "ok" {
				t.Errorf("targets %v: b for linux/amd64: %+v, want ok", order, v)
			}
			if v := verdictOf(res, "example.com/recv/b", "windows/amd64"); v.Status != "fail" || v.Class != ClassTypeError {
				t.Errorf("targets %v: b for windows/amd64: %+v, want a type error", order, v)
			}
		}
	}
}
