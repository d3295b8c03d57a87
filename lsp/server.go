// Package lsp implements the crossls language server: it runs the
// cross-target analysis (internal/matrix) on the open workspace, with
// unsaved buffers, and publishes the findings for every configured target
// inline. It reports only what is about targets, builds and formatting,
// under its own diagnostic source, so it runs beside gopls.
package lsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/crossls/crossls/internal/matrix"
	"github.com/crossls/crossls/internal/stubgen"
)

// Options configure a server.
type Options struct {
	// Log receives the server's debug log (-logfile); nil discards it.
	// What users need to see also goes to the client as window/logMessage.
	Log io.Writer
	// Verbose logs every check and build step (-v).
	Verbose bool
	// GoCmd is the go command to use; "" means "go" from PATH.
	GoCmd string
	// Env is the base environment of the go command; nil means os.Environ().
	Env []string
	// Debounce is how long edits must pause before a check starts;
	// 0 means 30ms: superseded checks are cancelled, so the pause only
	// needs to absorb a burst of keystrokes.
	Debounce time.Duration
	// TuneGC sets the process's GOGC and soft memory limit from the work
	// of the last check (gcPolicy); for a server that owns its process.
	TuneGC bool
}

type lifecycle int

const (
	stateNew lifecycle = iota
	stateInitialized
	stateShutdown
)

// session is what a view needs of the analysis driver: a
// *matrix.Session, except in plumbing tests.
type session interface {
	Check(ctx context.Context, opts matrix.Options) (*matrix.Result, error)
	Invalidate()
	Flush()
}

// Server is the crossls language server. Create one with Serve.
type Server struct {
	protocol.UnimplementedServer

	opts   Options
	logger *log.Logger
	// newSession starts each view's analysis session.
	newSession func() session
	// generateStub writes nothing: it returns the stub file's path and
	// content. nil disables the stub action.
	generateStub func(ctx context.Context, req *stubRequestRef) (file string, content []byte, err error)

	// ctx lives as long as the connection; background work (checks,
	// builds, client calls) uses it, never a handler's pooled context.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // background goroutines

	client protocol.Client
	conn   jsonrpc2.Conn
	docs   *documents
	pub    *publisher

	mu    sync.Mutex
	state lifecycle
	// initialized is set by the initialized notification: views check
	// only from then on.
	initialized bool
	caps        protocol.ClientCapabilities
	// roots are the workspace folders.
	roots []string
	// views are the units of checking (see views.go), changed by
	// resolveViews only.
	views    []*view
	settings settings
	// noModuleWarned are the open files in no module the user was told of.
	noModuleWarned map[string]bool
	trusted        bool          // initOptions.TrustedWorkspace
	exited         chan struct{} // closed by the exit notification
	exitOnce       sync.Once
	builds         *builder

	// resolveMu serialises resolveViews.
	resolveMu sync.Mutex
	// located caches where directories belong (locate).
	modMu   sync.Mutex
	located map[string]located

	// matrixSent is the matrix last sent with crossls/matrixChanged, and
	// matrixVersion its version (matrix.go).
	matrixMu      sync.Mutex
	matrixSent    *matrixReport
	matrixVersion int64
	// lensTargets are the targets code lenses were last computed for
	// (refreshFileTargets).
	lensTargets string
}

// Serve runs a server on rwc (stdin/stdout for `crossls serve`) until the
// client sends exit or closes the stream. It returns nil after a proper
// shutdown and exit, and an error otherwise (the process should exit 1).
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	s := newServer(opts)
	return s.serve(ctx, rwc)
}

func newServer(opts Options) *Server {
	if opts.GoCmd == "" {
		opts.GoCmd = "go"
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if opts.Debounce == 0 {
		opts.Debounce = 30 * time.Millisecond
	}
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	s := &Server{
		opts:   opts,
		logger: log.New(w, "crossls: ", log.LstdFlags|log.Lmicroseconds),
		docs:   newDocuments(),
		exited: make(chan struct{}),
	}
	s.newSession = func() session { return matrix.NewSession() }
	s.generateStub = func(ctx context.Context, r *stubRequestRef) (string, []byte, error) {
		return stubgen.Generate(stubgen.Request{Dir: r.Dir, Package: r.Package, GOOS: r.GOOS, GOARCH: r.GOARCH, Names: r.Names, DefFiles: r.DefFiles})
	}
	s.pub = newPublisher(s)
	s.builds = &builder{s: s}
	return s
}

func (s *Server) serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	st := newStream(rwc, s.logf)
	conn := jsonrpc2.NewConn(st, jsonrpc2.WithCodec(codec{}))
	s.conn = conn
	s.client = protocol.ClientDispatcher(conn)
	conn.Go(s.ctx, s.handler())

	var err error
	select {
	case <-s.exited:
	case <-st.readDone:
		err = errors.New("the client closed the connection")
	case <-conn.Done():
		err = errors.New("the connection ended")
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.mu.Lock()
	shutdown := s.state == stateShutdown
	s.mu.Unlock()
	if shutdown {
		err = nil
		select {
		case <-s.exited:
		default:
			s.logf("connection closed after shutdown, without exit")
		}
	} else if err == nil {
		err = errExitWithoutShutdown
	}

	// Stop checks and builds (their go commands are killed with the
	// context), then close the connection. Neither may hang the exit.
	s.cancel()
	waitTimeout(&s.wg, 10*time.Second)
	closed := make(chan struct{})
	go func() { conn.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		rwc.Close()
	}
	if err != nil {
		s.logf("exiting: %v", err)
	}
	return err
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// goSafe runs f in a background goroutine that the server waits for on
// exit and whose panics are logged instead of killing the process.
func (s *Server) goSafe(name string, f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.recoverAs(name)
		f()
	}()
}

// recoverAs, deferred by a goroutine the server starts, turns its panic
// into an error in the log and a message the user sees.
func (s *Server) recoverAs(name string) {
	if r := recover(); r != nil {
		s.logf("panic in %s: %v\n%s", name, r, debug.Stack())
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: internal error in %s: %v (see the log)", name, r))
	}
}

// testPanic, when a test sets it, is called with the name of each place
// where background work can fail (panicPoint), and may panic there.
var testPanic atomic.Pointer[func(where string)]

func panicPoint(where string) {
	if f := testPanic.Load(); f != nil {
		(*f)(where)
	}
}

func (s *Server) logf(format string, args ...any) { s.logger.Printf(format, args...) }

func (s *Server) debugf(format string, args ...any) {
	if s.opts.Verbose {
		s.logger.Printf(format, args...)
	}
}

// logMessage logs to the log file and to the client's output panel.
func (s *Server) logMessage(typ protocol.MessageType, msg string) {
	s.logf("%s", msg)
	if s.client != nil {
		_ = s.client.LogMessage(s.ctx, &protocol.LogMessageParams{Type: typ, Message: msg})
	}
}

func (s *Server) showMessage(typ protocol.MessageType, msg string) {
	s.logf("%s", msg)
	if s.client != nil {
		_ = s.client.ShowMessage(s.ctx, &protocol.ShowMessageParams{Type: typ, Message: msg})
	}
}

// isTrusted reports whether the client said the user trusts the workspace.
func (s *Server) isTrusted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.trusted
}
