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
	c.queue(&unit{key: "aa01", pkg: pkg})
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
	c.queue(&unit{key: "bb02", pkg: pkg})
	c.flush(fset)
	c.wait() // urgent: no waiting for idleness
	if n := stored(); n != 2 {
		t.Fatalf("%d entries after wait, want 2", n)
	}
}
