// Package cgo defines an Analyzer that reports what a build configuration
// without cgo loses: files that import "C", the symbols only they declare,
// and dependencies that need cgo.
package cgo

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/syntax"
)

const Doc = `report files and dependencies left out of the build when cgo is disabled

With CGO_ENABLED=0 the go command silently leaves out every file that
imports "C" (and every file constrained by the cgo build tag). The cgo
analyzer reports each such file at its import "C" line; each use of a
function, type, variable, constant or method declared only in such a
file, of its own package or of an imported one; and the imports of
packages outside the standard library that need cgo.

What a package builds without cgo in place of its left-out files decides
how it is reported:

  - nothing declares their names without cgo: their code is missing, and
    the package needs cgo (a warning);
  - !cgo files declare some of their names, but some of those functions
    only fail at run time (they only panic, or only return an error that
    the package never checks, as github.com/mattn/go-sqlite3's
    static_mock.go does): the package needs cgo (a warning naming them);
  - otherwise the package is written to work without cgo (as
    github.com/prometheus/client_golang/prometheus is on darwin): that is
    information, said once at each import "C" line and at the imports of
    the package.

A package that needs cgo is reported once in each package that imports
it directly, at the first such import; its other imports, and imports of
packages that reach it, are related locations. A package that reaches it
through packages of its own module is not reported again: the module's
direct import is. Where the chain leaves the module (a dependency that
imports a package that needs cgo), the import of that dependency is
reported, with the chain. Standard library packages have pure-Go
fallbacks and are never reported.

A file that the configuration excludes for another reason (its GOOS or
GOARCH, or a build tag other than cgo) is not reported. When cgo is
enabled there is nothing to report.

Analyzer is configured from go/build.Default, as go vet runs it;
ForTarget returns the analyzer for one crossls target.`

// Analyzer checks the configuration of go/build.Default.
var Analyzer = newAnalyzer(build.Default)

// ForTarget returns the analyzer for the build configuration of t.
// Every instance has the name "cgo" and the same fact types.
func ForTarget(t target.Target) *analysis.Analyzer {
	return newAnalyzer(t.Context())
}

func newAnalyzer(ctxt build.Context) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: "cgo",
		Doc:  Doc,
		URL:  "https://pkg.go.dev/github.com/crossls/crossls/analysis/cgo",
		Run: func(pass *analysis.Pass) (any, error) {
			return run(pass, &ctxt)
		},
		// Uses of symbols declared in dropped files are type errors.
		RunDespiteErrors: true,
		FactTypes:        []analysis.Fact{new(needsCgo)},
	}
}

// Diagnostic categories.
const (
	CategoryDroppedFile = "cgo-file"      // a file importing "C" is left out, and nothing works in its place
	CategoryUndefined   = "cgo-undefined" // a use of a symbol declared only in a left-out file
	CategoryDependency  = "cgo-import"    // an import of a package that needs cgo
	// CategoryFallback is information: the import of a package whose
	// left-out files are replaced without cgo by files that work. A driver
	// that checks many packages need say it only once.
	CategoryFallback = "cgo-fallback"
	// CategoryFallbackFile is information: a file importing "C" that is
	// replaced without cgo by files that work.
	CategoryFallbackFile = "cgo-file-fallback"
)

// needsCgo is the fact exported for a package outside the standard
// library that loses files when cgo is disabled, or that imports a
// package that needs cgo.
type needsCgo struct {
	// File is the base name of a left-out file that imports "C" in the
	// package Via[len(Via)-1], preferably the one named after the package;
	// "" if the package loses only files constrained by the cgo build tag.
	File string
	// Via is the import chain from this package to the package of File,
	// both included.
	Via []string
	// Defs lists the top-level names declared only in this package's
	// left-out files, sorted by name. (A slice, not a map: facts must
	// encode deterministically.)
	Defs []lostDecl
	// Replacement names the files that the package of File builds
	// without cgo in place of its left-out files ("a.go, b.go"); "" if
	// none declares any of their names.
	Replacement string
	// Failing lists the functions of the package of File whose versions
	// without cgo only fail at run time, sorted.
	Failing []string
	// Module is the module of the package that reported the chain at its
	// import, "" without modules: a package of the same module does not
	// report it again.
	Module string
}

// works reports whether the package of File is written to work without
// cgo: files replace its left-out ones and none of their functions only
// fails.
func (f *needsCgo) works() bool { return f.Replacement != "" && len(f.Failing) == 0 }

// A lostDecl is a top-level name declared only in a left-out file.
type lostDecl struct {
	Name string
	File string // base name
}

// def returns the file that declares name, or "".
func (f *needsCgo) def(name string) string {
	i, ok := slices.BinarySearchFunc(f.Defs, name, func(d lostDecl, name string) int { return strings.Compare(d.Name, name) })
	if !ok {
		return ""
	}
	return f.Defs[i].File
}

func (*needsCgo) AFact() {}

func (f *needsCgo) String() string {
	if f.File == "" {
		return fmt.Sprintf("needsCgo(%d names)", len(f.Defs))
	}
	s := fmt.Sprintf("needsCgo(%s via %s", f.File, strings.Join(f.Via, " -> "))
	switch {
	case f.works():
		s += "; works with " + f.Replacement
	case f.Replacement != "":
		s += "; fails in " + strings.Join(f.Failing, ", ")
	}
	return s + ")"
}

func run(pass *analysis.Pass, ctxt *build.Context) (any, error) {
	if ctxt.CgoEnabled || isStandard(pass, ctxt) {
		return nil, nil
	}

	dropped, err := droppedFiles(pass.Fset, ctxt, pass.IgnoredFiles, pass.ReadFile)
	if err != nil {
		return nil, err
	}

	fact := new(needsCgo)
	defs := make(map[string]string)     // name -> file
	decls := make(map[string]token.Pos) // name -> declaration
	replaced := make(map[string]bool)   // names the package declares without cgo too
	var built []*ast.File
	builtNames := make(map[string]bool)
	if len(dropped) > 0 {
		// By syntax: a package whose types come from export data has
		// only its exported names in scope.
		built = builtSyntax(pass)
		for _, f := range built {
			for name := range topLevelNames(f) {
				builtNames[name] = true
			}
		}
	}
	for _, d := range dropped {
		base := filepath.Base(d.name)
		// Name the file named after the package, if any, else the first.
		if d.importC != nil && (fact.File == "" || base == pass.Pkg.Name()+".go") {
			fact.File = base
			fact.Via = []string{pass.Pkg.Path()}
		}
		for name, id := range topLevelNames(d.file) {
			switch {
			case builtNames[name] || declared(pass.Pkg, name):
				replaced[name] = true
			case defs[name] == "":
				defs[name] = base
				decls[name] = id.Pos()
				fact.Defs = append(fact.Defs, lostDecl{name, base})
			}
		}
	}
	slices.SortFunc(fact.Defs, func(x, y lostDecl) int { return strings.Compare(x.Name, y.Name) })

	var fb fallback
	if fact.File != "" {
		fb = examineFallback(pass, built, dropped, replaced)
		fact.Replacement = strings.Join(fb.files, ", ")
		fact.Failing = fb.failing
		// One finding for the package, at the file the fact names; the
		// other files that import "C" are related locations.
		var primary *ast.ImportSpec
		var others []analysis.RelatedInformation
		for _, d := range dropped {
			switch {
			case d.importC == nil:
			case filepath.Base(d.name) == fact.File:
				primary = d.importC
			default:
				others = append(others, analysis.RelatedInformation{Pos: d.importC.Pos(), End: d.importC.End(),
					Message: filepath.Base(d.name) + ` imports "C" too and is left out`})
			}
		}
		diag := droppedFileDiagnostic(primary, fb, len(others))
		diag.Related = others
		pass.Report(diag)
	}

	reportUndefined(pass, defs, decls)

	// A leak further down the imports outweighs a working fallback here.
	if via := checkImports(pass); via != nil && (fact.File == "" || fact.works()) {
		fact.File, fact.Via = via.File, via.Via
		fact.Replacement, fact.Failing, fact.Module = via.Replacement, via.Failing, via.Module
	}
	if fact.File != "" || len(fact.Defs) > 0 {
		pass.ExportPackageFact(fact)
	}
	return nil, nil
}

// droppedFileDiagnostic reports a file that imports "C" at that import,
// with how many others the package leaves out and what it builds in their
// place without cgo.
func droppedFileDiagnostic(spec *ast.ImportSpec, fb fallback, others int) analysis.Diagnostic {
	dropped := `this file imports "C" and is left out of the build when CGO_ENABLED=0`
	switch {
	case others == 1:
		dropped += ", as is 1 other file that imports it"
	case others > 1:
		dropped += fmt.Sprintf(", as are %d other files that import it", others)
	}
	d := analysis.Diagnostic{Pos: spec.Pos(), End: spec.End(), Category: CategoryDroppedFile}
	switch fb.kind {
	case noFallback:
		d.Message = dropped + ", with nothing in its place: enable cgo for these targets or add a !cgo fallback"
	case stubFallback:
		d.Message = fmt.Sprintf("%s; in its place %s at run time (%s): enable cgo for these targets or make the fallback work",
			dropped, failList(fb.failing), strings.Join(fb.files, ", "))
	case workingFallback:
		d.Category = CategoryFallbackFile
		d.Message = fmt.Sprintf("%s; the package works without it, with %s: nothing to do", dropped, strings.Join(fb.files, ", "))
	}
	return d
}

// failList says that names fail: "F only fails", "F, G, H and 2 more
// only fail" (at most three names).
func failList(names []string) string {
	switch {
	case len(names) == 1:
		return names[0] + " only fails"
	case len(names) <= 3:
		return strings.Join(names, ", ") + " only fail"
	}
	return fmt.Sprintf("%s and %d more only fail", strings.Join(names[:3], ", "), len(names)-3)
}

// declared reports whether pkg still declares name ("X" or "T.M"): such
// a name is not lost.
func declared(pkg *types.Package, name string) bool {
	typ, method, isMethod := strings.Cut(name, ".")
	obj := pkg.Scope().Lookup(typ)
	if !isMethod || obj == nil {
		return obj != nil
	}
	m, _, _ := types.LookupFieldOrMethod(obj.Type(), true, pkg, method)
	return m != nil
}

// An importSite is an import of a package that needs cgo, or that has a
// working fallback, with the imported package's fact.
type importSite struct {
	spec *ast.ImportSpec
	dep  needsCgo
}

// checkImports reports, once for each package that needs cgo (the end of
// the chains), the import that reaches it most directly, with the other
// imports that reach it as related locations; and, as information, the
// direct import of a package that works without cgo. An import that
// reaches the package only through a package of this module is not
// reported: that package's import is. It returns the fact with the
// shortest chain to a package that needs cgo, or nil.
func checkImports(pass *analysis.Pass) *needsCgo {
	var module string
	if pass.Module != nil {
		module = pass.Module.Path
	}
	byEnd := map[string][]importSite{}
	var ends []string
	for _, f := range pass.Files {
		for _, spec := range f.Imports {
			imported := importedPackage(pass, spec)
			if imported == nil {
				continue // import failed
			}
			var dep needsCgo
			if !pass.ImportPackageFact(imported, &dep) || dep.File == "" {
				continue
			}
			end := dep.Via[len(dep.Via)-1]
			if byEnd[end] == nil {
				ends = append(ends, end)
			}
			byEnd[end] = append(byEnd[end], importSite{spec, dep})
		}
	}

	var shortest *needsCgo
	for _, end := range ends {
		sites := byEnd[end]
		// The most direct import first; among equals, the first in the files.
		slices.SortStableFunc(sites, func(a, b importSite) int { return len(a.dep.Via) - len(b.dep.Via) })
		first := sites[0].dep
		if first.works() {
			pass.Report(importDiagnostic(pass, CategoryFallback, sites, fmt.Sprintf(
				`%s uses cgo (%s imports "C") but works without it: %s replaces it when CGO_ENABLED=0; nothing to do`,
				end, first.File, first.Replacement)))
			continue
		}
		chain := first
		chain.Via = append([]string{pass.Pkg.Path()}, first.Via...)
		if len(first.Via) == 1 || first.Module != module {
			pass.Report(importDiagnostic(pass, CategoryDependency, sites, needsCgoMessage(chain)))
			chain.Module = module
		}
		if shortest == nil || len(chain.Via) < len(shortest.Via) {
			shortest = &chain
		}
	}
	return shortest
}

// needsCgoMessage says why the package at the end of f's chain needs cgo.
func needsCgoMessage(f needsCgo) string {
	end := f.Via[len(f.Via)-1]
	var via string
	if len(f.Via) > 2 {
		via = fmt.Sprintf(" (via %s)", strings.Join(f.Via, " -> "))
	}
	if f.Replacement == "" {
		return fmt.Sprintf(`%s needs cgo%s: %s imports "C" and nothing replaces it when CGO_ENABLED=0; enable cgo for these targets or use a package that works without it`,
			end, via, f.File)
	}
	return fmt.Sprintf(`%s needs cgo%s: %s imports "C", and without cgo %s at run time (%s); enable cgo for these targets or use a package that works without it`,
		end, via, f.File, failList(f.Failing), f.Replacement)
}

// importDiagnostic reports msg at the first of sites, with the others as
// related locations.
func importDiagnostic(pass *analysis.Pass, category string, sites []importSite, msg string) analysis.Diagnostic {
	first := sites[0].spec
	d := analysis.Diagnostic{Pos: first.Pos(), End: first.End(), Category: category, Message: msg}
	for _, s := range sites[1:] {
		end := s.dep.Via[len(s.dep.Via)-1]
		related := analysis.RelatedInformation{Pos: s.spec.Pos(), End: s.spec.End(), Message: end + " is imported here too"}
		if len(s.dep.Via) > 1 {
			related.Message = fmt.Sprintf("%s is imported here too, via %s", end, strings.Join(s.dep.Via, " -> "))
		}
		d.Related = append(d.Related, related)
	}
	return d
}

// importedPackage returns the package spec imports, or nil if the import
// failed. A driver may run this analyzer on dependencies without recording
// their syntax's objects; the package's imports then say.
func importedPackage(pass *analysis.Pass, spec *ast.ImportSpec) *types.Package {
	if pkgName := pass.TypesInfo.PkgNameOf(spec); pkgName != nil {
		return pkgName.Imported()
	}
	path, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return nil
	}
	for _, imp := range pass.Pkg.Imports() {
		if imp.Path() == path || strings.HasSuffix(imp.Path(), "/vendor/"+path) {
			return imp
		}
	}
	return nil
}

// missingMethod matches the type error of a selector whose method is not
// declared: "h.Close undefined (type Handle has no field or method Close)".
var missingMethod = regexp.MustCompile(`^\S+ undefined \(type .* has no field or method (\w+)`)

// reportUndefined reports the type errors caused by uses of names declared
// only in left-out files: "undefined: X", "undefined: pkg.X" and missing
// methods. The names of this package are in own, with their declarations
// in decls; those of imported packages are in their facts.
func reportUndefined(pass *analysis.Pass, own map[string]string, decls map[string]token.Pos) {
	for _, terr := range pass.TypeErrors {
		if terr.Fset != pass.Fset {
			continue
		}
		var (
			pkg  *types.Package // declaring package
			name string         // name in pkg: "X" or "T.M"
			last string         // the identifier at terr.Pos
			kind string         // "method " for methods
		)
		if ref, ok := strings.CutPrefix(terr.Msg, "undefined: "); ok {
			if qual, sel, ok := strings.Cut(ref, "."); ok {
				pkg, name, last = qualifiedPackage(pass, terr.Pos, qual), sel, sel
			} else {
				pkg, name, last = pass.Pkg, ref, ref
			}
		} else if m := missingMethod.FindStringSubmatch(terr.Msg); m != nil {
			if named := receiverNamed(pass, terr.Pos); named != nil {
				pkg, name, last, kind = named.Obj().Pkg(), named.Obj().Name()+"."+m[1], m[1], "method "
			}
		}
		if pkg == nil {
			continue
		}

		diag := analysis.Diagnostic{
			Pos:      terr.Pos,
			End:      terr.Pos + token.Pos(len(last)),
			Category: CategoryUndefined,
		}
		if pkg == pass.Pkg {
			file, ok := own[name]
			if !ok {
				continue
			}
			diag.Message = fmt.Sprintf("%s%s is defined only in a cgo file (%s), which is left out when CGO_ENABLED=0",
				kind, name, file)
			diag.Related = []analysis.RelatedInformation{{Pos: decls[name], Message: name + " is declared here"}}
		} else {
			var dep needsCgo
			if !pass.ImportPackageFact(pkg, &dep) || dep.def(name) == "" {
				continue
			}
			diag.Message = fmt.Sprintf("%s%s.%s is defined only in a cgo file of %s (%s), which is left out when CGO_ENABLED=0",
				kind, pkg.Name(), name, pkg.Path(), dep.def(name))
		}
		pass.Report(diag)
	}
}

// selectorAt returns the selector expression whose Sel is at pos, or nil.
func selectorAt(pass *analysis.Pass, pos token.Pos) *ast.SelectorExpr {
	for _, f := range pass.Files {
		if pos < f.FileStart || pos >= f.FileEnd {
			continue
		}
		var found *ast.SelectorExpr
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Pos() == pos {
				found = sel
			}
			return found == nil
		})
		return found
	}
	return nil
}

// qualifiedPackage returns the imported package named qual in the file
// that holds pos, or nil. "undefined: qual.X" means qual denotes a package
// there, so the file's imports say which (and a driver need not record
// every identifier's use).
func qualifiedPackage(pass *analysis.Pass, pos token.Pos, qual string) *types.Package {
	for _, f := range pass.Files {
		if pos < f.FileStart || pos >= f.FileEnd {
			continue
		}
		for _, spec := range f.Imports {
			imported := importedPackage(pass, spec)
			if imported == nil {
				continue
			}
			name := imported.Name()
			if spec.Name != nil {
				name = spec.Name.Name
			}
			if name == qual {
				return imported
			}
		}
	}
	return nil
}

// receiverNamed returns the named type (after pointer indirection) of the
// operand of the selector at pos, or nil.
func receiverNamed(pass *analysis.Pass, pos token.Pos) *types.Named {
	sel := selectorAt(pass, pos)
	if sel == nil {
		return nil
	}
	t := pass.TypesInfo.TypeOf(sel.X)
	if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, _ := types.Unalias(t).(*types.Named)
	return named
}

// topLevelNames returns the identifiers of f's package-level declarations
// by name: "X" for functions, types, variables and constants, "T.M" for
// methods.
func topLevelNames(f *ast.File) map[string]*ast.Ident {
	ids := make(map[string]*ast.Ident)
	syntax.TopLevelDecls(f, func(name string, id *ast.Ident) {
		if id.Name != "_" {
			ids[name] = id
		}
	})
	return ids
}

// isStandard reports whether the package of pass belongs to the standard
// library, whose cgo packages (net, os/user, runtime/cgo) have pure-Go
// fallbacks. Without a GOROOT it falls back to the import path: standard
// paths have no dot in their first element.
func isStandard(pass *analysis.Pass, ctxt *build.Context) bool {
	if ctxt.GOROOT == "" {
		first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
		return !strings.Contains(first, ".")
	}
	var file string
	switch {
	case len(pass.Files) > 0:
		file = pass.Fset.File(pass.Files[0].FileStart).Name()
	case len(pass.IgnoredFiles) > 0:
		file = pass.IgnoredFiles[0]
	default:
		return false
	}
	rel, err := filepath.Rel(filepath.Join(ctxt.GOROOT, "src"), filepath.Dir(file))
	return err == nil && filepath.IsLocal(rel)
}
