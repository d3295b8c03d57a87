package lsp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.lsp.dev/protocol"

	"go.lsp.dev/uri"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/build"
	"github.com/crossls/crossls/internal/config"
)

// builder runs at most one build at a time, in the background, on an
// explicit command only: a build runs the project's code generators'
// compilers (cgo's CC), which analysis never does.
type builder struct {
	s *Server

	mu     sync.Mutex
	cur    *buildRun // the running build, nil if none
	status buildStatus
	seq    int
}

// A buildRun is one build.
type buildRun struct {
	targets []string
	cancel  context.CancelFunc
	done    chan struct{} // closed when the build has ended and reported so
	prog    *progress
}

func (b *builder) snapshot() buildStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.status
	if st.State == "" {
		st.State = "idle"
	}
	st.Outputs = append([]string(nil), st.Outputs...)
	return st
}

// cancel stops the running build and reports whether there was one.
func (b *builder) cancel() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == nil {
		return false
	}
	b.cur.cancel()
	return true
}

func (b *builder) isToken(tok protocol.ProgressToken) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cur != nil && b.cur.prog.token != nil && b.cur.prog.token == tok
}

// buildPlan is one module's share of a build request.
type buildPlan struct {
	v      *view
	module string // the module's root, where the go command runs
	root   string // the workspace root that outputs stay inside
	build  config.Build
	// targets keep a configured target's tags, environment and C compiler.
	targets  []target.Target
	packages []string
}

// start validates a build request and runs it in the background. Its
// progress is reported with clientToken, the token of the request, if the
// client sent one, or else with a token the server creates. A request
// from a file builds that file's module; one without builds every module
// the views check.
func (b *builder) start(args buildArgs, clientToken protocol.ProgressToken) (*buildRun, error) {
	for _, p := range args.Packages {
		if p == "" || strings.HasPrefix(p, "-") || strings.ContainsAny(p, "\x00\n") {
			return nil, invalidParams("invalid package pattern %q", p)
		}
	}
	type module struct {
		v    *view
		root string
	}
	var modules []module
	if args.URI != "" {
		_, path, err := canonicalURI(uri.URI(args.URI))
		if err != nil || path == "" {
			return nil, invalidParams("cannot build from %s: not a local file", args.URI)
		}
		v := b.s.viewOf(path)
		if v == nil {
			return nil, jsonrpcInvalidRequest(fmt.Sprintf("%s is in no module that crossls checks", path))
		}
		modules = append(modules, module{v, b.s.moduleRoot(filepath.Dir(path))})
	} else {
		for _, v := range b.s.snapshotViews() {
			for _, m := range v.modules() {
				modules = append(modules, module{v, m})
			}
		}
	}
	var plans []buildPlan
	var names []string
	for _, m := range modules {
		cfg, err := m.v.config()
		if cfg == nil {
			if err != nil {
				return nil, invalidParams("configuration of %s: %v", m.root, err)
			}
			continue
		}
		ts, err := selectTargets(cfg, args.Targets)
		if err != nil {
			return nil, invalidParams("%v", err)
		}
		settings, err := moduleBuild(m.v, cfg, m.root)
		if err != nil {
			return nil, invalidParams("configuration of %s: %v", m.root, err)
		}
		pkgs := args.Packages
		if len(pkgs) == 0 {
			pkgs = []string{"./..."}
		}
		// Outputs stay inside the workspace folder holding the module
		// (relative output directories, such as the editors' setting, are
		// relative to it), or else its go.work's directory or itself.
		b.s.mu.Lock()
		root := innermost(b.s.roots, m.root)
		b.s.mu.Unlock()
		if root == "" && m.v.work != nil {
			root = m.v.work.Dir
		} else if root == "" {
			root = m.root
		}
		plans = append(plans, buildPlan{v: m.v, module: m.root, root: root, build: settings, targets: ts, packages: pkgs})
		for _, t := range ts {
			if !slices.Contains(names, t.String()) {
				names = append(names, t.String())
			}
		}
	}
	if len(plans) == 0 {
		return nil, jsonrpcInvalidRequest("no module with a configuration to build: open a Go file of a module")
	}

	b.mu.Lock()
	if b.cur != nil {
		b.mu.Unlock()
		return nil, jsonrpcInvalidRequest("a build is already running; cancel it with crossls.cancelBuild first")
	}
	ctx, cancel := context.WithCancel(b.s.ctx)
	b.seq++
	r := &buildRun{targets: names, cancel: cancel, done: make(chan struct{}), prog: &progress{s: b.s, token: clientToken}}
	serverToken := protocol.String(fmt.Sprintf("crossls-build-%d", b.seq))
	b.cur = r
	b.status = buildStatus{State: "running", Total: len(names), Outputs: []string{}}
	b.mu.Unlock()

	b.s.sendStatus()
	b.s.goSafe("build", func() {
		defer close(r.done)
		defer cancel()
		defer b.abandon(r)
		title := fmt.Sprintf("crossls: building %d targets", len(names))
		if clientToken != nil {
			r.prog.begin(title)
		} else {
			b.createProgress(ctx, r.prog, serverToken, title)
		}
		b.run(ctx, r, plans, len(names))
	})
	return r, nil
}

// wait waits for the build to end, or for ctx, the context of the request
// that started it, to be cancelled: that cancels the build, and its
// progress, whose token was the request's, ends with the request.
func (r *buildRun) wait(ctx context.Context) error {
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		r.cancel()
		r.prog.detach()
		return protocol.ErrRequestCancelled
	}
}

func jsonrpcInvalidRequest(msg string) error {
	return fmt.Errorf("%w: %s", errInvalidRequest, msg)
}

// selectTargets picks the requested targets, which must be valid; a
// configured target keeps its tags, environment and C compiler.
func selectTargets(cfg *viewConfig, requested []string) ([]target.Target, error) {
	if len(requested) == 0 {
		return cfg.targets, nil
	}
	var out []target.Target
	for _, r := range requested {
		t, err := target.Parse(r)
		if err != nil {
			return nil, err
		}
		found := false
		for _, ct := range cfg.targets {
			if ct.String() == t.String() {
				t, found = ct, true
				break
			}
		}
		if !found && cfg.dist != nil {
			if err := cfg.dist.Validate(t); err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// progress reports a build to the client: with $/progress when the
// client sent a token or the server can create one, otherwise with
// window/showMessage at the end only.
type progress struct {
	s     *Server
	token protocol.ProgressToken // nil: no progress UI; set before the build runs

	mu sync.Mutex
	// detached is set when the request whose token this is has ended:
	// the token is no longer valid.
	detached bool
}

// createProgress creates token for p, if the client can show progress.
func (b *builder) createProgress(ctx context.Context, p *progress, token protocol.ProgressToken, title string) {
	if !b.s.clientSupportsProgress() {
		return
	}
	// A client that never answers must not stall the build.
	cctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
	defer cancel()
	if err := b.s.client.WorkDoneProgressCreate(cctx, &protocol.WorkDoneProgressCreateParams{Token: token}); err != nil {
		b.s.logf("window/workDoneProgress/create: %v", err)
		return
	}
	b.mu.Lock() // isToken reads it
	p.token = token
	b.mu.Unlock()
	p.begin(title)
}

func (p *progress) begin(title string) {
	zero := uint32(0)
	p.send(&protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Cancellable: ptr(true), Percentage: &zero})
}

// detach stops the reports; one being sent is sent before it returns.
func (p *progress) detach() {
	p.mu.Lock()
	p.detached = true
	p.mu.Unlock()
}

func (p *progress) send(v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.token == nil || p.detached {
		return
	}
	raw, err := protocol.Marshal(v)
	if err != nil {
		return
	}
	if err := p.s.client.Progress(p.s.ctx, &protocol.ProgressParams{Token: p.token, Value: raw}); err != nil {
		p.s.logf("$/progress: %v", err)
	}
}

func (p *progress) report(msg string, pct uint32) {
	p.send(&protocol.WorkDoneProgressReport{Kind: "report", Message: &msg, Percentage: &pct})
}

func (p *progress) end(msg string) {
	p.send(&protocol.WorkDoneProgressEnd{Kind: "end", Message: &msg})
}

// abandon unregisters r if it is still the running build: its run
// panicked, and a new build must be possible.
func (b *builder) abandon(r *buildRun) {
	b.mu.Lock()
	if b.cur != r {
		b.mu.Unlock()
		return
	}
	b.status.State = "failed"
	b.cur = nil
	b.mu.Unlock()
	b.s.sendStatus()
}

// run builds each plan in turn, reporting one progress step per finished
// target and publishing compiler errors as diagnostics of that target.
func (b *builder) run(ctx context.Context, r *buildRun, plans []buildPlan, total int) {
	panicPoint("build")
	prog := r.prog
	built, done := 0, 0
	var outputs []string
	var failures []string
	for _, pl := range plans {
		if ctx.Err() != nil {
			break
		}
		// Per target: results so far, and the compile errors by file.
		failed := map[string]bool{}
		errs := map[string]map[string][]protocol.Diagnostic{}
		for _, t := range pl.targets {
			errs[t.String()] = map[string][]protocol.Diagnostic{}
		}
		texts := &texts{open: map[string]*document{}, cache: map[string]string{}}
		outDir := pl.build.OutputDir
		if filepath.IsAbs(outDir) {
			if rel, err := filepath.Rel(pl.root, outDir); err == nil {
				outDir = rel
			}
		}
		opts := build.Options{
			Dir:       pl.module,
			Root:      pl.root,
			Packages:  pl.packages,
			Targets:   pl.targets,
			OutputDir: outDir,
			Jobs:      pl.build.Jobs,
			Tags:      pl.build.Tags,
			Ldflags:   pl.build.Ldflags,
			Trimpath:  pl.build.Trimpath,
			Name:      pl.build.Name,
			GoCmd:     b.s.opts.GoCmd,
			Env:       pl.v.env(),
			OnEvent: func(ev build.Event) {
				tgt := ev.Target.String()
				switch ev.Kind {
				case build.Finished, build.Failed:
				default:
					return
				}
				r := ev.Result
				if ev.Kind == build.Failed || (r != nil && r.Err != nil) {
					failed[tgt] = true
				}
				if r != nil {
					for _, ce := range r.Errors {
						file := absPath(pl.module, ce.File)
						if file == "" {
							continue
						}
						errs[tgt][file] = append(errs[tgt][file], protocol.Diagnostic{
							Range:    texts.rng(file, ce.Line, ce.Column, 0, 0),
							Severity: protocol.DiagnosticSeverityError,
							Code:     protocol.String("compile"),
							Source:   protocol.NewOptional(sourceBuild),
							Message:  protocol.String(fmt.Sprintf("[%s] %s", tgt, ce.Message)),
						})
					}
				}
				b.s.pub.setBuild(tgt, errs[tgt])
				msg := describeResult(pl.root, tgt, r)
				done++
				if r != nil && r.Err == nil && r.Output != "" {
					rel := relTo(pl.root, r.Output)
					outputs = append(outputs, rel)
				}
				b.mu.Lock()
				b.status.Outputs = append([]string(nil), outputs...)
				b.mu.Unlock()
				prog.report(msg, uint32(min(100, done*100/max(1, total))))
				b.s.logMessage(protocol.MessageTypeInfo, "crossls build: "+msg)
				b.s.sendStatus()
			},
		}
		_, err := build.Run(ctx, opts)
		if err != nil && ctx.Err() == nil {
			failures = append(failures, err.Error())
			b.s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: build in %s: %v", pl.module, err))
		}
		for _, t := range pl.targets {
			if !failed[t.String()] && err == nil && ctx.Err() == nil {
				built++
			}
		}
		b.mu.Lock()
		b.status.Built = built
		b.mu.Unlock()
	}

	state := "succeeded"
	switch {
	case ctx.Err() != nil:
		state = "cancelled"
	case built < total:
		state = "failed"
	}
	summary := fmt.Sprintf("built %d of %d targets", built, total)
	if len(outputs) > 0 {
		summary += ": " + strings.Join(outputs, ", ")
	}
	if state == "cancelled" {
		summary = "build cancelled; " + summary
	}
	// The build is over before the client hears so: a new build may start
	// as soon as the progress ends.
	b.mu.Lock()
	b.status.State, b.status.Built = state, built
	b.cur = nil
	b.mu.Unlock()
	b.s.sendStatus()
	typ := protocol.MessageTypeInfo
	if state != "succeeded" {
		typ = protocol.MessageTypeWarning
	}
	b.s.showMessage(typ, "crossls: "+summary)
	prog.end(summary)
}

// moduleBuild returns the build settings of a module of v: those of its
// own configuration (in a go.work view, modules share targets but each
// has its own output directory), with the editor's settings over them.
func moduleBuild(v *view, cfg *viewConfig, module string) (config.Build, error) {
	if module == v.configDir || cfg.dist == nil {
		return cfg.build, nil
	}
	mc, err := config.LoadIn(module, v.root, nil, "", cfg.dist)
	if err != nil {
		return config.Build{}, err
	}
	out := mc.Build
	if st := cfg.settings.Build; st.OutputDir != "" {
		out.OutputDir = st.OutputDir
	}
	if st := cfg.settings.Build; st.Jobs > 0 {
		out.Jobs = st.Jobs
	}
	return out, nil
}

func describeResult(dir, tgt string, r *build.Result) string {
	switch {
	case r == nil:
		return tgt + " failed"
	case r.Err != nil && errors.Is(r.Err, context.Canceled):
		return tgt + " cancelled"
	case r.Err != nil:
		first := r.Err.Error()
		if len(r.Errors) > 0 {
			first = r.Errors[0].Message
		}
		return fmt.Sprintf("%s failed: %s", tgt, firstLine(first))
	case r.Output != "":
		return fmt.Sprintf("%s ok (%s, %.1f MB)", tgt, relTo(dir, r.Output), float64(r.Size)/1e6)
	}
	return tgt + " ok"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func relTo(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return path
}

// WorkDoneProgressCancel cancels the build whose progress the user
// dismissed.
func (s *Server) WorkDoneProgressCancel(ctx context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	if s.builds.isToken(params.Token) {
		s.builds.cancel()
	}
	return nil
}
