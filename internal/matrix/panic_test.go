package matrix

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crossls/crossls/analysis/target"
)

// TestPanicsBecomeErrors injects a panic at each place where the driver's
// goroutines work: the check fails with an error that says where (it does
// not end the process nor hang), and the session's next check gives the
// same result as a new session's. A panic while writing the type cache,
// after the check, is reported.
func TestPanicsBecomeErrors(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":         "module example.com/panics\n\ngo 1.22\n",
		"a/a.go":         "package a\n\nimport \"fmt\"\n\nfunc F() string { return fmt.Sprint(1) }\n",
		"a/a_windows.go": "package a\n\nfunc G() {}\n",
		"b/b.go":         "package b\n\nimport \"example.com/panics/a\"\n\nvar X = a.F()\n\nvar Y = a.G\n",
	})
	targets := []target.Target{{GOOS: "linux", GOARCH: "amd64"}, {GOOS: "windows", GOARCH: "amd64"}}
	want := describe(mustCheck(t, NewSession(), Options{Dir: dir, Targets: targets}))
	defer func() { testHook = nil }()
	for _, where := range []string{"list", "target", "unit"} {
		t.Run(where, func(t *testing.T) {
			s := NewSession()
			// A check before the panic leaves state a broken check could
			// corrupt; the panicking one edits a file.
			mustCheck(t, s, Options{Dir: dir, Targets: targets})
			var once sync.Once
			testHook = func(w string) {
				if w == where {
					once.Do(func() { panic("injected at " + w) })
				}
			}
			done := make(chan error, 1)
			go func() {
				_, err := s.Check(context.Background(), Options{Dir: dir, Targets: targets, TypeCacheDir: t.TempDir(),
					Overlay: map[string][]byte{dir + "/a/a.go": []byte("package a\n\nimport \"fmt\"\n\nfunc F() string { return fmt.Sprint(2) }\n")}})
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "injected at "+where) || !strings.Contains(err.Error(), "internal error in") {
					t.Fatalf("check with a panic at %s: err = %v", where, err)
				}
			case <-time.After(time.Minute):
				t.Fatalf("check with a panic at %s does not return", where)
			}
			testHook = nil
			if got := describe(mustCheck(t, s, Options{Dir: dir, Targets: targets})); got != want {
				t.Errorf("after the panic the session finds\n%s\nwant\n%s", got, want)
			}
		})
	}

	for _, where := range []string{"typecache", "typecache-prune"} {
		t.Run(where, func(t *testing.T) { typeCachePanic(t, where, dir, targets, want) })
	}
}

// typeCachePanic injects a panic where the type cache works after a check
// (where): it is reported once, and checks go on.
func typeCachePanic(t *testing.T, where, dir string, targets []target.Target, want string) {
	t.Helper()
	testHook = func(w string) {
		if w == where {
			panic("injected at " + w)
		}
	}
	var mu sync.Mutex
	var reported []error
	s := NewSession()
	opts := Options{Dir: dir, Targets: targets, TypeCacheDir: t.TempDir(), Report: func(err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	}}
	mustCheck(t, s, opts)
	s.Flush()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(reported)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // pruning runs on its own
	}
	testHook = nil
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "injected at "+where) {
		t.Errorf("reported %v, want the injected panic once", errors.Join(reported...))
	}
	if got := describe(mustCheck(t, s, Options{Dir: dir, Targets: targets})); got != want {
		t.Errorf("after the panic the session finds\n%s\nwant\n%s", got, want)
	}
}

func mustCheck(t *testing.T, s *Session, opts Options) *Result {
	t.Helper()
	res, err := s.Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
