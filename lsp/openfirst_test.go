package lsp

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crossls/crossls/internal/matrix"
)

// heldSession passes checks to a real session and records their
// patterns. Until hold is closed, a check of the whole module waits for
// its cancellation: the editor opens its file meanwhile.
type heldSession struct {
	*matrix.Session
	mu       sync.Mutex
	patterns [][]string
	hold     chan struct{}
}

func (r *heldSession) Check(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
	r.mu.Lock()
	r.patterns = append(r.patterns, opts.Patterns)
	r.mu.Unlock()
	if slices.Equal(opts.Patterns, []string{"./..."}) {
		select {
		case <-r.hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return r.Session.Check(ctx, opts)
}

func (r *heldSession) checks() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, p := range r.patterns {
		out = append(out, strings.Join(p, " "))
	}
	return out
}

const openFirstModule = `
-- go.mod --
module example.com/big

go 1.22
-- a/a.go --
package a

var X = onlyLinux()
-- a/a_linux.go --
package a

func onlyLinux() int { return 1 }
-- b/b.go --
package b
-- c/c.go --
package c

var Y = alsoOnlyLinux()
-- c/c_linux.go --
package c

func alsoOnlyLinux() int { return 1 }
-- testdata/t/t.go --
package t
`

// TestOpenFilesFirst checks that a view's first check takes the open
// file's package first, publishes its findings, then checks the whole
// module, ending with the findings of every file; and that a small
// module is checked at once.
func TestOpenFilesFirst(t *testing.T) {
	requireGo(t)
	for _, tc := range []struct {
		name string
		min  int
		open []string
		want []string // the patterns of the checks after the open
	}{
		{"large", 2, []string{"a/a.go", "testdata/t/t.go"}, []string{"./a", "./..."}},
		{"small", 100, []string{"a/a.go"}, []string{"./..."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := openFirstMinPackages
			openFirstMinPackages = tc.min
			defer func() { openFirstMinPackages = saved }()
			rec := &heldSession{Session: matrix.NewSession(), hold: make(chan struct{})}
			e := newEditor(t, openFirstModule, withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`),
				func(_ *editor, s *Server) { s.newSession = func() session { return rec } })
			e.initialize()
			for _, name := range tc.open {
				e.open(name)
			}
			if tc.want[0] != "./..." {
				// The open package's findings come before the whole
				// module's check may even start.
				e.await("the open file's findings", func() bool { return e.hasDiag("a/a.go", "undefined: onlyLinux") })
				e.mu.Lock()
				early := e.hasDiag("c/c.go", "alsoOnlyLinux")
				e.mu.Unlock()
				if early {
					t.Error("findings of a package nobody opened published by the check of the open ones")
				}
			}
			close(rec.hold)
			e.await("the findings of both packages", func() bool {
				return e.hasDiag("a/a.go", "undefined: onlyLinux") && e.hasDiag("c/c.go", "undefined: alsoOnlyLinux")
			})
			// Checks of the whole module that the opens cancelled come
			// first, checks superseded by the next open repeat: what
			// remains is the order of the checks once the files are open.
			all := rec.checks()
			got := slices.Compact(slices.Clone(all))
			if tc.want[0] != "./..." {
				for len(got) > 0 && got[0] == "./..." {
					got = got[1:]
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("checks: %q, want %q", all, tc.want)
			}
		})
	}
}
