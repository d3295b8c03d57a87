package cgo_test

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/crossls/crossls/analysis/cgo"
	"github.com/crossls/crossls/analysis/target"
)

var (
	linuxAmd64    = target.Target{GOOS: "linux", GOARCH: "amd64"}
	linuxAmd64Cgo = target.Target{GOOS: "linux", GOARCH: "amd64", Cgo: true}
)

// loadEnv makes the packages load for linux/amd64 without cgo, whatever
// the host, so that the loaded files match the configuration under test
// and no C compiler runs.
func loadEnv(t *testing.T) {
	t.Setenv("GOOS", "linux")
	t.Setenv("GOARCH", "amd64")
	t.Setenv("CGO_ENABLED", "0")
	t.Setenv("GOFLAGS", "")
}

// TestCgoDisabled checks the findings of a configuration without cgo
// against the "// want" comments of the test packages, including those in
// files the configuration leaves out. (analysistest reads expectations
// only from the files a configuration builds.)
func TestCgoDisabled(t *testing.T) {
	loadEnv(t)
	roots := run(t, cgo.ForTarget(linuxAmd64), "direct", "undef", "chain/...")
	for _, act := range roots {
		checkWants(t, act)
	}

	// Facts carry the chain across packages, as in go vet.
	facts := packageFacts(roots)
	for pkg, want := range map[string]string{
		"chain/c":    "needsCgo(c.go via chain/c)",
		"chain/b":    "needsCgo(c.go via chain/b -> chain/c)",
		"chain/a":    "needsCgo(c.go via chain/a -> chain/b -> chain/c)",
		"chain/user": "needsCgo(c.go via chain/user -> chain/c)",
		"direct":     "needsCgo(direct_cgo.go via direct)",
		"undef":      "needsCgo(version_cgo.go via undef)",
	} {
		if got := facts[pkg]; got != want {
			t.Errorf("fact of %s = %q, want %q", pkg, got, want)
		}
	}
}

// TestCgoEnabled checks that a configuration with cgo reports nothing,
// not even the undefined symbols of the cgo-less load.
func TestCgoEnabled(t *testing.T) {
	loadEnv(t)
	roots := run(t, cgo.ForTarget(linuxAmd64Cgo), "direct", "undef", "chain/...")
	for _, act := range roots {
		for _, d := range act.Diagnostics {
			t.Errorf("%s: unexpected diagnostic: %s", act.Package.Fset.Position(d.Pos), d.Message)
		}
	}
	if facts := packageFacts(roots); len(facts) > 0 {
		t.Errorf("unexpected facts: %v", facts)
	}
}

// TestNothingToReport covers cgo files excluded for other reasons than
// cgo, and standard packages with cgo files (net, os/user).
func TestNothingToReport(t *testing.T) {
	loadEnv(t)
	analysistest.Run(t, analysistest.TestData(), cgo.ForTarget(linuxAmd64), "goosonly", "stdnet")
}

// TestGoosOnlyDropsOnItsOS checks the other side of TestNothingToReport:
// on windows, the windows cgo file does drop out.
func TestGoosOnlyDropsOnItsOS(t *testing.T) {
	loadEnv(t)
	t.Setenv("GOOS", "windows")
	roots := run(t, cgo.ForTarget(target.Target{GOOS: "windows", GOARCH: "amd64"}), "goosonly")
	var got []string
	for _, act := range roots {
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			got = append(got, fmt.Sprintf("%s:%d", filepath.Base(posn.Filename), posn.Line))
		}
	}
	if want := []string{"goosonly_windows.go:3"}; !slices.Equal(got, want) {
		t.Errorf("diagnostics at %v, want %v", got, want)
	}
}

// TestAnalyzer checks that the go vet instance is the same analyzer.
func TestAnalyzer(t *testing.T) {
	a, b := cgo.Analyzer, cgo.ForTarget(linuxAmd64)
	if err := analysis.Validate([]*analysis.Analyzer{a}); err != nil {
		t.Fatal(err)
	}
	if a.Name != "cgo" || b.Name != a.Name {
		t.Errorf("names %q, %q; want cgo", a.Name, b.Name)
	}
	if len(a.FactTypes) != 1 || len(b.FactTypes) != 1 ||
		fmt.Sprintf("%T", a.FactTypes[0]) != fmt.Sprintf("%T", b.FactTypes[0]) {
		t.Errorf("fact types differ: %T, %T", a.FactTypes, b.FactTypes)
	}
}

// run loads the test packages from testdata/src in GOPATH mode, as
// analysistest does, and analyzes them.
func run(t *testing.T, a *analysis.Analyzer, patterns ...string) []*checker.Action {
	t.Helper()
	dir := analysistest.TestData()
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax | packages.NeedModule,
		Dir:  dir,
		Env:  append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatalf("analyzing %s: %v", act, act.Err)
		}
	}
	return graph.Roots
}

func packageFacts(roots []*checker.Action) map[string]string {
	facts := make(map[string]string)
	for _, act := range roots {
		for _, f := range act.AllPackageFacts() {
			if f.Package == act.Package.Types {
				facts[f.Package.Path()] = fmt.Sprint(f.Fact)
			}
		}
	}
	return facts
}

// wantRE matches the expectations of a "// want" comment: one or more Go
// string literals.
var wantRE = regexp.MustCompile("// want((?:\\s+(?:`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\"))+)\\s*$")
var literalRE = regexp.MustCompile("`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\"")

// checkWants matches the diagnostics of act against the "// want"
// comments in every Go file of its package, built or ignored.
func checkWants(t *testing.T, act *checker.Action) {
	t.Helper()
	type key struct {
		file string
		line int
	}
	want := make(map[key][]*regexp.Regexp)
	files := slices.Concat(act.Package.CompiledGoFiles, act.Package.IgnoredFiles)
	for _, name := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := wantRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			for _, lit := range literalRE.FindAllString(m[1], -1) {
				s, err := strconv.Unquote(lit)
				if err != nil {
					t.Fatalf("%s:%d: bad want literal %s", name, i+1, lit)
				}
				k := key{name, i + 1}
				want[k] = append(want[k], regexp.MustCompile(s))
			}
		}
	}

	for _, d := range act.Diagnostics {
		posn := act.Package.Fset.Position(d.Pos)
		k := key{posn.Filename, posn.Line}
		i := slices.IndexFunc(want[k], func(re *regexp.Regexp) bool { return re.MatchString(d.Message) })
		if i < 0 {
			t.Errorf("%s: unexpected diagnostic: %s", posn, d.Message)
			continue
		}
		want[k] = slices.Delete(want[k], i, i+1)
	}
	for k, res := range want {
		for _, re := range res {
			t.Errorf("%s:%d: no diagnostic matching %q", k.file, k.line, re)
		}
	}
}

// TestFallbacks checks packages modelled on real ones whose files import
// "C": those written to work without cgo (prometheus's darwin process
// collector, net's resolver switch, os/user, gopsutil's darwin mem) are
// information; those whose !cgo versions only fail (go-sqlite3's
// static_mock.go, gopsutil's darwin cpu and process) need cgo.
func TestFallbacks(t *testing.T) {
	loadEnv(t)
	roots := run(t, cgo.ForTarget(linuxAmd64), "fallbackuser", "promfallback", "sqlitestub", "netswitch", "userfallback", "psutil/...")
	for _, act := range roots {
		checkWants(t, act)
	}
	facts := packageFacts(roots)
	for pkg, want := range map[string]string{
		"promfallback":   "needsCgo(process_collector_mem_cgo.go via promfallback; works with process_collector_mem_nocgo.go)",
		"netswitch":      "needsCgo(cgo_unix_cgo.go via netswitch; works with cgo_stub.go)",
		"userfallback":   "needsCgo(cgo_lookup_cgo.go via userfallback; works with lookup_unix.go)",
		"psutil/mem":     "needsCgo(mem_darwin_cgo.go via psutil/mem; works with mem_darwin_nocgo.go)",
		"sqlitestub":     "needsCgo(sqlite3.go via sqlitestub; fails in SQLiteConn.RegisterFunc, SQLiteDriver.Open)",
		"psutil/cpu":     "needsCgo(cpu_darwin_cgo.go via psutil/cpu; fails in allCPUTimes, perCPUTimes)",
		"psutil/process": "needsCgo(process_darwin_cgo.go via psutil/process; fails in Process.CwdWithContext)",
		// A package that imports one that needs cgo needs it too.
		"fallbackuser": "needsCgo(cpu_darwin_cgo.go via fallbackuser -> psutil/cpu; fails in allCPUTimes, perCPUTimes)",
	} {
		if got := facts[pkg]; got != want {
			t.Errorf("fact of %s = %q, want %q", pkg, got, want)
		}
	}
}

// TestOneFindingPerPackage checks that a package that reaches a package
// needing cgo from several imports gets one finding, at the first direct
// import, with the other imports as related locations; and that a
// package reaching it only through a package that reports it gets none.
func TestOneFindingPerPackage(t *testing.T) {
	loadEnv(t)
	roots := run(t, cgo.ForTarget(linuxAmd64), "dedup", "chain/a")
	var got []string
	for _, act := range roots {
		checkWants(t, act)
		for _, d := range act.Diagnostics {
			line := fmt.Sprintf("%s %s", position(act, d.Pos), strings.SplitN(d.Message, ":", 2)[0])
			for _, r := range d.Related {
				line += fmt.Sprintf("; %s %s", position(act, r.Pos), r.Message)
			}
			got = append(got, line)
		}
	}
	want := []string{
		`a.go:6:2 chain/c needs cgo; b.go:5:2 chain/c is imported here too; b.go:4:2 chain/c is imported here too, via chain/b -> chain/c`,
		`a.go:7:2 promfallback uses cgo (process_collector_mem_cgo.go imports "C") but works without it; b.go:6:2 promfallback is imported here too`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func position(act *checker.Action, pos token.Pos) string {
	posn := act.Package.Fset.Position(pos)
	return fmt.Sprintf("%s:%d:%d", filepath.Base(posn.Filename), posn.Line, posn.Column)
}
