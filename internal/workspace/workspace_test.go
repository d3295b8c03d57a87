package workspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

func writeTree(t *testing.T, archive string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goWorkTree = `
-- go.work --
go 1.22

use (
	./app
	./tool
	./tool // repeated
)
-- app/go.mod --
module example.com/app
-- app/main.go --
package main
-- tool/go.mod --
module example.com/tool
-- tool/lib/lib.go --
package lib
-- tool/testdata/go.mod --
module ignored
-- other/go.mod --
module example.com/other
-- other/o.go --
package o
`

func TestDiscovery(t *testing.T) {
	root := writeTree(t, goWorkTree)
	noWork := []string{"PATH=" + os.Getenv("PATH")}
	if got := GoWorkFile(filepath.Join(root, "tool/lib"), noWork); got != filepath.Join(root, "go.work") {
		t.Errorf("GoWorkFile = %q", got)
	}
	if got := GoWorkFile(filepath.Join(root, "app"), []string{"GOWORK=off"}); got != "" {
		t.Errorf("GoWorkFile with GOWORK=off = %q", got)
	}
	w, err := LoadWork(filepath.Join(root, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "app"), filepath.Join(root, "tool")}
	if !slices.Equal(w.Modules, want) {
		t.Errorf("Modules = %q, want %q", w.Modules, want)
	}
	if !w.Uses(filepath.Join(root, "app")) || w.Uses(filepath.Join(root, "other")) {
		t.Errorf("Uses is wrong")
	}
	if got := ModuleRoot(filepath.Join(root, "tool/lib")); got != filepath.Join(root, "tool") {
		t.Errorf("ModuleRoot = %q", got)
	}
	if got := ModulePath(filepath.Join(root, "tool")); got != "example.com/tool" {
		t.Errorf("ModulePath = %q", got)
	}
	mods := FindModules(root)
	wantMods := []string{filepath.Join(root, "app"), filepath.Join(root, "other"), filepath.Join(root, "tool")}
	if !slices.Equal(mods, wantMods) {
		t.Errorf("FindModules = %q, want %q (testdata skipped)", mods, wantMods)
	}
}

// unitLine describes a unit relative to root: "dir [patterns] modules env".
func unitLine(root string, u Unit) string {
	rel := func(p string) string {
		r, _ := filepath.Rel(root, p)
		return filepath.ToSlash(r)
	}
	var mods []string
	for _, m := range u.Modules() {
		mods = append(mods, rel(m))
	}
	s := rel(u.Dir) + " " + strings.Join(u.Patterns(), ",") + " (" + strings.Join(mods, ",") + ")"
	if u.Work != nil {
		s += " work=" + rel(u.Work.File)
	}
	if len(u.Env) > 0 {
		s += " " + strings.Join(u.Env, " ")
	}
	return s
}

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name, tree, dir string
		patterns        []string
		all             bool
		want            []string // unitLine of each unit
		nested          []string
		expanded        bool
		err             string
	}{
		{
			name: "go.work root: ./... is every workspace module",
			tree: goWorkTree, want: []string{". ./app/...,./tool/... (app,tool) work=go.work"},
			expanded: true, nested: []string{"other"},
		},
		{
			name: "go.work root with -modules: others on their own", tree: goWorkTree, all: true,
			want: []string{
				". ./app/...,./tool/... (app,tool) work=go.work",
				"other ./... (other) GOWORK=off",
			},
			expanded: true,
		},
		{
			name: "go.work: patterns naming modules", tree: goWorkTree, patterns: []string{"./tool/lib", "example.com/app/...", "fmt"},
			want: []string{". ./tool/lib,example.com/app/...,fmt (tool,app) work=go.work"},
		},
		{
			name: "go.work: inside a module", tree: goWorkTree, dir: "tool",
			want: []string{"tool ./... (tool) work=go.work"},
		},
		{
			name: "go.work: a module it does not use", tree: goWorkTree, dir: "other",
			want: []string{"other ./... (other) GOWORK=off"},
		},
		{
			name: "go.work: outside its modules", tree: goWorkTree, patterns: []string{"./nowhere/..."},
			err: "holds none of the modules listed in",
		},
		{
			name: "go.work inside another module, which is not the workspace's", dir: "ws",
			tree: "-- go.mod --\nmodule example.com/outer\n-- ws/go.work --\ngo 1.22\n\nuse ./a\n-- ws/a/go.mod --\nmodule example.com/a\n",
			want: []string{"ws ./a/... (ws/a) work=ws/go.work"}, expanded: true,
		},
		{
			name: "nested module left out, as go does",
			tree: "-- go.mod --\nmodule example.com/root\n-- tools/go.mod --\nmodule example.com/tools\n",
			want: []string{". ./... (.)"}, nested: []string{"tools"},
		},
		{
			name: "nested module with -modules", all: true,
			tree: "-- go.mod --\nmodule example.com/root\n-- tools/go.mod --\nmodule example.com/tools\n",
			want: []string{". ./... (.)", "tools ./... (tools)"}, expanded: true,
		},
		{
			name: "nested module named", patterns: []string{"./...", "./tools/..."},
			tree: "-- go.mod --\nmodule example.com/root\n-- tools/go.mod --\nmodule example.com/tools\n",
			want: []string{". ./... (.)", "tools ./... (tools)"}, expanded: true,
		},
		{
			name: "folder of modules",
			tree: "-- a/go.mod --\nmodule example.com/a\n-- b/go.mod --\nmodule example.com/b\n-- b/cmd/x/x.go --\npackage main\n",
			want: []string{"a ./... (a)", "b ./... (b)"}, expanded: true,
		},
		{
			name: "folder of modules: patterns and import paths", patterns: []string{"./b/cmd/x", "example.com/a/..."},
			tree: "-- a/go.mod --\nmodule example.com/a\n-- b/go.mod --\nmodule example.com/b\n-- b/cmd/x/x.go --\npackage main\n",
			want: []string{"a example.com/a/... (a)", "b ./cmd/x (b)"}, expanded: true,
		},
		{
			name: "subdirectory of a module", dir: "sub",
			tree: "-- go.mod --\nmodule example.com/root\n-- sub/s.go --\npackage sub\n",
			want: []string{"sub ./... (.)"},
		},
		{
			name: "no module anywhere", tree: "-- a.go --\npackage a\n",
			err: "is not in a Go module and holds none",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, tc.tree)
			p, err := NewPlan(PlanOptions{Dir: filepath.Join(root, tc.dir), Patterns: tc.patterns, AllModules: tc.all, Env: []string{"PATH=" + os.Getenv("PATH")}})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range p.Units {
				got = append(got, unitLine(root, u))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("units:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			var nested []string
			for _, m := range p.Nested {
				r, _ := filepath.Rel(root, m)
				nested = append(nested, filepath.ToSlash(r))
			}
			if !slices.Equal(nested, tc.nested) {
				t.Errorf("nested = %q, want %q", nested, tc.nested)
			}
			if p.Expanded != tc.expanded {
				t.Errorf("expanded = %v, want %v", p.Expanded, tc.expanded)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	root := writeTree(t, goWorkTree)
	p, err := NewPlan(PlanOptions{Dir: root, Patterns: []string{"./...", "fmt"}, Env: []string{"PATH=" + os.Getenv("PATH")}})
	if err != nil {
		t.Fatal(err)
	}
	units := p.Units[0].Split(func(m string) string { return filepath.Base(m) })
	var got []string
	for _, u := range units {
		got = append(got, unitLine(root, u))
	}
	want := []string{
		". ./app/...,fmt (app) work=go.work",
		". ./tool/... (tool) work=go.work",
	}
	if !slices.Equal(got, want) {
		t.Errorf("split:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInPatternAndCount compares InPattern and CountPackageDirs with the
// packages `go list ./...` finds in a module.
func TestInPatternAndCount(t *testing.T) {
	root := writeTree(t, `
-- go.mod --
module example.com/m

go 1.22
-- m.go --
package m
-- a/a.go --
package a
-- a/b/b.go --
package b
-- a/b/c/c_test.go --
package c
-- a/z.go --
package a
-- testdata/t/t.go --
package t
-- _hidden/h.go --
package h
-- .dot/d.go --
package d
-- vendor/v/v.go --
package v
-- nested/go.mod --
module example.com/nested
-- nested/n.go --
package n
-- nested/deeper/x.go --
package x
-- docs/readme.txt --
text
`)
	cmd := exec.Command("go", "list", "-e", "-f", "{{.Dir}}", "./...")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	listed := strings.Fields(string(out))
	for _, dir := range []string{".", "a", "a/b", "a/b/c", "testdata/t", "_hidden", ".dot", "vendor/v", "nested", "nested/deeper"} {
		abs := filepath.Join(root, filepath.FromSlash(dir))
		want := slices.Contains(listed, abs)
		if got := InPattern(root, abs); got != want {
			t.Errorf("InPattern(%s) = %v; go list ./... lists it: %v", dir, got, want)
		}
	}
	if got := CountPackageDirs(root, 100); got != len(listed) {
		t.Errorf("CountPackageDirs = %d; go list ./... lists %d: %q", got, len(listed), listed)
	}
	if got := CountPackageDirs(root, 2); got != 2 {
		t.Errorf("CountPackageDirs with limit 2 = %d", got)
	}
}
