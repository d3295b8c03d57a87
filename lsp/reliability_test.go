package lsp

// Tests of a server that runs for days: background work that panics,
// folders that come and go, edits that cannot be applied, and requests
// that must not wait for a check.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// slowGo writes a go command that runs the real one, but first sleeps for
// delay when its subcommand is sub. Each delayed run creates a file in the
// returned directory as it starts, so a test can wait for one.
func slowGo(t *testing.T, sub string, delay time.Duration) (goCmd, started string) {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	real, _ = filepath.Abs(real)
	dir := t.TempDir()
	started = filepath.Join(dir, "started")
	if err := os.Mkdir(started, 0o755); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = %q ]; then\n\tmktemp %q >/dev/null\n\tsleep %.3f\nfi\nexec %q \"$@\"\n",
		sub, filepath.Join(started, "run.XXXXXX"), delay.Seconds(), real)
	goCmd = filepath.Join(dir, "go")
	if err := os.WriteFile(goCmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return goCmd, started
}

// runsStarted counts the delayed runs of a slowGo command so far.
func runsStarted(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries)
}

// awaitRuns waits until n delayed runs of a slowGo command have started.
func awaitRuns(t *testing.T, dir string, n int, timeout time.Duration) bool {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if runsStarted(dir) >= n {
			return true
		}
	}
	return false
}

func withGoCmd(goCmd string) editorOption {
	return func(_ *editor, s *Server) { s.opts.GoCmd = goCmd }
}

// TestWatchedFileDoesNotStall sends a file event while the real driver is
// in the middle of a check (go list is slow): the read loop must go on at
// once, and the check, whose inputs changed, must be replaced by a new one.
func TestWatchedFileDoesNotStall(t *testing.T) {
	requireGo(t)
	goCmd, started := slowGo(t, "list", 5*time.Second)
	e := startEditor(t, plainModule, withSettings(`{"targets": ["linux/amd64"]}`), withGoCmd(goCmd))
	if !awaitRuns(t, started, 1, 60*time.Second) {
		t.Fatal("the first check did not start")
	}

	start := time.Now()
	e.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
		{URI: uri.File(e.path("main.go")), Type: protocol.FileChangeTypeChanged},
	}})
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, nil)
	latency := time.Since(start)
	t.Logf("reply to a request sent after the file event: %v", latency)
	if latency > 100*time.Millisecond {
		t.Errorf("a request after a file event was answered after %v, want < 100ms", latency)
	}
	// The running check is cancelled, so a new one lists the packages
	// long before the old one's go list would have ended.
	if !awaitRuns(t, started, 2, 2*time.Second-time.Since(start)) {
		t.Errorf("the check running during the file event was not replaced by a new one")
	}
}
