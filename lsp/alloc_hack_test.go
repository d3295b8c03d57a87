package lsp

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"
)

func TestAllocHack(t *testing.T) {
	dir := os.Getenv("CROSSLS_LATENCY_MODULE")
	if dir == "" {
		t.Skip()
	}
	file := "fsnotify.go"
	targets := []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64", "linux/arm/v7", "linux/386", "darwin/amd64", "windows/386", "freebsd/amd64", "js/wasm"}
	settings, _ := json.Marshal(settings{Targets: targets})
	e := newEditor(t, "", withSettings(string(settings)))
	e.dir = dir
	e.initialize()
	e.open(file)
	time.Sleep(3 * time.Second)
	runtime.MemProfileRate = 4096
	f0, _ := os.Create("/tmp/a0.out")
	pprof.Lookup("allocs").WriteTo(f0, 0)
	f0.Close()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for i := 0; i < 100; i++ {
		if i%2 == 0 {
			e.replace(file, "\ntype Op uint32", "\nvar _ = newWatches\n\ntype Op uint32")
		} else {
			e.replace(file, "\nvar _ = newWatches\n", "")
		}
		e.mu.Lock()
		v := e.bufVer[file]
		e.mu.Unlock()
		e.await("diagnostics", func() bool {
			pv := e.versions[e.path(file)]
			return pv != nil && *pv == v
		})
	}
	runtime.ReadMemStats(&ms1)
	t.Logf("alloc per edit: %d KB", (ms1.TotalAlloc-ms0.TotalAlloc)/100>>10)
	f1, _ := os.Create("/tmp/a1.out")
	pprof.Lookup("allocs").WriteTo(f1, 0)
	f1.Close()
}
