package filecache

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPrune checks the pruning every cache shares: entries past the
// age go, then the oldest beyond the count; temporary files only once a
// writer could not still be writing them.
func TestPrune(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	now := time.Now()
	write := func(dir, name string, age time.Duration) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		return path
	}
	newest := write(a, "newest", time.Minute)
	second := write(b, "second", 2*time.Minute)
	third := write(a, "third", 3*time.Minute)
	expired := write(b, "expired", 48*time.Hour)
	freshTmp := write(a, ".tmp-1", time.Minute)
	deadTmp := write(b, ".tmp-2", 2*time.Hour)
	Prune([]string{a, b}, 2, 24*time.Hour)
	for path, keep := range map[string]bool{newest: true, second: true, third: false, expired: false, freshTmp: true, deadTmp: false} {
		if _, err := os.Stat(path); (err == nil) != keep {
			t.Errorf("%s: kept %v, want %v", filepath.Base(path), err == nil, keep)
		}
	}
}

// TestWrite checks that an entry appears whole, leaves no temporary file,
// replaces an older entry, and that a failure is reported.
func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	path := filepath.Join(dir, "entry")
	for _, data := range []string{"first", "second, longer"} {
		if !Write(dir, path, []byte(data)) {
			t.Fatalf("Write(%q) failed", data)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != data {
			t.Fatalf("entry = %q, %v; want %q", got, err, data)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("cache holds %d files, want the entry only", len(entries))
	}
	blocked := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocked, nil, 0o644)
	if Write(blocked, filepath.Join(blocked, "entry"), []byte("x")) {
		t.Error("Write into a directory that is a file succeeded")
	}
}

// TestExecutableID checks that the test binary's identity is its hash,
// the same when read back from the memo.
func TestExecutableID(t *testing.T) {
	dir := t.TempDir()
	first := ExecutableID(dir)
	if len(first) != 64 {
		t.Fatalf("ExecutableID = %q, want a sha256 in hex", first)
	}
	memos, _ := filepath.Glob(filepath.Join(dir, "exe-*"))
	if len(memos) != 1 {
		t.Fatalf("memo files: %v, want one", memos)
	}
	if again := ExecutableID(dir); again != first {
		t.Errorf("second ExecutableID = %q, want %q", again, first)
	}
	exe, _ := os.Executable()
	data, _ := os.ReadFile(exe)
	if want := fmt.Sprintf("%x", sha256.Sum256(data)); first != want {
		t.Errorf("ExecutableID = %s, want the file's sha256 %s", first, want)
	}
}
