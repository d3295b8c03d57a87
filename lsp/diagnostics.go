package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/analysis/matrix"
)

// Diagnostic sources: analysis findings and compiler errors of builds.
const (
	sourceCheck = "crossls"
	sourceBuild = "crossls build"
)

// A folder is a workspace folder (a module or go.work root). It runs one
// check at a time: edits restart a debounce timer, and when it fires the
// running check, now superseded, is cancelled and a new one starts.
type folder struct {
	s    *Server
	dir  string
	wake chan struct{}
	// auto marks a folder added for a file outside the workspace folders:
	// it goes when its last open file is closed. Guarded by s.mu.
	auto bool
	// ctx ends when the folder is removed or the server exits: the
	// folder's goroutine, and the check it runs, end with it.
	ctx    context.Context
	cancel context.CancelFunc
	exited chan struct{} // closed when the goroutine has released the session

	mu sync.Mutex
	// session keeps parsed files, type-checked packages, analysis results
	// and package metadata between checks: an edit re-checks only what it
	// can affect. nil once the folder has stopped.
	session   session
	timer     *time.Timer
	cancelRun context.CancelFunc
	stopped   bool
	cfg       *folderConfig
	cfgErr    error
	configed  map[string]bool // config files with published errors
	failing   []string        // targets that fail in the last check
	running   bool            // a check is in progress

	// needConfig asks the next check to resolve the configuration first.
	needConfig bool
	// panicked is set by a check that panicked, until one completes: the
	// user hears of the first of a series only.
	panicked       bool
	noModuleWarned bool
}

func newFolder(s *Server, dir string) *folder {
	ctx, cancel := context.WithCancel(s.ctx)
	f := &folder{
		s: s, dir: dir, wake: make(chan struct{}, 1),
		ctx: ctx, cancel: cancel, exited: make(chan struct{}),
		configed: map[string]bool{}, session: s.newSession(),
		needConfig: true,
	}
	s.goSafe("checker "+dir, f.run)
	return f
}

func (f *folder) isAuto() bool {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	return f.auto
}

// currentSession returns the folder's session, nil once it has stopped.
func (f *folder) currentSession() session {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.session
}

// invalidate tells the session that files changed on disk.
func (f *folder) invalidate() {
	if sess := f.currentSession(); sess != nil {
		sess.Invalidate()
	}
}

func (f *folder) setConfig(cfg *folderConfig, err error) {
	f.mu.Lock()
	f.cfg, f.cfgErr = cfg, err
	old := f.configed
	f.configed = map[string]bool{}
	f.mu.Unlock()

	byFile := configErrorDiagnostics(err)
	for file := range old {
		if _, ok := byFile[file]; !ok {
			f.s.pub.setCheck(file, nil, nil)
		}
	}
	for file, diags := range byFile {
		f.s.pub.setCheck(file, nil, diags)
		f.mu.Lock()
		f.configed[file] = true
		f.mu.Unlock()
	}
}

// reconfigure makes the folder resolve its configuration again before it
// checks next, and schedules that check at once.
func (f *folder) reconfigure() {
	f.mu.Lock()
	f.needConfig = true
	f.mu.Unlock()
	f.schedule(0)
}

// takeConfigRequest reports whether the configuration must be resolved,
// and clears the request: a new one may come while it is.
func (f *folder) takeConfigRequest() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	need := f.needConfig
	f.needConfig = false
	return need
}

func (f *folder) config() (*folderConfig, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg, f.cfgErr
}

// schedule asks for a check after delay (the debounce interval, or 0).
// The first edit after a pause is checked at once: the debounce only
// coalesces a burst of edits, and a check it supersedes is cancelled.
func (f *folder) schedule(delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	// An edit while nothing runs or waits is checked at once; the
	// debounce only coalesces edits that arrive while a check is pending.
	if delay > 0 && !f.running && f.timer == nil {
		delay = 0
	}
	if f.timer != nil {
		f.timer.Stop()
	}
	var tm *time.Timer
	tm = time.AfterFunc(delay, func() {
		defer f.s.recoverAs("the check timer of " + f.dir)
		panicPoint("schedule")
		f.mu.Lock() // held by schedule until tm is set
		if f.timer == tm {
			f.timer = nil
		}
		if f.cancelRun != nil {
			f.cancelRun() // superseded
		}
		f.mu.Unlock()
		select {
		case f.wake <- struct{}{}:
		default:
		}
	})
	f.timer = tm
}

// inputsChanged is schedule for a change of what the running check
// reads (a buffer, a file on disk): that check is cancelled at once,
// since its findings would be stale.
func (f *folder) inputsChanged() {
	f.mu.Lock()
	if f.cancelRun != nil {
		f.cancelRun()
	}
	f.mu.Unlock()
	f.schedule(f.s.opts.Debounce)
}

// stop ends the folder's goroutine and its running check, without
// waiting for them; the goroutine then releases the session.
func (f *folder) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = true
	if f.timer != nil {
		f.timer.Stop()
	}
	f.cancel()
}

func (f *folder) run() {
	defer f.release()
	for {
		select {
		case <-f.ctx.Done():
			return
		case <-f.wake:
		}
		f.checkRecovered()
	}
}

// checkRecovered runs checkOnce and turns a panic into an error the user
// sees, so that the folder goes on with its next check. That check starts
// from a new session: the panic may have left the old one half updated.
func (f *folder) checkRecovered() {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		f.s.logf("panic in the check of %s: %v\n%s", f.dir, r, debug.Stack())
		f.mu.Lock()
		first := !f.panicked
		f.panicked = true
		if f.session != nil {
			f.session = f.s.newSession()
		}
		f.mu.Unlock()
		if first {
			f.s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: internal error while checking %s: %v (see the log); the next edit checks it again", f.dir, r))
		}
	}()
	f.checkOnce()
}

// release drops the session of a folder whose goroutine ends, after
// writing what it keeps for the type cache.
func (f *folder) release() {
	defer close(f.exited)
	f.mu.Lock()
	sess := f.session
	f.session = nil
	f.mu.Unlock()
	if sess != nil {
		sess.Flush()
	}
}

// checkOnce analyses the folder for all targets with the open buffers as
// overlay and publishes the result, after resolving the configuration if
// it is due.
func (f *folder) checkOnce() {
	if f.takeConfigRequest() {
		f.configure()
	}
	cfg, cfgErr := f.config()
	if cfg == nil {
		if cfgErr != nil {
			f.s.sendStatus()
		}
		return
	}
	if moduleRoot(f.dir) == "" {
		// go list would fail quietly for every target; say why instead.
		f.mu.Lock()
		warned := f.noModuleWarned
		f.noModuleWarned = true
		f.mu.Unlock()
		if !warned {
			f.s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: not checking %s: it is not in a Go module (no go.mod or go.work in it or above it); run `go mod init`", f.dir))
		}
		return
	}
	ctx, cancel := context.WithCancel(f.ctx)
	f.mu.Lock()
	sess := f.session
	if f.stopped || sess == nil {
		f.mu.Unlock()
		cancel()
		return
	}
	f.cancelRun = cancel
	f.running = true
	f.mu.Unlock()
	defer cancel()
	defer func() {
		f.mu.Lock()
		f.running = false
		f.mu.Unlock()
	}()

	panicPoint("check")
	docs := f.s.docs.snapshot(f.dir)
	overlay := make(map[string][]byte, len(docs))
	for _, d := range docs {
		overlay[d.path] = []byte(d.text)
	}
	start := time.Now()
	res, err := sess.Check(ctx, matrix.Options{
		Dir:       f.dir,
		Targets:   cfg.targets,
		Overlay:   overlay,
		Analyzers: cfg.analyzers,
		GoCmd:     f.s.opts.GoCmd,
		Env:       f.s.opts.Env,
		// The standard library's API per target survives restarts.
		TypeCacheDir: matrix.DefaultTypeCacheDir(),
		TrustProject: f.s.isTrusted(),
		Report:       func(err error) { f.s.logf("%v", err) },
	})
	// The check is over: an edit that arrives while its results are
	// published (the client may answer them with the next keystroke) is
	// checked at once rather than debounced.
	f.mu.Lock()
	f.running = false
	f.mu.Unlock()
	if ctx.Err() != nil {
		f.s.debugf("check of %s superseded after %v", f.dir, time.Since(start))
		return
	}
	if err != nil {
		f.s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: checking %s failed: %v", f.dir, err))
		return
	}
	f.s.debugf("checked %s for %d targets in %v: %d diagnostics", f.dir, len(cfg.targets), time.Since(start), len(res.Diagnostics))
	f.publish(res, docs)
	f.mu.Lock()
	f.panicked = false
	f.mu.Unlock()
	if f.s.opts.TuneGC {
		processGC.afterCheck()
	}
}

// diagData is the data field of a published diagnostic: its fixes, with
// positions already converted for the client.
type diagData struct {
	Fixes []fixData `json:"fixes,omitempty"`
}

type fixData struct {
	Title  string          `json:"title"`
	Edits  []fileEdit      `json:"edits,omitempty"`
	Rename *matrix.Rename  `json:"rename,omitempty"`
	Create *matrix.Create  `json:"create,omitempty"`
	Stub   *stubRequestRef `json:"stub,omitempty"`
}

type fileEdit struct {
	File    string         `json:"file"`
	Version *int32         `json:"version,omitempty"` // of the open buffer the edit applies to
	Range   protocol.Range `json:"range"`
	NewText string         `json:"newText"`
}

// texts caches the contents positions are converted against: the analysed
// buffer for open files, the disk otherwise.
type texts struct {
	open  map[string]*document
	cache map[string]string
}

func (t *texts) get(path string) (string, *int32) {
	if d, ok := t.open[path]; ok {
		v := d.version
		return d.text, &v
	}
	if s, ok := t.cache[path]; ok {
		return s, nil
	}
	data, _ := os.ReadFile(path) // unreadable: positions clamp to the start
	t.cache[path] = string(data)
	return string(data), nil
}

func (t *texts) rng(path string, line, col, endLine, endCol int) protocol.Range {
	text, _ := t.get(path)
	start := lineColPosition(text, line, col)
	if endLine == 0 {
		return protocol.Range{Start: start, End: start}
	}
	end := lineColPosition(text, endLine, endCol)
	if end.Line < start.Line || (end.Line == start.Line && end.Character < start.Character) {
		end = start
	}
	return protocol.Range{Start: start, End: end}
}

func (f *folder) absPath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.dir, p)
}

// publish converts a check result and publishes it for every file it
// names, clearing files of the folder whose findings are gone.
func (f *folder) publish(res *matrix.Result, docs []*document) {
	t := &texts{open: map[string]*document{}, cache: map[string]string{}}
	for _, d := range docs {
		t.open[d.path] = d
	}
	byFile := map[string][]protocol.Diagnostic{}
	for _, d := range res.Diagnostics {
		file := f.absPath(d.File)
		if file == "" {
			continue
		}
		byFile[file] = append(byFile[file], f.convert(t, d))
	}

	failing := map[string]bool{}
	for _, p := range res.Packages {
		for tgt, v := range p.Targets {
			if v.Status == "fail" {
				failing[tgt] = true
			}
		}
	}
	f.mu.Lock()
	f.failing = sortedKeys(failing)
	f.mu.Unlock()

	// Files of a folder nested in this one are that folder's.
	for _, path := range f.s.pub.checkFiles(f.dir) {
		if _, ok := byFile[path]; !ok && !f.isConfigFile(path) && f.s.folderOf(path) == f {
			f.s.pub.setFindings(path, t.open[path], nil)
		}
	}
	for _, path := range sortedKeys(byFile) {
		f.s.pub.setFindings(path, t.open[path], byFile[path])
	}
	for _, d := range docs {
		if _, ok := byFile[d.path]; !ok && f.s.folderOf(d.path) == f {
			f.s.pub.firstCheck(d)
		}
	}
	f.s.sendStatus()
}

func (f *folder) isConfigFile(path string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.configed[path]
}

func (f *folder) convert(t *texts, d matrix.Diagnostic) protocol.Diagnostic {
	file := f.absPath(d.File)
	pd := protocol.Diagnostic{
		Range:    t.rng(file, d.Line, d.Column, d.EndLine, d.EndColumn),
		Severity: severity(d.Severity),
		Code:     protocol.String(d.Analyzer),
		Source:   protocol.NewOptional(sourceCheck),
		Message:  protocol.String(d.Message),
	}
	for _, r := range d.Related {
		rf := f.absPath(r.File)
		if rf == "" {
			continue
		}
		pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri.File(rf), Range: t.rng(rf, r.Line, r.Column, r.EndLine, r.EndColumn)},
			Message:  r.Message,
		})
	}
	var data diagData
	for _, fx := range d.Fixes {
		fd := fixData{Title: fx.Message, Rename: fx.Rename, Create: fx.Create}
		for _, e := range fx.Edits {
			ef := f.absPath(e.File)
			_, version := t.get(ef)
			fd.Edits = append(fd.Edits, fileEdit{
				File:    ef,
				Version: version,
				Range:   t.rng(ef, e.Line, e.Column, e.EndLine, e.EndColumn),
				NewText: e.NewText,
			})
		}
		if fd.Rename != nil {
			fd.Rename = &matrix.Rename{From: f.absPath(fd.Rename.From), To: f.absPath(fd.Rename.To)}
		}
		if fd.Create != nil {
			fd.Create = &matrix.Create{File: f.absPath(fd.Create.File), Content: fd.Create.Content}
		}
		data.Fixes = append(data.Fixes, fd)
	}
	if stub := stubFor(f, d); stub != nil {
		data.Fixes = append(data.Fixes, fixData{Title: stub.title(), Stub: stub})
	}
	if len(data.Fixes) > 0 {
		if b, err := json.Marshal(data); err == nil {
			pd.Data = b
		}
	}
	return pd
}

func severity(s string) protocol.DiagnosticSeverity {
	switch s {
	case matrix.SeverityError:
		return protocol.DiagnosticSeverityError
	case matrix.SeverityWarning:
		return protocol.DiagnosticSeverityWarning
	}
	return protocol.DiagnosticSeverityInformation
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// publisher owns what the client has been sent: per file, the findings of
// the last check and the compiler errors of the last build of each target.
// Every publication goes through its lock, so a file's diagnostics are
// sent in the order they were computed.
type publisher struct {
	s     *Server
	mu    sync.Mutex
	files map[string]*fileDiags
	// unchecked are the open files not published since they were opened:
	// the first check publishes them even without findings, so that the
	// editor can tell "checked, clean" from "not checked yet".
	unchecked map[string]bool
}

type fileDiags struct {
	version *int32
	check   []protocol.Diagnostic
	build   map[string][]protocol.Diagnostic // by target

	// sent is what the client was last sent for the file: a check that
	// finds the same sends nothing.
	sent        []protocol.Diagnostic
	sentVersion *int32
	sentOnce    bool
}

func newPublisher(s *Server) *publisher {
	return &publisher{s: s, files: map[string]*fileDiags{}, unchecked: map[string]bool{}}
}

// opened and closed track the open files for firstCheck.
func (p *publisher) opened(path string) {
	p.mu.Lock()
	p.unchecked[path] = true
	p.mu.Unlock()
}

func (p *publisher) closed(path string) {
	p.mu.Lock()
	delete(p.unchecked, path)
	p.mu.Unlock()
}

// firstCheck publishes an open file without findings, analysed as d, if
// nothing was published for it since it was opened.
func (p *publisher) firstCheck(d *document) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.unchecked[d.path] || p.s.docs.byPath(d.path) != d {
		return
	}
	fd := p.entry(d.path)
	fd.version, fd.check, fd.sentOnce = &d.version, nil, false
	delete(p.unchecked, d.path)
	p.send(d.path, fd)
}

func (p *publisher) entry(path string) *fileDiags {
	fd := p.files[path]
	if fd == nil {
		fd = &fileDiags{build: map[string][]protocol.Diagnostic{}}
		p.files[path] = fd
	}
	return fd
}

func (p *publisher) setCheck(path string, version *int32, diags []protocol.Diagnostic) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fd := p.entry(path)
	fd.version, fd.check = version, diags
	delete(p.unchecked, path)
	p.send(path, fd)
}

// setFindings replaces the check findings of path, computed on the buffer
// analysed (nil: the file on disk). A file whose buffer has changed since,
// or was opened since, or is out of sync, is left alone: a newer check is
// already scheduled for it. That is decided under the lock, so that the
// findings cannot overwrite what the handler of the change publishes.
func (p *publisher) setFindings(path string, analysed *document, diags []protocol.Diagnostic) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur := p.s.docs.byPath(path); cur != nil && cur != analysed {
		return
	}
	var version *int32
	if analysed != nil {
		version = &analysed.version
	}
	fd := p.entry(path)
	fd.version, fd.check = version, diags
	if p.unchecked[path] {
		fd.sentOnce = false // findings sent before the file was opened do not count
		delete(p.unchecked, path)
	}
	p.send(path, fd)
}

// setBuild replaces the compiler errors of one target's build.
func (p *publisher) setBuild(tgt string, byFile map[string][]protocol.Diagnostic) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for path, fd := range p.files {
		if _, ok := byFile[path]; !ok && len(fd.build[tgt]) > 0 {
			delete(fd.build, tgt)
			p.send(path, fd)
		}
	}
	for path, diags := range byFile {
		fd := p.entry(path)
		fd.build[tgt] = diags
		p.send(path, fd)
	}
}

func (p *publisher) send(path string, fd *fileDiags) {
	panicPoint("publish")
	all := append([]protocol.Diagnostic{}, fd.check...)
	for _, tgt := range sortedKeys(fd.build) {
		all = append(all, fd.build[tgt]...)
	}
	if fd.sentOnce && sameVersion(fd.sentVersion, fd.version) && reflect.DeepEqual(fd.sent, all) {
		return
	}
	fd.sent, fd.sentVersion, fd.sentOnce = all, fd.version, true
	params := &protocol.PublishDiagnosticsParams{URI: uri.File(path), Diagnostics: all}
	if fd.version != nil {
		params.Version = protocol.NewOptional(*fd.version)
	}
	p.s.debugf("publishing %d diagnostics for %s (version %v)", len(all), path, fd.version)
	if err := p.s.client.PublishDiagnostics(p.s.ctx, params); err != nil {
		p.s.logf("publishing diagnostics for %s: %v", path, err)
	}
	if len(all) == 0 {
		delete(p.files, path)
	}
}

func sameVersion(a, b *int32) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// checkFiles lists the files under dir with published check findings.
func (p *publisher) checkFiles(dir string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for path, fd := range p.files {
		if len(fd.check) > 0 && within(dir, path) {
			out = append(out, path)
		}
	}
	sort.Strings(out)
	return out
}

// checkDiagnostics returns the published check findings of a file.
func (p *publisher) checkDiagnostics(path string) []protocol.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fd := p.files[path]; fd != nil {
		return slices.Clone(fd.check)
	}
	return nil
}
