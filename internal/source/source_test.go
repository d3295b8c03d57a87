package source

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadTrustAndIdentity checks what a check reads: buffers before the
// disk, one identity per unchanged content from check to check, a disk
// change unseen while the file is trusted and seen after RestatAll.
func TestReadTrustAndIdentity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.go")
	write(t, path, "package a\n")
	c := NewCache(token.NewFileSet())

	c.BeginCheck(nil)
	first := c.Read(path)
	if string(first.Data) != "package a\n" || first.Err != nil || first.Hash == "" {
		t.Fatalf("Read = %q, %v, hash %q", first.Data, first.Err, first.Hash)
	}
	if c.Read(path) != first {
		t.Error("a second read in one check returned another content")
	}
	until := ValidUntil([]*Content{first})
	if d := time.Until(until); d <= 0 || d > StatInterval {
		t.Errorf("ValidUntil is %v from now, want within (0, %v]", d, StatInterval)
	}
	c.EndCheck()

	c.BeginCheck(nil)
	if c.Read(path) != first {
		t.Error("an unchanged file got a new content in the next check")
	}
	c.EndCheck()

	// Changed on disk, but trusted: the next check still sees the old
	// content, until RestatAll.
	write(t, path, "package a // changed\n")
	c.BeginCheck(nil)
	if got := c.Read(path); got != first {
		t.Errorf("a trusted file was read again: %q", got.Data)
	}
	c.EndCheck()
	c.RestatAll()
	c.BeginCheck(nil)
	if got := c.Read(path); string(got.Data) != "package a // changed\n" {
		t.Errorf("after RestatAll: %q, want the disk's content", got.Data)
	}
	if c.UnchangedSince(dir, until) {
		t.Error("UnchangedSince during a restat check")
	}
	c.EndCheck()

	// A buffer wins over the disk, marks its directory, and keeps its
	// identity while unchanged.
	buf := map[string][]byte{path: []byte("package a // unsaved\n")}
	c.BeginCheck(buf)
	unsaved := c.Read(path)
	if string(unsaved.Data) != "package a // unsaved\n" || !c.BufferChanged(dir) || c.UnchangedSince(dir, time.Now().Add(time.Hour)) {
		t.Errorf("buffer: %q, BufferChanged %v", unsaved.Data, c.BufferChanged(dir))
	}
	c.EndCheck()
	c.BeginCheck(map[string][]byte{path: []byte("package a // unsaved\n")})
	if c.Read(path) != unsaved || c.BufferChanged(dir) {
		t.Errorf("an unchanged buffer: new content %v, BufferChanged %v", c.Read(path) != unsaved, c.BufferChanged(dir))
	}
	c.EndCheck()
	c.BeginCheck(nil)
	if !c.BufferChanged(dir) {
		t.Error("a closed buffer does not mark its directory")
	}
	c.EndCheck()

	missing := c.Read(filepath.Join(dir, "missing.go"))
	if missing.Err == nil {
		t.Error("a missing file read without error")
	}
}

// TestParseAndDerived checks that syntax is parsed once per content and
// kept from check to check, that derived values go with it, and that a
// cancelled check's syntax stays reusable with the last completed one's.
func TestParseAndDerived(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.go"), filepath.Join(dir, "b.go")
	write(t, a, "package p\n\nfunc A() {}\n")
	write(t, b, "package p\n")
	c := NewCache(token.NewFileSet())

	c.BeginCheck(nil)
	fa, _, err := c.Parse(a, parser.ParseComments)
	if err != nil || fa == nil {
		t.Fatal(err)
	}
	if again, _, _ := c.Parse(a, parser.ParseComments); again != fa {
		t.Error("a second parse of one content made new syntax")
	}
	if src, ok := c.Source(fa); !ok || string(src) != "package p\n\nfunc A() {}\n" {
		t.Errorf("Source = %q, %v", src, ok)
	}
	type kind struct{}
	computed := 0
	derive := func(f *ast.File) any {
		return c.Derived(f, kind{}, func() any { computed++; return len(f.Decls) })
	}
	if derive(fa) != 1 || derive(fa) != 1 || computed != 1 {
		t.Errorf("Derived computed %d times, want once", computed)
	}
	c.EndCheck()

	// A cancelled check (no EndCheck) parses b; the next check reuses
	// both files' syntax.
	c.BeginCheck(nil)
	fb, _, _ := c.Parse(b, 0)
	c.BeginCheck(nil)
	if got, _, _ := c.Parse(a, parser.ParseComments); got != fa {
		t.Error("the last completed check's syntax was not reused")
	}
	if got, _, _ := c.Parse(b, 0); got != fb {
		t.Error("the cancelled check's syntax was not reused")
	}
	c.EndCheck()
	if derive(fa) != 1 || computed != 1 {
		t.Errorf("a derived value of kept syntax was computed again (%d)", computed)
	}
	kept := map[*ast.File]bool{}
	c.Syntax(func(f *ast.File) { kept[f] = true })
	if len(kept) != 2 || !kept[fa] || !kept[fb] {
		t.Errorf("Syntax yields %d files, want a.go's and b.go's", len(kept))
	}

	// A check that does not parse a leaves its syntax and derived values.
	c.BeginCheck(nil)
	c.EndCheck()
	c.BeginCheck(nil)
	c.EndCheck()
	if _, ok := c.Source(fa); ok {
		t.Error("the source of dropped syntax is kept")
	}
	if derive(fa); computed != 2 {
		t.Errorf("a derived value outlived its syntax (computed %d times, want 2)", computed)
	}
}

// TestParseStd checks the standard library's syntax: bodies and parameter
// names dropped, one parse per path while kept, nothing after DropStd.
func TestParseStd(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "std.go")
	write(t, path, "package std\n\nfunc F(a, b int) (n int) { return a + b }\n")
	c := NewCache(token.NewFileSet())
	f, err := c.ParseStd(path)
	if err != nil {
		t.Fatal(err)
	}
	fd := f.Decls[0].(*ast.FuncDecl)
	if fd.Body != nil || len(fd.Type.Params.List) != 2 || fd.Type.Params.List[0].Names != nil || fd.Type.Results.List[0].Names != nil {
		t.Errorf("F kept its body or names: body %v, params %d", fd.Body != nil, len(fd.Type.Params.List))
	}
	if again, _ := c.ParseStd(path); again != f {
		t.Error("a kept standard library file was parsed again")
	}
	c.DropStd()
	if again, _ := c.ParseStd(path); again == f {
		t.Error("DropStd kept the syntax")
	}
}
