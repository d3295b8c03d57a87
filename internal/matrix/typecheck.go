package matrix

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/crossls/crossls/internal/source"
	"golang.org/x/tools/go/gcexportdata"
)

// A unit is one type check of one package with one file set against one
// set of dependency units. Targets whose inputs are identical share it.
type unit struct {
	key  string
	name string // the package's name
	done chan struct{}
	// lazy, if set, computes the unit and closes done; ensure runs it
	// once, when an importer's check needs the package.
	lazy     func()
	lazyOnce sync.Once
	pkg      *types.Package
	// apiKey identifies what importers see of the package: its API and,
	// transitively, its dependencies' APIs. Importers are keyed by it, so
	// an edit that keeps the API re-checks no importer.
	apiKey string
	// apiPkg is the package importers type-check against: the first
	// package with this apiKey, so that importers checked before and after
	// an edit share one set of objects.
	apiPkg *types.Package
	info   *types.Info
	files  []*ast.File
	// syntaxErrs and typeErrs are the package's own errors.
	syntaxErrs []error
	typeErrs   []types.Error
	// compileErrs are the errors the compiler reports for the package
	// after parsing, in its order: the type errors and what it finds of its
	// directives while parsing (compilerErrors). lateErrs are those it
	// reports only when there are none: misplaced directives, symbols too
	// large (functions without a body depend on the target: lateErrors).
	// Neither is set for the standard library.
	compileErrs, lateErrs []types.Error
	// firstErrFile is the file of the type error the type checker reported
	// first, nil if unknown (a derived check): the compiler lists its
	// errors file by file in the order that files first reported one.
	firstErrFile *token.File
	// firstTypeErr is the type error the type checker reported first, nil
	// if none or unknown (a derived check): the one go vet reports.
	firstTypeErr *types.Error

	bodilessOnce sync.Once
	bodiless     []*ast.FuncDecl // functions without a body or linkname
	// reparse parses the files of a unit read from the type cache, which
	// has no syntax, for bodilessOf: whether its functions without a body
	// fail depends on each target's non-Go files.
	reparse func() []*ast.File

	// dep marks a dependency outside the checked packages: its syntax is
	// dropped after each check, its type information kept.
	dep bool

	// ownFiles are the token.Files of the unit's syntax, which its errors
	// refer to; pkgFiles, those its package's objects refer to: the same,
	// but for a unit that took its package from an earlier one
	// (deriveBodies) and one read from export data.
	ownFiles, pkgFiles []*token.File

	// inputs are what the unit was checked from; full, a complete check
	// of its files for analyzers with the full Pass contract.
	inputs   *checkInputs
	fullOnce sync.Once
	full     *fullCheck
}

// ensure waits until u is computed, computing it if it is lazy and no one
// has yet.
func (u *unit) ensure() {
	u.lazyOnce.Do(func() {
		if u.lazy != nil {
			u.lazy()
		}
	})
	<-u.done
}

// dropDepSyntax lets the syntax of dependencies go: analyzers have run on
// them, and their type information does not refer to it.
func (c *unitCache) dropDepSyntax() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range c.units {
		if u.dep {
			u.files = nil
		}
	}
}

// unitCache holds the units of the current check and of the previous one,
// so an edit re-checks only the packages whose inputs changed.
type unitCache struct {
	// mu guards the maps, held briefly: a unit under construction is
	// waited for on its done channel, outside it.
	mu    sync.Mutex
	units map[string]*unit
	prev  map[string]*unit
	// apis maps an apiKey to the unit whose package represents it.
	apis     map[string]*unit
	prevAPIs map[string]*unit
	// bases maps a root package's shape (its import path, file names,
	// dependencies and configuration, not file contents) to its latest
	// unit, from which deriveUnit starts.
	bases     map[string]*unit
	prevBases map[string]*unit
	// ended says the check of units, apis and bases completed; done* are
	// the maps of the last check that did.
	ended                          bool
	doneUnits, doneAPIs, doneBases map[string]*unit
}

// base returns the latest unit of shape, or nil.
func (c *unitCache) base(shape string) *unit {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u, ok := c.bases[shape]; ok {
		return u
	}
	return c.prevBases[shape]
}

// keep carries the units of carried pass inputs (and, for edited roots,
// their shapes' bases) into the current check, as get and setBase do for
// units found by key.
func (c *unitCache) keep(carried []*passInput) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, in := range carried {
		u := in.unit
		if _, ok := c.units[u.key]; !ok {
			c.units[u.key] = u
			c.keepAPI(u)
		}
		if in.shape != "" {
			c.bases[in.shape] = u
		}
	}
}

// keepAPI carries the representative of u's API into the current check:
// a unit checked later with that API must get the package u's importers
// were checked against, or their types would not be identical. c.mu is
// held.
func (c *unitCache) keepAPI(u *unit) {
	if u.apiKey == u.key {
		return // an immutable package's: no representative is kept for it
	}
	if _, ok := c.apis[u.apiKey]; !ok {
		if rep, ok := c.prevAPIs[u.apiKey]; ok {
			c.apis[u.apiKey] = rep
		}
	}
}

func (c *unitCache) setBase(shape string, u *unit) {
	c.mu.Lock()
	c.bases[shape] = u
	c.mu.Unlock()
}

// apiRepresentative returns the package importers use for u's API: u's,
// unless an earlier unit had the same API.
func (c *unitCache) apiRepresentative(u *unit) *types.Package {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rep, ok := c.apis[u.apiKey]; ok {
		return rep.pkg
	}
	if rep, ok := c.prevAPIs[u.apiKey]; ok {
		c.apis[u.apiKey] = rep
		return rep.pkg
	}
	c.apis[u.apiKey] = u
	return u.pkg
}

func newUnitCache() *unitCache {
	return &unitCache{units: map[string]*unit{}, apis: map[string]*unit{}, bases: map[string]*unit{}}
}

// get returns the unit for key and whether the caller must compute it. A
// new unit with lazy is computed by lazy when first ensured, instead. The
// unit of an immutable (fixed) package has its key as API key; name is
// the package's name.
func (c *unitCache) get(key string, fixed bool, name string, lazy func(*unit)) (*unit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if u, ok := c.units[key]; ok {
		return u, false
	}
	if u, ok := c.prev[key]; ok {
		c.units[key] = u
		c.keepAPI(u)
		return u, false
	}
	u := &unit{key: key, done: make(chan struct{}), name: name}
	if fixed {
		u.apiKey = key
	}
	if lazy != nil {
		// Set before anyone can see u: an ensure must find it.
		u.lazy = func() { lazy(u) }
	}
	c.units[key] = u
	return u, true
}

// unitKey identifies the inputs of a type check: the files' contents, the
// dependencies' units, the type sizes of the architecture and the mode.
func unitKey(p *listedPackage, fileHashes []string, depKeys map[string]string, sizes types.Sizes, goVersion string, role unitRole) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", p.ImportPath, goVersion, role)
	fmt.Fprintf(h, "%d\x00%d\x00", sizes.Sizeof(types.Typ[types.Uintptr]), sizes.Alignof(types.Typ[types.Complex128]))
	for _, fh := range fileHashes {
		fmt.Fprintf(h, "f%s\x00", fh)
	}
	paths := make([]string, 0, len(depKeys))
	for path := range depKeys {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		fmt.Fprintf(h, "d%s=%s\x00", path, depKeys[path])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// compiledFiles returns the absolute paths of the Go files the compiler
// sees for p (cgo files only appear in CgoFiles when cgo is enabled).
func compiledFiles(p *listedPackage) []string {
	var files []string
	for _, f := range p.GoFiles {
		files = append(files, filepath.Join(p.Dir, f))
	}
	for _, f := range p.CgoFiles {
		files = append(files, filepath.Join(p.Dir, f))
	}
	return files
}

func absFiles(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if filepath.IsAbs(n) {
			out[i] = n // cgo's output, in the build cache
		} else {
			out[i] = filepath.Join(dir, n)
		}
	}
	return out
}

// unitRole says how much of a type check the driver keeps.
type unitRole int

const (
	// roleRoot: a checked package; analyzers need all type information.
	roleRoot unitRole = iota
	// roleDep: a dependency outside the standard library. Its function
	// bodies are checked (a body that fails for a target fails the build),
	// but no type information is kept beyond its API: one in the module
	// cache that checks cleanly keeps its package as read back from
	// export data (compactDep).
	roleDep
	// roleStd: a standard library package: its API only.
	roleStd
)

// typeCheck type-checks p against its dependencies' units.
func typeCheck(u *unit, p *listedPackage, files []*ast.File, deps map[string]*unit, fset *token.FileSet, sizes types.Sizes, goVersion string, role unitRole) {
	u.files = files
	// crossls's analyzers find imported packages through the package's
	// imports, not through recorded objects. Recording the type of every
	// expression and the object of every identifier for every target
	// would double the allocation of an edit's check; the cgo analyzer
	// needs them only to explain a missing method, so such a package is
	// checked again with them.
	u.info = &types.Info{}
	var unused map[string]bool
	if role == roleStd {
		unused = unusedImports(p, files, deps)
	}
	conf := checkConfig(p, deps, unused, sizes, goVersion, func(te types.Error) { u.typeErrs = append(u.typeErrs, te) })
	// The standard library builds for every valid target: its bodies are
	// not ours to check.
	conf.IgnoreFuncBodies = role == roleStd
	u.pkg, _ = conf.Check(p.typesPath(), fset, files, u.info)
	if role == roleRoot && slices.ContainsFunc(u.typeErrs, needsExpressionTypes) {
		u.typeErrs = nil
		u.info = &types.Info{
			Types:     map[ast.Expr]types.TypeAndValue{},
			Defs:      map[*ast.Ident]types.Object{},
			Uses:      map[*ast.Ident]types.Object{},
			Implicits: map[ast.Node]types.Object{},
		}
		u.pkg, _ = conf.Check(p.typesPath(), fset, files, u.info)
	}
	u.firstErrFile, u.firstTypeErr = nil, nil
	if len(u.typeErrs) > 0 {
		first := u.typeErrs[0]
		u.firstErrFile, u.firstTypeErr = fset.File(first.Pos), &first
	}
	sortTypeErrors(fset, files, u.typeErrs)
}

// checkConfig is the configuration of p's type checks: dependencies
// resolve to the packages that represent their API.
func checkConfig(p *listedPackage, deps map[string]*unit, unused map[string]bool, sizes types.Sizes, goVersion string, report func(types.Error)) *types.Config {
	return &types.Config{
		GoVersion:   goVersion,
		FakeImportC: len(p.CgoFiles) > 0 && !p.cgoProcessed,
		Sizes:       sizes,
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			d, ok := deps[path]
			if !ok {
				return nil, fmt.Errorf("could not import %s", path)
			}
			if unused[path] {
				// Named by no declaration: an empty stand-in will do.
				return stubPackage(typesPathOf(path), d.name), nil
			}
			d.ensure()
			if d.apiPkg == nil {
				return nil, fmt.Errorf("could not import %s", path)
			}
			return d.apiPkg, nil
		}),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				report(te)
			}
		},
	}
}

// stubs are the empty stand-ins for imports no declaration names, one per
// path and name, shared: they never change.
var stubs sync.Map // stubKey -> *types.Package

type stubKey struct{ path, name string }

func stubPackage(path, name string) *types.Package {
	if p, ok := stubs.Load(stubKey{path, name}); ok {
		return p.(*types.Package)
	}
	p := types.NewPackage(path, name)
	p.MarkComplete()
	q, _ := stubs.LoadOrStore(stubKey{path, name}, p)
	return q.(*types.Package)
}

// emptyUnit is the unit of a package that has no file to check for the
// listing's target: an empty package. It is made once per listing.
func (p *listedPackage) emptyUnit() *unit {
	p.emptyOnce.Do(func() {
		done := make(chan struct{})
		close(done)
		pkg := stubPackage(p.typesPath(), p.Name)
		p.empty = &unit{key: "empty\x00" + p.ImportPath + "\x00" + p.Name, name: p.Name, done: done,
			pkg: pkg, apiPkg: pkg, apiKey: "-", info: &types.Info{}, inputs: &checkInputs{p: p}}
	})
	return p.empty
}

// isStub reports whether p is a stand-in from stubPackage.
func isStub(p *types.Package) bool {
	q, ok := stubs.Load(stubKey{p.Path(), p.Name()})
	return ok && q.(*types.Package) == p
}

// unusedImports returns the imports of a standard library package that its
// declarations (parsed without function bodies) do not name: the
// package's API does not depend on them. A dot import names anything.
func unusedImports(p *listedPackage, files []*ast.File, deps map[string]*unit) map[string]bool {
	named := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					named[id.Name] = true
				}
			}
			return true
		})
	}
	unused, used := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return nil
			}
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			d := deps[path]
			name := ""
			switch {
			case spec.Name != nil:
				name = spec.Name.Name
			case d != nil:
				name = d.name
			}
			if name == "." || name == "" || named[name] {
				used[path] = true
			} else {
				unused[path] = true
			}
		}
	}
	for path := range used {
		delete(unused, path)
	}
	return unused
}

// needsExpressionTypes reports a type error that an analyzer explains from
// the type of an expression: a selector's missing field or method.
func needsExpressionTypes(err types.Error) bool {
	return strings.Contains(err.Msg, " has no field or method ")
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// missingBodies returns the functions declared without a body in a package
// the compiler checks with -complete (no assembly or other non-Go files),
// which `go build` rejects with "missing function body".
func missingBodies(p *listedPackage, u *unit) []*ast.FuncDecl {
	if compiledIncomplete(p) || p.Standard {
		return nil
	}
	return bodilessOf(u)
}

// compiledIncomplete reports whether the compiler compiles p without
// -complete, leaving functions without a body to the linker: p has
// non-Go files.
func compiledIncomplete(p *listedPackage) bool {
	return len(p.CgoFiles)+len(p.CFiles)+len(p.CXXFiles)+len(p.MFiles)+len(p.FFiles)+
		len(p.SFiles)+len(p.SysoFiles)+len(p.SwigFiles)+len(p.SwigCXXFiles) > 0
}

// bodilessOf returns u's functions without a body or linkname, whatever
// the non-Go files of the target.
func bodilessOf(u *unit) []*ast.FuncDecl {
	u.bodilessOnce.Do(func() {
		files := u.files
		if files == nil && u.reparse != nil {
			files = u.reparse()
		}
		u.bodiless = bodiless(files)
	})
	return u.bodiless
}

// bodiless returns the function declarations without a body that no
// //go:linkname or //go:wasmimport directive provides.
func bodiless(files []*ast.File) []*ast.FuncDecl {
	var decls []*ast.FuncDecl
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body == nil && !hasWasmImport(fd) {
				decls = append(decls, fd)
			}
		}
	}
	if len(decls) == 0 {
		return nil
	}
	linknamed := map[string]bool{}
	for _, f := range files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if rest, ok := strings.CutPrefix(c.Text, "//go:linkname "); ok {
					if fields := strings.Fields(rest); len(fields) > 0 {
						linknamed[fields[0]] = true
					}
				}
			}
		}
	}
	var out []*ast.FuncDecl
	for _, fd := range decls {
		if !linknamed[fd.Name.Name] {
			out = append(out, fd)
		}
	}
	return out
}

func hasWasmImport(fd *ast.FuncDecl) bool {
	if fd.Doc == nil {
		return false
	}
	return slices.ContainsFunc(fd.Doc.List, func(c *ast.Comment) bool {
		return len(c.Text) > 15 && c.Text[:15] == "//go:wasmimport"
	})
}

func (c *unitCache) beginCheck() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prev = source.Reusable(c.ended, c.doneUnits, c.units)
	c.prevAPIs = source.Reusable(c.ended, c.doneAPIs, c.apis)
	c.prevBases = source.Reusable(c.ended, c.doneBases, c.bases)
	// Sized like the last check's, which most checks resemble.
	c.units, c.apis, c.bases = make(map[string]*unit, len(c.prev)), make(map[string]*unit, len(c.prevAPIs)), make(map[string]*unit, len(c.prevBases))
	c.ended = false
}

func (c *unitCache) endCheck() {
	c.mu.Lock()
	c.ended = true
	c.doneUnits, c.doneAPIs, c.doneBases = c.units, c.apis, c.bases
	c.prev, c.prevAPIs, c.prevBases = nil, nil, nil
	c.mu.Unlock()
}

// apiKeyOf identifies what an importer can observe of pkg: its export
// data, which records every exported declaration and, in full, every type
// they reach (methods with their receivers, fields, constraints, constant
// values), here without positions, so that an edit that only moves code
// keeps the key; and the API keys of its dependencies. Importers are
// type-checked against the first package with a key, so the key must be
// exact by construction, not a list of what seems to matter. A package
// the exporter rejects gets its unit key: it shares with nothing.
func apiKeyOf(pkg *types.Package, unitKey string, depKeys map[string]string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", pkg.Path(), pkg.Name())
	if err := writeExportData(h, nil, pkg); err != nil {
		return unitKey
	}
	paths := make([]string, 0, len(depKeys))
	for p := range depKeys {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(h, "\x00d%s=%s", p, depKeys[p])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeExportData writes pkg's export data, turning the exporter's panics
// on ill-typed packages into errors.
func writeExportData(w io.Writer, fset *token.FileSet, pkg *types.Package) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("writing export data for %s: %v", pkg.Path(), r)
		}
	}()
	return gcexportdata.Write(w, fset, pkg)
}

// tokenFiles returns the token.Files of files.
func tokenFiles(fset *token.FileSet, files []*ast.File) []*token.File {
	out := make([]*token.File, 0, len(files))
	for _, f := range files {
		if tf := fset.File(f.FileStart); tf != nil {
			out = append(out, tf)
		}
	}
	return out
}

// objectFiles returns the token.Files that pkg's package-level objects and
// methods are positioned in.
func objectFiles(fset *token.FileSet, pkg *types.Package) []*token.File {
	seen := map[*token.File]bool{}
	add := func(pos token.Pos) {
		if tf := fset.File(pos); tf != nil {
			seen[tf] = true
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		add(obj.Pos())
		if tn, ok := obj.(*types.TypeName); ok {
			if named, ok := tn.Type().(*types.Named); ok {
				for i := range named.NumMethods() {
					add(named.Method(i).Pos())
				}
			}
		}
	}
	out := make([]*token.File, 0, len(seen))
	for tf := range seen {
		out = append(out, tf)
	}
	return out
}
