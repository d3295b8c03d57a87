package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// TestCheck runs the peer on a module whose packages build for some
// targets only: its verdicts must be go build's for these plain cases
// (the benchmark reports where it differs on real modules).
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"go.mod":             "module example.com/m\n\ngo 1.22\n",
		"lib/lib.go":         "package lib\n\nfunc F() int { return only }\n",
		"lib/only_linux.go":  "package lib\n\nconst only = 1\n",
		"app/app.go":         "package app\n\nimport \"example.com/m/lib\"\n\nvar X = lib.F()\n",
		"win/win_windows.go": "package win\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts, _ := target.ParseList("linux/amd64,windows/amd64,darwin/arm64")
	out, err := check(dir, []string{"./..."}, ts, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range out.Packages {
		for tgt, v := range p.Targets {
			got[p.Path+" "+tgt] = v.Status + " " + v.Class
		}
	}
	want := map[string]string{
		"example.com/m/lib linux/amd64":   "ok ",
		"example.com/m/lib windows/amd64": "fail ",
		"example.com/m/lib darwin/arm64":  "fail ",
		"example.com/m/app linux/amd64":   "ok ",
		"example.com/m/app windows/amd64": "fail ",
		"example.com/m/app darwin/arm64":  "fail ",
		"example.com/m/win windows/amd64": "ok ", // ./... leaves it out elsewhere, as go build ./... does
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d verdicts, want %d: %v", len(got), len(want), got)
	}
}
