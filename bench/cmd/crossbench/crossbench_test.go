package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crossls/crossls/bench/internal/lspclient"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	samples := ms(50, 10, 40, 20, 30, 60, 70, 80, 90, 100) // unsorted on purpose
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Millisecond},
		{95, 100 * time.Millisecond},
		{90, 90 * time.Millisecond},
		{10, 10 * time.Millisecond},
		{1, 10 * time.Millisecond},
		{100, 100 * time.Millisecond},
	} {
		if got := percentile(samples, c.p); got != c.want {
			t.Errorf("percentile(p%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if samples[0] != 50*time.Millisecond {
		t.Error("percentile sorted its input in place")
	}
	if got := percentile(nil, 95); got != 0 {
		t.Errorf("percentile of nothing = %v, want 0", got)
	}
}

// apply applies incremental changes the way a server does. The benchmark's
// changes only use character 0, so lines are enough.
func apply(text string, changes []lspclient.Change) string {
	for _, c := range changes {
		lines := strings.SplitAfter(text, "\n")
		offset := func(p lspclient.Position) int {
			n := 0
			for i := 0; i < p.Line && i < len(lines); i++ {
				n += len(lines[i])
			}
			return n + p.Character
		}
		text = text[:offset(c.Range.Start)] + c.Text + text[offset(c.Range.End):]
	}
	return text
}

func TestBreakingEdit(t *testing.T) {
	orig := "// Package p does things.\npackage p\n\nimport \"os\"\n\nvar _ = os.Args\n"
	e, err := newBreakingEdit(orig, "var _ = helper")
	if err != nil {
		t.Fatal(err)
	}
	broken := e.broken(orig)
	if want := orig + "var _ = helper\n"; broken != want {
		t.Fatalf("broken text:\n%s\nwant:\n%s", broken, want)
	}
	if got := apply(broken, e.remove()); got != orig {
		t.Errorf("removing gives:\n%s\nwant the original", got)
	}
	if got := apply(orig, e.insert()); got != broken {
		t.Errorf("inserting gives:\n%s\nwant:\n%s", got, broken)
	}
	for _, bad := range [][2]string{{"package p", "var _ = x"}, {orig, ""}, {orig, "a\nb"}} {
		if _, err := newBreakingEdit(bad[0], bad[1]); err == nil {
			t.Errorf("newBreakingEdit(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}

func TestParseCheck(t *testing.T) {
	out := `{"targets":["linux/amd64","windows/amd64"],"packages":[
	  {"path":"m/a","targets":{"linux/amd64":{"status":"ok"},"windows/amd64":{"status":"fail","class":"undefined-symbol"}}},
	  {"path":"m/lin","targets":{"linux/amd64":{"status":"ok"},"windows/amd64":{"status":"fail","class":"no-go-files"}}}]}`
	res, err := parseCheck([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := verdicts{
		"linux/amd64":   {"m/a": true, "m/lin": true},
		"windows/amd64": {"m/a": false}, // no-go-files: not part of ./... for windows
	}
	if !reflect.DeepEqual(res.Verdicts, want) || res.Packages != 2 {
		t.Errorf("parseCheck = %v (%d packages), want %v", res.Verdicts, res.Packages, want)
	}
	for _, bad := range []string{`{"packages":[{"path":"m","targets":{"linux/amd64":{"status":"maybe"}}}]}`, `not json`} {
		if _, err := parseCheck([]byte(bad)); err == nil {
			t.Errorf("parseCheck(%s) succeeded", bad)
		}
	}
}

func TestCompareVerdicts(t *testing.T) {
	predicted := verdicts{"linux/amd64": {"m/a": true, "m/b": true}, "windows/amd64": {"m/a": false, "m/c": true}}
	actual := verdicts{"linux/amd64": {"m/a": true, "m/b": false}, "windows/amd64": {"m/a": false}, "js/wasm": {"m/a": true}}
	n, diffs := compareVerdicts(predicted, actual)
	if n != 5 {
		t.Errorf("compared %d verdicts, want 5", n)
	}
	want := []disagreement{
		{Target: "js/wasm", Package: "m/a", Crossls: "absent", Naive: "ok"},
		{Target: "linux/amd64", Package: "m/b", Crossls: "ok", Naive: "fail"},
		{Target: "windows/amd64", Package: "m/c", Crossls: "ok", Naive: "absent"},
	}
	if !reflect.DeepEqual(diffs, want) {
		t.Errorf("disagreements %v, want %v", diffs, want)
	}
	if n, diffs := compareVerdicts(predicted, predicted); n != 4 || len(diffs) != 0 {
		t.Errorf("comparing with itself: %d compared, %v differ", n, diffs)
	}
}

func TestWithEnv(t *testing.T) {
	got := withEnv([]string{"A=1", "GOOS=plan9", "B=2", "GOARM=5"}, "GOOS=linux", "GOARM=", "GOARM=7")
	want := []string{"A=1", "B=2", "GOOS=linux", "GOARM=", "GOARM=7"} // os/exec keeps the last GOARM
	if !slices.Equal(got, want) {
		t.Errorf("withEnv = %q, want %q", got, want)
	}
}

func TestModuleShort(t *testing.T) {
	for path, want := range map[string]string{"github.com/shirou/gopsutil/v4": "gopsutil", "golang.org/x/tools": "tools", "example.com/v2x": "v2x"} {
		if got := (module{Path: path}).short(); got != want {
			t.Errorf("short(%s) = %q, want %q", path, got, want)
		}
	}
}

// writeModule writes a module with a package for every target, a
// linux-only package, one that uses a linux-only function, so that
// windows has an absent package and a failing one, and one that builds
// everywhere but has a linux-only function, for the editor.
func writeModule(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.com/m\n\ngo 1.22\n",
		"all/all.go":         "package all\n\nfunc All() int { return 1 }\n",
		"lin/lin_linux.go":   "package lin\n\nfunc Lin() {}\n",
		"uses/uses.go":       "package uses\n\nfunc Use() { helper() }\n",
		"uses/help_linux.go": "package uses\n\nfunc helper() {}\n",
		"cmd/tool/main.go":   "package main\n\nimport \"example.com/m/all\"\n\nfunc main() { println(all.All()) }\n",
		"edit/edit.go":       "package edit\n\nfunc Edit() {}\n",
		"edit/os_linux.go":   "package edit\n\nfunc linuxOnly() {}\n",
		// Test files only: go build ./... skips it, go build of it fails.
		"meta/meta_test.go": "package meta\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildCrossls builds the crossls command of this repository.
func buildCrossls(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crossls")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/crossls/crossls/cmd/crossls").CombinedOutput()
	if err != nil {
		t.Fatalf("building crossls: %v\n%s", err, out)
	}
	return bin
}

func TestNaiveLoopAgreesWithCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build for two targets")
	}
	dir := writeModule(t)
	env := withEnv(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "XDG_CACHE_HOME="+t.TempDir())
	targets := []string{"linux/amd64", "windows/amd64"}
	ctx := context.Background()

	naive, err := runNaive(ctx, "go", dir, env, targets)
	if err != nil {
		t.Fatal(err)
	}
	want := verdicts{
		"linux/amd64":   {"example.com/m/all": true, "example.com/m/lin": true, "example.com/m/uses": true, "example.com/m/cmd/tool": true, "example.com/m/edit": true},
		"windows/amd64": {"example.com/m/all": true, "example.com/m/uses": false, "example.com/m/cmd/tool": true, "example.com/m/edit": true},
	}
	if !reflect.DeepEqual(naive.Verdicts, want) {
		t.Errorf("naive verdicts %v, want %v", naive.Verdicts, want)
	}
	if !slices.Equal(naive.PerPackage, []string{"windows/amd64"}) {
		t.Errorf("built package by package for %v, want only windows/amd64", naive.PerPackage)
	}
	if naive.Elapsed <= 0 {
		t.Error("naive loop not timed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 7 {
		t.Errorf("the loop wrote into the module: %v", entries)
	}

	check, err := runCheck(ctx, buildCrossls(t), dir, env, targets)
	if err != nil {
		t.Fatal(err)
	}
	if n, diffs := compareVerdicts(check.Verdicts, naive.Verdicts); n != 9 || len(diffs) > 0 {
		t.Errorf("crossls check vs go build: %d compared, differences: %v", n, diffs)
	}
	if check.MaxRSS <= 0 {
		t.Error("crossls check memory not measured")
	}
}

// TestEditorScenario runs the editor benchmark against the real crossls
// serve on a small module: the edit must be seen and cleared every time.
func TestEditorScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the language server")
	}
	bin := buildCrossls(t)
	dir := writeModule(t)
	m := &module{Path: "example.com/m", Version: "v0.0.0", EditFile: "edit/edit.go", EditLine: "var _ = linuxOnly", EditWord: "linuxOnly", Dir: dir}
	for _, targets := range [][]string{{"windows/amd64"}, {"linux/amd64", "windows/amd64", "js/wasm"}} {
		s := &editorScenario{
			Server: "crossls", Argv: []string{bin, "serve"}, Module: m, Targets: targets, Broken: "windows/amd64", Word: "linuxOnly",
			Env:   withEnv(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "XDG_CACHE_HOME="+t.TempDir()),
			Edits: 3, Budget: time.Hour, Timeout: 2 * time.Minute, LogDir: t.TempDir(),
		}
		res := s.run(context.Background())
		if res.Err != nil {
			t.Fatalf("%s: %v", s.name(), res.Err)
		}
		if res.ColdStart <= 0 || len(res.Appear) != 3 || len(res.Clear) != 3 {
			t.Errorf("%s: cold start %v, %d appear and %d clear samples; want a cold start and 3 of each", s.name(), res.ColdStart, len(res.Appear), len(res.Clear))
		}
		if res.Peak.Self <= 0 || res.Peak.Tree < res.Peak.Self {
			t.Errorf("%s: peak memory %+v", s.name(), res.Peak)
		}
	}
}

// TestMatches checks the matcher: an edit that
// breaks only targets other than Broken never counts as seen.
func TestMatches(t *testing.T) {
	s := &editorScenario{Server: "crossls", Broken: "windows/amd64", Word: "newWatches"}
	pub := func(msgs ...string) lspclient.Publication {
		var p lspclient.Publication
		for _, m := range msgs {
			p.Diagnostics = append(p.Diagnostics, lspclient.Diagnostic{Message: m})
		}
		return p
	}
	for _, c := range []struct {
		p              lspclient.Publication
		matches, clean bool
	}{
		{pub("[windows/amd64, plan9/amd64] undefined: newWatches"), true, false},
		{pub("[all targets] undefined: newWatches"), true, false},
		{pub("[plan9/amd64] undefined: newWatches"), false, false},
		{pub("[windows/amd64] undefined: other"), false, true},
		{pub(), false, true},
	} {
		if got := s.matches(c.p); got != c.matches {
			t.Errorf("crossls matches(%v) = %v", c.p.Diagnostics, got)
		}
		if got := s.clean(c.p); got != c.clean {
			t.Errorf("clean(%v) = %v", c.p.Diagnostics, got)
		}
	}
	g := &editorScenario{Server: "gopls", Broken: "windows/amd64", Word: "newWatches"}
	if !g.matches(pub("undefined: newWatches")) {
		t.Error("gopls message without targets not matched")
	}
}
