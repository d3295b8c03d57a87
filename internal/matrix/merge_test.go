package matrix

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// TestCgoFallbackSaidOnce checks how a check presents a package written
// to work without cgo: its own cgo file and the imports of it are
// information, the imports said once for the whole check, with the other
// packages' imports as related locations; the verdicts are those of go
// build (every package builds).
func TestCgoFallbackSaidOnce(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": "module example.com/fb\n\ngo 1.22\n",
		"metrics/metrics.go": "package metrics\n\nimport \"errors\"\n\nvar errNotImplemented = errors.New(\"not implemented\")\n\n" +
			"func RSS() uint64 {\n\tif v, err := getMemory(); err == nil {\n\t\treturn v\n\t} else if errors.Is(err, errNotImplemented) {\n\t\treturn 0\n\t}\n\treturn 1\n}\n",
		"metrics/mem_cgo.go":   "//go:build cgo\n\npackage metrics\n\n// static unsigned long long rss(void) { return 1; }\nimport \"C\"\n\nfunc getMemory() (uint64, error) { return uint64(C.rss()), nil }\n",
		"metrics/mem_nocgo.go": "//go:build !cgo\n\npackage metrics\n\nfunc getMemory() (uint64, error) { return 0, errNotImplemented }\n",
		"a/a.go":               "package a\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
		"a/more.go":            "package a\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
		"b/b.go":               "package b\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
	})
	targets, _ := target.ParseList("linux/amd64,windows/amd64")
	res, err := NewSession().Check(context.Background(), Options{Dir: dir, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Diagnostics {
		rel, _ := filepath.Rel(dir, d.File)
		line := fmt.Sprintf("%s:%d %s %s", filepath.ToSlash(rel), d.Line, d.Severity, d.Message)
		for _, r := range d.Related {
			rrel, _ := filepath.Rel(dir, r.File)
			line += fmt.Sprintf("; %s:%d %s", filepath.ToSlash(rrel), r.Line, r.Message)
		}
		got = append(got, line)
	}
	want := []string{
		`a/a.go:3 info [all targets] example.com/fb/metrics uses cgo (mem_cgo.go imports "C") but works without it: mem_nocgo.go replaces it when CGO_ENABLED=0; nothing to do` +
			`; a/more.go:3 example.com/fb/metrics is imported here too; b/b.go:3 the same import, in example.com/fb/b`,
		`metrics/mem_cgo.go:6 info [all targets] this file imports "C" and is left out of the build when CGO_ENABLED=0; the package works without it, with mem_nocgo.go: nothing to do`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range res.Packages {
		for tgt, v := range p.Targets {
			if v.Status != "ok" {
				t.Errorf("%s for %s: %+v, want ok", p.Path, tgt, v)
			}
		}
	}
}

// TestDedupe checks that findings with the same position and message are
// one, with the higher severity and every related location, and that
// information said once keeps its first position.
func TestDedupe(t *testing.T) {
	r1 := Related{File: "x.go", Line: 1, Message: "one"}
	r2 := Related{File: "y.go", Line: 2, Message: "two"}
	in := []Diagnostic{
		{File: "a.go", Line: 3, Column: 8, Severity: SeverityWarning, Analyzer: "cgo", Message: "[linux/amd64] m", Related: []Related{r1}},
		{File: "a.go", Line: 3, Column: 8, Severity: SeverityError, Analyzer: "buildgap", Message: "[linux/amd64] m", Related: []Related{r1, r2}},
		{File: "a.go", Line: 3, Column: 8, Severity: SeverityWarning, Analyzer: "cgo", Message: "[windows/amd64] m"},
		{File: "a.go", Line: 4, Column: 2, Severity: SeverityInfo, Analyzer: "cgo", Message: "[all targets] i", Package: "p/a", once: true},
		{File: "b.go", Line: 4, Column: 2, Severity: SeverityInfo, Analyzer: "cgo", Message: "[all targets] i", Package: "p/b", once: true, Related: []Related{r2}},
	}
	out := dedupe(in)
	if len(out) != 3 {
		t.Fatalf("%d findings, want 3: %+v", len(out), out)
	}
	if d := out[0]; d.Severity != SeverityError || !slices.Equal(d.Related, []Related{r1, r2}) {
		t.Errorf("merged finding: %+v", d)
	}
	if d := out[1]; d.Message != "[windows/amd64] m" {
		t.Errorf("other targets' finding: %+v", d)
	}
	if d := out[2]; d.File != "a.go" || len(d.Related) != 2 || d.Related[0].File != "b.go" || d.Related[1] != r2 {
		t.Errorf("information said once: %+v", d)
	}
}

// TestFailingDependencyOnce checks that imports of dependencies outside
// the checked packages that fail for one reason, whether the dependency
// fails itself or through one of its own, are one finding per package, at
// the first import, with the others as related locations; and that the
// verdict is unchanged.
func TestFailingDependencyOnce(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":             "module example.com/dep\n\ngo 1.22\n",
		"inner/inner.go":     "package inner\n\nvar _ = lockFile\n",
		"inner/lock_unix.go": "//go:build unix\n\npackage inner\n\nfunc lockFile() {}\n",
		"x/x.go":             "package x\n\nimport _ \"example.com/dep/inner\"\n",
		"y/y.go":             "package y\n\nimport _ \"example.com/dep/inner\"\n",
		"app/app.go":         "package app\n\nimport (\n\t_ \"example.com/dep/x\"\n\t_ \"example.com/dep/y\"\n)\n",
		"app/more.go":        "package app\n\nimport (\n\t_ \"example.com/dep/inner\"\n\t_ \"example.com/dep/y\"\n)\n",
	})
	targets, _ := target.ParseList("linux/amd64,windows/amd64")
	res, err := NewSession().Check(context.Background(), Options{Dir: dir, Targets: targets, Patterns: []string{"./app"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Diagnostics {
		line := fmt.Sprintf("%s:%d %s", filepath.Base(d.File), d.Line, d.Message)
		for _, r := range d.Related {
			line += fmt.Sprintf("; %s:%d %s", filepath.Base(r.File), r.Line, r.Message)
		}
		got = append(got, line)
	}
	pos := filepath.Join(dir, "inner", "inner.go") + ":3:9"
	want := []string{
		"app.go:4 [windows/amd64] example.com/dep/x does not build for this target: example.com/dep/inner fails: undefined: lockFile (" + pos + ")" +
			"; app.go:5 example.com/dep/y does not build for the same reason" +
			"; more.go:4 example.com/dep/inner does not build for the same reason; more.go:5 example.com/dep/y does not build for the same reason",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v := res.Packages[0].Targets["windows/amd64"]; v.Status != "fail" || v.Class != ClassDependencyFails {
		t.Errorf("verdict for windows/amd64: %+v", v)
	}
}
