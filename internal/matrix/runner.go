package matrix

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/crossls/crossls/internal/source"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/objectpath"
)

// The analysis runner applies analyzers to the packages of one target.
// It is the checker of x/tools cut to what crossls needs, plus two things
// that checker cannot do: Pass.ReadFile sees unsaved editor buffers, and
// type information is shared between targets.

// passInput is one package of one target, ready to analyze.
type passInput struct {
	list     *listedPackage
	unit     *unit
	ignored  []string // absolute paths of files excluded for this target
	other    []string // non-Go files
	deps     []*passInput
	analyzed bool // a root: all analyzers run; otherwise only fact producers

	// filesHashes memoizes filesKey for this check: [0] without the
	// compiled files, [1] with them.
	filesHashes [2]string

	// prev is the same package in the target's last check, during this
	// one. contents are the compiled files' contents the unit was found
	// for (mutable packages); shape is the unit's shape (edited roots).
	prev     *passInput
	contents []*source.Content
	shape    string
	// apiKey is the unit's API key, known before a lazy unit is computed.
	apiKey string
	// failure is what collect predicted for the package (nil: it builds),
	// driverDiags the driver's diagnostics for a root; collected says
	// they are set.
	failure     *failure
	driverDiags []Diagnostic
	collected   bool
	// validUntil is until when contents (and filesUntil, until when the
	// files filesHashes covers) stay valid unless a buffer of the
	// package's directory changes (source.Cache.UnchangedSince).
	validUntil, filesUntil time.Time
	// entries are the analyzers' results, by analyzer index (nil for an
	// analyzer that did not run), once all of them succeeded.
	entries []*analysisEntry
}

// factKey identifies a fact by its subject's path, not its pointer:
// importers may see an earlier package object with the same API
// (unit.apiPkg) than the one analyzed.
type factKey struct {
	id  string
	typ reflect.Type
}

// factValue is a stored fact and the object it was exported for.
type factValue struct {
	obj  any // types.Object or *types.Package
	fact analysis.Fact
}

func factID(obj any) string {
	switch o := obj.(type) {
	case *types.Package:
		return "p\x00" + o.Path()
	case types.Object:
		if o.Pkg() != nil {
			if p, err := objectpath.For(o); err == nil {
				return "o\x00" + o.Pkg().Path() + "\x00" + string(p)
			}
		}
	}
	return fmt.Sprintf("x\x00%p", obj)
}

// runState holds the facts and results of one target's analysis.
type runState struct {
	fset     *token.FileSet
	sizes    types.Sizes
	readFile func(string) ([]byte, error)
	reparse  func(*listedPackage) []*ast.File // a dependency's dropped syntax
	// fullPass returns what a full-contract analyzer gets of a package.
	fullPass func(*passInput) (*types.Package, *types.Info, []*ast.File)
	// std: analyzers run on standard library packages too (a
	// full-contract analyzer with facts); otherwise they are skipped.
	std bool

	mu    sync.Mutex
	facts map[factKey]factValue

	// cache holds analysis results of earlier checks; cacheKey returns the
	// key of an analyzer's run on a package.
	cache     *analysisCache
	cacheKey  func(boundAnalyzer, *passInput) analysisKey
	recording *analysisEntry // the entry being filled by the running top-level analyzer

	// filesKey is the session's filesKey without the compiled files;
	// world and prevWorld are the left-out worlds of this check and of the
	// target's last one.
	filesKey         func(*passInput) string
	world, prevWorld string
	unchangedSince   func(dir string, until time.Time) bool
}

// analysisCache keeps each analyzer's findings and exported facts per
// package and inputs, for the current and the previous check, so an edit
// re-analyzes only the packages whose inputs changed.
type analysisCache struct {
	// mu guards the maps, held briefly: an entry being computed is waited
	// for on its done channel, outside it.
	mu      sync.Mutex
	entries map[analysisKey]*analysisEntry
	prev    map[analysisKey]*analysisEntry
	// ended says the check of entries completed; done are the entries of
	// the last check that did.
	ended bool
	done  map[analysisKey]*analysisEntry
}

type analysisEntry struct {
	done  chan struct{}      // closed when the entry is complete
	ok    bool               // the run succeeded; a failed run is not reused
	top   *analysis.Analyzer // the analyzer whose results these are (not its requirements)
	diags []analysis.Diagnostic
	facts []storedFact
}

type storedFact struct {
	obj  any // types.Object or *types.Package
	fact analysis.Fact
}

func newAnalysisCache() *analysisCache {
	return &analysisCache{entries: map[analysisKey]*analysisEntry{}}
}

func (c *analysisCache) beginCheck() {
	c.mu.Lock()
	c.prev = source.Reusable(c.ended, c.done, c.entries)
	// Sized like the last check's, which most checks resemble.
	c.entries = make(map[analysisKey]*analysisEntry, len(c.prev))
	c.ended = false
	c.mu.Unlock()
}

func (c *analysisCache) endCheck() {
	c.mu.Lock()
	c.ended, c.done, c.prev = true, c.entries, nil
	c.mu.Unlock()
}

// claim returns the entry for key and whether the caller must compute it
// (and then close its done channel). Targets running at the same time
// thus compute each entry once.
func (c *analysisCache) claim(key analysisKey, top *analysis.Analyzer) (*analysisEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		return e, false
	}
	if e, ok := c.prev[key]; ok && e.ok {
		c.entries[key] = e
		return e, false
	}
	e := &analysisEntry{top: top, done: make(chan struct{})}
	c.entries[key] = e
	return e, true
}

type diagnosticOut struct {
	analyzer *analysis.Analyzer
	pkg      *passInput
	diag     analysis.Diagnostic
}

// run applies analyzers to the packages in topological order (dependencies
// first) and returns the diagnostics of the analyzed packages.
func (rs *runState) run(analyzers []boundAnalyzer, order []*passInput) ([]diagnosticOut, error) {
	var out []diagnosticOut
	for _, in := range order {
		// Standard library packages carry no facts crossls's analyzers
		// use (cgo never reports them), and keep no syntax.
		if in.list.Standard && !rs.std || in.unit == nil {
			continue
		}
		// A standard library package's unit is checked when first needed,
		// maybe by another target's goroutine.
		if in.unit.ensure(); in.unit.pkg == nil {
			continue
		}
		if pv := in.prev; pv != nil && pv.entries != nil && rs.sameAnalysisInputs(in, pv) {
			// Every analysis key is the one of the last check: take its
			// results without computing the keys again.
			in.entries = pv.entries
			for k, entry := range in.entries {
				if entry != nil {
					out = rs.replay(analyzers[k].Analyzer, in, entry, out)
				}
			}
			continue
		}
		entries := make([]*analysisEntry, len(analyzers))
		results := map[passResultKey]any{}
		for k, ba := range analyzers {
			a := ba.Analyzer
			if !in.analyzed && len(a.FactTypes) == 0 {
				continue
			}
			entry, compute := rs.cache.claim(rs.cacheKey(ba, in), a)
			if !compute {
				<-entry.done
			}
			if !compute && entry.ok {
				entries[k] = entry
				out = rs.replay(a, in, entry, out)
				continue
			}
			if !compute {
				// The run that owned the entry failed; run it here.
				entry = &analysisEntry{top: a, done: make(chan struct{})}
			}
			rs.recording = entry
			err := rs.apply(a, in, ba.contract == fullPass, results, &out)
			rs.recording = nil
			entry.ok = err == nil
			close(entry.done)
			if err != nil {
				return out, err
			}
			entries[k] = entry
		}
		in.entries = entries
	}
	return out, nil
}

// replay exports the facts of a finished analysis entry and adds its
// diagnostics if in is analyzed.
func (rs *runState) replay(a *analysis.Analyzer, in *passInput, entry *analysisEntry, out []diagnosticOut) []diagnosticOut {
	for _, f := range entry.facts {
		rs.exportFact(f.obj, f.fact)
	}
	if in.analyzed {
		for _, d := range entry.diags {
			out = append(out, diagnosticOut{a, in, d})
		}
	}
	return out
}

// sameAnalysisInputs reports whether in's analysis keys are those of pv,
// the same package in the target's last check: the same unit, left-out
// world and files.
func (rs *runState) sameAnalysisInputs(in, pv *passInput) bool {
	if in.unit != pv.unit || rs.world != rs.prevWorld || pv.filesHashes[0] == "" {
		return false
	}
	if !in.list.fixed && rs.unchangedSince(in.list.Dir, pv.filesUntil) {
		in.filesHashes[0], in.filesUntil = pv.filesHashes[0], pv.filesUntil
		return true
	}
	return rs.filesKey(in) == pv.filesHashes[0]
}

// skippedAnalysis is the result of an analyzer that did not run on a
// package (type errors, and it does not run despite them), as x/tools'
// checker skips it: analyzers that require it are skipped too.
type skippedAnalysis struct{}

// apply runs a (and first its requirements) on one package. A full
// contract gives a and its requirements the Pass x/tools' checker would
// (see passContract); results are kept per contract, since the two see
// different syntax and objects.
func (rs *runState) apply(a *analysis.Analyzer, in *passInput, full bool, results map[passResultKey]any, out *[]diagnosticOut) (err error) {
	key := passResultKey{a, full}
	if _, ok := results[key]; ok {
		return nil
	}
	for _, req := range a.Requires {
		if err := rs.apply(req, in, full, results, out); err != nil {
			return err
		}
		if _, skipped := results[passResultKey{req, full}].(skippedAnalysis); skipped {
			results[key] = skippedAnalysis{}
			return nil
		}
	}
	u := in.unit
	if (len(u.typeErrs) > 0 || len(u.syntaxErrs) > 0) && !a.RunDespiteErrors {
		results[key] = skippedAnalysis{}
		return nil
	}
	var typeErrs []types.Error
	typeErrs = append(typeErrs, u.typeErrs...)
	pkg, info, files := u.pkg, u.info, u.files
	if full {
		pkg, info, files = rs.fullPass(in)
	} else if files == nil && u.dep {
		files = rs.reparse(in.list)
	}
	pass := &analysis.Pass{
		Analyzer:     a,
		Fset:         rs.fset,
		Files:        files,
		OtherFiles:   in.other,
		IgnoredFiles: in.ignored,
		Pkg:          pkg,
		TypesInfo:    info,
		TypesSizes:   rs.sizes,
		TypeErrors:   typeErrs,
		ResultOf:     map[*analysis.Analyzer]any{},
		ReadFile:     rs.readFile,
		Report: func(d analysis.Diagnostic) {
			if rs.recording != nil && rs.recording.top == a {
				rs.recording.diags = append(rs.recording.diags, d)
			}
			if in.analyzed {
				*out = append(*out, diagnosticOut{a, in, d})
			}
		},
		ImportObjectFact:  func(obj types.Object, f analysis.Fact) bool { return rs.importFact(obj, f) },
		ExportObjectFact:  func(obj types.Object, f analysis.Fact) { rs.record(a, obj, f); rs.exportFact(obj, f) },
		ImportPackageFact: func(pkg *types.Package, f analysis.Fact) bool { return rs.importFact(pkg, f) },
		ExportPackageFact: func(f analysis.Fact) { rs.record(a, pkg, f); rs.exportFact(pkg, f) },
		AllObjectFacts:    func() []analysis.ObjectFact { return rs.allObjectFacts(in) },
		AllPackageFacts:   func() []analysis.PackageFact { return rs.allPackageFacts(in) },
	}
	if m := in.list.Module; m != nil {
		pass.Module = &analysis.Module{Path: m.Path, Version: m.Version, GoVersion: m.GoVersion}
	}
	for _, req := range a.Requires {
		pass.ResultOf[req] = results[passResultKey{req, full}]
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("analyzer %s panicked on %s: %v", a.Name, in.list.ImportPath, r)
		}
	}()
	res, err := a.Run(pass)
	if err != nil {
		return fmt.Errorf("analyzer %s on %s: %v", a.Name, in.list.ImportPath, err)
	}
	results[key] = res
	return nil
}

type passResultKey struct {
	analyzer *analysis.Analyzer
	full     bool
}

// record keeps a fact exported by the analyzer being cached.
func (rs *runState) record(a *analysis.Analyzer, obj any, f analysis.Fact) {
	if rs.recording != nil && rs.recording.top == a {
		rs.recording.facts = append(rs.recording.facts, storedFact{obj, f})
	}
}

func (rs *runState) importFact(obj any, f analysis.Fact) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	stored, ok := rs.facts[factKey{factID(obj), reflect.TypeOf(f)}]
	if ok {
		reflect.ValueOf(f).Elem().Set(reflect.ValueOf(stored.fact).Elem())
	}
	return ok
}

func (rs *runState) exportFact(obj any, f analysis.Fact) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.facts[factKey{factID(obj), reflect.TypeOf(f)}] = factValue{obj, f}
}

// visible reports the packages whose facts in may see, by path: itself
// and its transitive dependencies.
func visible(in *passInput) map[string]bool {
	seen := map[string]bool{}
	var walk func(*passInput)
	walk = func(p *passInput) {
		if seen[p.list.ImportPath] {
			return
		}
		seen[p.list.ImportPath] = true
		for _, d := range p.deps {
			walk(d)
		}
	}
	walk(in)
	return seen
}

func (rs *runState) allPackageFacts(in *passInput) []analysis.PackageFact {
	vis := visible(in)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []analysis.PackageFact
	for _, v := range rs.facts {
		if p, ok := v.obj.(*types.Package); ok && vis[p.Path()] {
			out = append(out, analysis.PackageFact{Package: p, Fact: v.fact})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Package.Path() < out[j].Package.Path() })
	return out
}

func (rs *runState) allObjectFacts(in *passInput) []analysis.ObjectFact {
	vis := visible(in)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var out []analysis.ObjectFact
	for _, v := range rs.facts {
		if o, ok := v.obj.(types.Object); ok && o.Pkg() != nil && vis[o.Pkg().Path()] {
			out = append(out, analysis.ObjectFact{Object: o, Fact: v.fact})
		}
	}
	return out
}

// overlayReader returns a Pass.ReadFile that sees unsaved buffers.
func overlayReader(files *source.Cache) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		fc := files.Read(path)
		if fc.Err != nil {
			return nil, fc.Err
		}
		return fc.Data, nil
	}
}

// immutable reports whether a package's files cannot change: the standard
// library and versioned modules in the module cache.
func immutable(p *listedPackage) bool {
	return p.Standard || p.Module != nil && p.Module.Version != "" && !p.Module.Main
}

// filesKey hashes the files an analyzer may read besides the type-checked
// ones (and those too if compiled): by name for immutable packages, by
// content otherwise. It is computed once per package and check.
func (s *Session) filesKey(in *passInput, compiled bool) string {
	i := 0
	if compiled {
		i = 1
	}
	if in.filesHashes[i] != "" {
		return in.filesHashes[i]
	}
	switch p := in.list; {
	case p.fixed:
		in.filesHashes[i] = p.filesKeys[i]
	default:
		// The contents of all of the package's files: unchanged contents
		// keep their *source.Content, so the last hash can be reused.
		all := slices.Concat(p.files, p.ignored, p.other)
		contents := make([]*source.Content, len(all))
		for j, path := range all {
			contents[j] = s.files.Read(path)
		}
		in.filesUntil = source.ValidUntil(contents)
		key, ok := p.filesMemo[i].lookup(contents, nil)
		if !ok {
			key = hashFiles(p, compiled, s.files.Read)
			p.filesMemo[i].store(contents, nil, key)
		}
		in.filesHashes[i] = key
	}
	return in.filesHashes[i]
}

// hashFiles hashes the paths of p's files, and with read their contents.
func hashFiles(p *listedPackage, compiled bool, read func(string) *source.Content) string {
	var paths []string
	if compiled {
		paths = append(paths, p.files...)
	}
	paths = append(append(paths, p.ignored...), p.other...)
	sort.Strings(paths)
	h := sha256.New()
	for _, path := range paths {
		if read == nil {
			fmt.Fprintf(h, "%s\x00", path)
		} else {
			fmt.Fprintf(h, "%s@%s\x00", path, read(path).Hash)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// leftOutWorld hashes the files that mutable packages of a target's graph
// leave out: facts about them (cgo) flow to importers.
func (s *Session) leftOutWorld(order []*passInput) (string, time.Time) {
	h := sha256.New()
	var contents []*source.Content
	for _, in := range order {
		if !in.list.fixed {
			fmt.Fprintf(h, "%s\x00", in.list.ImportPath)
			for _, p := range in.list.ignored {
				fc := s.files.Read(p)
				contents = append(contents, fc)
				fmt.Fprintf(h, "%s@%s\x00", p, fc.Hash)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), source.ValidUntil(contents)
}

// analysisKey identifies the inputs of one analyzer run on one package. It
// is a struct of the inputs' own keys, not their concatenation: it is
// built for every analyzer, package and target of every check.
type analysisKey struct {
	analyzer, pkg, list, unit, world, files string
}

func (s *Session) analysisKey(list string, ba boundAnalyzer, in *passInput, world string) analysisKey {
	switch ba.inputs {
	case scopeFiles:
		return analysisKey{analyzer: ba.Name, pkg: in.list.ImportPath, files: s.filesKey(in, true)}
	case scopeUnit:
		return analysisKey{analyzer: ba.Name, unit: in.unit.key, files: s.filesKey(in, false)}
	default:
		return analysisKey{analyzer: ba.Name, list: list, unit: in.unit.key, world: world, files: s.filesKey(in, false)}
	}
}
