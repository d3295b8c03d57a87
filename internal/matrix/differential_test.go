package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/modgen"
)

// The differential oracle: random modules whose API differs per target
// (internal/modgen), checked by crossls and built by go build
// (internal/buildoracle) for every target; any difference in a
// verdict's status or class is a bug in one of them.
//
//	go test -run TestDifferential$ ./internal/matrix                 # the default size
//	CROSSLS_ORACLE_MODULES=300 go test -run TestDifferential$ ...    # more modules
//	CROSSLS_ORACLE_SEED=1000 ...                                     # starting at another seed
//	CROSSLS_ORACLE_TESTS_EVERY=1 ...                                 # every seed's tests too (default: every fiftieth)
//	go test -run TestDifferentialFixtures ./internal/matrix          # every module that ever failed
//	go test -fuzz FuzzDifferential -run '^$' ./internal/matrix
//
// A module that fails is printed in txtar form; CROSSLS_ORACLE_SAVE=1
// writes it to testdata/differential/seed-N.txtar, to be committed so that
// it is checked from then on.

// differentialTargets cover 32- and 64-bit, every OS family the
// generator's build constraints tell apart, and cgo.
const differentialTargets = "linux/amd64,linux/386,linux/arm/v7,windows/amd64,darwin/arm64,js/wasm,plan9/amd64,linux/amd64+cgo"

// defaultDifferentialModules is a few hundred modules in about ten
// minutes on a two-core machine: a module takes about 2.4 s (crossls's
// check, and a go list and a go build per target, with a warm build
// cache).
const defaultDifferentialModules = 250

// defaultTestsEvery: every fiftieth seed's tests are compiled too, and
// compared with go vet's (which costs a go vet per package and target).
// CROSSLS_ORACLE_TESTS_EVERY=1 compares every seed's.
const defaultTestsEvery = 50

// differentialTargetsFor adds linux/arm64+cgo (whose C toolchain does not
// work on most machines) to every fourth seed's targets.
func differentialTargetsFor(seed int64) string {
	if seed%4 == 0 {
		return differentialTargets + ",linux/arm64+cgo"
	}
	return differentialTargets
}

func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated modules for many targets")
	}
	n := envInt(t, "CROSSLS_ORACLE_MODULES", defaultDifferentialModules)
	first := envInt(t, "CROSSLS_ORACLE_SEED", 1)
	testsEvery := max(envInt(t, "CROSSLS_ORACLE_TESTS_EVERY", defaultTestsEvery), 1)
	var total agreement
	failed := 0
	start := time.Now()
	for seed := int64(first); seed < int64(first+n); seed++ {
		m := modgen.Generate(seed)
		a, ok := checkDifferential(t, seed, m.Files, differentialTargetsFor(seed), m.Description, seed%int64(testsEvery) == 0)
		total.add(a)
		if !ok {
			failed++
		}
	}
	elapsed := time.Since(start)
	per := func(d time.Duration) time.Duration { return (d / time.Duration(max(n, 1))).Round(time.Millisecond) }
	t.Logf("%d modules (seeds %d to %d) in %v, %v per module (crossls %v, go build %v); %d modules disagree", n, first, first+n-1,
		elapsed.Round(time.Second), per(elapsed), per(total.check), per(total.oracle), failed)
	t.Logf("%s", total)
}

// FuzzDifferential explores seeds.
func FuzzDifferential(f *testing.F) {
	for _, seed := range []int64{1, 2, 3, 4} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		if testing.Short() {
			t.Skip("builds a generated module for many targets")
		}
		m := modgen.Generate(seed)
		checkDifferential(t, seed, m.Files, differentialTargetsFor(seed), m.Description, true)
	})
}

// TestDifferentialFixtures re-checks every module that ever disagreed.
func TestDifferentialFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds modules for many targets")
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "differential", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skip("no fixtures")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			header := fixtureHeader(ar.Comment)
			targets := header["targets"]
			if targets == "" {
				t.Fatalf("%s: no targets: line", path)
			}
			seed, _ := strconv.ParseInt(header["seed"], 10, 64)
			files := map[string]string{}
			for _, f := range ar.Files {
				files[f.Name] = string(f.Data)
			}
			checkDifferential(t, seed, files, targets, string(ar.Comment), true)
		})
	}
}

// fixtureHeader reads the "key: value" lines of a fixture's comment.
func fixtureHeader(comment []byte) map[string]string {
	h := map[string]string{}
	for _, line := range strings.Split(string(comment), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.ContainsAny(k, " \t") {
			h[k] = strings.TrimSpace(v)
		}
	}
	return h
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return n
}

// checkDifferential writes files to a module directory, checks it with
// crossls for targets and compares every verdict with go build's, and with
// tests, every verdict of the packages' tests with go vet's. It reports
// each disagreement, and the module, as an error.
func checkDifferential(t *testing.T, seed int64, files map[string]string, targetList, description string, tests bool) (agreement, bool) {
	t.Helper()
	targets, err := target.ParseList(targetList)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeModule(t, files)
	ctx := context.Background()
	start := time.Now()
	res, err := Check(ctx, Options{Dir: dir, Targets: targets, Tests: tests})
	if err != nil {
		t.Errorf("seed %d: crossls check: %v\n%s", seed, err, moduleTxtar(seed, targetList, description, files))
		return agreement{}, false
	}
	checkTime := time.Since(start)
	pkgs := modulePackages(files)
	a, ds, err := compareWithOracle(ctx, dir, pkgs, targets, res, tests)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	a.check = checkTime
	if len(ds) == 0 {
		return a, true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %d of %d verdicts disagree with go build (in %s):\n", seed, len(ds), a.pairs, dir)
	for _, d := range ds {
		fmt.Fprintf(&b, "%s\n", d)
	}
	ar := moduleTxtar(seed, targetList, description, files)
	if os.Getenv("CROSSLS_ORACLE_SAVE") != "" && seed != 0 {
		path := filepath.Join("testdata", "differential", fmt.Sprintf("seed-%d.txtar", seed))
		if _, err := os.Stat(path); os.IsNotExist(err) {
			if err := os.WriteFile(path, ar, 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "saved as %s\n", path)
		}
	}
	fmt.Fprintf(&b, "the module:\n%s", ar)
	t.Errorf("%s", b.String())
	return a, false
}

// modulePackages returns the import paths of the packages files make up:
// the directories holding .go files.
func modulePackages(files map[string]string) []string {
	modPath := modgen.ModulePath
	if mod, ok := files["go.mod"]; ok {
		if first, _, _ := strings.Cut(mod, "\n"); strings.HasPrefix(first, "module ") {
			modPath = strings.TrimSpace(strings.TrimPrefix(first, "module "))
		}
	}
	seen := map[string]bool{}
	for name := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		if dir := filepath.ToSlash(filepath.Dir(name)); dir == "." {
			seen[modPath] = true
		} else {
			seen[modPath+"/"+dir] = true
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for p := range seen {
			if !yield(p) {
				return
			}
		}
	})
}

// moduleTxtar is the fixture form of a module: its seed and targets, then
// its files.
func moduleTxtar(seed int64, targets, description string, files map[string]string) []byte {
	var comment strings.Builder
	fmt.Fprintf(&comment, "seed: %d\ntargets: %s\n", seed, targets)
	for _, line := range strings.Split(strings.TrimSpace(description), "\n") {
		if k, _, ok := strings.Cut(line, ":"); ok && (k == "seed" || k == "targets") {
			continue // the header has them
		}
		if line != "" {
			fmt.Fprintf(&comment, "# %s\n", line)
		}
	}
	ar := &txtar.Archive{Comment: []byte(comment.String())}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(files[name])})
	}
	return txtar.Format(ar)
}

// TestDifferentialDeterminism checks that a result does not depend on
// how it was computed: fresh sessions, caches written or read, the order
// of the targets. It checks generated modules and the fixtures whose API
// differs per target in ways a shared type check could mix up.
// CROSSLS_ORACLE_DETERMINISM_SEEDS=N checks seeds 1 to N.
func TestDifferentialDeterminism(t *testing.T) {
	if testing.Short() {
		t.Skip("checks modules several times")
	}
	type module struct {
		name    string
		files   map[string]string
		targets string
	}
	var modules []module
	seeds := []int64{3, 17, 42}
	if n := envInt(t, "CROSSLS_ORACLE_DETERMINISM_SEEDS", 0); n > 0 {
		seeds = nil
		for seed := int64(1); seed <= int64(n); seed++ {
			seeds = append(seeds, seed)
		}
	}
	for _, seed := range seeds {
		m := modgen.Generate(seed)
		modules = append(modules, module{fmt.Sprint("seed", seed), m.Files, differentialTargetsFor(seed)})
	}
	for _, name := range []string{"receiver-per-target"} {
		ar, err := txtar.ParseFile(filepath.Join("testdata", "differential", name+".txtar"))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, f := range ar.Files {
			files[f.Name] = string(f.Data)
		}
		modules = append(modules, module{name, files, fixtureHeader(ar.Comment)["targets"]})
	}
	for _, m := range modules {
		t.Run(m.name, func(t *testing.T) {
			dir := writeModule(t, m.files)
			targets, err := target.ParseList(m.targets)
			if err != nil {
				t.Fatal(err)
			}
			reversed := slices.Clone(targets)
			slices.Reverse(reversed)
			shuffled := slices.Clone(targets)
			for i := range shuffled {
				j := (i*5 + 3) % len(shuffled)
				shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
			}
			types, results := t.TempDir(), t.TempDir()
			runs := []struct {
				name    string
				targets []target.Target
				caches  bool
			}{
				{"fresh session", targets, false},
				{"another fresh session", targets, false},
				{"a third fresh session", targets, false},
				{"a fourth fresh session", targets, false},
				{"session writing the caches", targets, true},
				{"session reading the caches", targets, true},
				{"targets reversed", reversed, false},
				{"targets shuffled", shuffled, false},
				{"targets shuffled, caches read", shuffled, true},
			}
			var want []byte
			for _, run := range runs {
				opts := Options{Dir: dir, Targets: run.targets}
				if run.caches {
					opts.TypeCacheDir, opts.ResultCacheDir = types, results
				}
				s := NewSession()
				res, err := s.Check(context.Background(), opts)
				if err != nil {
					t.Fatalf("%s: %v", run.name, err)
				}
				s.Flush()
				got := normalizedJSON(t, res)
				if want == nil {
					want = got
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: the result differs from the first run's:\n%s", run.name, jsonDiff(want, got))
				}
			}
		})
	}
}

// normalizedJSON marshals res with the targets in sorted order wherever
// the configuration order shows: the result's targets, each diagnostic's
// targets and the [t1 t2] prefix of its message, and so the order of
// diagnostics that sorts by message.
func normalizedJSON(t *testing.T, res *Result) []byte {
	t.Helper()
	r := *res
	r.Targets = slices.Sorted(slices.Values(res.Targets))
	r.Diagnostics = nil
	for _, d := range res.Diagnostics {
		d.Targets = slices.Sorted(slices.Values(d.Targets))
		if rest, ok := strings.CutPrefix(d.Message, "["); ok && !strings.HasPrefix(rest, "all targets]") {
			if label, msg, ok := strings.Cut(rest, "] "); ok {
				names := strings.Fields(label)
				slices.Sort(names)
				d.Message = "[" + strings.Join(names, " ") + "] " + msg
			}
		}
		r.Diagnostics = append(r.Diagnostics, d)
	}
	SortDiagnostics(r.Diagnostics)
	data, err := json.MarshalIndent(&r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// jsonDiff shows the first lines where two results differ.
func jsonDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			lo, hi := max(i-3, 0), i+6
			return fmt.Sprintf("first difference at line %d\nwant:\n%s\ngot:\n%s", i+1,
				strings.Join(w[lo:min(hi, len(w))], "\n"), strings.Join(g[lo:min(hi, len(g))], "\n"))
		}
	}
	return "(no difference)"
}
