package matrix_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/matrix"
)

// The tests in this file run the driver on workspaces an editor may open:
// broken, huge, cyclic or unreadable, and with a go command that is
// missing or misbehaves. Each must end in a clear error or a result whose
// verdicts for the healthy packages are still right.

var (
	linuxAMD64   = target.Target{GOOS: "linux", GOARCH: "amd64"}
	windowsAMD64 = target.Target{GOOS: "windows", GOARCH: "amd64"}
	hostileTwo   = []target.Target{linuxAMD64, windowsAMD64}
)

const hostileGoMod = "module example.com/m\n\ngo 1.26\n"

// healthyFiles is a package that builds for every target, and one whose
// main.go calls a function only its linux file defines.
var healthyFiles = map[string]string{
	"good/good.go":         "package good\n\nfunc Good() int { return 1 }\n",
	"gap/gap.go":           "package gap\n\nfunc Use() { platform() }\n",
	"gap/gap_linux.go":     "package gap\n\nfunc platform() {}\n",
	"gap/gap_other_doc.go": "// Package gap is defined for linux only.\npackage gap\n",
}

// hostileModule writes files (slash paths) under a fresh module root.
func hostileModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"go.mod": hostileGoMod}
	for name, content := range healthyFiles {
		all[name] = content
	}
	for name, content := range files {
		all[name] = content
	}
	for name, content := range all {
		hostileWrite(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	return dir
}

func hostileWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// verdict returns the verdict of the package with the given import path
// for t, failing the test if the result has none.
func verdict(t *testing.T, res *matrix.Result, path string, tg target.Target) matrix.Verdict {
	t.Helper()
	for _, p := range res.Packages {
		if p.Path == path {
			v, ok := p.Targets[tg.String()]
			if !ok {
				t.Fatalf("package %s has no verdict for %s", path, tg)
			}
			return v
		}
	}
	var paths []string
	for _, p := range res.Packages {
		paths = append(paths, p.Path)
	}
	t.Fatalf("no package %s in result; have %q", path, paths)
	return matrix.Verdict{}
}

// checkHealthy checks the verdicts of the packages of healthyFiles.
func checkHealthy(t *testing.T, res *matrix.Result) {
	t.Helper()
	if v := verdict(t, res, "example.com/m/good", linuxAMD64); v.Status != "ok" {
		t.Errorf("good for linux: %+v, want ok", v)
	}
	if v := verdict(t, res, "example.com/m/good", windowsAMD64); v.Status != "ok" {
		t.Errorf("good for windows: %+v, want ok", v)
	}
	if v := verdict(t, res, "example.com/m/gap", linuxAMD64); v.Status != "ok" {
		t.Errorf("gap for linux: %+v, want ok", v)
	}
	if v := verdict(t, res, "example.com/m/gap", windowsAMD64); v.Status != "fail" || v.Class != matrix.ClassUndefinedSymbol {
		t.Errorf("gap for windows: %+v, want fail (%s)", v, matrix.ClassUndefinedSymbol)
	}
}

// goBuildOK runs the real `go build` of pkg for tg.
func goBuildOK(t *testing.T, dir, pkg string, tg target.Target) bool {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", os.DevNull, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), tg.Environ()...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("go build %s for %s: %v\n%s", pkg, tg, err, out)
	}
	return err == nil
}

func check(t *testing.T, opts matrix.Options) (*matrix.Result, error) {
	t.Helper()
	if opts.Targets == nil {
		opts.Targets = hostileTwo
	}
	return matrix.Check(context.Background(), opts)
}

func mustCheck(t *testing.T, opts matrix.Options) *matrix.Result {
	t.Helper()
	res, err := check(t, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return res
}

func TestHostileSyntaxErrorsEverywhere(t *testing.T) {
	dir := hostileModule(t, map[string]string{
		"bad/a.go":         "package bad\n\nfunc A( {\n",
		"bad/b.go":         "package bad\n\nvar = 1\n}}}\n",
		"bad/c_windows.go": "package bad\n\nimport (\n",
		"bad/d.go":         "packag bad\n",
		"bad/e.go":         "",
	})
	res := mustCheck(t, matrix.Options{Dir: dir})
	checkHealthy(t, res)
	for _, tg := range hostileTwo {
		v := verdict(t, res, "example.com/m/bad", tg)
		if v.Status != "fail" || v.Message == "" {
			t.Errorf("bad for %s: %+v, want a failure with a message", tg, v)
		}
		if want := goBuildOK(t, dir, "./bad", tg); want != (v.Status == "ok") {
			t.Errorf("bad for %s: verdict %s, go build ok = %v", tg, v.Status, want)
		}
	}
	found := false
	for _, d := range res.Diagnostics {
		if strings.HasSuffix(d.File, filepath.Join("bad", "a.go")) && d.Severity == matrix.SeverityError {
			found = true
		}
		if d.Line < 1 || d.Column < 1 {
			t.Errorf("diagnostic without a position: %+v", d)
		}
	}
	if !found {
		t.Errorf("no error reported in bad/a.go")
	}
}

func TestHostileHugeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("// Code generated by a test. DO NOT EDIT.\n\npackage huge\n\n")
	for i := 0; b.Len() < 5<<20; i++ {
		fmt.Fprintf(&b, "func F%d() int { return %d }\n", i, i)
	}
	b.WriteString("\nfunc Use() { platform() }\n")
	dir := hostileModule(t, map[string]string{
		"huge/huge.go":       b.String(),
		"huge/huge_linux.go": "package huge\n\nfunc platform() {}\n",
	})
	res := mustCheck(t, matrix.Options{Dir: dir})
	checkHealthy(t, res)
	if v := verdict(t, res, "example.com/m/huge", linuxAMD64); v.Status != "ok" {
		t.Errorf("huge for linux: %+v", v)
	}
	if v := verdict(t, res, "example.com/m/huge", windowsAMD64); v.Class != matrix.ClassUndefinedSymbol {
		t.Errorf("huge for windows: %+v, want %s", v, matrix.ClassUndefinedSymbol)
	}
}

func TestHostileThousandsOfFiles(t *testing.T) {
	files := map[string]string{}
	const pkgs, perPkg = 50, 40
	for p := 0; p < pkgs; p++ {
		for f := 0; f < perPkg; f++ {
			name := fmt.Sprintf("many/p%d/f%d.go", p, f)
			body := fmt.Sprintf("package p%d\n\nfunc F%d() int { return %d }\n", p, f, f)
			if p > 0 && f == 0 {
				body = fmt.Sprintf("package p%d\n\nimport \"example.com/m/many/p%d\"\n\nfunc F0() int { return p%d.F0() }\n", p, p-1, p-1)
			}
			files[name] = body
		}
	}
	// The first package of the chain lacks a symbol on windows, so every
	// package above it fails there as a dependency.
	files["many/p0/f1.go"] = "package p0\n\nfunc F1() int { return missing() }\n"
	files["many/p0/missing_linux.go"] = "package p0\n\nfunc missing() int { return 0 }\n"
	dir := hostileModule(t, files)
	res := mustCheck(t, matrix.Options{Dir: dir})
	checkHealthy(t, res)
	for p := 0; p < pkgs; p++ {
		path := fmt.Sprintf("example.com/m/many/p%d", p)
		if v := verdict(t, res, path, linuxAMD64); v.Status != "ok" {
			t.Errorf("%s for linux: %+v", path, v)
		}
		v := verdict(t, res, path, windowsAMD64)
		want := matrix.ClassDependencyFails
		if p == 0 {
			want = matrix.ClassUndefinedSymbol
		}
		if v.Status != "fail" || v.Class != want {
			t.Errorf("%s for windows: %+v, want fail (%s)", path, v, want)
		}
	}
	if want := goBuildOK(t, dir, "./many/p49", windowsAMD64); want {
		t.Errorf("go build of the top of the chain succeeds for windows; the fixture is wrong")
	}
}

func TestHostileSymlinkLoops(t *testing.T) {
	dir := hostileModule(t, map[string]string{"loop/l.go": "package loop\n"})
	for old, link := range map[string]string{
		"..":                    "loop/up",      // a directory loop
		"self.go":               "loop/self.go", // a link to itself
		filepath.Join(dir, "x"): "loop/abs",     // dangling, absolute
	} {
		if err := os.Symlink(old, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := check(t, matrix.Options{Dir: dir})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	checkHealthy(t, res)
	v := verdict(t, res, "example.com/m/loop", linuxAMD64)
	if want := goBuildOK(t, dir, "./loop", linuxAMD64); want != (v.Status == "ok") {
		t.Errorf("loop for linux: verdict %+v, go build ok = %v", v, want)
	}
}

// TestHostileUnreadableFiles checks a file the go command cannot read. As
// root, chmod cannot take read access away, so the file is a dangling
// symlink there.
func TestHostileUnreadableFiles(t *testing.T) {
	dir := hostileModule(t, map[string]string{
		"locked/locked.go": "package locked\n\nfunc Locked() {}\n",
		"locked/other.go":  "package locked\n",
	})
	locked := filepath.Join(dir, "locked", "locked.go")
	if os.Geteuid() == 0 {
		if err := os.Remove(locked); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(dir, "nowhere.go"), locked); err != nil {
			t.Fatal(err)
		}
	} else if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	res, err := check(t, matrix.Options{Dir: dir})
	if err != nil {
		// An error is fine as long as it says what is wrong.
		if !strings.Contains(err.Error(), "locked") {
			t.Errorf("Check error does not name the unreadable file: %v", err)
		}
		return
	}
	checkHealthy(t, res)
	v := verdict(t, res, "example.com/m/locked", linuxAMD64)
	if v.Status != "fail" || v.Message == "" {
		t.Errorf("locked for linux: %+v, want a failure with a message", v)
	}
	if goBuildOK(t, dir, "./locked", linuxAMD64) {
		t.Errorf("go build succeeds on an unreadable file; the fixture is wrong")
	}
}

func TestHostileDirectoryNamedGoFile(t *testing.T) {
	dir := hostileModule(t, map[string]string{
		"good/x.go/inner.go": "package inner\n\nfunc Inner() {}\n",
	})
	res := mustCheck(t, matrix.Options{Dir: dir})
	checkHealthy(t, res)
	if v := verdict(t, res, "example.com/m/good/x.go", linuxAMD64); v.Status != "ok" {
		t.Errorf("good/x.go for linux: %+v", v)
	}
}

func TestHostileBrokenGoMod(t *testing.T) {
	for name, gomod := range map[string]string{
		"unterminated require": hostileGoMod + "require (\n\texample.com/x v1.0.0\n",
		"garbage":              "\xff\xfe not a go.mod at all {{{\n",
		"bad version":          "module example.com/m\n\ngo 1.x.y\n",
		"missing requirement":  hostileGoMod + "require example.com/nosuch v0.0.0\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := hostileModule(t, map[string]string{"go.mod": gomod})
			res, err := check(t, matrix.Options{Dir: dir})
			if err != nil {
				if !strings.Contains(err.Error(), "go.mod") && !strings.Contains(err.Error(), "example.com") {
					t.Errorf("error does not point at go.mod: %v", err)
				}
				return
			}
			// go list -e may report the problem per package instead.
			for _, p := range res.Packages {
				for tg, v := range p.Targets {
					if v.Status == "fail" && v.Message == "" {
						t.Errorf("%s for %s: failure without a message", p.Path, tg)
					}
				}
			}
		})
	}
}

func TestHostileGoWorkMissingModule(t *testing.T) {
	dir := hostileModule(t, map[string]string{
		"go.work": "go 1.26\n\nuse (\n\t.\n\t./missing\n)\n",
	})
	_, err := check(t, matrix.Options{Dir: dir})
	if err == nil {
		t.Fatal("Check succeeded in a workspace that names a missing module")
	}
	if !strings.Contains(err.Error(), "missing") {
		t.Errorf("error does not name the missing module: %v", err)
	}
}

func TestHostileInvalidUTF8(t *testing.T) {
	dir := hostileModule(t, map[string]string{
		"utf/comment.go": "package utf\n\n// caf\xe9 \xff\xfe\n",
		"utf/string.go":  "package utf\n\nconst S = \"\xff\"\n",
		"badid/id.go":    "package badid\n\nfunc F\xff() {}\n",
		"nul/nul.go":     "package nul\n\nvar x = 1\x00\n",
	})
	res := mustCheck(t, matrix.Options{Dir: dir})
	checkHealthy(t, res)
	for _, pkg := range []string{"utf", "badid", "nul"} {
		v := verdict(t, res, "example.com/m/"+pkg, linuxAMD64)
		if want := goBuildOK(t, dir, "./"+pkg, linuxAMD64); want != (v.Status == "ok") {
			t.Errorf("%s for linux: verdict %+v, go build ok = %v", pkg, v, want)
		}
	}
}

func TestHostileOverlays(t *testing.T) {
	dir := hostileModule(t, map[string]string{
		"ov/use.go": "package ov\n\nfunc Use() { New() }\n",
	})
	newFile := filepath.Join(dir, "ov", "new.go")

	// Without the unsaved file, New is undefined everywhere.
	res := mustCheck(t, matrix.Options{Dir: dir})
	if v := verdict(t, res, "example.com/m/ov", linuxAMD64); v.Status != "fail" {
		t.Errorf("ov without overlay: %+v, want fail", v)
	}

	// An overlay for a file that does not exist on disk.
	res = mustCheck(t, matrix.Options{Dir: dir, Overlay: map[string][]byte{
		newFile: []byte("package ov\n\nfunc New() {}\n"),
	}})
	checkHealthy(t, res)
	for _, tg := range hostileTwo {
		if v := verdict(t, res, "example.com/m/ov", tg); v.Status != "ok" {
			t.Errorf("ov with new.go in an overlay, for %s: %+v", tg, v)
		}
	}

	// An overlay with syntax errors, of a file on disk and of a new one,
	// and one in a directory that does not exist.
	res = mustCheck(t, matrix.Options{Dir: dir, Overlay: map[string][]byte{
		filepath.Join(dir, "good", "good.go"): []byte("package good\n\nfunc Good() int { return 1 }\n"),
		newFile:                               []byte("package ov\n\nfunc New( {\n"),
		filepath.Join(dir, "nodir", "x.go"):   []byte("package nodir\n"),
	}})
	checkHealthy(t, res)
	v := verdict(t, res, "example.com/m/ov", linuxAMD64)
	if v.Status != "fail" {
		t.Errorf("ov with a broken overlay: %+v, want fail", v)
	}
	found := false
	for _, d := range res.Diagnostics {
		if d.File == newFile && d.Severity == matrix.SeverityError {
			found = true
		}
	}
	if !found {
		t.Errorf("no error reported in the overlay of %s", newFile)
	}
}

func TestHostileGoMissing(t *testing.T) {
	dir := hostileModule(t, nil)
	t.Setenv("PATH", t.TempDir())
	_, err := check(t, matrix.Options{Dir: dir})
	if !errors.Is(err, target.ErrGoNotFound) {
		t.Errorf("Check without go on PATH: %v, want %v", err, target.ErrGoNotFound)
	}
	_, err = check(t, matrix.Options{Dir: dir, GoCmd: filepath.Join(t.TempDir(), "go")})
	if !errors.Is(err, target.ErrGoNotFound) {
		t.Errorf("Check with a GoCmd that does not exist: %v, want %v", err, target.ErrGoNotFound)
	}
}

// fakeGo writes a go command that passes `go tool` and `go env` to the
// real one, so that the target list loads, and runs script for anything
// else (go list). It returns the directory to put first on PATH.
func fakeGo(t *testing.T, script string) string {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	content := "#!/bin/sh\ncase \"$1\" in tool|env|version) exec " + strconv.Quote(real) + " \"$@\";; esac\n" + script + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHostileFailingGo(t *testing.T) {
	dir := hostileModule(t, nil)
	for _, tc := range []struct {
		name, script, want string
	}{
		{"exit 1", "echo 'go: something is wrong' >&2; exit 1", "something is wrong"},
		{"garbage", "echo 'this is not JSON'; exit 0", "go list"},
		{"truncated", "printf '{\"ImportPath\": \"example.com/m/good\", \"GoFiles\": ['; exit 0", "go list"},
		{"killed", "kill -9 $$", "go list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := fakeGo(t, tc.script)
			t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			_, err := check(t, matrix.Options{Dir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check with a go that fails (%s): %v, want an error mentioning %q", tc.script, err, tc.want)
			}
		})
	}
}

// TestHostileSlowGoCancelled runs the driver with a go command that never
// finishes, and a child of its own that never finishes either, then
// cancels: Check must return, and leave no process of the fake running.
func TestHostileSlowGoCancelled(t *testing.T) {
	dir := hostileModule(t, nil)
	pids := t.TempDir()
	bin := fakeGo(t, fmt.Sprintf("echo $$ >> %[1]s/pids\nsleep 600 &\necho $! >> %[1]s/pids\nwait", pids))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := matrix.Check(ctx, matrix.Options{Dir: dir, Targets: hostileTwo})
		done <- err
	}()
	// Cancel once every go list has started (two targets: four processes).
	waitForLines(t, filepath.Join(pids, "pids"), 2*len(hostileTwo))
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Check after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("Check did not return after its context was cancelled")
	}
	var left []string
	for _, pid := range readPIDs(t, filepath.Join(pids, "pids")) {
		if running(pid) {
			left = append(left, strconv.Itoa(pid))
			defer func() { _ = kill(pid) }()
		}
	}
	if len(left) > 0 {
		t.Errorf("processes of the cancelled go command still running: %s", strings.Join(left, " "))
	}
}

// waitForLines waits until file has n lines; a test timeout ends a wait
// that never succeeds.
func waitForLines(t *testing.T, file string, n int) {
	t.Helper()
	for {
		data, _ := os.ReadFile(file)
		if bytes.Count(data, []byte("\n")) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readPIDs(t *testing.T, file string) []int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pid file: %v", err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// running reports whether process pid exists and is not a zombie.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func kill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
