package lsp

// Tests of a server that runs for days: background work that panics,
// folders that come and go, edits that cannot be applied, and requests
// that must not wait for a check.

import (
	"context"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/internal/matrix"
)

// slowGo writes a go command that runs the real one, but first sleeps for
// delay when its subcommand is sub. Each delayed run creates a file in the
// returned directory as it starts, so a test can wait for one.
func slowGo(t *testing.T, sub string, delay time.Duration) (goCmd, started string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the slow go command is a shell script")
	}
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

// TestWatchedFileDoesNotStall sends a file event, then an edit, while the
// real driver is in the middle of a check (go list is slow): the read loop
// must go on at once, and the check, whose inputs changed, must be
// replaced by a new one.
func TestWatchedFileDoesNotStall(t *testing.T) {
	requireGo(t)
	goCmd, started := slowGo(t, "list", 5*time.Second)
	e := startEditor(t, plainModule, withSettings(`{"targets": ["linux/amd64"]}`), withGoCmd(goCmd))
	if !awaitRuns(t, started, 1, 60*time.Second) {
		t.Fatal("the first check did not start")
	}
	runs := runsStarted(started)
	for _, change := range []struct {
		what string
		send func()
	}{
		{"a file event", func() {
			e.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
				{URI: uri.File(e.path("ugly.go")), Type: protocol.FileChangeTypeChanged},
			}})
		}},
		{"an edit", func() {
			e.open("main.go")
			e.replace("main.go", "func main() {}", "func main() { println() }")
		}},
	} {
		start := time.Now()
		change.send()
		e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, nil)
		latency := time.Since(start)
		t.Logf("reply to a request sent after %s: %v", change.what, latency)
		if latency > 100*time.Millisecond {
			t.Errorf("a request after %s was answered after %v, want < 100ms", change.what, latency)
		}
		// The running check is cancelled, so a new one lists the packages
		// long before the old one's go list would have ended.
		runs++
		if !awaitRuns(t, started, runs, 2*time.Second-time.Since(start)) {
			t.Fatalf("the check running during %s was not replaced by a new one", change.what)
		}
	}
}

// ballastSession is a fake driver whose session holds memory, as a real
// one holds parsed files and type-checked packages.
type ballastSession struct {
	checkFunc
	ballast []byte
}

// liveHeap returns the bytes of live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// awaitGoroutines waits until at most n goroutines run, and returns the
// number.
func awaitGoroutines(n int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

// TestRemovedFoldersAreReleased adds and removes a workspace folder many
// times, and opens and closes a file outside the workspace (which gets a
// folder of its own) as often: every folder's goroutine and session must
// go with it.
func TestRemovedFoldersAreReleased(t *testing.T) {
	const ballast = 1 << 20
	var checks atomic.Int64
	fc := &fakeCheck{}
	e := startEditor(t, plainModule+"-- other/go.mod --\nmodule example.com/other\n-- other/o.go --\npackage o\n", func(_ *editor, s *Server) {
		s.newSession = func() session {
			return &ballastSession{ballast: make([]byte, ballast), checkFunc: func(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
				defer checks.Add(1)
				return fc.check(ctx, opts)
			}}
		}
	})
	outside := t.TempDir()
	writeTxtar(t, outside, "-- go.mod --\nmodule example.com/outside\n-- x.go --\npackage x\n")
	e.await("the first check", func() bool { return checks.Load() > 0 })
	other := protocol.WorkspaceFolder{URI: uri.File(e.path("other")), Name: "other"}
	xURI := uri.File(filepath.Join(outside, "x.go"))

	cycle := func() {
		n := checks.Load()
		e.notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
			Added: []protocol.WorkspaceFolder{other},
		}})
		e.notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
			URI: xURI, LanguageID: "go", Version: 1, Text: "package x\n",
		}})
		e.await("the checks of both new folders", func() bool { return checks.Load() >= n+2 })
		e.notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
			Removed: []protocol.WorkspaceFolder{other},
		}})
		e.notify(protocol.MethodTextDocumentDidClose, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: xURI}})
		e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, nil)
	}
	// One cycle first: what the first use of a code path allocates for
	// good is not a leak.
	cycle()
	goroutines := awaitGoroutines(0, 200*time.Millisecond)
	heap := liveHeap()
	const cycles = 100
	for range cycles {
		cycle()
	}
	goroutinesAfter := awaitGoroutines(goroutines+3, 5*time.Second)
	heapAfter := liveHeap()
	t.Logf("%d cycles: goroutines %d before, %d after; live heap %.1f MB before, %.1f MB after",
		cycles, goroutines, goroutinesAfter, float64(heap)/1e6, float64(heapAfter)/1e6)
	// Left: the workspace folder's module; other, a nested module whose
	// folder is gone and none of whose files is open, has no view.
	if e.server.viewOf(filepath.Join(outside, "x.go")) != nil || e.server.viewOf(e.path("other/o.go")) != nil || len(e.server.snapshotViews()) != 1 {
		t.Errorf("views left: %d", len(e.server.snapshotViews()))
	}
	if goroutinesAfter > goroutines+3 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after %d cycles\n%s", goroutines, goroutinesAfter, cycles, buf[:runtime.Stack(buf, true)])
	}
	if heapAfter > heap+8<<20 {
		t.Errorf("live heap grew from %.1f MB to %.1f MB in %d cycles", float64(heap)/1e6, float64(heapAfter)/1e6, cycles)
	}
}

// TestPanicsAreRecovered injects a panic at each place where the server's
// background work can fail, in turn: the user must hear of it, the server
// must answer the next request, and the folder must still be checked after
// a later edit.
func TestPanicsAreRecovered(t *testing.T) {
	for _, where := range []string{"configure", "schedule", "check", "publish", "build", "watch", protocol.MethodWorkspaceDidChangeWatchedFiles} {
		t.Run(where, func(t *testing.T) {
			var fired atomic.Bool
			hook := func(w string) {
				if w == where && fired.CompareAndSwap(false, true) {
					panic("injected in " + w)
				}
			}
			testPanic.Store(&hook)
			t.Cleanup(func() { testPanic.Store(nil) })

			fc := &fakeCheck{}
			e := startEditor(t, plainModule, withCheck(fc.check), withSettings(`{"targets": ["linux/amd64"]}`))
			e.open("main.go")
			switch where {
			case "publish":
				e.replace("main.go", "func main() {}", "func main() { BAD }")
			case "build":
				e.await("the first check", func() bool { return len(e.statuses) > 0 })
				e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuildAll}, nil)
			case protocol.MethodWorkspaceDidChangeWatchedFiles:
				e.notify(where, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
					{URI: uri.File(e.path("main.go")), Type: protocol.FileChangeTypeChanged},
				}})
			}
			e.await("the internal error to be shown", func() bool {
				return slices.ContainsFunc(e.shown, func(m string) bool { return strings.Contains(m, "internal error") && strings.Contains(m, "injected") })
			})
			if !fired.Load() {
				t.Fatal("the panic was not injected")
			}

			e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, nil)
			e.replace("main.go", "package main", "package main // BAD")
			e.await("fresh diagnostics for the edit", func() bool {
				v := e.versions[e.path("main.go")]
				ds := e.diagnosticsLocked("main.go")
				return v != nil && *v == e.bufVer["main.go"] && len(ds) == 1 && ds[0].Range.Start.Line == 0
			})
			if where == "build" {
				// The build that panicked does not block the next one.
				var res map[string]any
				e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuildAll}, &res)
				if res["started"] != true {
					t.Errorf("a build after the one that panicked: %v", res)
				}
				e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdCancelBuild}, nil)
			}
		})
	}
}

// TestRejectedEditDesynchronises loses an edit between the editor and the
// server, so that the next one cannot be applied: from then on the server
// must not use its text for the buffer, which is no longer the editor's,
// until a full text (a change, a save, a reopen) brings it back.
func TestRejectedEditDesynchronises(t *testing.T) {
	fc := &fakeCheck{}
	e := startEditor(t, plainModule, withCheck(fc.check))
	e.open("main.go")
	original := e.buffer("main.go")
	synced := map[string]bool{original: true} // texts the server may analyse
	formatting := func() ([]protocol.TextEdit, error) {
		var edits []protocol.TextEdit
		err := e.callErr(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("main.go"))}}, &edits)
		return edits, err
	}
	apply := func(text string, edits []protocol.TextEdit) string {
		for i := len(edits) - 1; i >= 0; i-- {
			start, _ := offset(text, edits[i].Range.Start)
			end, _ := offset(text, edits[i].Range.End)
			text = text[:start] + edits[i].NewText + text[end:]
		}
		return text
	}
	desynchronise := func() {
		t.Helper()
		e.mu.Lock()
		e.shown = nil
		e.mu.Unlock()
		// The server never hears of the new function; the edit inside it
		// is beyond its last line.
		e.loseEdit("main.go", original, original+"\nfunc  extra( ) {\n}\n")
		e.replace("main.go", "func  extra( ) {\n}", "func  extra( ) { BAD }")
		e.await("the user to hear that the buffer is out of sync", func() bool {
			ds := e.diagnosticsLocked("main.go")
			return slices.ContainsFunc(e.shown, func(m string) bool { return strings.Contains(m, "out of sync") }) &&
				len(ds) == 1 && strings.Contains(diagMessage(ds[0]), "out of sync")
		})
		// An edit the server could apply to its own text, which is not the
		// editor's.
		e.replace("main.go", "func main() {}", "func main() { BAD }")
		if edits, err := formatting(); err == nil {
			if got, want := apply(e.buffer("main.go"), edits), formatted(t, e.buffer("main.go")); got != want {
				t.Errorf("formatting an out-of-sync buffer gives edits that make\n%s\nnot\n%s", got, want)
			}
		}
	}
	resynchronised := func(how string) {
		t.Helper()
		synced[e.buffer("main.go")] = true
		e.await("findings after "+how, func() bool {
			ds := e.diagnosticsLocked("main.go")
			return len(ds) == 1 && diagMessage(ds[0]) == "[windows/amd64] BAD here" && ds[0].Range.Start.Line == 2
		})
		edits, err := formatting()
		if err != nil {
			t.Fatalf("formatting after %s: %v", how, err)
		}
		if got, want := apply(e.buffer("main.go"), edits), formatted(t, e.buffer("main.go")); got != want {
			t.Errorf("formatting after %s gives\n%s\nwant\n%s", how, got, want)
		}
		e.replace("main.go", "func main() { BAD }", "func main() {}")
		synced[e.buffer("main.go")] = true
		e.await("incremental edits to apply again after "+how, func() bool {
			return !slices.ContainsFunc(e.diagnosticsLocked("main.go"), func(d protocol.Diagnostic) bool { return d.Range.Start.Line == 2 })
		})
		e.setText("main.go", original)
	}

	desynchronise()
	e.setText("main.go", e.buffer("main.go"))
	resynchronised("a full-text change")

	desynchronise()
	if err := os.WriteFile(e.path("main.go"), []byte(e.buffer("main.go")), 0o644); err != nil {
		t.Fatal(err)
	}
	e.notify(protocol.MethodTextDocumentDidSave, &protocol.DidSaveTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("main.go"))}})
	resynchronised("a save")

	desynchronise()
	text := e.buffer("main.go")
	e.notify(protocol.MethodTextDocumentDidClose, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("main.go"))}})
	e.notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri.File(e.path("main.go")), LanguageID: "go", Version: 1, Text: text,
	}})
	e.mu.Lock()
	e.bufVer["main.go"] = 1
	e.mu.Unlock()
	resynchronised("a reopen")

	fc.mu.Lock()
	defer fc.mu.Unlock()
	for _, ov := range fc.overlays {
		if text, ok := ov[e.path("main.go")]; ok && !synced[text] {
			t.Errorf("a check analysed a text of main.go the editor never had:\n%s", text)
		}
	}
}

func formatted(t *testing.T, text string) string {
	t.Helper()
	out, err := format.Source([]byte(text))
	if err != nil {
		t.Fatalf("%v in\n%s", err, text)
	}
	return string(out)
}

// TestCleanFileIsPublished opens a file without findings: the editor must
// hear once that it was checked, and again after a reopen.
func TestCleanFileIsPublished(t *testing.T) {
	e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check))
	main := e.path("main.go")
	e.await("the first check", func() bool { return len(e.statuses) > 0 })
	e.open("main.go")
	e.await("an empty publication for the opened file", func() bool {
		v := e.versions[main]
		return e.sends[main] == 1 && len(e.diags[main]) == 0 && v != nil && *v == 1
	})
	checked := func() {
		t.Helper()
		e.mu.Lock()
		n := len(e.statuses)
		e.mu.Unlock()
		e.await("a check", func() bool { return len(e.statuses) > n })
	}
	e.replace("main.go", "func main() {}", "func main() { println() }")
	checked()
	e.mu.Lock()
	if n := e.sends[main]; n != 1 {
		t.Errorf("a clean file was published %d times, want once per opening", n)
	}
	e.mu.Unlock()
	e.notify(protocol.MethodTextDocumentDidClose, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(main)}})
	checked()
	e.open("main.go")
	e.await("an empty publication after the reopen", func() bool { return e.sends[main] == 2 && len(e.diags[main]) == 0 })
}

// progressOf returns the kinds of the progress notifications for token.
func (e *editor) progressOf(token any) []string {
	var kinds []string
	for _, p := range e.progress {
		if v, _ := p["value"].(map[string]any); p["token"] == token {
			kinds = append(kinds, fmt.Sprint(v["kind"]))
		}
	}
	return kinds
}

// TestBuildProgressToken runs a build with the progress token the client
// sends in the request, and one without: only then does the server create
// a token of its own.
func TestBuildProgressToken(t *testing.T) {
	requireGo(t)
	e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check), withSettings(`{"targets": ["linux/amd64"]}`))
	e.await("the first check", func() bool { return len(e.statuses) > 0 })

	// With the client's token.
	func() {
		var res map[string]any
		e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{
			WorkDoneProgressParams: protocol.WorkDoneProgressParams{WorkDoneToken: protocol.String("editor-7")},
			Command:                cmdBuildAll,
		}, &res)
		e.mu.Lock()
		defer e.mu.Unlock()
		// The token lives as long as the request: the build is over, and
		// its progress too, when the reply comes.
		if res["started"] != true || res["state"] != "succeeded" {
			t.Errorf("reply %v, want the finished build's state", res)
		}
		if kinds := e.progressOf("editor-7"); !slices.Equal(kinds, []string{"begin", "report", "end"}) {
			t.Errorf("progress on the client's token before the reply: %v, want begin, report, end", kinds)
		}
		if len(e.created) != 0 {
			t.Errorf("the server created progress tokens %v despite the client's", e.created)
		}
	}()

	// Without.
	func() {
		e.mu.Lock()
		e.progress = nil
		e.mu.Unlock()
		var res map[string]any
		e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuildAll}, &res)
		if res["started"] != true {
			t.Errorf("reply %v", res)
		}
		e.await("the build to end", func() bool {
			return len(e.created) == 1 && slices.Equal(e.progressOf(e.created[0]), []string{"begin", "report", "end"})
		})
		e.mu.Lock()
		defer e.mu.Unlock()
		if len(e.progress) != 3 {
			t.Errorf("progress %v, want all on the created token %v", e.progress, e.created[0])
		}
	}()
}

// TestCancelBuildRequest cancels a build run with the client's progress
// token, whose request lasts as long as the build: $/cancelRequest must
// end it at once.
func TestCancelBuildRequest(t *testing.T) {
	requireGo(t)
	goCmd, started := slowGo(t, "build", time.Minute)
	e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check), withSettings(`{"targets": ["linux/amd64"]}`), withGoCmd(goCmd))
	e.await("the first check", func() bool { return len(e.statuses) > 0 })

	errc := make(chan error, 1)
	go func() {
		_, err := e.conn.Call(context.Background(), protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{
			WorkDoneProgressParams: protocol.WorkDoneProgressParams{WorkDoneToken: protocol.String("editor-1")},
			Command:                cmdBuildAll,
		}, nil)
		errc <- err
	}()
	if !awaitRuns(t, started, 1, 60*time.Second) {
		t.Fatal("the build did not start")
	}
	id := lastCallID(e)
	start := time.Now()
	if err := e.conn.Notify(context.Background(), protocol.MethodCancelRequest, map[string]any{"id": id}); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-errc:
	case <-time.After(30 * time.Second):
		t.Fatal("the cancelled build request has no reply after 30s")
	}
	latency := time.Since(start)
	t.Logf("reply to the cancelled build request: %v (%v)", latency, err)
	if !isCode(err, protocol.CodeRequestCancelled) {
		t.Errorf("cancelled build request: %v, want RequestCancelled (-32800)", err)
	}
	if latency > 100*time.Millisecond {
		t.Errorf("the cancelled build request was answered after %v, want < 100ms", latency)
	}
	e.await("the build to be cancelled", func() bool {
		return len(e.statuses) > 0 && e.statuses[len(e.statuses)-1].Build.State == "cancelled"
	})
}

// TestWorkspaceTrustReachesChecks checks that the client's word that the
// user trusts the workspace (an initialization option, which the
// workspace's own settings cannot set) is what lets checks run the
// programs a project configures, and that without it they never do.
func TestWorkspaceTrustReachesChecks(t *testing.T) {
	for _, c := range []struct {
		init  string
		trust bool
	}{
		{"", false},
		{`{"trustedWorkspace": false}`, false},
		{`{"trustedWorkspace": true}`, true},
		{`"not an object"`, false},
	} {
		var mu sync.Mutex
		var seen []bool
		check := checkFunc(func(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
			mu.Lock()
			seen = append(seen, opts.TrustProject)
			mu.Unlock()
			return &matrix.Result{}, nil
		})
		e := startEditor(t, "-- go.mod --\nmodule example.com/trust\n\ngo 1.22\n-- a.go --\npackage a\n",
			withCheck(check), withInitOptions(c.init),
			withSettings(`{"trustProject": true}`)) // a workspace setting never grants it
		e.open("a.go")
		e.await("a check", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(seen) > 0
		})
		mu.Lock()
		if slices.Contains(seen, !c.trust) {
			t.Errorf("initializationOptions %s: checks ran with TrustProject %v, want %v", c.init, seen, c.trust)
		}
		mu.Unlock()
	}
}
