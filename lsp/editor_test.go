package lsp

// A fake editor for tests: it drives a real server through a real
// jsonrpc2 connection over an in-memory pipe, keeps the buffers it has
// opened, records what the server sends, and answers the server's requests
// as an editor would (configuration, registration, progress, applyEdit).

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/txtar"

	"github.com/crossls/crossls/internal/matrix"
)

type editor struct {
	t      *testing.T
	dir    string
	server *Server
	conn   jsonrpc2.Conn
	done   chan error // the result of Serve

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever something arrives
	diags    map[string][]protocol.Diagnostic
	versions map[string]*int32
	sends    map[string]int // publishDiagnostics notifications per path
	logs     []string
	shown    []string
	progress []map[string]any
	created  []any // tokens of window/workDoneProgress/create
	statuses []status
	matrices []matrixReport  // crossls/matrixChanged, the last few
	nMatrix  int             // crossls/matrixChanged received
	settings json.RawMessage // the "crossls" section returned for workspace/configuration
	buffers  map[string]string
	bufVer   map[string]int32
	silent   bool            // leave the server's requests unanswered
	initOpts json.RawMessage // initializationOptions
	quit     chan struct{}   // closed when the test ends
}

type editorOption func(*editor, *Server)

// checkFunc is an analysis driver without a session's state.
type checkFunc func(ctx context.Context, opts matrix.Options) (*matrix.Result, error)

func (c checkFunc) Check(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
	return c(ctx, opts)
}
func (checkFunc) Invalidate() {}
func (checkFunc) Flush()      {}

// withCheck replaces the analysis driver.
func withCheck(c checkFunc) editorOption {
	return func(_ *editor, s *Server) { s.newSession = func() session { return c } }
}

// withInitOptions sets the client's initializationOptions.
func withInitOptions(js string) editorOption {
	return func(e *editor, _ *Server) { e.initOpts = json.RawMessage(js) }
}

func withSettings(js string) editorOption {
	return func(e *editor, _ *Server) { e.settings = json.RawMessage(js) }
}

// writeTxtar writes the files of a txtar archive under dir.
func writeTxtar(t testing.TB, dir, archive string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// startEditor starts a server on a workspace made of archive and
// completes the initialize handshake.
func startEditor(t *testing.T, archive string, opts ...editorOption) *editor {
	t.Helper()
	e := newEditor(t, archive, opts...)
	e.initialize()
	return e
}

func newEditor(t *testing.T, archive string, opts ...editorOption) *editor {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeTxtar(t, dir, archive)
	return newEditorIn(t, dir, opts...)
}

// newEditorIn starts a server on the workspace folder dir.
func newEditorIn(t *testing.T, dir string, opts ...editorOption) *editor {
	t.Helper()
	e := &editor{
		t:        t,
		dir:      dir,
		changed:  make(chan struct{}),
		diags:    map[string][]protocol.Diagnostic{},
		versions: map[string]*int32{},
		buffers:  map[string]string{},
		bufVer:   map[string]int32{},
		done:     make(chan error, 1),
		quit:     make(chan struct{}),
	}
	srv := newServer(Options{Log: testLog{t}, Verbose: true, Debounce: 20 * time.Millisecond})
	for _, o := range opts {
		o(e, srv)
	}
	e.server = srv
	sc, cc := bufPipe()
	go func() { e.done <- srv.serve(context.Background(), sc) }()
	e.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(cc), jsonrpc2.WithCodec(codec{}))
	e.conn.Go(context.Background(), e.handle)
	t.Cleanup(func() {
		close(e.quit)
		e.conn.Close()
		select {
		case <-e.done:
		case <-time.After(20 * time.Second):
			t.Errorf("server did not exit")
		}
	})
	return e
}

type testLog struct{ t *testing.T }

// withLogTail keeps only the server's last n log lines, printed if the
// test fails: a long session would otherwise hold every line in the
// test's output buffer, inside the heap it measures, and bury the
// failure in megabytes of log.
func withLogTail(n int) editorOption {
	return func(e *editor, s *Server) {
		tail := &logTail{max: n}
		s.logger = log.New(tail, "crossls: ", log.LstdFlags|log.Lmicroseconds)
		e.t.Cleanup(func() {
			if e.t.Failed() {
				tail.mu.Lock()
				defer tail.mu.Unlock()
				e.t.Logf("the server's last %d log lines:\n%s", len(tail.lines), strings.Join(tail.lines, ""))
			}
		})
	}
}

type logTail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == l.max {
		l.lines = slices.Delete(l.lines, 0, 1)
	}
	l.lines = append(l.lines, string(p))
	return len(p), nil
}

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func (e *editor) initialize() {
	e.t.Helper()
	folders := []protocol.WorkspaceFolder{{URI: uri.File(e.dir), Name: "ws"}}
	params := &protocol.InitializeParams{
		WorkspaceFoldersInitializeParams: protocol.WorkspaceFoldersInitializeParams{WorkspaceFolders: protocol.NewNullable(folders)},
		Capabilities: protocol.ClientCapabilities{
			Workspace: &protocol.WorkspaceClientCapabilities{
				Configuration:         ptr(true),
				WorkspaceFolders:      ptr(true),
				ApplyEdit:             ptr(true),
				DidChangeWatchedFiles: &protocol.DidChangeWatchedFilesClientCapabilities{DynamicRegistration: ptr(true)},
			},
			Window: &protocol.WindowClientCapabilities{WorkDoneProgress: ptr(true)},
		},
	}
	params.InitializationOptions = protocol.LSPAny(e.initOpts)
	var res protocol.InitializeResult
	e.call(protocol.MethodInitialize, params, &res)
	e.notify(protocol.MethodInitialized, &protocol.InitializedParams{})
}

func (e *editor) call(method string, params, result any) {
	e.t.Helper()
	if err := e.callErr(method, params, result); err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
}

func (e *editor) callErr(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The connection may decode the result into slices of its read
	// buffer, which later messages reuse: results (raw data fields of code
	// actions) are decoded from a copy of their own.
	var raw json.RawMessage
	if _, err := e.conn.Call(ctx, method, params, &raw); err != nil || result == nil {
		return err
	}
	return protocol.Unmarshal(append([]byte(nil), raw...), result)
}

func (e *editor) notify(method string, params any) {
	e.t.Helper()
	if err := e.conn.Notify(context.Background(), method, params); err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
}

func (e *editor) path(name string) string { return filepath.Join(e.dir, filepath.FromSlash(name)) }

func (e *editor) open(name string) {
	e.t.Helper()
	data, err := os.ReadFile(e.path(name))
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.buffers[name] = string(data)
	e.bufVer[name] = 1
	e.mu.Unlock()
	e.notify(protocol.MethodTextDocumentDidOpen, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri.File(e.path(name)), LanguageID: "go", Version: 1, Text: string(data),
	}})
}

// replace edits an open buffer: the first occurrence of old becomes new.
func (e *editor) replace(name, old, new string) {
	e.t.Helper()
	e.mu.Lock()
	text := e.buffers[name]
	i := strings.Index(text, old)
	if i < 0 {
		e.mu.Unlock()
		e.t.Fatalf("%s does not contain %q", name, old)
	}
	rng := protocol.Range{Start: position(text, i), End: position(text, i+len(old))}
	e.buffers[name] = text[:i] + new + text[i+len(old):]
	e.bufVer[name]++
	v := e.bufVer[name]
	e.mu.Unlock()
	e.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(e.path(name))}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: rng, Text: new}},
	})
}

// setText replaces the whole text of an open buffer.
func (e *editor) setText(name, text string) {
	e.t.Helper()
	e.mu.Lock()
	e.buffers[name] = text
	e.bufVer[name]++
	v := e.bufVer[name]
	e.mu.Unlock()
	e.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(e.path(name))}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}},
	})
}

// loseEdit edits an open buffer without telling the server, as a client
// that dropped a didChange would.
func (e *editor) loseEdit(name, old, new string) {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if !strings.Contains(e.buffers[name], old) {
		e.t.Fatalf("%s does not contain %q", name, old)
	}
	e.buffers[name] = strings.Replace(e.buffers[name], old, new, 1)
	e.bufVer[name]++
}

func (e *editor) buffer(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.buffers[name]
}

// await waits until cond, evaluated under the editor's lock, holds.
func (e *editor) await(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.After(90 * time.Second)
	for {
		e.mu.Lock()
		ok := cond()
		ch := e.changed
		e.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			e.mu.Lock()
			e.t.Fatalf("timed out waiting for %s; diagnostics: %v; shown: %q", what, e.summary(), e.shown)
			e.mu.Unlock()
		}
	}
}

// summary lists the messages of the diagnostics received, by file.
func (e *editor) summary() map[string][]string {
	out := map[string][]string{}
	for path, ds := range e.diags {
		rel, _ := filepath.Rel(e.dir, path)
		for _, d := range ds {
			out[filepath.ToSlash(rel)] = append(out[filepath.ToSlash(rel)], diagMessage(d))
		}
	}
	return out
}

func diagMessage(d protocol.Diagnostic) string {
	if s, ok := d.Message.(protocol.String); ok {
		return string(s)
	}
	return ""
}

// diagnostics returns the current diagnostics of a file (caller holds mu).
func (e *editor) diagnosticsLocked(name string) []protocol.Diagnostic { return e.diags[e.path(name)] }

func (e *editor) silentClient() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.silent
}

func (e *editor) signal() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// handle answers the server's requests and records its notifications.
func (e *editor) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	params := append([]byte(nil), req.Params()...)
	if req.IsCall() && e.silentClient() {
		jsonrpc2.Async(ctx)
		select {
		case <-ctx.Done():
		case <-e.quit:
		}
		return nil, errors.New("no answer")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.signal()
	switch req.Method() {
	case protocol.MethodTextDocumentPublishDiagnostics:
		var p protocol.PublishDiagnosticsParams
		if err := protocol.Unmarshal(params, &p); err != nil {
			e.t.Errorf("bad publishDiagnostics: %v", err)
			return nil, nil
		}
		path := p.URI.FsPath()
		e.diags[path] = p.Diagnostics
		if e.sends == nil {
			e.sends = map[string]int{}
		}
		e.sends[path]++
		if v, ok := p.Version.Get(); ok {
			e.versions[path] = &v
		} else {
			e.versions[path] = nil
		}
	case protocol.MethodWindowLogMessage:
		var p protocol.LogMessageParams
		_ = protocol.Unmarshal(params, &p)
		e.logs = append(e.logs, p.Message)
	case protocol.MethodWindowShowMessage:
		var p protocol.ShowMessageParams
		_ = protocol.Unmarshal(params, &p)
		e.shown = append(e.shown, p.Message)
	case protocol.MethodProgress:
		var p map[string]any
		_ = json.Unmarshal(params, &p)
		e.progress = append(e.progress, p)
	case methodStatus:
		var st status
		_ = json.Unmarshal(params, &st)
		e.statuses = append(e.statuses, st)
	case methodMatrixChanged:
		var m matrixReport
		if err := json.Unmarshal(params, &m); err != nil {
			e.t.Errorf("bad %s: %v", methodMatrixChanged, err)
		}
		// Long tests receive thousands: keep the last few.
		e.matrices = append(e.matrices[max(0, len(e.matrices)-7):], m)
		e.nMatrix++
	case protocol.MethodWorkspaceConfiguration:
		var p protocol.ConfigurationParams
		_ = protocol.Unmarshal(params, &p)
		out := make([]json.RawMessage, len(p.Items))
		for i := range out {
			out[i] = json.RawMessage("null")
			if e.settings != nil {
				out[i] = e.settings
			}
		}
		b, _ := json.Marshal(out)
		return jsonrpc2.RawMessage(b), nil
	case protocol.MethodWindowWorkDoneProgressCreate:
		var p map[string]any
		_ = json.Unmarshal(params, &p)
		e.created = append(e.created, p["token"])
		return nil, nil
	case protocol.MethodClientRegisterCapability:
		return nil, nil
	default:
		if req.IsCall() {
			return nil, errors.New("unexpected request " + req.Method())
		}
	}
	return nil, nil
}

// settle waits until the server has published nothing for a while: it
// publishes only what changed, so quiet means done.
func (e *editor) settle() {
	e.t.Helper()
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
		if time.Since(quietSince) > time.Second {
			return
		}
	}
	e.t.Fatal("the server did not settle")
}

// awaitPublished waits until the diagnostics of each named buffer are
// those of its latest version.
func (e *editor) awaitPublished(names []string) {
	e.t.Helper()
	e.await("diagnostics of the latest versions", func() bool {
		for _, name := range names {
			v := e.versions[e.path(name)]
			if v == nil || *v != e.bufVer[name] {
				return false
			}
		}
		return true
	})
}

// serverText returns the server's text of an open buffer.
func (e *editor) serverText(name string) string {
	doc := e.server.docs.byPath(e.path(name))
	if doc == nil {
		return ""
	}
	e.server.docs.mu.Lock()
	defer e.server.docs.mu.Unlock()
	return doc.text
}

// fileSetSize sums matrix.Session.FileSetSize over the server's folders.
func (e *editor) fileSetSize() (files, bytes int) {
	e.server.mu.Lock()
	folders := slices.Clone(e.server.views)
	e.server.mu.Unlock()
	for _, f := range folders {
		if s, ok := f.currentSession().(*matrix.Session); ok {
			n, b := s.FileSetSize()
			files, bytes = files+n, bytes+b
		}
	}
	return files, bytes
}
