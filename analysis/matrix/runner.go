package matrix

import (
	"fmt"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"sync"

	"golang.org/x/tools/go/analysis"
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
}

type factKey struct {
	obj any // types.Object or *types.Package
	typ reflect.Type
}

// runState holds the facts and results of one target's analysis.
type runState struct {
	fset     *token.FileSet
	sizes    types.Sizes
	readFile func(string) ([]byte, error)

	mu    sync.Mutex
	facts map[factKey]analysis.Fact
}

type diagnosticOut struct {
	analyzer *analysis.Analyzer
	pkg      *passInput
	diag     analysis.Diagnostic
}

// run applies analyzers to the packages in topological order (dependencies
// first) and returns the diagnostics of the analyzed packages.
func (rs *runState) run(analyzers []*analysis.Analyzer, order []*passInput) ([]diagnosticOut, error) {
	var out []diagnosticOut
	for _, in := range order {
		if in.unit == nil || in.unit.pkg == nil {
			continue
		}
		results := map[*analysis.Analyzer]any{}
		for _, a := range analyzers {
			if !in.analyzed && len(a.FactTypes) == 0 {
				continue
			}
			if err := rs.apply(a, in, results, &out); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// apply runs a (and first its requirements) on one package.
func (rs *runState) apply(a *analysis.Analyzer, in *passInput, results map[*analysis.Analyzer]any, out *[]diagnosticOut) (err error) {
	if _, ok := results[a]; ok {
		return nil
	}
	for _, req := range a.Requires {
		if err := rs.apply(req, in, results, out); err != nil {
			return err
		}
	}
	u := in.unit
	if (len(u.typeErrs) > 0 || len(u.syntaxErrs) > 0) && !a.RunDespiteErrors {
		results[a] = nil
		return nil
	}
	var typeErrs []types.Error
	typeErrs = append(typeErrs, u.typeErrs...)
	pass := &analysis.Pass{
		Analyzer:     a,
		Fset:         rs.fset,
		Files:        u.files,
		OtherFiles:   in.other,
		IgnoredFiles: in.ignored,
		Pkg:          u.pkg,
		TypesInfo:    u.info,
		TypesSizes:   rs.sizes,
		TypeErrors:   typeErrs,
		ResultOf:     map[*analysis.Analyzer]any{},
		ReadFile:     rs.readFile,
		Report: func(d analysis.Diagnostic) {
			if in.analyzed {
				*out = append(*out, diagnosticOut{a, in, d})
			}
		},
		ImportObjectFact:  func(obj types.Object, f analysis.Fact) bool { return rs.importFact(obj, f) },
		ExportObjectFact:  func(obj types.Object, f analysis.Fact) { rs.exportFact(obj, f) },
		ImportPackageFact: func(pkg *types.Package, f analysis.Fact) bool { return rs.importFact(pkg, f) },
		ExportPackageFact: func(f analysis.Fact) { rs.exportFact(u.pkg, f) },
		AllObjectFacts:    func() []analysis.ObjectFact { return rs.allObjectFacts(in) },
		AllPackageFacts:   func() []analysis.PackageFact { return rs.allPackageFacts(in) },
	}
	if m := in.list.Module; m != nil {
		pass.Module = &analysis.Module{Path: m.Path, GoVersion: m.GoVersion}
	}
	for _, req := range a.Requires {
		pass.ResultOf[req] = results[req]
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
	results[a] = res
	return nil
}

func (rs *runState) importFact(obj any, f analysis.Fact) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	stored, ok := rs.facts[factKey{obj, reflect.TypeOf(f)}]
	if ok {
		reflect.ValueOf(f).Elem().Set(reflect.ValueOf(stored).Elem())
	}
	return ok
}

func (rs *runState) exportFact(obj any, f analysis.Fact) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.facts[factKey{obj, reflect.TypeOf(f)}] = f
}

// visible reports the packages whose facts in may see: itself and its
// transitive dependencies.
func visible(in *passInput) map[*types.Package]bool {
	seen := map[*types.Package]bool{}
	var walk func(*passInput)
	walk = func(p *passInput) {
		if p.unit == nil || p.unit.pkg == nil || seen[p.unit.pkg] {
			return
		}
		seen[p.unit.pkg] = true
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
	for k, f := range rs.facts {
		if p, ok := k.obj.(*types.Package); ok && vis[p] {
			out = append(out, analysis.PackageFact{Package: p, Fact: f})
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
	for k, f := range rs.facts {
		if o, ok := k.obj.(types.Object); ok && o.Pkg() != nil && vis[o.Pkg()] {
			out = append(out, analysis.ObjectFact{Object: o, Fact: f})
		}
	}
	return out
}

// overlayReader returns a Pass.ReadFile that sees unsaved buffers.
func overlayReader(files *fileCache) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		fc := files.read(path)
		if fc.err != nil {
			return nil, fc.err
		}
		return fc.data, nil
	}
}
