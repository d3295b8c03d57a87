// Package matrix is the crossls driver: it checks packages for every
// configured target at once, sharing parsing and type checking between
// targets whose inputs are identical, runs the analyzers per target,
// predicts the verdict of `go build` per package and target, and merges
// findings that several targets share into one diagnostic.
//
// Words used throughout the package:
//   - listing: what one go list says of the packages for one target
//     (list.go); its packages come in dependency order.
//   - unit: one package type-checked for one set of inputs (files,
//     dependency APIs, sizes, language version); targets whose inputs are
//     identical share it (typecheck.go).
//   - API key: what importers see of a unit, the hash of its export data
//     without positions (a fixed package's unit key); an importer's unit
//     key names its dependencies' API keys, so it is type-checked only
//     against dependencies with exactly that API.
//   - fixed: an immutable package, of GOROOT or the module cache, whose
//     files are identified by path instead of contents.
//   - shape: a root's unit key computed from file paths instead of
//     contents; the latest unit of a shape is the base an edit is derived
//     from (bodies.go, incremental.go).
//   - left-out world ("world"): the hash of the files that a target's
//     mutable packages leave out; analyzers' facts about them (cgo) reach
//     importers, so a cached analysis holds only in the same world.
//   - carried: taken over from the same target's last check, whose inputs
//     are unchanged (a unit, analyzer results, a verdict).
//
// Files: check.go (Session, a check), target.go (one target's check),
// list.go and patterns.go (loading; go list itself is internal/golist),
// typecheck.go and typecache.go (units
// and their disk cache; the files they read and parse come from
// internal/source), bodies.go and incremental.go (derivation after
// edits), runner.go and analyzers.go (the analysis runner),
// compilererrors.go (the compiler's and linker's errors go/types does not
// report; internal/gcerrors has those of directives), verdict.go,
// merge.go and partial.go (verdicts and the merged result), cache.go (the
// result cache).
package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"go/version"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/golist"
	"github.com/crossls/crossls/internal/source"
	"github.com/crossls/crossls/internal/syntax"
)

// Options configures a check.
type Options struct {
	Dir       string            // directory the go command runs in (module or workspace root)
	Patterns  []string          // package patterns; default ./...
	Targets   []target.Target   // default target.Default()
	Overlay   map[string][]byte // absolute file path -> unsaved content
	Analyzers map[string]bool   // analyzer name -> enabled; missing means enabled
	GoCmd     string            // default "go"
	// Tests also checks each package's tests for every target, as go vet
	// does: the package with its _test.go files and its external test
	// package, reported as Verdict.Tests and as findings in test files.
	Tests bool
	Env   []string // base environment; default os.Environ()
	// ResultCacheDir, if set, stores results by a fingerprint of every
	// input (see cache.go), so a check of an unchanged module is nearly
	// free. Checks with an overlay are never cached.
	ResultCacheDir string
	// TrustProject lets checks run programs the project configures: a
	// cgo target's configured C compiler (its cc, or CC and CGO_* flags in
	// its env). The command line trusts the project it runs in; an editor
	// only a trusted workspace. Without it such targets' cgo packages are
	// unchecked.
	TrustProject bool
	// Report, if set, is told of failures in work that outlives a check
	// (writing the type cache), which no check can return.
	Report func(error)
	// TypeCacheDir, if set, keeps the standard library's API per target
	// as export data (see typecache.go), so a new session need not
	// type-check it from source.
	TypeCacheDir string
	// Partial makes the result one part of a check whose targets are
	// split among several checks (shards): its findings are left as the
	// targets' merge made them, before they are sorted and folded, with
	// what folding needs in Result.Partial. MergePartial combines the
	// parts into the result of one check of all their targets.
	Partial bool
	// Progress, if set, is told of each target whose check ends, with the
	// number of packages it checked (those the patterns match that have
	// Go files for it), while the check runs, so that a long check can
	// show how far it is. It is called from several goroutines at once,
	// and not at all for a result from the result cache.
	Progress func(t target.Target, packages int)
}

// DefaultResultCacheDir is the result cache in the user's cache directory.
func DefaultResultCacheDir() string { return defaultCacheDir() }

// Check checks the packages for every target. It is a one-shot Session.
func Check(ctx context.Context, opts Options) (*Result, error) {
	s := NewSession()
	defer s.Flush()
	return s.Check(ctx, opts)
}

// A Session keeps parsed files, type-checked units and package metadata
// between checks, so that a check after an edit redoes only what the edit
// can affect. Checks on one session run one at a time.
type Session struct {
	// mu is held for a whole Check: checks run one at a time. It guards
	// lists, toolchain, types and sweptBase, and the generations of the
	// caches (their beginCheck/endCheck); the caches lock their own
	// entries, as target goroutines share them during a check.
	mu       sync.Mutex
	fset     *token.FileSet // safe for concurrent use
	files    *source.Cache
	units    *unitCache
	analyses *analysisCache
	lists    listCache
	// toolchain is the Go version of the last check: units of another
	// toolchain must not be reused.
	toolchain string
	// types is the type cache of Options.TypeCacheDir, nil if none.
	types *typeCache
	// sweptBase is the FileSet's base at the last sweepFiles.
	sweptBase int

	// Atomics, read without mu. typeChecks counts type checks, for tests
	// of what an edit redoes; derived counts those that deriveUnit did;
	// bodiesDerived the derived checks of function bodies alone.
	typeChecks, derived atomic.Int64
	bodiesDerived       atomic.Int64
	// checking counts the checks running; lastCheck is when the last one
	// ended (UnixNano). Background work (the type cache's writers) waits
	// for idle.
	checking  atomic.Int32
	lastCheck atomic.Int64
	// invalidated is set by Invalidate, which must not wait for mu, and
	// taken by the next check.
	invalidated atomic.Bool

	// rootFilesMu guards the per-listing state that a check's target
	// goroutines read and write: the root files of each listing, each
	// target's last check, and the files no target compiles. Held
	// briefly, never across a type check.
	rootFilesMu  sync.Mutex
	rootFiles    map[*listedPackage]*rootFiles // by a listing's first package
	targetStates map[targetStateKey]*targetState
	// uncompiledFiles are the root files no target compiles, for the
	// listings' root files uncompiledFor.
	uncompiledFor   []*rootFiles
	uncompiledFiles map[string]*listedPackage

	// plansMu guards plans, deriveBodies' plans for the edits of the
	// current check, shared by the targets that edit the same file.
	plansMu sync.Mutex
	plans   map[planKey]*bodiesPlan

	// panicMu guards panicErr, the first panic of the running check's
	// goroutines.
	panicMu  sync.Mutex
	panicErr error

	// For tests, set before the first check: analyzers to run instead of
	// analyzerSpecs, and a function that sees every analyzer's findings
	// per target.
	specs   []analyzerSpec
	observe func(target.Target, diagnosticOut)
}

// NewSession returns an empty session.
func NewSession() *Session {
	fset := token.NewFileSet()
	return &Session{fset: fset, files: source.NewCache(fset), units: newUnitCache(), analyses: newAnalysisCache()}
}

// Invalidate makes the next check forget the package metadata and compare
// every file with the disk, to be called when files were created, changed,
// deleted or renamed on disk. Without it, a check trusts a file read in
// the last second. It never waits for a running check.
func (s *Session) Invalidate() {
	s.invalidated.Store(true)
}

// Check checks opts.Patterns for every target in opts.Targets.
func (s *Session) Check(ctx context.Context, opts Options) (result *Result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if perr := s.takePanic(); perr != nil {
			// What the check left may be half done: start afresh.
			s.forget()
			result, err = nil, perr
		}
	}()
	if s.invalidated.Swap(false) {
		s.lists = listCache{}
		s.files.RestatAll()
	}
	if err := normalize(&opts); err != nil {
		return nil, err
	}
	dist, err := target.LoadDist(ctx, opts.GoCmd)
	if err != nil {
		return nil, err
	}
	for _, t := range opts.Targets {
		if err := dist.Validate(t); err != nil {
			return nil, fmt.Errorf("target %s: %v", t, err)
		}
	}

	cacheKey := ""
	if opts.ResultCacheDir != "" && len(opts.Overlay) == 0 {
		cacheKey = resultKey(&opts, dist.GoVersion)
		if res, ok := loadCachedResult(opts.ResultCacheDir, cacheKey); ok {
			return res, nil
		}
	}

	s.toolchain = dist.GoVersion
	if opts.TypeCacheDir == "" {
		s.types = nil
	} else if s.types == nil || s.types.dir != opts.TypeCacheDir {
		s.types = &typeCache{dir: opts.TypeCacheDir, idle: s.idle}
	}
	if s.types != nil {
		s.types.setReport(opts.Report)
	}
	s.checking.Add(1)
	defer func() {
		s.lastCheck.Store(time.Now().UnixNano())
		s.checking.Add(-1)
	}()
	s.files.BeginCheck(opts.Overlay)
	s.plansMu.Lock()
	s.plans = nil
	s.plansMu.Unlock()
	s.units.beginCheck()
	s.analyses.beginCheck()
	// A target is checked as soon as its listing is done, so the slow
	// listings (cgo targets run the C compiler) overlap the other targets'
	// checks instead of holding them all back.
	outs := make([]*targetOutput, len(opts.Targets))
	checkCtx, cancelChecks := context.WithCancel(ctx)
	defer cancelChecks()
	g, gctx := errgroup.WithContext(checkCtx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	listErr := s.listAll(gctx, &opts, func(i int, pkgs []*listedPackage) {
		t := opts.Targets[i]
		g.Go(func() (err error) {
			defer s.recoverAs("the check of "+t.String(), &err)
			hook("target")
			out, err := s.checkTarget(gctx, &opts, t, pkgs)
			outs[i] = out
			if err == nil && opts.Progress != nil {
				opts.Progress(t, len(out.roots))
			}
			return err
		})
	})
	if listErr != nil {
		cancelChecks()
	}
	err = g.Wait()
	if listErr != nil && (err == nil || errors.Is(err, context.Canceled)) {
		err = listErr
	}
	if err != nil {
		return nil, err
	}
	s.pruneRootFiles()
	res := s.merge(&opts, dist.GoVersion, outs)
	// The check completed: what it did not reuse from earlier checks is
	// garbage now.
	s.files.EndCheck()
	s.files.DropStd()
	s.units.dropDepSyntax()
	s.units.endCheck()
	s.analyses.endCheck()
	storeCachedResult(opts.ResultCacheDir, cacheKey, res)
	s.types.flush(s.fset)
	s.sweepFiles()
	return res, nil
}

// reparse parses a dependency's files again for an analyzer that runs on
// it without its syntax (dropped after a check, or never parsed because
// the type cache had it). Analyzers run on dependencies only to compute
// facts, and crossls's one fact producer (cgo) reads only their imports.
func (s *Session) reparse(p *listedPackage) []*ast.File {
	var files []*ast.File
	for _, path := range p.files {
		if f, _, _ := s.files.Parse(path, parser.ImportsOnly); f != nil {
			files = append(files, f)
		}
	}
	return files
}

// quietPeriod is how long after a check the session counts as idle: edits
// come in bursts.
const quietPeriod = 500 * time.Millisecond

// idle reports whether no check runs, nor ran within quietPeriod.
func (s *Session) idle() bool {
	return s.checking.Load() == 0 && time.Since(time.Unix(0, s.lastCheck.Load())) > quietPeriod
}

// Flush waits until what the checks so far have written to the type cache
// is on disk; a process that exits after a check calls it first.
func (s *Session) Flush() {
	s.mu.Lock()
	tc := s.types
	s.mu.Unlock()
	tc.wait()
}

func normalize(opts *Options) error {
	if opts.GoCmd == "" {
		opts.GoCmd = "go"
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if len(opts.Patterns) == 0 {
		opts.Patterns = []string{"./..."}
	}
	if len(opts.Targets) == 0 {
		opts.Targets = target.Default()
	}
	if opts.Dir == "" {
		opts.Dir = "."
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return err
	}
	opts.Dir = dir
	for _, p := range opts.Patterns {
		if strings.HasPrefix(p, "-") {
			return fmt.Errorf("invalid package pattern %q", p)
		}
	}
	return nil
}

// listCache remembers go list output per target while the module's files
// and the headers of unsaved buffers (package clause, imports, build
// constraints) stay the same: an edit inside a function body then costs no
// go command at all.
// rootFiles are the root files of one listing: those compiled, and every
// .go file with its package; and the listing's import graph. They change
// only with the listing.
type rootFiles struct {
	compiled map[string]bool
	seen     map[string]*listedPackage
	// deps are the indices of each package's listed imports in the
	// listing (dependencies come first).
	deps [][]int
}

// rootFilesOf returns the root files of the listing pkgs, computed once.
func (s *Session) rootFilesOf(pkgs []*listedPackage) *rootFiles {
	if len(pkgs) == 0 {
		return &rootFiles{compiled: map[string]bool{}, seen: map[string]*listedPackage{}}
	}
	s.rootFilesMu.Lock()
	defer s.rootFilesMu.Unlock()
	if rf, ok := s.rootFiles[pkgs[0]]; ok {
		return rf
	}
	rf := &rootFiles{compiled: map[string]bool{}, seen: map[string]*listedPackage{}, deps: make([][]int, len(pkgs))}
	index := make(map[string]int, len(pkgs))
	for i, p := range pkgs {
		for _, imp := range p.Imports {
			if j, ok := index[imp]; ok {
				rf.deps[i] = append(rf.deps[i], j)
			}
		}
		index[p.ImportPath] = i
		if p.DepOnly {
			continue
		}
		for _, path := range p.files {
			rf.compiled[path], rf.seen[path] = true, p
		}
		for i, name := range p.IgnoredGoFiles {
			if !strings.HasSuffix(name, "_test.go") {
				rf.seen[p.ignored[i]] = p
			}
		}
	}
	if s.rootFiles == nil {
		s.rootFiles = map[*listedPackage]*rootFiles{}
	}
	s.rootFiles[pkgs[0]] = rf
	return rf
}

// pruneRootFiles forgets the root files of listings no longer in use.
func (s *Session) pruneRootFiles() {
	current := map[*listedPackage]bool{}
	for _, pkgs := range s.lists.byTarget {
		if len(pkgs) > 0 {
			current[pkgs[0]] = true
		}
	}
	s.rootFilesMu.Lock()
	maps.DeleteFunc(s.rootFiles, func(first *listedPackage, _ *rootFiles) bool { return !current[first] })
	maps.DeleteFunc(s.targetStates, func(key targetStateKey, _ *targetState) bool { return !current[key.first] })
	s.rootFilesMu.Unlock()
}

type listCache struct {
	fingerprint string
	cgoOverlay  string // cgoOverlayKey of the cgo targets' listings
	byTarget    map[string][]*listedPackage
	dirs        []string // patternDirs
	// excluded are the verdicts of pattern directories a target lists no
	// package for, by listKey and directory.
	excluded map[[2]string]Verdict
}

// listAll lists the packages of every target of opts, reusing earlier
// listings that are still current, and calls ready (from the calling
// goroutine) with each target's packages as soon as they are known.
func (s *Session) listAll(ctx context.Context, opts *Options, ready func(i int, pkgs []*listedPackage)) error {
	fp := listFingerprint(opts)
	if s.lists.fingerprint != fp {
		s.lists = listCache{fingerprint: fp, byTarget: map[string][]*listedPackage{}}
	}
	if key := cgoOverlayKey(opts); key != s.lists.cgoOverlay {
		for _, t := range opts.Targets {
			if t.Cgo {
				delete(s.lists.byTarget, listKey(t))
			}
		}
		s.lists.cgoOverlay = key
	}
	var todo []int
	for i, t := range opts.Targets {
		if pkgs, ok := s.lists.byTarget[listKey(t)]; ok {
			ready(i, pkgs)
		} else {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	// cgo targets first: their listings run the C compiler and take longest.
	slices.SortStableFunc(todo, func(a, b int) int {
		return cmpBool(opts.Targets[b].Cgo, opts.Targets[a].Cgo)
	})
	tmp, err := os.MkdirTemp("", "crossls-overlay-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	overlayFile, err := golist.WriteOverlay(tmp, opts.Overlay)
	if err != nil {
		return err
	}
	type listed struct {
		i    int
		pkgs []*listedPackage
	}
	done := make(chan listed, len(todo))
	var listErr error
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0) * 2) // go list waits on I/O much of the time
	go func() {
		for _, i := range todo {
			g.Go(func() (err error) {
				defer s.recoverAs("listing packages for "+opts.Targets[i].String(), &err)
				hook("list")
				pkgs, err := listTarget(gctx, opts, opts.Targets[i], overlayFile)
				if err == nil {
					done <- listed{i, pkgs}
				}
				return err
			})
		}
		listErr = g.Wait()
		close(done)
	}()
	out := make([][]*listedPackage, len(opts.Targets))
	for l := range done {
		out[l.i] = l.pkgs
		ready(l.i, l.pkgs)
	}
	if listErr != nil {
		return listErr
	}
	for _, i := range todo {
		s.lists.byTarget[listKey(opts.Targets[i])] = out[i]
	}
	return nil
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func listKey(t target.Target) string {
	return t.String() + "\x00" + strings.Join(t.Tags, ",") + "\x00" + strings.Join(t.Env, "\x00") + "\x00" + t.CC
}

// listFingerprint covers what go list output depends on that can change
// without a file-system event: the patterns, the directory and the headers
// of unsaved buffers.
func listFingerprint(opts *Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00", opts.Dir, opts.GoCmd, strings.Join(opts.Patterns, "\x00"))
	paths := make([]string, 0, len(opts.Overlay))
	for p := range opts.Overlay {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "%s\x00%s\x00", p, fileHeader(opts.Overlay[p]))
	}
	for _, kv := range opts.Env {
		if key, _, _ := strings.Cut(kv, "="); strings.HasPrefix(key, "GO") || cgoEnvKey(key) {
			fmt.Fprintf(&b, "%s\x00", kv)
		}
	}
	fmt.Fprintf(&b, "trust=%v\x00tests=%v", opts.TrustProject, opts.Tests)
	return b.String()
}

// cgoEnvKey reports an environment variable that cgo's output depends on.
func cgoEnvKey(key string) bool {
	return key == "CC" || key == "CXX" || key == "FC" || key == "PKG_CONFIG" || strings.HasPrefix(key, "CGO_")
}

// cgoOverlayKey covers what a cgo target's listing depends on beyond
// listFingerprint: the whole contents of unsaved buffers that import "C",
// which cgo translates.
func cgoOverlayKey(opts *Options) string {
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(opts.Overlay)) {
		src := opts.Overlay[p]
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
		if err != nil || slices.ContainsFunc(f.Imports, func(spec *ast.ImportSpec) bool { return spec.Path.Value == `"C"` }) {
			fmt.Fprintf(h, "%s\x00%x\x00", p, sha256.Sum256(src))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fileHeader returns the part of a Go file that decides which package it
// belongs to, when it builds and what it imports.
func fileHeader(src []byte) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil || f == nil {
		return string(src) // unparsable header: compare whole contents
	}
	end := f.Name.End()
	if n := len(f.Decls); n > 0 {
		end = f.Decls[n-1].End()
	}
	off := fset.Position(end).Offset
	if off > len(src) {
		off = len(src)
	}
	return string(src[:off])
}

func analyzerNames(analyzers []boundAnalyzer) string {
	names := make([]string, len(analyzers))
	for i, a := range analyzers {
		names[i] = a.Name
	}
	return strings.Join(names, ",")
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// computeUnit fills in u: from the type cache for a standard library
// package seen by an earlier session, else by parsing and type-checking.
func (s *Session) computeUnit(u *unit, p *listedPackage, files []string, depUnits map[string]*unit, depKeys map[string]string,
	sizes types.Sizes, goVersion string, role unitRole, fixed bool, base *unit) {
	// The type cache holds the standard library and the dependencies in
	// the module cache that type-check without errors for the target
	// (their verdict is then known: they build). cgo's stand-in for
	// package C has no export data form.
	u.inputs = &checkInputs{p: p, deps: depUnits, sizes: sizes, goVersion: goVersion}
	cacheable := (role == roleStd || role == roleDep && fixed) && exportable(p) && s.types != nil
	tc := s.types
	if cacheable {
		if pkg, ok := tc.read(s.fset, u.key, p.ImportPath, depUnits); ok {
			u.pkg, u.info = pkg, &types.Info{}
			u.apiPkg = pkg
			u.pkgFiles = objectFiles(s.fset, pkg)
			if role == roleDep {
				// Analyzers parse its files when they need them, as does
				// bodilessOf for a target whose non-Go files differ from
				// those of the target that stored it.
				u.dep = true
				u.reparse = func() []*ast.File {
					var syntax []*ast.File
					for _, f := range files {
						if file, _, _ := s.files.Parse(f, parser.ParseComments); file != nil {
							syntax = append(syntax, file)
						}
					}
					return syntax
				}
			}
			return
		}
	}
	var syntax []*ast.File
	for _, f := range files {
		var file *ast.File
		var err error
		if role == roleStd {
			file, err = s.files.ParseStd(f)
		} else {
			file, _, err = s.files.Parse(f, parser.ParseComments)
		}
		if err != nil {
			u.syntaxErrs = append(u.syntaxErrs, err)
		}
		if file != nil {
			syntax = append(syntax, file)
		}
	}
	derived := base != nil && s.deriveUnit(u, base, p, syntax, depUnits, sizes, goVersion)
	if derived {
		s.derived.Add(1)
		u.firstErrFile, u.firstTypeErr = nil, nil // a derived check's order is not a full one's
	} else {
		u.typeErrs = nil
		typeCheck(u, p, syntax, depUnits, s.fset, sizes, goVersion, role)
	}
	s.typeChecks.Add(1)
	u.ownFiles, u.pkgFiles = tokenFiles(s.fset, syntax), nil
	if derived && u.pkg == base.pkg {
		u.pkgFiles = base.pkgFiles // the base's objects, positioned in its files
		if u.pkgFiles == nil {
			u.pkgFiles = base.ownFiles
		}
	}
	if role != roleStd && len(u.syntaxErrs) == 0 {
		s.findCompilerErrors(u, p, syntax, sizes, func() *token.File {
			// A derived check does not know which error a full one
			// reports first: ask one, when errors are in several files.
			var full unit
			typeCheck(&full, p, syntax, depUnits, s.fset, sizes, goVersion, role)
			return full.firstErrFile
		})
		if p.vetOnly && u.firstTypeErr == nil && len(u.typeErrs) > 0 {
			// go vet reports the type checker's first error; a derived
			// check does not know it.
			var full unit
			typeCheck(&full, p, syntax, depUnits, s.fset, sizes, goVersion, role)
			u.firstTypeErr = full.firstTypeErr
		}
	}
	switch role {
	case roleStd:
		u.files = nil // only its API is needed; let the syntax go
	case roleDep:
		// Its syntax goes after the check (Session.Check); what needs
		// the syntax besides analyzers was computed above.
		u.dep = true
	}
	var entry []byte
	switch {
	case fixed:
		if role == roleDep && compactDependencies && exportable(p) && u.clean() {
			entry = s.compactDep(u, p.ImportPath, depUnits)
		}
		u.apiPkg = u.pkg // never edited: its key (apiKey, set by get) will do
	case derived:
		// Same declarations and dependencies as the base: same API.
		u.apiKey = base.apiKey
		u.apiPkg = s.units.apiRepresentative(u)
	default:
		u.apiKey = apiKeyOf(u.pkg, u.key, depKeys)
		u.apiPkg = s.units.apiRepresentative(u)
	}
	// A dependency goes to the type cache only if it has no errors the
	// entry would lose. Its entry serves every target with its Go files,
	// whose functions without a body bodilessOf finds again (they fail or
	// link depending on each target's non-Go files): whether the target
	// that computed the unit has their assembly does not matter, so that
	// what is cached does not depend on which target came first.
	if cacheable && (role == roleStd || u.clean()) {
		tc.queue(u, entry)
	}
}

// checkInputs are what a unit was checked from, besides its files' syntax.
type checkInputs struct {
	p         *listedPackage
	deps      map[string]*unit
	sizes     types.Sizes
	goVersion string
}

// fullCheck is a complete check of a unit's current files.
type fullCheck struct {
	pkg   *types.Package
	info  *types.Info
	files []*ast.File
}

// fullPass returns what x/tools' checker gives an analyzer for in's
// package: every file's syntax, and the package and complete type
// information of a check of those files (a unit may have been derived
// from an earlier version, or checked for its API only). It is computed
// once per unit, when a full-contract analyzer first asks.
func (s *Session) fullPass(in *passInput) (*types.Package, *types.Info, []*ast.File) {
	u := in.unit
	u.fullOnce.Do(func() {
		ci := u.inputs
		var files []*ast.File
		for _, path := range ci.p.files {
			if f, _, _ := s.files.Parse(path, parser.ParseComments); f != nil {
				files = append(files, f)
			}
		}
		info := &types.Info{
			Types:        map[ast.Expr]types.TypeAndValue{},
			Instances:    map[*ast.Ident]types.Instance{},
			Defs:         map[*ast.Ident]types.Object{},
			Uses:         map[*ast.Ident]types.Object{},
			Implicits:    map[ast.Node]types.Object{},
			Selections:   map[*ast.SelectorExpr]*types.Selection{},
			Scopes:       map[ast.Node]*types.Scope{},
			FileVersions: map[*ast.File]string{},
		}
		conf := checkConfig(ci.p, ci.deps, nil, ci.sizes, ci.goVersion, func(types.Error) {})
		pkg, _ := conf.Check(ci.p.typesPath(), s.fset, files, info)
		u.full = &fullCheck{pkg, info, files}
	})
	return u.full.pkg, u.full.info, u.full.files
}

// testHook, if set by a test, is called at each place where the driver's
// goroutines do their work, to inject panics.
var testHook func(where string)

func hook(where string) {
	if testHook != nil {
		testHook(where)
	}
}

// recoverAs turns a panic of the calling goroutine into *err and records
// it for the check, which then fails with it. It must be deferred.
func (s *Session) recoverAs(where string, err *error) {
	if r := recover(); r != nil {
		*err = s.notePanic(where, r)
	}
}

func (s *Session) notePanic(where string, r any) error {
	err := fmt.Errorf("internal error in %s: %v\n%s", where, r, debug.Stack())
	s.panicMu.Lock()
	if s.panicErr == nil {
		s.panicErr = err
	}
	s.panicMu.Unlock()
	return err
}

func (s *Session) takePanic() error {
	s.panicMu.Lock()
	defer s.panicMu.Unlock()
	err := s.panicErr
	s.panicErr = nil
	return err
}

// computeGuarded computes u, and whatever happens, lets those who wait
// for it go on: a panic leaves u without a package, and the check fails.
func (s *Session) computeGuarded(u *unit, compute func()) {
	defer close(u.done)
	defer func() {
		if r := recover(); r != nil {
			u.pkg, u.apiPkg = nil, nil
			s.notePanic("the type check of "+u.name, r)
		}
	}()
	hook("unit")
	compute()
}

// forget drops everything kept between checks but file contents and
// syntax, after a check that may have left it half done.
func (s *Session) forget() {
	s.units = newUnitCache()
	s.analyses = newAnalysisCache()
	s.lists = listCache{}
	s.rootFilesMu.Lock()
	s.rootFiles, s.targetStates, s.uncompiledFor, s.uncompiledFiles = nil, nil, nil, nil
	s.rootFilesMu.Unlock()
	s.plansMu.Lock()
	s.plans = nil
	s.plansMu.Unlock()
}

// sweepFiles removes from the FileSet the files that nothing the session
// keeps refers to any more. Each edit parses a new version of the edited
// file into the FileSet, which keeps every file's line table until it is
// removed: without this, memory grows with every edit. The session's
// caches are what refers to positions (units and their objects and
// errors, analysis results, the parse caches, pending type cache writes):
// everything else holds positions as text. It runs after a completed
// check, once sweepGrowth bytes of files have been added.
func (s *Session) sweepFiles() {
	base := s.fset.Base()
	if base-s.sweptBase < sweepGrowth && !sweepAlways {
		return
	}
	s.sweptBase = base
	live := s.liveFiles()
	var dead []*token.File
	s.fset.Iterate(func(tf *token.File) bool {
		if !live[tf] {
			dead = append(dead, tf)
		}
		return true
	})
	for _, tf := range dead {
		s.fset.RemoveFile(tf)
	}
}

// sweepGrowth is the growth of the FileSet's base, in bytes of source
// parsed, between sweeps: what it may hold that nothing uses is bounded by
// that (its line tables, a fifth of it). A sweep costs about as much as
// walking the session's caches once.
const sweepGrowth = 8 << 20

// sweepAlways makes every completed check sweep, for tests.
var sweepAlways bool

// liveFiles returns the files of the FileSet that the session's caches
// refer to. It runs between checks.
func (s *Session) liveFiles() map[*token.File]bool {
	live := map[*token.File]bool{}
	addPos := func(pos token.Pos) {
		if tf := s.fset.File(pos); tf != nil {
			live[tf] = true
		}
	}
	seen := map[*unit]bool{}
	var addUnit func(u *unit)
	addUnit = func(u *unit) {
		if u == nil || seen[u] {
			return
		}
		seen[u] = true
		for _, tf := range u.ownFiles {
			live[tf] = true
		}
		for _, tf := range u.pkgFiles {
			live[tf] = true
		}
		if u.full != nil {
			for _, f := range u.full.files {
				addPos(f.FileStart)
			}
		}
		// Its types refer to its dependencies' objects.
		if u.inputs != nil {
			for _, d := range u.inputs.deps {
				addUnit(d)
			}
		}
	}
	addEntry := func(e *analysisEntry) {
		if e == nil {
			return
		}
		for _, d := range e.diags {
			addPos(d.Pos)
			addPos(d.End)
			for _, r := range d.Related {
				addPos(r.Pos)
			}
			for _, fix := range d.SuggestedFixes {
				for _, edit := range fix.TextEdits {
					addPos(edit.Pos)
				}
			}
		}
	}

	s.files.Syntax(func(f *ast.File) { addPos(f.FileStart) })

	uc := s.units
	uc.mu.Lock()
	for _, m := range []map[string]*unit{uc.units, uc.prev, uc.apis, uc.prevAPIs, uc.bases, uc.prevBases, uc.doneUnits, uc.doneAPIs, uc.doneBases} {
		for _, u := range m {
			addUnit(u)
		}
	}
	uc.mu.Unlock()
	for _, u := range s.types.queued() {
		addUnit(u)
	}

	ac := s.analyses
	ac.mu.Lock()
	for _, m := range []map[analysisKey]*analysisEntry{ac.entries, ac.prev, ac.done} {
		for _, e := range m {
			addEntry(e)
		}
	}
	ac.mu.Unlock()

	s.rootFilesMu.Lock()
	for _, st := range s.targetStates {
		for _, in := range st.inputs {
			addUnit(in.unit)
			for _, e := range in.entries {
				addEntry(e)
			}
		}
	}
	s.rootFilesMu.Unlock()

	for _, tf := range syntax.Files(s.fset) {
		live[tf] = true
	}
	return live
}

// TypeChecks reports how many packages the session's checks have
// type-checked, counting each target's check of a package (targets with
// identical inputs share one): for tests of what an edit redoes.
func (s *Session) TypeChecks() int64 { return s.typeChecks.Load() }

// FileSetSize reports how many files, of how many bytes of source in all,
// the session's FileSet holds: what stays in memory of every file version
// it parsed (see sweepFiles).
func (s *Session) FileSetSize() (files, bytes int) {
	s.fset.Iterate(func(tf *token.File) bool {
		files++
		bytes += tf.Size()
		return true
	})
	return files, bytes
}

// langVersion is the language version the go command compiles p with (its
// -lang flag): its module's go version, go1.16 for a module whose go.mod
// states none; "" (the toolchain's own) for the standard library and
// packages outside modules.
func langVersion(p *listedPackage) string {
	if p.Module == nil || p.Standard {
		return ""
	}
	v := p.Module.GoVersion
	if v == "" {
		v = "1.16" // the go command's DefaultGoModVersion
	}
	return version.Lang("go" + v)
}
