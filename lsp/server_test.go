package lsp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/internal/matrix"
	"github.com/crossls/crossls/internal/workspace"
)

const plainModule = `
-- go.mod --
module example.com/m

go 1.22
-- main.go --
package main

func main() {}
-- ugly.go --
package main

func  ugly( ) {
x:=1
_ = x
}
`

// fakeCheck reports one finding per open buffer that contains "BAD",
// at the first occurrence, and records the overlays it saw.
type fakeCheck struct {
	mu       sync.Mutex
	overlays []map[string]string
	block    chan struct{} // if set, checks wait on it (or on cancellation)
}

func (fc *fakeCheck) check(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
	fc.mu.Lock()
	ov := map[string]string{}
	for k, v := range opts.Overlay {
		ov[k] = string(v)
	}
	fc.overlays = append(fc.overlays, ov)
	block := fc.block
	fc.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	res := &matrix.Result{}
	for path, text := range ov {
		if i := strings.Index(text, "BAD"); i >= 0 {
			pos := position(text, i)
			res.Diagnostics = append(res.Diagnostics, matrix.Diagnostic{
				File: path, Line: int(pos.Line) + 1, Column: i - strings.LastIndex(text[:i], "\n"),
				EndLine: int(pos.Line) + 1, EndColumn: i - strings.LastIndex(text[:i], "\n") + 3,
				Severity: "error", Analyzer: "buildgap", Message: "[windows/amd64] BAD here",
				Targets: []string{"windows/amd64"},
				Fixes: []matrix.Fix{{Message: "Replace BAD", Edits: []matrix.Edit{{
					File: path, Line: int(pos.Line) + 1, Column: i - strings.LastIndex(text[:i], "\n"),
					EndLine: int(pos.Line) + 1, EndColumn: i - strings.LastIndex(text[:i], "\n") + 3, NewText: "good",
				}}}},
			})
		}
	}
	return res, nil
}

func TestLifecycleErrors(t *testing.T) {
	e := newEditor(t, plainModule, withCheck((&fakeCheck{}).check))
	var err error
	if err = e.callErr(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{}, nil); !isCode(err, jsonrpc2.ServerNotInitialized) {
		t.Errorf("request before initialize: %v, want ServerNotInitialized", err)
	}
	e.initialize()
	if err = e.callErr(protocol.MethodInitialize, &protocol.InitializeParams{}, nil); !isCode(err, jsonrpc2.InvalidRequest) {
		t.Errorf("second initialize: %v, want InvalidRequest", err)
	}
	if err = e.callErr("crossls/unknown", nil, nil); !isCode(err, jsonrpc2.MethodNotFound) {
		t.Errorf("unknown method: %v, want MethodNotFound", err)
	}
	// A didChange for an unopened document is reported, not fatal.
	e.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(e.path("nope.go"))}, Version: 3},
	})
	e.await("a message about the unopened document", func() bool {
		for _, m := range e.shown {
			if strings.Contains(m, "not open") {
				return true
			}
		}
		return false
	})
	// Non-file URIs are accepted and ignored by the analysis.
	e.notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: "untitled:Untitled-1", LanguageID: "go", Version: 1, Text: "package p",
	}})
	e.call(protocol.MethodShutdown, nil, nil)
	if err = e.callErr(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdRecheck}, nil); !isCode(err, jsonrpc2.InvalidRequest) {
		t.Errorf("request after shutdown: %v, want InvalidRequest", err)
	}
	e.notify(protocol.MethodExit, nil)
	if err := <-e.done; err != nil {
		t.Errorf("exit after shutdown: %v", err)
	}
	e.done <- nil
}

func isCode(err error, code jsonrpc2.Code) bool {
	var je *jsonrpc2.Error
	return errors.As(err, &je) && je.Code == code
}

func TestPanicIsRecovered(t *testing.T) {
	e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check))
	e.server.generateStub = func(ctx context.Context, r *stubRequestRef) (string, []byte, error) { panic("boom") }
	action := &protocol.CodeAction{Title: "stub", Data: []byte(`{"title":"stub","stub":{"dir":"/x","package":"p","goos":"linux","names":["f"]}}`)}
	err := e.callErr(protocol.MethodCodeActionResolve, action, nil)
	if !isCode(err, jsonrpc2.InternalError) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("panicking handler: %v, want an internal error", err)
	}
	// The connection survives.
	var res protocol.LSPAny
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, &res)
}

func TestCancelRequest(t *testing.T) {
	e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check))
	action := &protocol.CodeAction{Title: "stub", Data: []byte(`{"title":"stub","stub":{"dir":"/x","package":"p","goos":"linux","names":["f"]}}`)}
	started := make(chan struct{})
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	e.server.generateStub = func(ctx context.Context, r *stubRequestRef) (string, []byte, error) {
		close(started)
		<-ctx.Done()
		return "", nil, ctx.Err()
	}
	errc := make(chan error, 1)
	go func() {
		_, err := e.conn.Call(ctx2, protocol.MethodCodeActionResolve, action, nil)
		errc <- err
	}()
	<-started
	// jsonrpc2 numbers calls sequentially: this is the latest id.
	if err := e.conn.Notify(context.Background(), protocol.MethodCancelRequest, map[string]any{"id": lastCallID(e)}); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !isCode(err, protocol.CodeRequestCancelled) {
		t.Fatalf("cancelled request: %v, want RequestCancelled (-32800)", err)
	}
}

// lastCallID returns the id of the editor's most recent call: jsonrpc2
// numbers them from 1 in order, and the tests make calls one at a time.
func lastCallID(e *editor) int64 {
	id, _ := e.conn.Call(context.Background(), "crossls/unknown", nil, nil)
	n, _ := id.Number()
	return n - 1
}

func TestDiagnosticsFollowEdits(t *testing.T) {
	fc := &fakeCheck{}
	e := startEditor(t, plainModule, withCheck(fc.check))
	e.open("main.go")
	e.replace("main.go", "func main() {}", "func main() { BAD }")
	e.await("the finding on main.go", func() bool {
		ds := e.diagnosticsLocked("main.go")
		return len(ds) == 1 && diagMessage(ds[0]) == "[windows/amd64] BAD here"
	})
	e.mu.Lock()
	d := e.diagnosticsLocked("main.go")[0]
	v := e.versions[e.path("main.go")]
	e.mu.Unlock()
	if src, _ := d.Source.Get(); src != "crossls" || d.Code != protocol.String("buildgap") || d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("diagnostic fields: source %q code %v severity %v", src, d.Code, d.Severity)
	}
	if want := (protocol.Range{Start: protocol.Position{Line: 2, Character: 14}, End: protocol.Position{Line: 2, Character: 17}}); d.Range != want {
		t.Errorf("range %v, want %v", d.Range, want)
	}
	if v == nil || *v != 2 {
		t.Errorf("published for version %v, want 2", v)
	}

	// Apply the quick fix the diagnostic carries.
	var actions []protocol.CommandOrCodeAction
	e.call(protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("main.go"))},
		Range:        d.Range,
		Context:      protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{d}, Only: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}},
	}, &actions)
	if len(actions) != 1 {
		t.Fatalf("got %d actions, want the one quick fix", len(actions))
	}
	a := actions[0].(*protocol.CodeAction)
	tde := a.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if tde.TextDocument.Version == nil || *tde.TextDocument.Version != 2 {
		t.Errorf("edit is not versioned for the analysed buffer: %v", tde.TextDocument.Version)
	}
	te := tde.Edits[0].(*protocol.TextEdit)
	e.replace("main.go", "BAD", te.NewText)
	e.await("the finding to clear, for version 3", func() bool {
		v := e.versions[e.path("main.go")]
		return len(e.diagnosticsLocked("main.go")) == 0 && v != nil && *v == 3
	})
	if got := e.buffer("main.go"); !strings.Contains(got, "{ good }") {
		t.Errorf("buffer after fix: %q", got)
	}
	fc.mu.Lock()
	last := fc.overlays[len(fc.overlays)-1]
	fc.mu.Unlock()
	if last[e.path("main.go")] != e.buffer("main.go") {
		t.Errorf("the analysis did not see the unsaved buffer")
	}
}

// TestUnchangedDiagnosticsAreNotResent edits one file while another keeps
// its finding: the other file's diagnostics go to the client once.
func TestUnchangedDiagnosticsAreNotResent(t *testing.T) {
	fc := &fakeCheck{}
	e := startEditor(t, plainModule+"-- other.go --\npackage main\n\nvar _ = BAD\n", withCheck(fc.check))
	e.open("other.go")
	e.open("main.go")
	for i := range 4 {
		e.replace("main.go", "func main() {", fmt.Sprintf("func main() { BAD%d;", i))
		e.await(fmt.Sprintf("the check of edit %d", i), func() bool {
			v := e.versions[e.path("main.go")]
			return v != nil && *v == int32(i+2)
		})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if n := e.sends[e.path("other.go")]; n != 1 {
		t.Errorf("other.go's unchanged finding was sent %d times, want once", n)
	}
	if n := len(e.diagnosticsLocked("other.go")); n != 1 {
		t.Errorf("other.go has %d diagnostics, want its one finding", n)
	}
}

func TestStaleResultsAreNotPublished(t *testing.T) {
	fc := &fakeCheck{block: make(chan struct{})}
	e := startEditor(t, plainModule, withCheck(fc.check))
	e.open("main.go")
	e.replace("main.go", "func main() {}", "func main() { BAD }")
	// While that check is blocked, edit again: the old run is cancelled
	// and the new one publishes for the newest version only.
	e.replace("main.go", "BAD", "BAD BAD")
	close(fc.block)
	e.await("findings for version 3", func() bool {
		v := e.versions[e.path("main.go")]
		return v != nil && *v == 3 && len(e.diagnosticsLocked("main.go")) == 1
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	if v := e.versions[e.path("main.go")]; *v != 3 {
		t.Errorf("version %d published last, want 3", *v)
	}
}

func TestFormatting(t *testing.T) {
	e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check))
	e.open("ugly.go")
	var edits []protocol.TextEdit
	e.call(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("ugly.go"))}}, &edits)
	if len(edits) != 1 {
		t.Errorf("got %d edits, want 1 hunk (the package clause and blank line are unchanged)", len(edits))
	}
	text := e.buffer("ugly.go")
	for i := len(edits) - 1; i >= 0; i-- {
		start, _ := offset(text, edits[i].Range.Start)
		end, _ := offset(text, edits[i].Range.End)
		text = text[:start] + edits[i].NewText + text[end:]
	}
	if want := "package main\n\nfunc ugly() {\n\tx := 1\n\t_ = x\n}\n"; text != want {
		t.Errorf("formatted:\n%s\nwant:\n%s", text, want)
	}
	// Nothing for a file with syntax errors.
	e.replace("ugly.go", "func  ugly", "func ((")
	edits = nil
	e.call(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("ugly.go"))}}, &edits)
	if len(edits) != 0 {
		t.Errorf("got %d edits for a file with syntax errors", len(edits))
	}
}

func TestLineEdits(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"a\nb\nc\n", "a\nc\n"},
		{"a\nc\n", "a\nb\nc\n"},
		{"", "x\n"},
		{"x\n", ""},
		{"a\nb\nc\nd\ne\n", "b\nX\nd\ne\nf\n"},
		{"no newline", "no newline\n"},
	} {
		text := tt.a
		edits := lineEdits(tt.a, tt.b)
		for i := len(edits) - 1; i >= 0; i-- {
			start, err1 := offset(text, edits[i].Range.Start)
			end, err2 := offset(text, edits[i].Range.End)
			if err1 != nil || err2 != nil {
				t.Fatalf("%q -> %q: bad edit range %v", tt.a, tt.b, edits[i].Range)
			}
			text = text[:start] + edits[i].NewText + text[end:]
		}
		if text != tt.b {
			t.Errorf("%q -> %q: edits %v give %q", tt.a, tt.b, edits, text)
		}
	}
}

func TestSilentClientDoesNotBlockDiagnostics(t *testing.T) {
	fc := &fakeCheck{}
	e := newEditor(t, plainModule, withCheck(fc.check))
	e.silent = true // never answers configuration or registration
	e.initialize()
	e.open("main.go")
	e.replace("main.go", "func main() {}", "func main() { BAD }")
	e.await("diagnostics despite a silent client", func() bool { return len(e.diagnosticsLocked("main.go")) == 1 })
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		e := startEditor(t, plainModule, withCheck((&fakeCheck{}).check))
		e.open("main.go")
		e.replace("main.go", "func main() {}", "func main() { BAD }")
		e.await("diagnostics", func() bool { return len(e.diagnosticsLocked("main.go")) == 1 })
		e.call(protocol.MethodShutdown, nil, nil)
		e.notify(protocol.MethodExit, nil)
		if err := <-e.done; err != nil {
			t.Fatal(err)
		}
		e.done <- nil
		e.conn.Close()
	}()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before the session, %d after\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

// moduleOnly limits a check to the buffers of its module, as ./... does:
// a nested module is not part of it.
func moduleOnly(c checkFunc) checkFunc {
	return func(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
		own := map[string][]byte{}
		for path, text := range opts.Overlay {
			if workspace.ModuleRoot(filepath.Dir(path)) == opts.Dir {
				own[path] = text
			}
		}
		opts.Overlay = own
		return c(ctx, opts)
	}
}

func TestWorkspaceFolders(t *testing.T) {
	fc := &fakeCheck{}
	e := startEditor(t, plainModule+"-- other/go.mod --\nmodule example.com/other\n-- other/o.go --\npackage o\n", withCheck(moduleOnly(fc.check)))
	other := e.path("other")
	e.notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
		Added: []protocol.WorkspaceFolder{{URI: uri.File(other), Name: "other"}},
	}})
	e.open("other/o.go")
	e.replace("other/o.go", "package o", "package o // BAD")
	e.await("the finding in the added folder", func() bool { return len(e.diagnosticsLocked("other/o.go")) == 1 })
	if f := e.server.viewOf(e.path("other/o.go")); f == nil || f.dir != other {
		t.Errorf("other/o.go belongs to %v, want the innermost folder %s", f, other)
	}
	// A check of the outer folder leaves the inner folder's findings alone.
	e.open("main.go")
	e.replace("main.go", "func main() {}", "func main() { BAD }")
	e.await("the finding in the outer folder", func() bool { return len(e.diagnosticsLocked("main.go")) == 1 })
	e.mu.Lock()
	if n := len(e.diagnosticsLocked("other/o.go")); n != 1 {
		t.Errorf("after a check of the outer folder, other/o.go has %d findings, want its 1", n)
	}
	e.mu.Unlock()
	e.notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
		Removed: []protocol.WorkspaceFolder{{URI: uri.File(other), Name: "other"}},
	}})
	// The file is still in the outer folder, which analyses it next.
	e.replace("other/o.go", "// BAD", "// fine")
	e.await("the finding to clear", func() bool { return len(e.diagnosticsLocked("other/o.go")) == 0 })
}
