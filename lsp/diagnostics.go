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
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/internal/matrix"
	"github.com/crossls/crossls/internal/workspace"
)

// Diagnostic sources: analysis findings and compiler errors of builds.
const (
	sourceCheck = "crossls"
	sourceBuild = "crossls build"
)

// A view is one unit of checking, as gopls's views are: a module, or the
// modules of a go.work workspace that share a configuration, checked by
// one go command per target. It checks the modules it is asked for (those
// with open files, and the workspace folders' own), not every module it
// could. It runs one check at a time: edits restart a debounce timer, and
// when it fires the running check, now superseded, is cancelled and a new
// one starts.
type view struct {
	s *Server
	// key identifies the view among those resolveViews wants.
	key string
	// dir is where the go command runs: the module's root, or the go.work
	// directory.
	dir string
	// work is the go.work of a workspace view, nil for a module view,
	// which runs with GOWORK=off: a go.work above it does not use it.
	work *workspace.Work
	// root bounds the search for configuration files: the go.work
	// directory, or the workspace folder holding the module.
	root string
	// configDir is the directory whose configuration applies to the view.
	configDir string
	wake      chan struct{}
	// ctx ends when the view is removed or the server exits: the view's
	// goroutine, and the check it runs, end with it.
	ctx    context.Context
	cancel context.CancelFunc
	exited chan struct{} // closed when the goroutine has released the session

	mu sync.Mutex
	// scopes are what the view checks: module roots, or directories in a
	// module for a workspace folder inside one. Set by resolveViews.
	scopes []scope
	// published are the files the view has published findings for.
	published map[string]bool
	// session keeps parsed files, type-checked packages, analysis results
	// and package metadata between checks: an edit re-checks only what it
	// can affect. nil once the view has stopped.
	session   session
	timer     *time.Timer
	cancelRun context.CancelFunc
	stopped   bool
	cfg       *viewConfig
	cfgErr    error
	configed  map[string]bool // config files with published errors
	failing   []string        // targets that fail in the last check
	matrix    *matrixReport   // the last check's matrix (matrix.go)
	running   bool            // a check is in progress
	checked   bool            // a check of the whole view completed

	// needConfig asks the next check to resolve the configuration first.
	needConfig bool
	// panicked is set by a check that panicked, until one completes: the
	// user hears of the first of a series only.
	panicked bool
}

// A scope is a directory whose packages a view checks, in one module.
type scope struct {
	module string // the module's root
	dir    string // the module's root, or a directory in it
}

func newView(s *Server, spec *viewSpec) *view {
	ctx, cancel := context.WithCancel(s.ctx)
	v := &view{
		s: s, key: spec.key, dir: spec.dir, work: spec.work, root: spec.root, configDir: spec.configDir,
		scopes: spec.scopes, wake: make(chan struct{}, 1),
		ctx: ctx, cancel: cancel, exited: make(chan struct{}),
		configed: map[string]bool{}, published: map[string]bool{}, session: s.newSession(),
		needConfig: true,
	}
	s.goSafe("checker "+spec.dir, v.run)
	return v
}

// patterns are the package patterns of the view's scopes, relative to
// its directory.
func (v *view) patterns() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, sc := range v.scopes {
		if p := workspace.RelPattern(v.dir, sc.dir); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// modules returns the roots of the modules the view checks.
func (v *view) modules() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, sc := range v.scopes {
		if !slices.Contains(out, sc.module) {
			out = append(out, sc.module)
		}
	}
	return out
}

// covers reports whether the view checks path, a file of module.
func (v *view) covers(module, path string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, sc := range v.scopes {
		if sc.module == module && workspace.Within(sc.dir, path) {
			return true
		}
	}
	return false
}

// reaches reports whether the buffers of module are part of what the
// view's checks read: a module it checks, or any module of its go.work,
// which its modules may import.
func (v *view) reaches(module string) bool {
	if v.work != nil {
		return v.work.Uses(module)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, sc := range v.scopes {
		if sc.module == module {
			return true
		}
	}
	return false
}

// env is the go command's environment for the view.
func (v *view) env() []string {
	env := v.s.opts.Env
	if v.work == nil {
		// A module outside any go.work, or one its go.work does not use.
		env = append(slices.Clip(env), "GOWORK=off")
	}
	return env
}

// currentSession returns the view's session, nil once it has stopped.
func (v *view) currentSession() session {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.session
}

// invalidate tells the session that files changed on disk.
func (v *view) invalidate() {
	if sess := v.currentSession(); sess != nil {
		sess.Invalidate()
	}
}

func (v *view) setConfig(cfg *viewConfig, err error) {
	v.mu.Lock()
	v.cfg, v.cfgErr = cfg, err
	old := v.configed
	v.configed = map[string]bool{}
	v.mu.Unlock()

	byFile := configErrorDiagnostics(err)
	for file := range old {
		if _, ok := byFile[file]; !ok {
			v.s.pub.setCheck(file, nil, nil)
		}
	}
	for file, diags := range byFile {
		v.s.pub.setCheck(file, nil, diags)
		v.mu.Lock()
		v.configed[file] = true
		v.mu.Unlock()
	}
}

// reconfigure makes the view resolve its configuration again before it
// checks next, and schedules that check at once.
func (v *view) reconfigure() {
	v.mu.Lock()
	v.needConfig = true
	v.mu.Unlock()
	v.schedule(0)
}

// takeConfigRequest reports whether the configuration must be resolved,
// and clears the request: a new one may come while it is.
func (v *view) takeConfigRequest() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	need := v.needConfig
	v.needConfig = false
	return need
}

func (v *view) config() (*viewConfig, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.cfg, v.cfgErr
}

// schedule asks for a check after delay (the debounce interval, or 0).
// The first edit after a pause is checked at once: the debounce only
// coalesces a burst of edits, and a check it supersedes is cancelled.
func (v *view) schedule(delay time.Duration) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.stopped {
		return
	}
	// An edit while nothing runs or waits is checked at once; the
	// debounce only coalesces edits that arrive while a check is pending.
	if delay > 0 && !v.running && v.timer == nil {
		delay = 0
	}
	if v.timer != nil {
		v.timer.Stop()
	}
	var tm *time.Timer
	tm = time.AfterFunc(delay, func() {
		defer v.s.recoverAs("the check timer of " + v.dir)
		panicPoint("schedule")
		v.mu.Lock() // held by schedule until tm is set
		if v.timer == tm {
			v.timer = nil
		}
		if v.cancelRun != nil {
			v.cancelRun() // superseded
		}
		v.mu.Unlock()
		select {
		case v.wake <- struct{}{}:
		default:
		}
	})
	v.timer = tm
}

// inputsChanged is schedule for a change of what the running check
// reads (a buffer, a file on disk): that check is cancelled at once,
// since its findings would be stale.
func (v *view) inputsChanged() {
	v.mu.Lock()
	if v.cancelRun != nil {
		v.cancelRun()
	}
	v.mu.Unlock()
	v.schedule(v.s.opts.Debounce)
}

// stop ends the view's goroutine and its running check, without
// waiting for them; the goroutine then releases the session.
func (v *view) stop() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.stopped = true
	if v.timer != nil {
		v.timer.Stop()
	}
	v.cancel()
}

func (v *view) run() {
	defer v.release()
	for {
		select {
		case <-v.ctx.Done():
			return
		case <-v.wake:
		}
		v.checkRecovered()
	}
}

// checkRecovered runs checkOnce and turns a panic into an error the user
// sees, so that the view goes on with its next check. That check starts
// from a new session: the panic may have left the old one half updated.
func (v *view) checkRecovered() {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		v.s.logf("panic in the check of %s: %v\n%s", v.dir, r, debug.Stack())
		v.mu.Lock()
		first := !v.panicked
		v.panicked = true
		if v.session != nil {
			v.session = v.s.newSession()
		}
		v.mu.Unlock()
		if first {
			v.s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: internal error while checking %s: %v (see the log); the next edit checks it again", v.dir, r))
		}
	}()
	v.checkOnce()
}

// release drops the session of a view whose goroutine ends, after
// writing what it keeps for the type cache.
func (v *view) release() {
	defer close(v.exited)
	v.mu.Lock()
	sess := v.session
	v.session = nil
	v.mu.Unlock()
	if sess != nil {
		sess.Flush()
	}
}

// checkOnce analyses the view for all targets with the open buffers as
// overlay and publishes the result, after resolving the configuration if
// it is due.
func (v *view) checkOnce() {
	if v.takeConfigRequest() {
		v.configure()
	}
	cfg, cfgErr := v.config()
	if cfg == nil {
		if cfgErr != nil {
			v.s.sendStatus()
		}
		return
	}
	ctx, cancel := context.WithCancel(v.ctx)
	v.mu.Lock()
	sess := v.session
	if v.stopped || sess == nil {
		v.mu.Unlock()
		cancel()
		return
	}
	v.cancelRun = cancel
	v.running = true
	v.mu.Unlock()
	defer cancel()
	defer func() {
		v.mu.Lock()
		v.running = false
		v.mu.Unlock()
	}()

	panicPoint("check")
	docs := v.s.overlayDocs(v)
	overlay := make(map[string][]byte, len(docs))
	for _, d := range docs {
		overlay[d.path] = []byte(d.text)
	}
	start := time.Now()
	patterns := v.patterns()
	if len(patterns) == 0 {
		return // nothing asked for yet: a go.work with no module open
	}
	opts := matrix.Options{
		Dir:       v.dir,
		Patterns:  patterns,
		Targets:   cfg.targets,
		Overlay:   overlay,
		Analyzers: cfg.analyzers,
		Tests:     cfg.tests,
		GoCmd:     v.s.opts.GoCmd,
		Env:       v.env(),
		// The standard library's API per target survives restarts.
		TypeCacheDir: matrix.DefaultTypeCacheDir(),
		TrustProject: v.s.isTrusted(),
		Report:       func(err error) { v.s.logf("%v", err) },
	}
	if dirs := v.openFirst(docs); dirs != nil {
		// Until the view's first check completes, the open files'
		// packages go first, and their findings are published as soon as
		// they are known; the rest of the workspace follows, reusing
		// what this check computed.
		early := opts
		early.Patterns = nil
		for _, dir := range dirs {
			early.Patterns = append(early.Patterns, dirPattern(v.dir, dir))
		}
		res, err := sess.Check(ctx, early)
		if ctx.Err() != nil {
			v.s.debugf("check of the open packages of %s superseded after %v", v.dir, time.Since(start))
			return
		}
		if err == nil {
			v.s.debugf("checked the open packages of %s (%s) for %d targets in %v: %d diagnostics", v.dir, strings.Join(early.Patterns, " "), len(cfg.targets), time.Since(start), len(res.Diagnostics))
			v.publishOpen(res, docs, dirs)
		}
	}
	res, err := sess.Check(ctx, opts)
	// The check is over: an edit that arrives while its results are
	// published (the client may answer them with the next keystroke) is
	// checked at once rather than debounced.
	v.mu.Lock()
	v.running = false
	v.mu.Unlock()
	if ctx.Err() != nil {
		v.s.debugf("check of %s superseded after %v", v.dir, time.Since(start))
		return
	}
	if err != nil {
		v.s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: checking %s failed: %v", v.dir, err))
		return
	}
	v.s.debugf("checked %s (%s) for %d targets in %v: %d diagnostics", v.dir, strings.Join(patterns, " "), len(cfg.targets), time.Since(start), len(res.Diagnostics))
	v.publish(res, docs)
	v.mu.Lock()
	v.panicked = false
	v.checked = true
	v.mu.Unlock()
	if v.s.opts.TuneGC {
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

func (v *view) absPath(p string) string { return absPath(v.dir, p) }

// absPath resolves a path the go command printed in dir.
func absPath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// findingsByFile converts the findings of res in the files keep accepts,
// by file, against the texts of docs (open) or the disk.
func (v *view) findingsByFile(res *matrix.Result, docs []*document, keep func(file string) bool) (*texts, map[string][]protocol.Diagnostic) {
	t := &texts{open: map[string]*document{}, cache: map[string]string{}}
	for _, d := range docs {
		t.open[d.path] = d
	}
	byFile := map[string][]protocol.Diagnostic{}
	for _, d := range res.Diagnostics {
		if file := v.absPath(d.File); file != "" && keep(file) {
			byFile[file] = append(byFile[file], v.convert(t, d))
		}
	}
	return t, byFile
}

// publish converts a check result and publishes it for every file it
// names, clearing files of the view whose findings are gone.
func (v *view) publish(res *matrix.Result, docs []*document) {
	t, byFile := v.findingsByFile(res, docs, func(string) bool { return true })

	failing := map[string]bool{}
	for _, p := range res.Packages {
		for tgt, verdict := range p.Targets {
			if verdict.Status == "fail" {
				failing[tgt] = true
			}
		}
	}
	// Only the files the view checks are its to publish; a file that
	// moved to another view (a go.work use added) is that view's.
	for path := range byFile {
		if v.s.viewOf(path) != v {
			delete(byFile, path)
		}
	}
	m := v.viewMatrix(res, t)
	v.mu.Lock()
	v.failing = sortedKeys(failing)
	v.matrix = m
	stale := sortedKeys(v.published)
	v.published = map[string]bool{}
	for path := range byFile {
		v.published[path] = true
	}
	v.mu.Unlock()

	for _, path := range stale {
		if _, ok := byFile[path]; !ok && !v.isConfigFile(path) {
			if owner := v.s.viewOf(path); owner == nil || owner == v {
				v.s.pub.setFindings(path, t.open[path], nil)
			}
		}
	}
	for _, path := range sortedKeys(byFile) {
		v.s.pub.setFindings(path, t.open[path], byFile[path])
	}
	for _, d := range docs {
		if _, ok := byFile[d.path]; !ok && v.s.viewOf(d.path) == v {
			v.s.pub.firstCheck(d)
		}
	}
	v.s.sendStatus()
	v.s.sendMatrix()
	v.s.refreshFileTargets()
}

// openFirstMinPackages is the size, in package directories, from which a
// view's first check takes the open files' packages first: below it, the
// whole view is checked about as fast as those packages alone.
var openFirstMinPackages = 40

// openFirst returns the directories of the open files whose packages the
// view's first check takes first, nil when it checks everything at once:
// after its first check, when no file of the view is open, or when the
// view is small.
func (v *view) openFirst(docs []*document) []string {
	v.mu.Lock()
	checked, scopes := v.checked, slices.Clone(v.scopes)
	v.mu.Unlock()
	if checked {
		return nil
	}
	var dirs []string
	for _, d := range docs {
		dir := filepath.Dir(d.path)
		if !strings.HasSuffix(d.path, ".go") || slices.Contains(dirs, dir) || v.s.viewOf(d.path) != v {
			continue
		}
		if mod := v.s.moduleRoot(dir); mod == "" || !workspace.InPattern(mod, dir) {
			continue // testdata, vendor, _ or . directories: not in ./...
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) == 0 {
		return nil
	}
	n := 0
	for _, sc := range scopes {
		n += workspace.CountPackageDirs(sc.dir, openFirstMinPackages-n)
		if n >= openFirstMinPackages {
			slices.Sort(dirs)
			return dirs
		}
	}
	return nil
}

// dirPattern is the package pattern, relative to from, of the package in
// dir alone.
func dirPattern(from, dir string) string {
	rel, err := filepath.Rel(from, dir)
	if err != nil || rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// publishOpen publishes the findings of a check of the packages in dirs
// alone: of their files only, leaving every other file, the status and
// the matrix to the check of the whole view that follows.
func (v *view) publishOpen(res *matrix.Result, docs []*document, dirs []string) {
	t, byFile := v.findingsByFile(res, docs, func(file string) bool {
		return slices.Contains(dirs, filepath.Dir(file)) && v.s.viewOf(file) == v
	})
	v.mu.Lock()
	for path := range byFile {
		v.published[path] = true
	}
	v.mu.Unlock()
	for _, path := range sortedKeys(byFile) {
		v.s.pub.setFindings(path, t.open[path], byFile[path])
	}
	for _, d := range docs {
		if _, ok := byFile[d.path]; !ok && slices.Contains(dirs, filepath.Dir(d.path)) && v.s.viewOf(d.path) == v {
			v.s.pub.firstCheck(d)
		}
	}
}

// clear withdraws the findings the view published for files that no view
// checks now: a view that stops, or that checks fewer modules.
func (v *view) clear() {
	v.mu.Lock()
	paths := sortedKeys(v.published)
	v.mu.Unlock()
	for _, path := range paths {
		if owner := v.s.viewOf(path); owner != v {
			if owner == nil {
				v.s.pub.setFindings(path, v.s.docs.byPath(path), nil)
			}
			v.mu.Lock()
			delete(v.published, path)
			v.mu.Unlock()
		}
	}
}

func (v *view) isConfigFile(path string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.configed[path]
}

func (v *view) convert(t *texts, d matrix.Diagnostic) protocol.Diagnostic {
	file := v.absPath(d.File)
	pd := protocol.Diagnostic{
		Range:    t.rng(file, d.Line, d.Column, d.EndLine, d.EndColumn),
		Severity: severity(d.Severity),
		Code:     protocol.String(d.Analyzer),
		Source:   protocol.NewOptional(sourceCheck),
		Message:  protocol.String(d.Message),
	}
	for _, r := range d.Related {
		rf := v.absPath(r.File)
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
			ef := v.absPath(e.File)
			_, version := t.get(ef)
			fd.Edits = append(fd.Edits, fileEdit{
				File:    ef,
				Version: version,
				Range:   t.rng(ef, e.Line, e.Column, e.EndLine, e.EndColumn),
				NewText: e.NewText,
			})
		}
		if fd.Rename != nil {
			fd.Rename = &matrix.Rename{From: v.absPath(fd.Rename.From), To: v.absPath(fd.Rename.To)}
		}
		if fd.Create != nil {
			fd.Create = &matrix.Create{File: v.absPath(fd.Create.File), Content: fd.Create.Content}
		}
		data.Fixes = append(data.Fixes, fd)
	}
	if stub := stubFor(v, d); stub != nil {
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

// checkDiagnostics returns the published check findings of a file.
func (p *publisher) checkDiagnostics(path string) []protocol.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fd := p.files[path]; fd != nil {
		return slices.Clone(fd.check)
	}
	return nil
}
