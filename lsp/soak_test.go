package lsp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/matrix"
	"github.com/crossls/crossls/internal/modproxy"
)

// TestSoak drives a working day of editing through the server, on a real
// module (fsnotify, from the module proxy) with several targets: bursts
// of 500 edits to two files, with a pause for a check every 25 edits
// (keystrokes in function bodies, declarations added and removed, a use
// of a symbol some targets lack), the server's text compared with the
// editor's after each burst, the targets reconfigured during the warm-up.
// After a warm-up of 1,500 edits, the next edits up to 10,500 must keep
// the live heap within 10% of its warm level and the anonymous RSS within
// 15% (medians of three samples at each end), the peak RSS within 1.2x,
// and the FileSet's files bounded; the server's goroutines return to
// their count before the edits, and at the end the published diagnostics
// equal a fresh check's. CROSSLS_SOAK_EDITS sets the number of edits
// after the warm-up (default 9,000); CROSSLS_SOAK_PROFILES, a directory
// for heap profiles of every sample.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a long editing session")
	}
	const warmup, burst = 1500, 500
	edits := 9000
	if n, err := strconv.Atoi(os.Getenv("CROSSLS_SOAK_EDITS")); err == nil && n > 0 {
		edits = n
	}
	dir := modproxy.Copy(t, "github.com/fsnotify/fsnotify@v1.9.0")
	goroutinesBefore := runtime.NumGoroutine()
	e := newEditorIn(t, dir, withSettings(`{"targets": ["linux/amd64", "windows/amd64", "darwin/arm64", "linux/386"]}`), withLogTail(200))
	e.initialize()
	names := []string{"fsnotify.go", "backend_inotify.go"}
	for _, name := range names {
		e.open(name)
	}
	// A function body in each file to type in, and its original text.
	const marker = "\treturn"
	rng := rand.New(rand.NewPCG(1, 2))
	edit := func(i int) {
		name := names[rng.IntN(len(names))]
		text := e.buffer(name)
		switch r := rng.IntN(10); {
		case r == 0 && strings.Contains(text, "\nvar _ = newWatches\n"):
			e.replace(name, "\nvar _ = newWatches\n", "\n")
		case r == 0:
			e.replace(name, "\nfunc ", "\nvar _ = newWatches\n\nfunc ") // windows lacks it
		case r == 1 && strings.Contains(text, "\nfunc soakEdit"):
			start := strings.Index(text, "\nfunc soakEdit")
			end := start + 1 + strings.Index(text[start+1:], "\n")
			e.replace(name, text[start:end+1], "\n")
		case r == 1:
			e.replace(name, "\nfunc ", fmt.Sprintf("\nfunc soakEdit%d() int { return %d }\n\nfunc ", i, i))
		default:
			// A keystroke and its undo inside a body.
			e.replace(name, marker, marker+" ")
			e.replace(name, marker+" ", marker)
		}
	}
	measure := func(done int) soakSample {
		e.settle()
		runtime.GC()
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		sm := soakSample{heap: int64(ms.HeapAlloc), rss: procKB("VmRSS") << 10, anon: procKB("RssAnon") << 10, peak: procKB("VmHWM") << 10, goroutines: runtime.NumGoroutine(), edits: done}
		sm.files, sm.fileBytes = e.fileSetSize()
		if dir := os.Getenv("CROSSLS_SOAK_PROFILES"); dir != "" {
			// Heap profiles for finding what grows: go tool pprof -diff_base.
			if f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", done))); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		t.Logf("after %5d edits: live heap %.1f MiB (spans in use %.1f MiB, stacks %.1f MiB, runtime %.1f MiB), RSS %.1f MiB (anonymous %.1f MiB), peak RSS %.1f MiB, FileSet %d files (%.1f MiB), goroutines %d",
			done, mib(sm.heap), mib(int64(ms.HeapInuse)), mib(int64(ms.StackInuse)), mib(int64(ms.GCSys+ms.OtherSys+ms.MSpanSys+ms.MCacheSys+ms.BuckHashSys)), mib(sm.rss), mib(sm.anon), mib(sm.peak), sm.files, mib(int64(sm.fileBytes)), sm.goroutines)
		return sm
	}
	// Three samples at each end, compared by their medians: the heap the
	// server keeps at a given moment varies by a few percent with which
	// checks a burst happened to complete, and a leak shows in all three.
	const samples = 3
	var early, late []soakSample
	start := time.Now()
	for done := 0; done < warmup+edits; done += burst {
		if done == warmup-2*burst {
			e.mu.Lock()
			e.settings = []byte(`{"targets": ["linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64", "linux/386"]}`)
			e.mu.Unlock()
			e.notify(protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{})
		}
		for i := range burst {
			edit(done + i)
			if i%25 == 24 {
				// Let a check complete now and then, as a typist pauses.
				e.awaitPublished(names)
			}
		}
		e.awaitPublished(names)
		for _, name := range names {
			if got, want := e.serverText(name), e.buffer(name); got != want {
				t.Fatalf("after %d edits the server's %s differs from the editor's", done+burst, name)
			}
		}
		switch n := done + burst; {
		case n >= warmup && len(early) < samples:
			early = append(early, measure(n))
		case n > warmup+edits-samples*burst:
			late = append(late, measure(n))
		}
	}
	if len(early) < samples || len(late) < samples {
		t.Fatalf("%d edits after the warm-up leave no room for %d samples at each end", edits, samples)
	}
	warm, end := medianSample(early), medianSample(late)
	from := fmt.Sprintf("after %d-%d edits", early[0].edits, early[samples-1].edits)
	to := fmt.Sprintf("after %d-%d", late[0].edits, late[samples-1].edits)
	end.goroutines, end.files, end.fileBytes = late[samples-1].goroutines, late[samples-1].files, late[samples-1].fileBytes
	t.Logf("%d edits in %v", warmup+edits, time.Since(start).Round(time.Millisecond))
	if end.heap > warm.heap*11/10 {
		t.Errorf("live heap grew from a median %.1f MiB %s to %.1f MiB %s", mib(warm.heap), from, mib(end.heap), to)
	}
	// Anonymous memory is what a leak grows; the file pages of RSS grow as
	// later edits run code of the test binary that earlier ones did not.
	// It also holds the heap's partly used spans, a third more than the
	// live heap, whose share varies with the edit history: 15%.
	if end.anon > warm.anon*115/100 {
		t.Errorf("anonymous RSS grew from a median %.1f MiB %s to %.1f MiB %s", mib(warm.anon), from, mib(end.anon), to)
	}
	if end.peak > warm.peak*12/10 {
		t.Errorf("peak RSS grew from %.1f MiB %s to %.1f MiB %s", mib(warm.peak), from, mib(end.peak), to)
	}
	// The FileSet holds the files in use, plus those parsed since its last
	// sweep, which comes once they could be half as many.
	if limit := max(warm.fileBytes*2, warm.fileBytes+32<<20); end.fileBytes > limit {
		t.Errorf("the FileSet grew from %d files (%d bytes) to %d files (%d bytes)", warm.files, warm.fileBytes, end.files, end.fileBytes)
	}
	if end.goroutines > warm.goroutines+2 {
		t.Errorf("goroutines: %d after the warm-up, %d at the end", warm.goroutines, end.goroutines)
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
		got[file] = append(got[file], msgs...)
	}
	e.mu.Unlock()
	for file := range mergeKeys(want, got) {
		w, g := slices.Sorted(slices.Values(want[file])), slices.Sorted(slices.Values(got[file]))
		if !slices.Equal(w, g) {
			t.Errorf("%s: published %q, a fresh check finds %q", file, g, w)
		}
	}

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
	if n := runtime.NumGoroutine(); n > goroutinesBefore+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines leaked: %d before, %d after\n%s", goroutinesBefore, n, buf[:runtime.Stack(buf, true)])
	}
}

// soakSample is what the soak measures at one point.
type soakSample struct {
	heap, rss, peak   int64
	anon              int64 // RssAnon: RSS less the binary's and libraries' file pages
	files, fileBytes  int
	goroutines, edits int
}

// medianSample takes each memory figure's median over ss (whose first
// sample gives the rest).
func medianSample(ss []soakSample) soakSample {
	median := func(get func(soakSample) int64) int64 {
		v := make([]int64, len(ss))
		for i, s := range ss {
			v[i] = get(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	m := ss[0]
	m.heap = median(func(s soakSample) int64 { return s.heap })
	m.rss = median(func(s soakSample) int64 { return s.rss })
	m.anon = median(func(s soakSample) int64 { return s.anon })
	m.peak = median(func(s soakSample) int64 { return s.peak })
	return m
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

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

// procKB returns a field of /proc/self/status in KiB (VmRSS, VmHWM).
func procKB(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
