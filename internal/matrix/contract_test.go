package matrix

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/copylock"
	"golang.org/x/tools/go/analysis/passes/nilness"
	"golang.org/x/tools/go/analysis/passes/printf"
	"golang.org/x/tools/go/packages"

	"github.com/crossls/crossls/analysis/target"
)

// stockSpecs are x/tools passes that crossls does not run, registered as
// any analyzer added later would be: with the full Pass contract. printf
// has facts (about the standard library too), nilness requires buildssa,
// copylock reads types everywhere.
var stockSpecs = []analyzerSpec{
	{"printf", always(printf.Analyzer), scopeTarget, fullPass},
	{"nilness", always(nilness.Analyzer), scopeTarget, fullPass},
	{"copylock", always(copylock.Analyzer), scopeTarget, fullPass},
}

// TestPassContract runs every analyzer under x/tools' checker (on
// go/packages) and under the matrix runner, on the same module and
// targets, and requires identical findings: crossls's analyzers, which
// get the syntax contract, and stock passes, which get the full one. The
// matrix session then follows a sequence of edits (function bodies, so
// that its units are derived from earlier ones, and a declaration) and
// must still find what the checker finds in the edited files.
func TestPassContract(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the module with go/packages for every target")
	}
	gaps, _ := filepath.Abs(filepath.Join("testdata", "gaps"))
	stock := writeModule(t, map[string]string{
		"go.mod": "module example.com/stock\n\ngo 1.22\n",
		"p/p.go": `package p

import (
	"fmt"
	"sync"
)

// Logf formats like fmt.Printf: printf learns it as a fact.
func Logf(format string, args ...any) { fmt.Printf(format, args...) }

type Guarded struct {
	mu sync.Mutex
	n  int
}

func use(g Guarded) int {
	Logf("%d items", "many")
	var p *int
	if p == nil {
		return *p
	}
	return g.n
}
`,
		"p/p_windows.go": "package p\n\nfunc onWindows() { Logf(\"%s\", 1) }\n",
		"q/q.go":         "package q\n\nimport \"example.com/stock/p\"\n\nfunc F() { p.Logf(\"%q\") }\n",
	})
	targets := []target.Target{{GOOS: "linux", GOARCH: "amd64"}, {GOOS: "windows", GOARCH: "amd64"}}
	for _, c := range []struct {
		name  string
		dir   string
		specs []analyzerSpec
		edit  string // a file to edit
	}{
		{"crossls", gaps, analyzerSpecs, ""},
		{"stock", stock, append(slices.Clone(analyzerSpecs), stockSpecs...), "p/p.go"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := c.dir
			if c.edit == "" {
				dir = t.TempDir()
				if err := os.CopyFS(dir, os.DirFS(c.dir)); err != nil {
					t.Fatal(err)
				}
			}
			s := NewSession()
			s.specs = c.specs
			var mu sync.Mutex
			var got map[string][]string
			s.observe = func(tg target.Target, d diagnosticOut) {
				mu.Lock()
				defer mu.Unlock()
				got[tg.String()] = append(got[tg.String()], describeFinding(s, d.analyzer.Name, d.pkg.list.ImportPath, d.diag))
			}
			check := func(overlay map[string][]byte) {
				t.Helper()
				got = map[string][]string{}
				if _, err := s.Check(context.Background(), Options{Dir: dir, Targets: targets, Overlay: overlay}); err != nil {
					t.Fatal(err)
				}
			}
			compare := func(when string) {
				t.Helper()
				for _, tg := range targets {
					want := checkerFindings(t, dir, tg, c.specs)
					have := slices.Clone(got[tg.String()])
					slices.Sort(have)
					if !slices.Equal(have, want) {
						t.Errorf("%s, %s: the matrix runner finds\n\t%s\nx/tools' checker finds\n\t%s",
							when, tg, strings.Join(have, "\n\t"), strings.Join(want, "\n\t"))
					}
					if c.name == "stock" && len(want) < 3 {
						t.Errorf("%s: the stock passes found too little to compare: %v", tg, want)
					}
				}
			}
			check(nil)
			compare("first check")
			if c.edit == "" {
				return
			}
			path := filepath.Join(dir, c.edit)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			edits := []string{
				strings.Replace(string(src), `"%d items", "many"`, `"%d items", 3`, 1),
				strings.Replace(string(src), `return g.n`, `Logf("%v %v", g.n); return g.n`, 1),
				strings.Replace(string(src), `type Guarded struct {`, "type Other struct{ sync.Mutex }\n\ntype Guarded struct {", 1),
			}
			for i, edited := range edits {
				check(map[string][]byte{path: []byte(edited)})
				if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
					t.Fatal(err)
				}
				compare(fmt.Sprintf("after edit %d", i+1))
				if err := os.WriteFile(path, src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// checkerFindings runs specs for tg under x/tools' checker on dir's
// packages, loaded by go/packages with tg's environment.
func checkerFindings(t *testing.T, dir string, tg target.Target, specs []analyzerSpec) []string {
	t.Helper()
	cfg := &packages.Config{Mode: packages.LoadAllSyntax | packages.NeedModule, Dir: dir, Env: append(os.Environ(), tg.Environ()...)}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	var analyzers []*analysis.Analyzer
	for _, ba := range analyzersFor(specs, tg, nil) {
		analyzers = append(analyzers, ba.Analyzer)
	}
	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for act := range graph.All() {
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			out = append(out, describeCheckerFinding(act, d))
		}
	}
	slices.Sort(out)
	return out
}

func describeFinding(s *Session, analyzer, pkg string, d analysis.Diagnostic) string {
	return fmt.Sprintf("%s %s %s: %s", analyzer, pkg, s.fset.Position(d.Pos), d.Message)
}

func describeCheckerFinding(act *checker.Action, d analysis.Diagnostic) string {
	return fmt.Sprintf("%s %s %s: %s", act.Analyzer.Name, act.Package.PkgPath, act.Package.Fset.Position(d.Pos), d.Message)
}
