package target_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crossls/crossls/analysis/target"
)

// writeFakeGo writes an executable "go" running script, in a directory of
// its own so that no cached platform list applies to it.
func writeFakeGo(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return path
}

func TestLoadDistFailingGo(t *testing.T) {
	for _, tc := range []struct{ script, want string }{
		{"echo 'go: broken toolchain' >&2; exit 1", "broken toolchain"},
		{"echo 'not JSON'", "reading go tool dist list -json"},
		{"echo '[{\"GOOS\": 1}]'", "reading go tool dist list -json"},
		{"kill -9 $$", "signal: killed"},
	} {
		_, err := target.LoadDist(context.Background(), writeFakeGo(t, tc.script))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadDist with a go that runs %q: %v, want an error mentioning %q", tc.script, err, tc.want)
		}
	}
	if _, err := target.LoadDist(context.Background(), filepath.Join(t.TempDir(), "go")); !errors.Is(err, target.ErrGoNotFound) {
		t.Errorf("LoadDist of a missing go: %v, want ErrGoNotFound", err)
	}
}

// TestLoadDistCancelled cancels LoadDist while the go command and a child
// of it hang: it must return, and leave neither running.
func TestLoadDistCancelled(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	goCmd := writeFakeGo(t, fmt.Sprintf("echo $$ >> %[1]s\nsleep 600 &\necho $! >> %[1]s\nwait", pids))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := target.LoadDist(ctx, goCmd)
		done <- err
	}()
	for {
		data, _ := os.ReadFile(pids)
		if bytes.Count(data, []byte("\n")) >= 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("LoadDist succeeded after cancellation")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("LoadDist did not return after its context was cancelled")
	}
	data, err := os.ReadFile(pids)
	if err != nil {
		t.Fatal(err)
	}
	running := func(pid int) bool {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false // gone
		}
		i := bytes.LastIndexByte(stat, ')')
		return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z'
	}
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		// A killed process takes a moment to leave.
		for deadline := time.Now().Add(2 * time.Second); running(pid) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if running(pid) {
			t.Errorf("process %d of the cancelled go command is still running", pid)
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
		}
	}
}
