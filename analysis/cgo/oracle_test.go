package cgo

import (
	"encoding/json"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/crossls/crossls/analysis/target"
)

// The oracle tests compare the analyzer with the go command on the
// fixture module testdata/mod, for targets of several operating systems.
var oracleTargets = []target.Target{
	{GOOS: "linux", GOARCH: "amd64"},
	{GOOS: "windows", GOARCH: "amd64"},
	{GOOS: "darwin", GOARCH: "arm64"},
}

const fixture = "testdata/mod"

// goEnv returns the environment of a go command for t with cgo set as
// given, isolated from the user's settings and the network.
func goEnv(t target.Target, cgo bool) []string {
	t.Cgo = cgo
	return append(os.Environ(), append(t.Environ(),
		"GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")...)
}

func goCommand(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = fixture
	cmd.Env = env
	return cmd
}

// TestDroppedFilesMatchGoList checks that the files the analyzer calls
// left out are exactly those go list builds with cgo and not without.
// (go list does not run cgo or a C compiler.)
func TestDroppedFilesMatchGoList(t *testing.T) {
	type listed struct {
		Dir                                          string
		GoFiles, CgoFiles, TestGoFiles, XTestGoFiles []string
	}
	list := func(tgt target.Target, cgo bool) listed {
		out, err := goCommand(t, goEnv(tgt, cgo), "list", "-json", "./lib").Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		var p listed
		if err := json.Unmarshal(out, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tgt := range oracleTargets {
		t.Run(tgt.String(), func(t *testing.T) {
			with, without := list(tgt, true), list(tgt, false)
			built := slices.Concat(without.GoFiles, without.TestGoFiles, without.XTestGoFiles)
			var want []string
			for _, f := range slices.Concat(with.GoFiles, with.CgoFiles, with.TestGoFiles, with.XTestGoFiles) {
				if !slices.Contains(built, f) {
					want = append(want, f)
				}
			}
			slices.Sort(want)
			if len(want) == 0 {
				t.Fatal("fixture drops no file: test proves nothing")
			}

			entries, err := os.ReadDir(with.Dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, filepath.Join(with.Dir, e.Name()))
			}
			ctxt := tgt.Context()
			dropped, err := droppedFiles(token.NewFileSet(), &ctxt, names, os.ReadFile)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range dropped {
				got = append(got, filepath.Base(d.name))
			}
			if !slices.Equal(got, want) {
				t.Errorf("dropped files %v, go list says %v", got, want)
			}
		})
	}
}

// TestUndefinedMatchGoBuild checks the analyzer against CGO_ENABLED=0 go
// build: its reports of uses of lost names are exactly the compile errors
// (the fixture has no other), and
// the package that imports a cgo-only dependency builds (so only the
// analyzer can tell).
func TestUndefinedMatchGoBuild(t *testing.T) {
	errorRE := regexp.MustCompile(`(?m)^(\S+\.go):(\d+):(\d+): `)
	for _, tgt := range oracleTargets {
		t.Run(tgt.String(), func(t *testing.T) {
			env := goEnv(tgt, false)
			out, _ := goCommand(t, env, "build", "./lib", "./app").CombinedOutput()
			var want []string
			for _, m := range errorRE.FindAllStringSubmatch(string(out), -1) {
				want = append(want, fmt.Sprintf("%s:%s:%s", filepath.ToSlash(m[1]), m[2], m[3]))
			}
			if len(want) == 0 {
				t.Fatalf("go build reports no error: test proves nothing\n%s", out)
			}
			if strings.Contains(string(out), "fixture/app") {
				t.Fatalf("app should build without cgo:\n%s", out)
			}

			diags := analyze(t, ForTarget(tgt), env, "./lib", "./app")
			got := diags[CategoryUndefined]
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("analyzer reports undefined at %v, go build at %v", got, want)
			}
			if imports := diags[CategoryDependency]; !slices.Equal(imports, []string{"app/main.go:3:8"}) {
				t.Errorf("dependency findings at %v, want the import of db in app/main.go", imports)
			}
		})
	}
}

// analyze loads patterns in the fixture with env and returns the root
// diagnostics by category, as positions relative to the fixture.
func analyze(t *testing.T, a *analysis.Analyzer, env []string, patterns ...string) map[string][]string {
	t.Helper()
	dir, err := filepath.Abs(fixture)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Dir: dir, Env: env}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	diags := make(map[string][]string)
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatalf("analyzing %s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			rel, err := filepath.Rel(dir, posn.Filename)
			if err != nil {
				t.Fatal(err)
			}
			diags[d.Category] = append(diags[d.Category], fmt.Sprintf("%s:%d:%d", filepath.ToSlash(rel), posn.Line, posn.Column))
		}
	}
	return diags
}

// TestGoVet runs Analyzer under go vet -vettool, where facts cross
// package boundaries through files: the dependency on a cgo package is
// found in app from the fact that vet computed for db.
func TestGoVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a vet tool")
	}
	vettool := filepath.Join(t.TempDir(), "cgovet")
	build := exec.Command("go", "build", "-o", vettool, "./testdata/vettool")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building vet tool: %v\n%s", err, out)
	}

	host := target.Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	out, err := goCommand(t, goEnv(host, false), "vet", "-vettool="+vettool, "./app", "./db").CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("go vet: %v, want exit status 1 for the findings\n%s", err, out)
	}
	var got []string
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "#") {
			got = append(got, strings.TrimSpace(line))
		}
	}
	slices.Sort(got)
	want := []string{
		`app/main.go:3:8: example.com/fixture/db needs cgo: db_cgo.go imports "C", and without cgo Open only fails at run time (db_nocgo.go); enable cgo for these targets or use a package that works without it`,
		`db/db_cgo.go:5:8: this file imports "C" and is left out of the build when CGO_ENABLED=0; in its place Open only fails at run time (db_nocgo.go): enable cgo for these targets or make the fallback work`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("go vet printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestChainAcrossModules checks where a chain to a package that needs
// cgo is reported when it passes through another module: at the import
// of that module's package (whose own finding nobody checks), once for
// the package, and not again in the packages of this module that reach it
// through that one.
func TestChainAcrossModules(t *testing.T) {
	dir, err := filepath.Abs("testdata/modchain")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Dir: dir, Env: goEnv(oracleTargets[0], false)}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{ForTarget(oracleTargets[0])}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatalf("analyzing %s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			rel, _ := filepath.Rel(dir, posn.Filename)
			got = append(got, fmt.Sprintf("%s:%d %s (%d related)", filepath.ToSlash(rel), posn.Line, d.Message, len(d.Related)))
		}
	}
	want := []string{
		`store/more.go:3 example.com/dep/sqlite needs cgo (via example.com/app/store -> example.com/dep/orm -> example.com/dep/sqlite): sqlite.go imports "C", and without cgo Open only fails at run time (sqlite_nocgo.go); enable cgo for these targets or use a package that works without it (1 related)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
