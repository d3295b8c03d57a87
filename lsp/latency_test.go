package lsp

import (
	"encoding/json"
	"os"
	"sort"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// TestEditLatency measures edit-to-diagnostics latency on a real module:
// CROSSLS_LATENCY_MODULE=/path/to/module CROSSLS_LATENCY_FILE=file.go, where file.go declares
// "type Op uint32" (fsnotify.go of github.com/fsnotify/fsnotify).
// It reports timings and asserts nothing about them.
func TestEditLatency(t *testing.T) {
	dir, file := os.Getenv("CROSSLS_LATENCY_MODULE"), os.Getenv("CROSSLS_LATENCY_FILE")
	if dir == "" || file == "" {
		t.Skip("set CROSSLS_LATENCY_MODULE and CROSSLS_LATENCY_FILE")
	}
	for _, targets := range [][]string{
		{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"},
		{"linux/amd64", "linux/arm64", "linux/386", "linux/arm/v7", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64", "freebsd/amd64", "openbsd/amd64"},
	} {
		settings, _ := json.Marshal(settings{Targets: targets})
		e := newEditor(t, "", withSettings(string(settings)), func(_ *editor, s *Server) { s.opts.Debounce = 30 * time.Millisecond })
		e.dir = dir
		e.initialize()
		e.open(file)
		time.Sleep(3 * time.Second) // let the first, cold check finish
		var lat []time.Duration
		for i := 0; i < 10; i++ {
			// Alternate between adding and removing a gofmt problem, so that
			// every edit changes the file's findings.
			start := time.Now()
			var v int32
			if i%2 == 0 {
				e.replace(file, "\ntype Op uint32", "\nfunc  latencyProbe( ) {}\n\ntype Op uint32")
			} else {
				e.replace(file, "\nfunc  latencyProbe( ) {}\n", "")
			}
			e.mu.Lock()
			v = e.bufVer[file]
			e.mu.Unlock()
			e.await("diagnostics for the edit", func() bool {
				pv := e.versions[e.path(file)]
				return pv != nil && *pv == v && (i%2 == 0) == e.hasDiag(file, "gofmt")
			})
			lat = append(lat, time.Since(start))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		t.Logf("%d targets: edit-to-diagnostics min %v, median %v, max %v (debounce %v)",
			len(targets), lat[0].Round(time.Millisecond), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), e.server.opts.Debounce)
		e.call(protocol.MethodShutdown, nil, nil)
		e.notify(protocol.MethodExit, nil)
	}
}
