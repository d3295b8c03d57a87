package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/crossls/crossls/analysis/target"
)

// slowSource is a package that takes the compiler a while, made unique so
// that the build cache cannot answer it.
func slowSource() string {
	var b strings.Builder
	fmt.Fprintf(&b, "package main\n\nconst unique = %d\n\n", time.Now().UnixNano())
	for i := range 3000 {
		fmt.Fprintf(&b, "func f%d(x int) int {\n\tswitch x %% 7 {\n\tcase 1:\n\t\treturn x*%d + unique\n\tcase 2:\n\t\treturn f%d(x-1)\n\t}\n\treturn x\n}\n\n", i, i, max(i-1, 0))
	}
	b.WriteString("func main() { println(f2999(3)) }\n")
	return b.String()
}

// processesWith returns the command lines of running processes that
// mention s (Linux only).
func processesWith(s string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(data), s) {
			found = append(found, strings.ReplaceAll(string(data), "\x00", " "))
		}
	}
	return found
}

// processesLeft returns the processes whose command line contains s that
// are still running after within: a killed process disappears from /proc
// only once the kernel has torn it down, a moment after the kill.
func processesLeft(s string, within time.Duration) []string {
	deadline := time.Now().Add(within)
	for {
		left := processesWith(s)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunCancelMidBuild(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":               goMod,
		"main.go":              slowSource(),
		"dist/app-linux-amd64": "previous good binary",
	})
	// The go command puts its work directory, named in every compile and
	// link command line, under GOTMPDIR: that identifies this build's processes.
	work := t.TempDir()
	env := append(os.Environ(), "GOTMPDIR="+work)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	compiling := make(chan bool, 1)
	onEvent := func(e Event) {
		if e.Kind != Started {
			return
		}
		go func() {
			defer cancel()
			if runtime.GOOS != "linux" {
				return // cancel as soon as the build starts
			}
			for ctx.Err() == nil {
				for _, cmd := range processesWith(work) {
					if strings.Contains(strings.Fields(cmd)[0], "compile") {
						compiling <- true
						return
					}
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	results, err := Run(ctx, Options{
		Dir:     dir,
		Targets: []target.Target{{GOOS: "linux", GOARCH: "amd64"}},
		Env:     env,
		OnEvent: onEvent,
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error = %v, want context.Canceled", err)
	}
	if runtime.GOOS == "linux" {
		select {
		case <-compiling:
		default:
			t.Fatalf("the build finished before the compiler was seen: %+v", results)
		}
		if left := processesLeft(work, 2*time.Second); len(left) > 0 {
			t.Errorf("build processes survived cancellation: %q", left)
		}
	}
	res := results[0]
	if !errors.Is(res.Err, context.Canceled) || !strings.Contains(res.Err.Error(), "build cancelled") {
		t.Errorf("result error = %v, want build cancelled", res.Err)
	}
	if res.Output != "" {
		t.Errorf("cancelled build reports output %q", res.Output)
	}
	assertPrevious(t, filepath.Join(dir, "dist"), "app-linux-amd64")
}

// Builds that have not started when the run is cancelled fail without
// running the go command.
func TestRunCancelledBeforeStart(t *testing.T) {
	dir := writeModule(t, map[string]string{"go.mod": goMod, "main.go": "package main\n\nfunc main() {}\n"})
	ctx, cancel := context.WithCancel(context.Background())
	var ev events
	onEvent := func(e Event) {
		ev.add(e)
		cancel()
	}
	results, err := Run(ctx, Options{
		Dir:     dir,
		Targets: targets(t, "linux/amd64 linux/arm64 windows/amd64"),
		Jobs:    1,
		OnEvent: onEvent,
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want context.Canceled", err)
	}
	started := 0
	for _, res := range results {
		if !errors.Is(res.Err, context.Canceled) {
			t.Errorf("%s: error %v, want cancelled", res.Target, res.Err)
		}
		kinds := ev.kinds(res.Target.String())
		if len(kinds) == 0 || kinds[len(kinds)-1] != Failed {
			t.Errorf("%s: events %v, want a final failed event", res.Target, kinds)
			continue
		}
		if kinds[0] == Started {
			started++
		}
	}
	if started != 1 {
		t.Errorf("%d builds started, want 1 (cancelled on the first event with one job)", started)
	}
	if extra := leftovers(t, filepath.Join(dir, "dist")); len(extra) > 0 {
		t.Errorf("cancelled builds left %v", extra)
	}
}
