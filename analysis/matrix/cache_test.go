package matrix

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// TestResultCache checks that an unchanged module is answered from the
// cache, that any change to its files misses it, and that concurrent
// checks sharing a cache directory agree.
func TestResultCache(t *testing.T) {
	mod := t.TempDir()
	if err := os.CopyFS(mod, os.DirFS("testdata/clean")); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	opts := Options{Dir: mod, Targets: target.Default(), ResultCacheDir: cache}
	first, err := Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache entries after one check: %v", entries)
	}

	// On a hit, the go command lists nothing: use one that fails to.
	realGo, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "go")
	script := "#!/bin/sh\ncase \"$1\" in list) echo 'go list ran' >&2; exit 1;; esac\nexec " + realGo + " \"$@\"\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	noList := opts
	noList.GoCmd = fake
	hit, err := Check(context.Background(), noList)
	if err != nil {
		t.Fatalf("cached check: %v", err)
	}
	if !reflect.DeepEqual(first, hit) {
		t.Errorf("cached result differs from the computed one")
	}

	// Break windows: the cache must miss and see it.
	os.WriteFile(filepath.Join(mod, "sub", "name_windows.go"), []byte("package sub\n"), 0o644)
	changed, err := Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if v := verdictOf(changed, "example.com/clean/sub", "windows/amd64"); v.Status != "fail" {
		t.Errorf("after breaking windows: %+v", v)
	}

	var wg sync.WaitGroup
	results := make([]*Result, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = NewSession().Check(context.Background(), opts)
		}()
	}
	wg.Wait()
	for _, r := range results {
		if !reflect.DeepEqual(r, changed) {
			t.Errorf("concurrent check disagrees")
		}
	}
}

func verdictOf(res *Result, pkg, tg string) Verdict {
	for _, p := range res.Packages {
		if p.Path == pkg {
			return p.Targets[tg]
		}
	}
	return Verdict{}
}
