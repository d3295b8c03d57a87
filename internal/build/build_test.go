package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// writeModule writes files (slash-separated relative paths) into a new
// temporary workspace and returns its root.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func targets(t *testing.T, list string) []target.Target {
	t.Helper()
	ts, err := target.ParseList(list)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

const goMod = "module example.com/app\n\ngo 1.22\n"

// events records progress events, safe for concurrent use.
type events struct {
	mu  sync.Mutex
	got []Event
}

func (e *events) add(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
}

func (e *events) kinds(tgt string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var kinds []string
	for _, ev := range e.got {
		if ev.Target.String() == tgt {
			kinds = append(kinds, ev.Kind)
		}
	}
	return kinds
}

// leftovers lists the entries of dir other than want.
func leftovers(t *testing.T, dir string, want ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range entries {
		if !slices.Contains(want, e.Name()) {
			extra = append(extra, e.Name())
		}
	}
	return extra
}

func TestRunAllTargetsVerified(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":  goMod,
		"main.go": "package main\n\nfunc main() { println(\"hello\") }\n",
	})
	var ev events
	results, err := Run(context.Background(), Options{
		Dir:      dir,
		Targets:  targets(t, "linux/amd64 linux/arm64 linux/arm/v7 darwin/arm64 windows/amd64 windows/arm64 js/wasm wasip1/wasm"),
		Trimpath: true,
		OnEvent:  ev.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ file, format, machine string }{
		{"app-linux-amd64", "elf", "EM_X86_64"},
		{"app-linux-arm64", "elf", "EM_AARCH64"},
		{"app-linux-armv7", "elf", "EM_ARM"},
		{"app-darwin-arm64", "macho", "CpuArm64"},
		{"app-windows-amd64.exe", "pe", "IMAGE_FILE_MACHINE_AMD64"},
		{"app-windows-arm64.exe", "pe", "IMAGE_FILE_MACHINE_ARM64"},
		{"app-js-wasm.wasm", "wasm", "wasm"},
		{"app-wasip1-wasm.wasm", "wasm", "wasm"},
	}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d", len(results), len(want))
	}
	var files []string
	for i, res := range results {
		w := want[i]
		tgt := res.Target.String()
		if res.Err != nil {
			t.Errorf("%s: %v\n%s", tgt, res.Err, res.Log)
			continue
		}
		if res.Package != "example.com/app" {
			t.Errorf("%s: Package = %q", tgt, res.Package)
		}
		if res.Output != filepath.Join(dir, "dist", w.file) {
			t.Errorf("%s: Output = %s, want dist/%s", tgt, res.Output, w.file)
		}
		fi, err := os.Stat(res.Output)
		if err != nil || fi.Size() != res.Size || res.Size == 0 {
			t.Errorf("%s: output %v, size %d", tgt, err, res.Size)
		}
		v := res.Verify
		if v == nil || !v.OK() || v.Format != w.format || v.Machine != w.machine || v.GOOS != res.Target.GOOS || v.GOARCH != res.Target.GOARCH || v.CgoEnabled {
			t.Errorf("%s: verification %+v, want %s %s", tgt, v, w.format, w.machine)
		}
		if got := ev.kinds(tgt); !slices.Equal(got, []string{Started, Finished}) {
			t.Errorf("%s: events %v, want [started finished]", tgt, got)
		}
		files = append(files, w.file)
	}
	if extra := leftovers(t, filepath.Join(dir, "dist"), files...); len(extra) > 0 {
		t.Errorf("unexpected files in dist: %v", extra)
	}
}

// gapModule calls a function defined only for linux and darwin.
var gapModule = map[string]string{
	"go.mod":          goMod,
	"main.go":         "package main\n\nfunc main() { println(platformName()) }\n",
	"name_linux.go":   "package main\n\nfunc platformName() string { return \"linux\" }\n",
	"name_darwin.go":  "package main\n\nfunc platformName() string { return \"darwin\" }\n",
	"lib/lib.go":      "package lib\n\nvar Name = name\n",
	"lib/lib_unix.go": "//go:build unix\n\npackage lib\n\nconst name = \"unix\"\n",
}

func TestRunBuildTagGap(t *testing.T) {
	dir := writeModule(t, gapModule)
	results, err := Run(context.Background(), Options{
		Dir:      dir,
		Packages: []string{"./..."},
		Targets:  targets(t, "linux/amd64,windows/amd64,windows/arm64"),
		Trimpath: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Per target: the main package, then the other packages compiled without output.
	if len(results) != 6 {
		t.Fatalf("got %d results, want 6: %+v", len(results), results)
	}
	for _, res := range results[:2] {
		if res.Err != nil {
			t.Errorf("%s %s: %v", res.Target, res.Package, res.Err)
		}
	}
	if results[1].Package != "example.com/app/lib" || results[1].Output != "" {
		t.Errorf("library result = %+v, want a check of example.com/app/lib without output", results[1])
	}
	mainGo := filepath.Join(dir, "main.go")
	for _, res := range []Result{results[2], results[4]} {
		if res.Err == nil || !strings.Contains(res.Err.Error(), "main.go:3:23: undefined: platformName") {
			t.Errorf("%s: error %v, want main.go:3:23: undefined: platformName", res.Target, res.Err)
		}
		want := CompileError{File: mainGo, Line: 3, Column: 23, Message: "undefined: platformName", Package: "example.com/app", Targets: []string{res.Target.String()}}
		if len(res.Errors) != 1 || !equalError(res.Errors[0], want) {
			t.Errorf("%s: errors %+v, want %+v", res.Target, res.Errors, want)
		}
		if res.Output != "" || res.Verify != nil {
			t.Errorf("%s: failed build has output %q", res.Target, res.Output)
		}
	}
	for _, res := range []Result{results[3], results[5]} {
		if res.Err == nil || len(res.Errors) != 1 || res.Errors[0].File != filepath.Join(dir, "lib", "lib.go") || res.Errors[0].Line != 3 {
			t.Errorf("%s lib: %v %+v, want an error at lib/lib.go:3", res.Target, res.Err, res.Errors)
		}
	}

	merged := MergeErrors(results)
	if len(merged) != 2 {
		t.Fatalf("merged %+v, want 2 errors", merged)
	}
	if m := merged[0]; !strings.HasSuffix(m.File, "lib.go") || !slices.Equal(m.Targets, []string{"windows/amd64", "windows/arm64"}) {
		t.Errorf("merged lib.go error = %+v, want it on windows/amd64 and windows/arm64", m)
	}
	if m := merged[1]; m.File != mainGo || !slices.Equal(m.Targets, []string{"windows/amd64", "windows/arm64"}) {
		t.Errorf("merged main.go error = %+v, want it on windows/amd64 and windows/arm64", m)
	}
	if _, err := os.Stat(filepath.Join(dir, "dist", "app-linux-amd64")); err != nil {
		t.Errorf("linux/amd64 binary missing: %v", err)
	}
	if extra := leftovers(t, filepath.Join(dir, "dist"), "app-linux-amd64"); len(extra) > 0 {
		t.Errorf("failed builds left %v", extra)
	}
}

func equalError(a, b CompileError) bool {
	return a.File == b.File && a.Line == b.Line && a.Column == b.Column && a.Message == b.Message &&
		a.Package == b.Package && slices.Equal(a.Targets, b.Targets)
}

func TestRunInvalidTargets(t *testing.T) {
	dir := writeModule(t, map[string]string{"go.mod": goMod, "main.go": "package main\n\nfunc main() {}\n"})
	var ev events
	results, err := Run(context.Background(), Options{
		Dir:     dir,
		Targets: targets(t, "darwin/386 js/wasm+cgo"),
		OnEvent: ev.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	wants := []string{"unsupported GOOS/GOARCH pair darwin/386", "cgo is not supported on js/wasm"}
	for i, res := range results {
		if res.Err == nil || !strings.Contains(res.Err.Error(), wants[i]) || !strings.Contains(res.Err.Error(), "cannot be built with go1.") {
			t.Errorf("%s: error %v, want %q and the Go version", res.Target, res.Err, wants[i])
		}
		if got := ev.kinds(res.Target.String()); !slices.Equal(got, []string{Failed}) {
			t.Errorf("%s: events %v, want [failed] only", res.Target, got)
		}
	}
}

func TestRunVerificationFailureKeepsPreviousBinary(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":               goMod,
		"main.go":              "package main\n\nfunc main() {}\n",
		"dist/app-linux-amd64": "previous good binary",
	})
	// A stray GOARCH in the configured environment wins over the target's:
	// the go command builds arm64, which verification must catch.
	tgt := target.Target{GOOS: "linux", GOARCH: "amd64", Env: []string{"GOARCH=arm64"}}
	results, err := Run(context.Background(), Options{Dir: dir, Targets: []target.Target{tgt}, Trimpath: true})
	if err != nil {
		t.Fatal(err)
	}
	res := results[0]
	if res.Err == nil || !strings.Contains(res.Err.Error(), "verification failed: machine is EM_AARCH64, want EM_X86_64 for amd64") {
		t.Fatalf("error = %v, want a verification failure", res.Err)
	}
	if res.Output != "" || res.Verify == nil || res.Verify.OK() {
		t.Errorf("result = %+v, want no output and a failed report", res)
	}
	assertPrevious(t, filepath.Join(dir, "dist"), "app-linux-amd64")
}

// assertPrevious checks that dist holds only name, with its original content.
func assertPrevious(t *testing.T, dist, name string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dist, name))
	if err != nil || string(data) != "previous good binary" {
		t.Errorf("previous binary = %q, %v; want it kept", data, err)
	}
	if extra := leftovers(t, dist, name); len(extra) > 0 {
		t.Errorf("partial output left: %v", extra)
	}
}

func TestRunCgoWithoutCrossCompiler(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("the host C compiler may build for darwin")
	}
	dir := writeModule(t, map[string]string{
		"go.mod":  goMod,
		"main.go": "package main\n\n// int answer(void) { return 42; }\nimport \"C\"\n\nfunc main() { println(C.answer()) }\n",
	})
	// No C compiler on PATH for the build; the go command itself stays reachable.
	env := append(os.Environ(), "PATH="+filepath.Dir(goBinary(t)), "CC=")
	results, err := Run(context.Background(), Options{Dir: dir, Targets: targets(t, "darwin/arm64+cgo"), Env: env})
	if err != nil {
		t.Fatal(err)
	}
	var ccErr *CCompilerError
	if res := results[0]; !errors.As(res.Err, &ccErr) || !ccErr.Missing {
		t.Fatalf("error = %v, want a missing C compiler", res.Err)
	}
	msg := results[0].Err.Error()
	for _, want := range []string{"darwin/arm64+cgo needs a C compiler", `"clang" is not installed`, "configure CC for this target", "without +cgo"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	if extra := leftovers(t, filepath.Join(dir, "dist")); len(extra) > 0 {
		t.Errorf("failed build left %v", extra)
	}
}

func TestRunCgoHostCompilerForForeignTarget(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("needs a linux/amd64 host")
	}
	if _, err := execLookPath("gcc"); err != nil {
		t.Skip("no host gcc")
	}
	dir := writeModule(t, map[string]string{
		"go.mod":  goMod,
		"main.go": "package main\n\n// int answer(void) { return 42; }\nimport \"C\"\n\nfunc main() { println(C.answer()) }\n",
	})
	env := append(os.Environ(), "CC=gcc")
	results, err := Run(context.Background(), Options{Dir: dir, Targets: targets(t, "linux/arm64+cgo"), Env: env})
	if err != nil {
		t.Fatal(err)
	}
	var ccErr *CCompilerError
	if res := results[0]; !errors.As(res.Err, &ccErr) || ccErr.Missing || ccErr.CC != "gcc" {
		t.Fatalf("error = %v, want the host gcc refused for linux/arm64", res.Err)
	}
	if !strings.Contains(results[0].Err.Error(), `the C compiler "gcc" does not build for this platform`) {
		t.Errorf("message = %q", results[0].Err)
	}
}

func TestRunRefusesUnsafeOptions(t *testing.T) {
	outside := t.TempDir()
	dir := writeModule(t, map[string]string{"go.mod": goMod, "main.go": "package main\n\nfunc main() {}\n"})
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	linux := targets(t, "linux/amd64")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"absolute", Options{OutputDir: outside}, "must be relative to the workspace"},
		{"dotdot", Options{OutputDir: "../out"}, "is outside the workspace"},
		{"nested-dotdot", Options{OutputDir: "dist/../../out"}, "is outside the workspace"},
		{"symlink", Options{OutputDir: "link/dist"}, "outside the workspace"},
		{"flag-as-package", Options{Packages: []string{"-toolexec=/bin/sh"}}, `invalid package pattern "-toolexec=/bin/sh"`},
		{"tag", Options{Tags: []string{"a,b"}}, `invalid build tag "a,b"`},
		{"name", Options{Name: "../evil"}, `invalid output name "../evil"`},
		{"no-targets", Options{}, "no targets to build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Dir = dir
			if tt.name != "no-targets" {
				opts.Targets = linux
			}
			results, err := Run(context.Background(), opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			if results != nil {
				t.Errorf("results = %+v, want none", results)
			}
		})
	}
	if extra := leftovers(t, outside); len(extra) > 0 {
		t.Errorf("created outside the workspace: %v", extra)
	}
	if _, err := os.Stat(filepath.Join(dir, "dist")); err == nil {
		t.Errorf("dist created although every run was refused")
	}
}

func TestBinaryName(t *testing.T) {
	mod := func(path, dir string) *struct{ Path, Dir string } { return &struct{ Path, Dir string }{path, dir} }
	tests := []struct {
		pkg  listedPackage
		want string
	}{
		{listedPackage{Dir: "/w", Module: mod("example.com/app", "/w")}, "app"},
		{listedPackage{Dir: "/w", Module: mod("example.com/app/v2", "/w")}, "app"},
		{listedPackage{Dir: "/w/cmd/tool", Module: mod("example.com/app/v2", "/w")}, "tool"},
		{listedPackage{Dir: "/w/v2", Module: mod("example.com/app", "/w")}, "v2"},
		{listedPackage{Dir: "/w", Module: mod("app", "/w")}, "app"},
	}
	for _, tt := range tests {
		if got := binaryName(tt.pkg); got != tt.want {
			t.Errorf("binaryName(%s in %s) = %q, want %q", tt.pkg.Dir, tt.pkg.Module.Path, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	dir := writeModule(t, map[string]string{"a.go": "", "sub/b.go": ""})
	stdout := `{"ImportPath":"example.com/app","Action":"build-output","Output":"# example.com/app\n"}
{"ImportPath":"example.com/app","Action":"build-output","Output":"./a.go:4:2: cannot use x (variable of type int) as string value\n\thave (int)\n\twant (string)\n"}
{"ImportPath":"example.com/app","Action":"build-output","Output":"sub/b.go:7: missing function body\n"}
{"ImportPath":"runtime/cgo","Action":"build-output","Output":"gcc_arm64.S:30: Error: no such instruction\n"}
{"ImportPath":"example.com/app","Action":"build-fail"}
not json at all
`
	out := parseOutput([]byte(stdout), []byte("go: warning: something\n"))
	got := parseErrors(out, dir, "linux/arm64")
	want := []CompileError{
		{File: filepath.Join(dir, "a.go"), Line: 4, Column: 2, Message: "cannot use x (variable of type int) as string value\nhave (int)\nwant (string)", Package: "example.com/app", Targets: []string{"linux/arm64"}},
		{File: filepath.Join(dir, "sub", "b.go"), Line: 7, Message: "missing function body", Package: "example.com/app", Targets: []string{"linux/arm64"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if !equalError(got[i], want[i]) {
			t.Errorf("error %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, s := range []string{"gcc_arm64.S:30: Error: no such instruction", "not json at all", "go: warning: something"} {
		if !strings.Contains(out.log, s) {
			t.Errorf("log lost %q:\n%s", s, out.log)
		}
	}
	if !slices.Equal(out.failed, []string{"example.com/app"}) {
		t.Errorf("failed = %v", out.failed)
	}
}

// TestRunModuleInWorkspace: a module built within a larger workspace
// writes to the workspace's output directory, never outside the workspace.
func TestRunModuleInWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	root := writeModule(t, map[string]string{"app/go.mod": goMod, "app/main.go": "package main\n\nfunc main() {}\n"})
	linux := targets(t, "linux/amd64")
	results, err := Run(context.Background(), Options{Dir: filepath.Join(root, "app"), Root: root, OutputDir: "dist", Targets: linux})
	if err != nil || len(results) != 1 || results[0].Err != nil {
		t.Fatalf("Run: %v, %+v", err, results)
	}
	if want := filepath.Join(root, "dist", "app-linux-amd64"); results[0].Output != want {
		t.Errorf("output %s, want %s", results[0].Output, want)
	}
	_, err = Run(context.Background(), Options{Dir: filepath.Join(root, "app"), Root: root, OutputDir: "../out", Targets: linux})
	if err == nil || !strings.Contains(err.Error(), "outside the workspace") {
		t.Errorf("output above the workspace root: %v", err)
	}
}
