package matrix

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// writeProxy writes a module proxy directory (GOPROXY=file://...) serving
// each module of mods, by "path@version", with its files.
func writeProxy(t *testing.T, mods map[string]map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for mv, files := range mods {
		path, version, _ := strings.Cut(mv, "@")
		at := filepath.Join(dir, filepath.FromSlash(path), "@v")
		if err := os.MkdirAll(at, 0o755); err != nil {
			t.Fatal(err)
		}
		write := func(name, content string) {
			if err := os.WriteFile(filepath.Join(at, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("list", version+"\n")
		write(version+".info", `{"Version":"`+version+`","Time":"2026-01-01T00:00:00Z"}`)
		write(version+".mod", files["go.mod"])
		f, err := os.Create(filepath.Join(at, version+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for name, content := range files {
			w, err := zw.Create(mv + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(content))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return dir
}

// useProxy points the go command of this test, and of the oracle's go
// build, at proxy with a module cache of its own.
func useProxy(t *testing.T, proxy string) {
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-mod=mod -modcacherw")
	t.Setenv("GONOSUMDB", "example.com")
	t.Setenv("GONOSUMCHECK", "1")
	t.Setenv("GOSUMDB", "off")
}

// TestCompactDependencies checks that a dependency in the module cache is
// kept as its API read back from export data, and that nothing a check
// reports changes for it: importers that see the dependency's types
// directly and through another dependency (generic ones too), a body that
// fails for one target (kept as checked), functions without a body.
func TestCompactDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for several targets")
	}
	proxy := writeProxy(t, map[string]map[string]string{
		"example.com/base@v1.0.0": {
			"go.mod": "module example.com/base\n\ngo 1.26\n",
			"base.go": `package base

type T struct{ N int }

type Box[E any] struct{ Items []E }

func (b *Box[E]) Add(e E) { b.Items = append(b.Items, e) }

func New(n int) T {
	x := n * 2 // locals the compacted package does not keep
	return T{N: x}
}

// Sum is in a file of its own per OS: broken on windows.
`,
			"sum_unix.go":    "//go:build !windows\n\npackage base\n\nfunc Sum(xs ...int) (s int) {\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn\n}\n",
			"sum_windows.go": "package base\n\nfunc Sum(xs ...int) (s int) {\n\treturn undefinedOnWindows(xs)\n}\n",
		},
		"example.com/wrap@v1.0.0": {
			"go.mod": "module example.com/wrap\n\ngo 1.26\n\nrequire example.com/base v1.0.0\n",
			"wrap.go": `package wrap

import "example.com/base"

func Make() base.T { return base.New(1) }

func Boxed() *base.Box[base.T] {
	var b base.Box[base.T]
	b.Add(Make())
	return &b
}
`,
		},
	})
	useProxy(t, proxy)
	dir := writeModule(t, map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.26\n\nrequire (\n\texample.com/base v1.0.0\n\texample.com/wrap v1.0.0\n)\n",
		"main.go": `package main

import (
	"example.com/base"
	"example.com/wrap"
)

func use(t base.T) int { return t.N }

func main() {
	var b *base.Box[base.T] = wrap.Boxed()
	b.Add(base.New(2))
	println(use(wrap.Make()), len(b.Items), base.Sum(1, 2))
}
`,
	})
	ts, _ := target.ParseList("linux/amd64,linux/386,windows/amd64")
	check := func() (*Session, *Result) {
		s := NewSession()
		res, err := s.Check(context.Background(), Options{Dir: dir, Targets: ts})
		if err != nil {
			t.Fatal(err)
		}
		return s, res
	}
	s, res := check()
	compareWithGoBuild(t, dir, ts, res, false)

	compacted, kept := 0, 0
	for _, u := range s.units.units {
		if u.pkg == nil || !strings.HasPrefix(u.pkg.Path(), "example.com/") || u.pkg.Path() == "example.com/app" {
			continue
		}
		// A checked package has a scope per file; one read from
		// export data has none.
		if u.pkg.Scope().NumChildren() == 0 {
			compacted++
			if !u.clean() {
				t.Errorf("%s: compacted with errors", u.pkg.Path())
			}
		} else {
			kept++
			if u.clean() {
				t.Errorf("%s: clean but kept as checked", u.pkg.Path())
			}
		}
	}
	// base: one unit per word size, one more for windows (kept: its
	// body fails); wrap likewise.
	if compacted < 3 || kept < 1 {
		t.Errorf("dependency units: %d compacted, %d kept as checked; want at least 3 and 1", compacted, kept)
	}

	compactDependencies = false
	defer func() { compactDependencies = true }()
	_, whole := check()
	if !reflect.DeepEqual(res, whole) {
		t.Errorf("results differ with dependencies kept as checked")
	}
}
