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

// TestResultCacheKeys checks that a result is served only to the binary
// that computed it, and that every directory the go command builds from,
// dist/ included, is part of the key.
func TestResultCacheKeys(t *testing.T) {
	mod := t.TempDir()
	if err := os.CopyFS(mod, os.DirFS("testdata/clean")); err != nil {
		t.Fatal(err)
	}
	opts := Options{Dir: mod, Targets: target.Default(), ResultCacheDir: t.TempDir()}
	if err := normalize(&opts); err != nil {
		t.Fatal(err)
	}
	key := resultKey(&opts, "go1")
	if key == "" {
		t.Fatal("no cache key for a module")
	}

	saved := executableID
	defer func() { executableID = saved }()
	if again := resultKey(&opts, "go1"); again != key {
		t.Error("the same executable gets another cache key")
	}
	executableID = func(string) string { return "another build" }
	if resultKey(&opts, "go1") == key {
		t.Error("another executable gets the same cache key")
	}
	executableID = func(string) string { return "" }
	if k := resultKey(&opts, "go1"); k != "" {
		t.Errorf("an unidentified executable gets cache key %q, want none", k)
	}
	executableID = saved

	if err := os.MkdirAll(filepath.Join(mod, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "dist", "d.go"), []byte("package dist\n\nvar X int = \"s\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if resultKey(&opts, "go1") == key {
		t.Error("a file added under dist/ keeps the cache key")
	}
	res, err := Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if v := verdictOf(res, "example.com/clean/dist", "linux/amd64"); v.Status != "fail" {
		t.Errorf("dist/ package: %+v, want the failure go build reports", v)
	}
}

// TestModuleRoots checks which trees the result cache fingerprints: the
// module, or the workspace and its modules, with the directories that
// replace modules; and no caching where a go.work the module is not in
// would change how the go command loads it.
func TestModuleRoots(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.work":        "go 1.22\n\nuse ./a\nuse ../outside\n",
		"a/go.mod":       "module a\n\ngo 1.22\n\nreplace b => ../b\n",
		"b/go.mod":       "module b\n\ngo 1.22\n",
		"lone/go.mod":    "module lone\n\ngo 1.22\n",
		"lone/x/x.go":    "package x\n",
		"solo/go.mod":    "module solo\n\ngo 1.22\n",
		"gopath/p/p.go":  "package p\n",
		"solo/sub/s.go":  "package sub\n",
		"a/sub/inner.go": "package sub\n",
	})
	env := func(kv ...string) []string { return append([]string{"PATH=" + os.Getenv("PATH")}, kv...) }
	for _, tc := range []struct {
		dir  string
		env  []string
		want []string // relative to dir; nil: not cached
	}{
		{"a/sub", env(), []string{".", "a", "../outside", "b"}},
		{".", env(), []string{".", "a", "../outside", "b"}},
		{"lone/x", env(), nil},
		{"lone/x", env("GOWORK=off"), []string{"lone"}},
		{"a", env("GOWORK=off"), []string{"a", "b"}},
		{"gopath/p", env("GOWORK=off"), nil},
	} {
		got, ok := moduleRoots(filepath.Join(dir, tc.dir), tc.env)
		var want []string
		for _, w := range tc.want {
			want = append(want, filepath.Join(dir, w))
		}
		if ok != (tc.want != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("moduleRoots(%s, %q) = %q, %v; want %q", tc.dir, tc.env, got, ok, want)
		}
	}
}
