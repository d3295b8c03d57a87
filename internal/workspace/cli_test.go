package workspace_test

// The crossls command (check and build) on repositories of several
// modules: a go.work workspace, a folder of modules, a module with a
// nested module. Every verdict is compared with go build's, per package
// and target, in the package's own module. The tests live here, not in
// cmd/crossls, because the verdict oracle is internal to analysis/; they
// run the command as a user does, built once for all of them.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/buildoracle"
	"github.com/crossls/crossls/internal/matrix"
)

// goWorkRepo is a go.work workspace: app uses tool's library, which is
// missing a function on Windows; tool configures its own targets, app
// takes the workspace's; other is a module the workspace does not use.
const goWorkRepo = `
-- .git/HEAD --
ref: refs/heads/main
-- go.work --
go 1.22

use (
	./app
	./tool
)
-- .crossls.yaml --
targets: [linux/amd64, darwin/arm64, windows/amd64]
-- app/go.mod --
module example.com/app

go 1.22
-- app/main.go --
package main

import "example.com/tool/lib"

func main() { lib.Hello() }
-- app/internal/util/util.go --
package util

func Name() string { return name }
-- app/internal/util/name_unix.go --
//go:build unix

package util

const name = "unix"
-- tool/go.mod --
module example.com/tool

go 1.22
-- tool/.crossls.yaml --
targets: [linux/amd64, linux/386, windows/amd64]
-- tool/lib/lib.go --
package lib

func Hello() { hello() }
-- tool/lib/hello_linux.go --
package lib

func hello() {}
-- tool/lib/hello_darwin.go --
package lib

func hello() {}
-- tool/cmd/t/main.go --
package main

const big = 1 << 40

var x int = big

func main() { _ = x }
-- other/go.mod --
module example.com/other

go 1.22
-- other/o.go --
package other

func F() { undefinedThing() }
`

// moduleFolder holds two modules and no go.work; the folder configures
// both.
const moduleFolder = `
-- .git/HEAD --
ref: refs/heads/main
-- .crossls.yaml --
targets: [linux/amd64, windows/amd64]
-- a/go.mod --
module example.com/a

go 1.22
-- a/a.go --
package a

func A() int { return 1 }
-- a/cmd/x/main.go --
package main

import "example.com/a"

func main() { _ = a.A() }
-- b/go.mod --
module example.com/b

go 1.22
-- b/main.go --
package main

func main() { platform() }
-- b/platform_linux.go --
package main

func platform() {}
`

// nestedModule is a module with a module nested in tools/.
const nestedModule = `
-- .git/HEAD --
ref: refs/heads/main
-- .crossls.yaml --
targets: [linux/amd64, windows/amd64]
-- go.mod --
module example.com/root

go 1.22
-- root.go --
package root

func Root() {}
-- tools/go.mod --
module example.com/tools

go 1.22
-- tools/main.go --
package main

func main() { platform() }
-- tools/platform_linux.go --
package main

func platform() {}
`

func writeRepo(t *testing.T, archive string) string {
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

// checkModule is an element of the "modules" of crossls check -json.
type checkModule struct {
	Dir     string   `json:"dir"`
	Path    string   `json:"path"`
	GoWork  string   `json:"go_work"`
	Targets []string `json:"targets"`
	Source  string   `json:"source"`
	File    string   `json:"file"`
}

type checkJSONOutput struct {
	matrix.Result
	Modules []checkModule `json:"modules"`
}

var (
	crosslsOnce sync.Once
	crosslsBin  string
	crosslsErr  error
)

// run runs the crossls command built from this checkout.
func run(t *testing.T, args []string, stdout, stderr *bytes.Buffer) int {
	t.Helper()
	crosslsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "crossls-cli-test-")
		if err != nil {
			crosslsErr = err
			return
		}
		crosslsBin = filepath.Join(dir, "crossls")
		out, err := exec.Command("go", "build", "-o", crosslsBin, "github.com/crossls/crossls/cmd/crossls").CombinedOutput()
		if err != nil {
			crosslsErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if crosslsErr != nil {
		t.Fatalf("building crossls: %v", crosslsErr)
	}
	cmd := exec.Command(crosslsBin, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

func TestMain(m *testing.M) {
	code := m.Run()
	if crosslsBin != "" {
		os.RemoveAll(filepath.Dir(crosslsBin))
	}
	os.Exit(code)
}

// checkRepo runs crossls check -json in dir.
func checkRepo(t *testing.T, dir string, args ...string) (checkJSONOutput, int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t, append([]string{"check", "-json", "-nocache", "-C", dir}, args...), &stdout, &stderr)
	var out checkJSONOutput
	if code == 2 {
		t.Fatalf("check %q: exit 2:\n%s", args, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("check %q: %v\n%s", args, err, stdout.String())
	}
	return out, code, stderr.String()
}

// modulePackages lists the non-test packages of the module at dir, as the
// go command's ./... in it does.
func modulePackages(t *testing.T, dir string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "./...")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list in %s: %v", dir, err)
	}
	return strings.Fields(string(out))
}

// compareModules checks that the result covers exactly the packages of
// the given modules (relative to root), each for its own module's
// targets, with go build's verdict (status and class).
func compareModules(t *testing.T, root string, res checkJSONOutput, modules map[string][]string) {
	t.Helper()
	byPath := map[string]matrix.Package{}
	for _, p := range res.Packages {
		byPath[p.Path] = p
	}
	covered := 0
	for rel, targets := range modules {
		dir := filepath.Join(root, rel)
		var m *checkModule
		for i := range res.Modules {
			if res.Modules[i].Dir == dir {
				m = &res.Modules[i]
			}
		}
		if m == nil {
			t.Errorf("module %s is not in the result's modules: %+v", rel, res.Modules)
			continue
		}
		if !slices.Equal(m.Targets, targets) {
			t.Errorf("module %s checked for %q, want %q", rel, m.Targets, targets)
		}
		pkgs := modulePackages(t, dir)
		covered += len(pkgs)
		for _, ts := range targets {
			tg, err := target.Parse(ts)
			if err != nil {
				t.Fatal(err)
			}
			truth, err := buildoracle.Verdicts(context.Background(), dir, pkgs, tg)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pkgs {
				want := truth[p]
				got, ok := byPath[p].Targets[ts]
				switch {
				case !ok:
					t.Errorf("%s for %s: no verdict; go build: %s %s", p, ts, want.Status, want.Class)
				case got.Status != want.Status || got.Status == "fail" && got.Class != want.Class:
					t.Errorf("%s for %s: crossls %s %s (%s), go build %s %s (%s)", p, ts, got.Status, got.Class, got.Message, want.Status, want.Class, want.Message)
				}
			}
		}
	}
	if len(res.Packages) != covered {
		var paths []string
		for _, p := range res.Packages {
			paths = append(paths, p.Path)
		}
		t.Errorf("result has %d packages, the modules %d: %q", len(res.Packages), covered, paths)
	}
}

func requireGoCommand(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	if testing.Short() {
		t.Skip("runs go build for every package and target")
	}
}

func TestCheckGoWorkRoot(t *testing.T) {
	requireGoCommand(t)
	root := writeRepo(t, goWorkRepo)
	res, code, stderr := checkRepo(t, root, "./...")
	if code != 1 {
		t.Errorf("exit %d, want 1 (some targets fail)", code)
	}
	for _, p := range res.Packages {
		if strings.Contains(p.Path, "...") {
			t.Errorf("a package named %q: the pattern was not expanded", p.Path)
		}
	}
	compareModules(t, root, res, map[string][]string{
		"app":  {"linux/amd64", "darwin/arm64", "windows/amd64"},
		"tool": {"linux/amd64", "linux/386", "windows/amd64"},
	})
	for _, want := range []string{"checking 2 modules: app, tool", "left out the modules other", "does not use it"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	// Patterns naming modules of the workspace, from its root.
	res, _, _ = checkRepo(t, root, "./tool/...")
	compareModules(t, root, res, map[string][]string{"tool": {"linux/amd64", "linux/386", "windows/amd64"}})

	// Inside a module of the workspace, ./... is that module.
	res, _, _ = checkRepo(t, filepath.Join(root, "app"), "./...")
	compareModules(t, root, res, map[string][]string{"app": {"linux/amd64", "darwin/arm64", "windows/amd64"}})

	// The text output names each failing package once, with its module's targets.
	var stdout, errb bytes.Buffer
	run(t, []string{"check", "-nocache", "-C", root}, &stdout, &errb)
	for _, want := range []string{
		"example.com/tool/lib: does not build for windows/amd64: undefined: hello (undefined-symbol)",
		"example.com/tool/cmd/t: does not build for linux/386:",
		"example.com/app: does not build for windows/amd64:",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestCheckGoWorkAllModules(t *testing.T) {
	requireGoCommand(t)
	root := writeRepo(t, goWorkRepo)
	res, _, stderr := checkRepo(t, root, "-modules", "./...")
	if strings.Contains(stderr, "left out") {
		t.Errorf("-modules left out a module:\n%s", stderr)
	}
	var other matrix.Package
	for _, p := range res.Packages {
		if p.Path == "example.com/other" {
			other = p
		}
	}
	// other is checked on its own (GOWORK=off), as go build in it with
	// GOWORK=off does.
	t.Setenv("GOWORK", "off")
	tg, _ := target.Parse("linux/amd64")
	truth, err := buildoracle.Verdicts(context.Background(), filepath.Join(root, "other"), []string{"example.com/other"}, tg)
	if err != nil {
		t.Fatal(err)
	}
	got, want := other.Targets["linux/amd64"], truth["example.com/other"]
	if got.Status != want.Status || got.Class != want.Class {
		t.Errorf("example.com/other for linux/amd64: crossls %+v, go build %+v", got, want)
	}
}

func TestCheckFolderOfModules(t *testing.T) {
	requireGoCommand(t)
	root := writeRepo(t, moduleFolder)
	res, code, stderr := checkRepo(t, root, "./...")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "checking 2 modules: a, b") {
		t.Errorf("stderr does not say which modules it checks:\n%s", stderr)
	}
	compareModules(t, root, res, map[string][]string{
		"a": {"linux/amd64", "windows/amd64"},
		"b": {"linux/amd64", "windows/amd64"},
	})
	// Patterns naming packages of several modules.
	res, _, _ = checkRepo(t, root, "./a/cmd/x", "./b")
	if len(res.Packages) != 2 || res.Packages[0].Path != "example.com/a/cmd/x" || res.Packages[1].Path != "example.com/b" {
		t.Errorf("packages %+v, want example.com/a/cmd/x and example.com/b", res.Packages)
	}
	// No module anywhere: a usage error that says so.
	var stdout, errb bytes.Buffer
	empty := t.TempDir()
	if code := run(t, []string{"check", "-C", empty}, &stdout, &errb); code != 2 || !strings.Contains(errb.String(), "is not in a Go module and holds none") {
		t.Errorf("check in a folder without modules: exit %d, stderr %q", code, errb.String())
	}
}

func TestCheckNestedModule(t *testing.T) {
	requireGoCommand(t)
	root := writeRepo(t, nestedModule)
	res, code, stderr := checkRepo(t, root, "./...")
	if code != 0 {
		t.Errorf("exit %d, want 0: the root module builds everywhere", code)
	}
	compareModules(t, root, res, map[string][]string{".": {"linux/amd64", "windows/amd64"}})
	if !strings.Contains(stderr, "left out the modules tools") || !strings.Contains(stderr, "-modules") {
		t.Errorf("stderr does not say that tools is left out, nor how to check it:\n%s", stderr)
	}
	res, code, _ = checkRepo(t, root, "-modules", "./...")
	if code != 1 {
		t.Errorf("-modules: exit %d, want 1: tools fails on windows", code)
	}
	compareModules(t, root, res, map[string][]string{
		".":     {"linux/amd64", "windows/amd64"},
		"tools": {"linux/amd64", "windows/amd64"},
	})
}

func TestBuildGoWorkRoot(t *testing.T) {
	requireGoCommand(t)
	root := writeRepo(t, goWorkRepo)
	var stdout, stderr bytes.Buffer
	code := run(t, []string{"build", "-targets", "linux/amd64", "-C", root, "./..."}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	// Each module's binaries in its own output directory.
	for _, bin := range []string{"app/dist/app-linux-amd64", "tool/dist/t-linux-amd64"} {
		if _, err := os.Stat(filepath.Join(root, bin)); err != nil {
			t.Errorf("%s: %v\n%s", bin, err, stdout.String())
		}
	}
	if _, err := os.Stat(filepath.Join(root, "dist")); err == nil {
		t.Errorf("a dist directory at the workspace root")
	}
}
