// Package build runs `go build` for a set of cross-compilation targets:
// in parallel, cancellable, with atomic and verified outputs.
//
// Each main package is built for each target with the target's
// environment (GOOS, GOARCH, the variant variable, CGO_ENABLED, CC) into
// <OutputDir>/<name>-<goos>-<goarch>[<variant>][.exe|.wasm]. The binary is
// written under a temporary name, checked with package verify, and only
// then renamed over the previous one, so a failed or cancelled build never
// leaves a partial file nor removes a good binary. Packages that are not
// main are compiled without output, as `go build` does.
//
// This is the only part of crossls that runs the go command's build (and
// with it a configured C compiler), and only on an explicit request.
package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/build/verify"
)

// Options configures Run.
type Options struct {
	Dir       string   // workspace root: the go command runs here and outputs stay inside it
	Packages  []string // packages or patterns to build; default ["."]
	Targets   []target.Target
	OutputDir string // relative to Root, default "dist"; absolute or escaping paths are refused
	// Root, if set, is the workspace root instead of Dir, for a module
	// built within a larger workspace (a go.work, a folder of modules):
	// outputs stay inside Root, and OutputDir is relative to it.
	Root string
	// Name overrides the output base name of a single main package. By
	// default it is the package's directory name, or for the module root
	// the last element of the module path (without a /vN suffix).
	Name     string
	Jobs     int      // builds running at once; default runtime.NumCPU()
	Tags     []string // build tags added to each target's own tags
	Ldflags  string
	Trimpath bool
	GoCmd    string   // default "go"
	Env      []string // base environment; default os.Environ()
	// OnEvent, if set, receives progress. Calls are serialized. Every
	// build ends with exactly one "finished" or "failed" event; a
	// "started" event precedes it if the go command was run.
	OnEvent func(Event)
}

// Event kinds.
const (
	Started  = "started"
	Finished = "finished"
	Failed   = "failed"
)

// An Event reports progress of one build.
type Event struct {
	Kind    string // Started, Finished or Failed
	Target  target.Target
	Package string
	Result  *Result // set for Finished and Failed
}

// A Result is the outcome of building one package (or, for packages that
// are not main, one group of packages) for one target.
type Result struct {
	Target target.Target
	// Package is the import path of the main package built, or the
	// space-separated import paths of the packages compiled without output.
	Package  string
	Output   string // absolute path of the installed binary; "" if none
	Size     int64
	Duration time.Duration
	Err      error          // nil on success
	Errors   []CompileError // compiler and linker errors parsed from the output
	Verify   *verify.Report // report on the produced binary, nil if none was produced
	Log      string         // the go command's output, verbatim
}

// OK reports whether the build succeeded.
func (r *Result) OK() bool { return r.Err == nil }

// MarshalJSON encodes a result as a record: target as its canonical string,
// duration in milliseconds, error as its message.
func (r Result) MarshalJSON() ([]byte, error) {
	rec := struct {
		Target     string         `json:"target"`
		Package    string         `json:"package"`
		Status     string         `json:"status"`
		Output     string         `json:"output,omitempty"`
		Size       int64          `json:"size,omitempty"`
		DurationMS int64          `json:"duration_ms"`
		Error      string         `json:"error,omitempty"`
		Errors     []CompileError `json:"errors,omitempty"`
		Verify     *verify.Report `json:"verify,omitempty"`
		Log        string         `json:"log,omitempty"`
	}{
		Target:     r.Target.String(),
		Package:    r.Package,
		Status:     "ok",
		Output:     r.Output,
		Size:       r.Size,
		DurationMS: r.Duration.Milliseconds(),
		Errors:     r.Errors,
		Verify:     r.Verify,
		Log:        r.Log,
	}
	if r.Err != nil {
		rec.Status, rec.Error = "failed", r.Err.Error()
	}
	return json.Marshal(rec)
}

// Run builds every package for every target, at most Jobs at a time. It
// returns one result per build in target order; per-target failures are
// in the results, and the error is for options that make all builds
// impossible. If ctx is cancelled, running builds are killed and Run
// returns the results with ctx.Err().
func Run(ctx context.Context, opts Options) ([]Result, error) {
	r, err := newRunner(ctx, opts)
	if err != nil {
		return nil, err
	}
	jobs, err := r.plan(ctx)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(jobs))
	sem := make(chan struct{}, r.jobs)
	var wg sync.WaitGroup
	for i, j := range jobs {
		if j.early != nil {
			results[i] = *j.early
			r.emit(Event{Kind: Failed, Target: j.target, Package: j.early.Package, Result: &results[i]})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// A panic fails this build, not the process.
				if p := recover(); p != nil {
					results[i] = Result{Target: j.target, Package: j.pkgLabel(), Err: fmt.Errorf("internal error building for %s: %v\n%s", j.target, p, debug.Stack())}
					r.emit(Event{Kind: Failed, Target: j.target, Package: results[i].Package, Result: &results[i]})
				}
			}()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				results[i] = Result{Target: j.target, Package: j.pkgLabel(), Err: cancelled(ctx)}
			} else {
				r.emit(Event{Kind: Started, Target: j.target, Package: j.pkgLabel()})
				if testHook != nil {
					testHook(j.target.String())
				}
				results[i] = r.build(ctx, j)
			}
			kind := Finished
			if results[i].Err != nil {
				kind = Failed
			}
			r.emit(Event{Kind: kind, Target: j.target, Package: results[i].Package, Result: &results[i]})
		}()
	}
	wg.Wait()
	return results, ctx.Err()
}

// testHook, if a test sets it, is called before each build.
var testHook func(target string)

func cancelled(ctx context.Context) error { return fmt.Errorf("build cancelled: %w", ctx.Err()) }

// A runner holds the validated options of one Run.
type runner struct {
	dir     string // absolute workspace root
	outDir  string // absolute output directory, inside dir
	goPath  string
	env     []string
	jobs    int
	tags    []string
	opts    Options
	dist    *target.Dist
	eventMu sync.Mutex
}

var (
	tagRE  = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)
	nameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)
)

func newRunner(ctx context.Context, opts Options) (*runner, error) {
	if len(opts.Targets) == 0 {
		return nil, errors.New("no targets to build")
	}
	if opts.Dir == "" {
		return nil, errors.New("no workspace directory")
	}
	dir, err := absDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	for _, p := range opts.Packages {
		if p == "" || strings.HasPrefix(p, "-") || strings.ContainsAny(p, "\x00\n") {
			return nil, fmt.Errorf("invalid package pattern %q", p)
		}
	}
	for _, tag := range opts.Tags {
		if !tagRE.MatchString(tag) {
			return nil, fmt.Errorf("invalid build tag %q: tags are letters, digits, '_' and '.'", tag)
		}
	}
	if opts.Name != "" && !nameRE.MatchString(opts.Name) {
		return nil, fmt.Errorf("invalid output name %q", opts.Name)
	}
	if opts.Jobs < 0 {
		return nil, fmt.Errorf("invalid number of jobs %d", opts.Jobs)
	}
	goCmd := opts.GoCmd
	if goCmd == "" {
		goCmd = "go"
	}
	goPath, err := exec.LookPath(goCmd)
	if err != nil {
		return nil, fmt.Errorf("go command %q not found: %v", goCmd, err)
	}
	dist, err := target.LoadDist(ctx, goPath)
	if err != nil {
		return nil, err
	}
	root := dir
	if opts.Root != "" {
		if root, err = absDir(opts.Root); err != nil {
			return nil, err
		}
	}
	outDir, err := outputDir(root, opts.OutputDir)
	if err != nil {
		return nil, err
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	jobs := opts.Jobs
	if jobs == 0 {
		jobs = runtime.NumCPU()
	}
	return &runner{
		dir:    dir,
		outDir: outDir,
		goPath: goPath,
		env:    env,
		jobs:   jobs,
		tags:   opts.Tags,
		opts:   opts,
		dist:   dist,
	}, nil
}

func (r *runner) emit(e Event) {
	if r.opts.OnEvent == nil {
		return
	}
	r.eventMu.Lock()
	defer r.eventMu.Unlock()
	r.opts.OnEvent(e)
}

// targetVars are the variables a target sets or deliberately leaves at
// the toolchain default; the caller's values must not leak into a build.
var targetVars = []string{"GOOS", "GOARCH", "CGO_ENABLED", "GO386", "GOAMD64", "GOARM", "GOARM64",
	"GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64"}

// environ is the environment of the go command building for t.
func (r *runner) environ(t target.Target) []string {
	var env []string
	for _, kv := range r.env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(targetVars, name) {
			env = append(env, kv)
		}
	}
	return append(env, t.Environ()...)
}

// buildTags merges the run's tags with the target's, in order, once each.
func (r *runner) buildTags(t target.Target) ([]string, error) {
	var tags []string
	for _, tag := range slices.Concat(r.tags, t.Tags) {
		if !tagRE.MatchString(tag) {
			return nil, fmt.Errorf("invalid build tag %q for %s", tag, t)
		}
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	return tags, nil
}
