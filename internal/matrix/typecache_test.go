package matrix

import (
	"context"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crossls/crossls/analysis/target"
)

// TestTypeCache checks that a session reading the standard library from
// the type cache type-checks far fewer packages and finds exactly what a
// session that checked everything from source found.
func TestTypeCache(t *testing.T) {
	dir, _ := filepath.Abs("testdata/gaps")
	ts, _ := target.ParseList("linux/amd64,windows/amd64,linux/386,linux/amd64+cgo")
	cache := t.TempDir()
	run := func() (*Result, int64) {
		s := NewSession()
		res, err := s.Check(context.Background(), Options{Dir: dir, Targets: ts, TypeCacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		s.Flush() // the cache is written after the check
		return res, s.typeChecks.Load()
	}
	cold, coldChecks := run()
	warm, warmChecks := run()
	if !reflect.DeepEqual(cold, warm) {
		t.Errorf("results differ between a cold and a cached session")
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*", "*.x"))
	if len(files) == 0 {
		t.Fatal("nothing was stored")
	}
	// What remains are the checked packages and the standard library
	// packages that use cgo on the cgo target.
	if warmChecks*4 > coldChecks {
		t.Errorf("type checks: %d cold, %d with the cache; want at most a quarter", coldChecks, warmChecks)
	}
	t.Logf("type checks: %d cold, %d with the cache; %d entries", coldChecks, warmChecks, len(files))
}

// TestTypeCacheWritesWaitForIdle checks that queued writes wait while the
// session is busy, and that Flush writes them at once.
func TestTypeCacheWritesWaitForIdle(t *testing.T) {
	dir := t.TempDir()
	var idle atomic.Bool
	c := &typeCache{dir: dir, idle: idle.Load}
	fset := token.NewFileSet()
	stored := func() int {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.x"))
		return len(files)
	}
	pkg := types.NewPackage("example.com/a", "a")
	pkg.Scope().Insert(types.NewConst(token.NoPos, pkg, "N", types.Typ[types.Int], constant.MakeInt64(1)))
	pkg.MarkComplete()
	c.queue(&unit{key: "aa01", pkg: pkg}, nil)
	c.flush(fset)
	time.Sleep(4 * idlePoll)
	if n := stored(); n != 0 {
		t.Fatalf("%d entries written while busy", n)
	}
	idle.Store(true)
	deadline := time.Now().Add(10 * time.Second)
	for stored() == 0 && time.Now().Before(deadline) {
		time.Sleep(idlePoll)
	}
	if stored() != 1 {
		t.Fatal("the entry was not written once idle")
	}

	idle.Store(false)
	c.queue(&unit{key: "bb02", pkg: pkg}, nil)
	c.flush(fset)
	c.wait() // urgent: no waiting for idleness
	if n := stored(); n != 2 {
		t.Fatalf("%d entries after wait, want 2", n)
	}
}

// TestTypeCacheBodilessDependency checks a dependency outside the main
// module with a function whose body is in assembly for amd64 only: it
// goes to the type cache (so that a warm session does not type-check it
// again), and a session reading it still finds what go build finds for
// the targets whose assembly differs: a missing function body where the
// package has no assembly (arm64), a link error where its assembly lacks
// the function and the program calls it (386).
func TestTypeCacheBodilessDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for several targets")
	}
	dir := writeModule(t, map[string]string{
		"go.mod":        "module example.com/app\n\ngo 1.26\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep v1.0.0 => ./dep\n",
		"main.go":       "package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.F(), dep.G()) }\n",
		"dep/go.mod":    "module example.com/dep\n\ngo 1.26\n",
		"dep/dep.go":    "package dep\n\n// F is in assembly.\nfunc F() int\n\nfunc G() int { return 2 }\n",
		"dep/f_amd64.s": "#include \"textflag.h\"\n\nTEXT ·F(SB),NOSPLIT,$0-8\n\tMOVQ $1, ret+0(FP)\n\tRET\n",
		"dep/h_386.s":   "#include \"textflag.h\"\n\nTEXT ·h(SB),NOSPLIT,$0-0\n\tRET\n",
	})
	// In every order of the targets: the unit the 64-bit targets share is
	// cached whichever of them computes it, with its assembly or without.
	for _, order := range []string{"linux/amd64,linux/arm64,linux/386", "linux/arm64,linux/386,linux/amd64"} {
		ts, _ := target.ParseList(order)
		cache := t.TempDir()
		var checks []int64
		for _, run := range []string{"writes", "reads"} {
			s := NewSession()
			res, err := s.Check(context.Background(), Options{Dir: dir, Targets: ts, TypeCacheDir: cache})
			if err != nil {
				t.Fatal(err)
			}
			s.Flush()
			checks = append(checks, s.TypeChecks())
			t.Run(run, func(t *testing.T) { compareWithGoBuild(t, dir, ts, res, false) })
		}
		// Reading the cache, only the main package's units are checked:
		// the dependency (one unit for the 64-bit targets, one for 386)
		// is read.
		t.Logf("%s: type checks: %d writing the cache, %d reading it", order, checks[0], checks[1])
		if checks[1]*2 > checks[0] {
			t.Errorf("%s: type checks: %d writing the cache, %d reading it; want the dependency read from the cache", order, checks[0], checks[1])
		}
	}
}
