package lsp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/crossls/crossls/analysis/matrix"
	"github.com/crossls/crossls/analysis/target"
)

// soakModule has several packages, each with a linux-only function that
// edits call from portable files.
func soakModule(packages, filesPer int) string {
	var b strings.Builder
	b.WriteString("-- go.mod --\nmodule example.com/soak\n\ngo 1.22\n")
	for p := 0; p < packages; p++ {
		fmt.Fprintf(&b, "-- p%d/only_linux.go --\npackage p%d\n\nfunc linuxOnly() int { return %d }\n", p, p, p)
		for f := 0; f < filesPer; f++ {
			fmt.Fprintf(&b, "-- p%d/f%d.go --\npackage p%d\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"net/http\"\n)\n\n// F%d is portable.\nfunc F%d() int {\n\tfmt.Fprintln(os.Stderr, http.StatusOK)\n\treturn %d\n}\n", p, f, p, f, f, f)
		}
	}
	return b.String()
}

// TestSoak drives a long editing session: thousands of edits across many
// files, targets reconfigured midway. Memory must stay bounded, no
// goroutine may leak, and at the end the published diagnostics must equal
// a fresh check of the final buffers. CROSSLS_SOAK_EDITS sets the number
// of edits (default 2000; the closing note's figures used 10000).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("long editing session")
	}
	edits := 2000
	if n, err := strconv.Atoi(os.Getenv("CROSSLS_SOAK_EDITS")); err == nil && n > 0 {
		edits = n
	}
	goroutinesBefore := runtime.NumGoroutine()

	const packages, filesPer = 6, 5
	e := newEditor(t, soakModule(packages, filesPer), withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`))
	e.initialize()
	var names []string
	for p := 0; p < packages; p++ {
		for f := 0; f < filesPer; f++ {
			name := fmt.Sprintf("p%d/f%d.go", p, f)
			names = append(names, name)
			e.open(name)
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var peakRSS, firstRSS int64
	checks := 0
	start := time.Now()
	for i := 0; i < edits; i++ {
		name := names[rng.IntN(len(names))]
		text := e.buffer(name)
		switch {
		case strings.Contains(text, "linuxOnly()") && rng.IntN(2) == 0:
			e.replace(name, "\t_ = linuxOnly()\n", "")
		case rng.IntN(3) == 0:
			e.replace(name, "\treturn ", "\t_ = linuxOnly()\n\treturn ")
		default:
			// A keystroke-sized edit inside the body.
			e.replace(name, "return ", "return 0+")
			e.replace(name, "return 0+", "return ")
		}
		if i == edits/2 {
			// Reconfigure the matrix midway.
			e.mu.Lock()
			e.settings = []byte(`{"targets": ["linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64", "linux/386"]}`)
			e.mu.Unlock()
			e.notify(protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{})
		}
		if i%100 == 99 {
			// Pause until a check completes, so checks run throughout the
			// session rather than only at its end.
			e.mu.Lock()
			n := len(e.statuses)
			e.mu.Unlock()
			e.await("a check during the session", func() bool { return len(e.statuses) > n })
			checks++
			rss := rssKB()
			peakRSS = max(peakRSS, rss)
			if firstRSS == 0 {
				firstRSS = rss
			}
			if i%(edits/10) == edits/10-1 {
				t.Logf("after %5d edits (%v): RSS %d MB, goroutines %d", i+1, time.Since(start).Round(time.Millisecond), rss/1024, runtime.NumGoroutine())
			}
		}
	}

	// Settle: the server publishes only what changed, so wait until it
	// has been quiet for a while.
	quietSince := time.Now()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); {
		e.mu.Lock()
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ch:
			quietSince = time.Now()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Since(quietSince) > 2*time.Second {
			break
		}
	}

	overlay := map[string][]byte{}
	for _, name := range names {
		overlay[e.path(name)] = []byte(e.buffer(name))
	}
	ts, _ := target.ParseList("linux/amd64,linux/arm64,darwin/arm64,windows/amd64,linux/386")
	fresh, err := matrix.Check(context.Background(), matrix.Options{Dir: e.dir, Targets: ts, Overlay: overlay})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, d := range fresh.Diagnostics {
		rel, _ := filepath.Rel(e.dir, d.File)
		want[filepath.ToSlash(rel)] = append(want[filepath.ToSlash(rel)], d.Message)
	}
	e.mu.Lock()
	got := map[string][]string{}
	for file, msgs := range e.summary() {
		for _, m := range msgs {
			got[file] = append(got[file], m)
		}
	}
	e.mu.Unlock()
	for file := range mergeKeys(want, got) {
		w, g := slices.Sorted(slices.Values(want[file])), slices.Sorted(slices.Values(got[file]))
		if !slices.Equal(w, g) {
			t.Errorf("%s: published %q, a fresh check finds %q", file, g, w)
		}
	}
	t.Logf("%d edits, %d completed checks awaited, in %v; RSS after the first 100 edits %d MB, peak %d MB", edits, checks, time.Since(start).Round(time.Millisecond), firstRSS/1024, peakRSS/1024)

	e.call(protocol.MethodShutdown, nil, nil)
	e.notify(protocol.MethodExit, nil)
	select {
	case err := <-e.done:
		e.done <- err // for the editor's cleanup
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit")
	}
	e.conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > goroutinesBefore+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("goroutines before %d, after %d", goroutinesBefore, runtime.NumGoroutine())
	if n := runtime.NumGoroutine(); n > goroutinesBefore+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines leaked: %d before, %d after\n%s", goroutinesBefore, n, buf[:runtime.Stack(buf, true)])
	}
}

func mergeKeys(a, b map[string][]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// rssKB returns the resident set size of this process in KiB.
func rssKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
