package matrix

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

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
