package matrix

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/crossls/crossls/internal/gcerrors"
	"github.com/crossls/crossls/internal/source"
)

// compilerErrors returns the compiler's errors of a package's files that
// go/types does not report (internal/gcerrors), in two lists: those found
// while parsing (early) and those the compiler reports only after a clean
// type check (late), each sorted as the compiler sorts them. Files cgo
// generates are left out: they are the compiler's own.
func (s *Session) compilerErrors(p *listedPackage, files []*ast.File, pkg *types.Package, sizes types.Sizes) (early, late []types.Error) {
	var checked []gcerrors.File
	for _, f := range files {
		if cgoOwnFile(p, f, s.fset) {
			continue
		}
		if src, ok := s.files.Source(f); ok {
			checked = append(checked, gcerrors.File{Syntax: f, Src: src})
		}
	}
	early, late = gcerrors.Check(s.fset, checked, pkg, sizes, p.ImportPath, langVersion(p))
	sortTypeErrors(s.fset, files, early)
	sortTypeErrors(s.fset, files, late)
	return early, late
}

// cgoOwnFile reports a file cgo wrote for the compiler of its own
// (_cgo_gotypes.go, _cgo_import.go), which may hold directives other files
// may not: one outside the package's directory whose first position is not
// in a file of the package (cgo's translation of a user's file begins with
// a //line directive that maps it back to that file).
func cgoOwnFile(p *listedPackage, f *ast.File, fset *token.FileSet) bool {
	tf := fset.File(f.FileStart)
	if tf == nil || filepath.Dir(tf.Name()) == p.Dir {
		return false
	}
	return filepath.Dir(fset.Position(f.Package).Filename) != p.Dir
}

// findCompilerErrors sets u's compileErrs and lateErrs from its syntax.
// firstErrFile returns the file whose type error a full check reports
// first, for a unit derived from an earlier one.
func (s *Session) findCompilerErrors(u *unit, p *listedPackage, syntax []*ast.File, sizes types.Sizes, firstErrFile func() *token.File) {
	early, late := s.compilerErrors(p, syntax, u.pkg, sizes)
	u.compileErrs = slices.Concat(u.typeErrs, early)
	sortTypeErrors(s.fset, syntax, u.compileErrs)
	if len(u.compileErrs) > 0 {
		// The compiler sorts its errors by file, in the order in which
		// files first had an error: those found while parsing, file by
		// file, then the type checker's in the order it reports them;
		// within a file, by position. Which comes first decides the
		// verdict's class.
		first := s.fset.File(u.compileErrs[0].Pos)
		switch {
		case len(early) > 0:
			first = s.fset.File(early[0].Pos)
		case u.firstErrFile != nil:
			first = u.firstErrFile
		case slices.ContainsFunc(u.compileErrs, func(e types.Error) bool { return s.fset.File(e.Pos) != first }):
			if f := firstErrFile(); f != nil {
				first = f
			}
		}
		slices.SortStableFunc(u.compileErrs, func(a, b types.Error) int {
			fa, fb := s.fset.File(a.Pos) == first, s.fset.File(b.Pos) == first
			switch {
			case fa && !fb:
				return -1
			case fb && !fa:
				return 1
			}
			return 0
		})
	}
	u.lateErrs = late
	bodilessOf(u) // while the syntax is there
}

// lateErrors returns the errors the compiler reports for in's package
// when it finds none while parsing and type-checking, in its order: those
// of the unit, and functions without a body, which depend on the target's
// non-Go files (a unit may serve targets whose assembly differs).
func (s *Session) lateErrors(in *passInput) []types.Error {
	u := in.unit
	fds := missingBodies(in.list, u)
	if len(fds) == 0 {
		return u.lateErrs
	}
	errs := slices.Clone(u.lateErrs)
	for _, fd := range fds {
		errs = append(errs, types.Error{Fset: s.fset, Pos: fd.Name.Pos(), Msg: "missing function body"})
	}
	index := make(map[*token.File]int, len(u.ownFiles))
	for i, tf := range u.ownFiles {
		index[tf] = i
	}
	slices.SortStableFunc(errs, func(a, b types.Error) int {
		ta, tb := s.fset.File(a.Pos), s.fset.File(b.Pos)
		if ta != tb {
			return index[ta] - index[tb]
		}
		return int(a.Pos - b.Pos)
	})
	return errs
}

// linkError returns the error of linking a main package for the target,
// "" if it links: a function declared without a Go body, in a package
// whose assembly for this target does not define it (the compiler leaves
// such functions to the linker), that the program reaches. Reachability is
// the linker's, roughly: from main and the init functions and variable
// initializers of every package, through the functions their bodies name;
// methods count as reached.
func (s *Session) linkError(in *passInput) string {
	seen := map[*passInput]bool{}
	var closure []*passInput
	var walk func(*passInput)
	walk = func(p *passInput) {
		if seen[p] || p.list.Standard {
			return
		}
		seen[p] = true
		closure = append(closure, p)
		for _, d := range p.deps {
			walk(d)
		}
	}
	walk(in)
	var reached map[funcRef]bool
	for _, pi := range closure {
		p, u := pi.list, pi.unit
		// Without non-Go files the compiler rejects a function without a
		// body (missingBodies); with them it leaves it to the linker. A
		// .syso object may define anything.
		if u == nil || len(p.SysoFiles) > 0 || !compiledIncomplete(p) || len(bodilessOf(u)) == 0 {
			continue
		}
		defined := asmSymbols(p, s.files.Read)
		for _, fd := range bodilessOf(u) {
			if fd.Recv != nil || defined[fd.Name.Name] {
				continue
			}
			if reached == nil {
				reached = s.reachable(closure)
			}
			if reached[funcRef{p.ImportPath, fd.Name.Name}] {
				return fmt.Sprintf("relocation target %s.%s not defined", p.ImportPath, fd.Name.Name)
			}
		}
	}
	return ""
}

// A funcRef names a package-level function.
type funcRef struct{ pkg, name string }

// reachable returns the package-level functions of closure (a main
// package and its dependencies outside the standard library) that the
// program reaches: from main.main, every init function and variable
// initializer, and every method, through the functions they name.
func (s *Session) reachable(closure []*passInput) map[funcRef]bool {
	type pkgSyntax struct {
		in    *passInput
		funcs map[string]*ast.FuncDecl
		vars  map[string]ast.Expr // package-level variables' initializers
		files []*ast.File
	}
	pkgs := map[string]*pkgSyntax{}
	for _, pi := range closure {
		files := pi.unit.files
		if files == nil {
			for _, path := range pi.list.files {
				if f, _, _ := s.files.Parse(path, parser.ParseComments); f != nil {
					files = append(files, f)
				}
			}
		}
		ps := &pkgSyntax{in: pi, funcs: map[string]*ast.FuncDecl{}, vars: map[string]ast.Expr{}, files: files}
		for _, f := range files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name != "init" {
						ps.funcs[d.Name.Name] = d
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, spec := range d.Specs {
						vs := spec.(*ast.ValueSpec)
						for i, name := range vs.Names {
							if i < len(vs.Values) && name.Name != "_" {
								ps.vars[name.Name] = vs.Values[i]
							}
						}
					}
				}
			}
		}
		pkgs[pi.list.ImportPath] = ps
	}
	// Functions and variables are nodes alike: a variable reached is one
	// whose initializer the program keeps.
	reached := map[funcRef]bool{}
	var queue []funcRef
	reach := func(ref funcRef) {
		if !reached[ref] {
			reached[ref] = true
			queue = append(queue, ref)
		}
	}
	// visit marks the functions that node names, in file f of ps.
	visit := func(ps *pkgSyntax, f *ast.File, node ast.Node) {
		imports := map[string]string{} // name -> path
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if mapped, ok := ps.in.list.ImportMap[path]; ok {
				path = mapped
			}
			name := ""
			if dep := pkgs[path]; dep != nil {
				name = dep.in.list.Name
			}
			if spec.Name != nil {
				name = spec.Name.Name
			}
			imports[name] = path
		}
		dead := discarded(node)
		ast.Inspect(node, func(n ast.Node) bool {
			switch n := n.(type) {
			case ast.Expr:
				if dead[n] {
					return false
				}
			}
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok {
					if path, ok := imports[id.Name]; ok {
						reach(funcRef{path, n.Sel.Name})
						return false
					}
				}
			case *ast.Ident:
				_, isFunc := ps.funcs[n.Name]
				_, isVar := ps.vars[n.Name]
				if isFunc || isVar {
					reach(funcRef{ps.in.list.ImportPath, n.Name})
				}
			}
			return true
		})
	}
	fileOf := func(ps *pkgSyntax, fd *ast.FuncDecl) *ast.File {
		for _, f := range ps.files {
			if f.FileStart <= fd.Pos() && fd.Pos() <= f.FileEnd {
				return f
			}
		}
		return nil
	}
	for path, ps := range pkgs {
		if ps.in.list.Name == "main" {
			reach(funcRef{path, "main"})
		}
		for _, f := range ps.files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv != nil || d.Name.Name == "init" {
						visit(ps, f, d)
					}
				case *ast.GenDecl:
					// An initializer that calls runs in the package's
					// init; one that does not is static data, kept only
					// if the variable is.
					if d.Tok == token.VAR && containsCall(d) {
						visit(ps, f, d)
					}
				}
			}
		}
	}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		ps := pkgs[ref.pkg]
		if ps == nil {
			continue
		}
		if fd := ps.funcs[ref.name]; fd != nil && fd.Body != nil {
			if f := fileOf(ps, fd); f != nil {
				visit(ps, f, fd.Body)
			}
		}
		if init := ps.vars[ref.name]; init != nil {
			for _, f := range ps.files {
				if f.FileStart <= init.Pos() && init.Pos() <= f.FileEnd {
					visit(ps, f, init)
				}
			}
		}
	}
	return reached
}

// asmTextRE matches an assembly function definition of the package:
// "TEXT ·F(SB)", "TEXT ·F<ABIInternal>(SB)".
var asmTextRE = regexp.MustCompile(`(?m)^\s*TEXT\s+·([A-Za-z_][A-Za-z0-9_]*)(?:<[A-Za-z0-9]*>)?\(SB\)`)

// asmSymbols returns the functions p's assembly files for the target
// define.
func asmSymbols(p *listedPackage, read func(string) *source.Content) map[string]bool {
	defined := map[string]bool{}
	for _, name := range p.SFiles {
		fc := read(filepath.Join(p.Dir, name))
		for _, m := range asmTextRE.FindAllSubmatch(fc.Data, -1) {
			defined[string(m[1])] = true
		}
	}
	return defined
}

// containsCall reports whether n calls anything (a conversion counts),
// outside function literals, whose bodies run only when called.
func containsCall(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr:
			found = true
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// discarded returns the expressions in node whose values the compiler
// drops without evaluating them: expressions without calls assigned only
// to the blank identifier, directly or through a local variable used only
// that way. The linker never sees what they name.
func discarded(node ast.Node) map[ast.Expr]bool {
	dead := map[ast.Expr]bool{}
	// Local variables, by the identifier that declares them, and how many
	// of their uses are not "_ = v".
	inits := map[*ast.Ident]ast.Expr{}
	byName := map[string][]*ast.Ident{}
	declare := func(names []*ast.Ident, values []ast.Expr) {
		if len(names) != len(values) {
			return
		}
		for i, name := range names {
			if name.Name != "_" {
				inits[name] = values[i]
				byName[name.Name] = append(byName[name.Name], name)
			}
		}
	}
	blankOnly := map[*ast.Ident]bool{} // uses of locals in "_ = v"
	ast.Inspect(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				var names []*ast.Ident
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names = append(names, id)
					}
				}
				if len(names) == len(n.Lhs) {
					declare(names, n.Rhs)
				}
			}
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == "_" && !containsCall(n.Rhs[i]) {
						dead[n.Rhs[i]] = true
						if v, ok := n.Rhs[i].(*ast.Ident); ok {
							blankOnly[v] = true
						}
					}
				}
			}
		case *ast.ValueSpec:
			declare(n.Names, n.Values)
		}
		return true
	})
	// A local whose every use is "_ = v" is dead, and so is its value.
	uses := map[string]int{}
	ast.Inspect(node, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !blankOnly[id] {
			uses[id.Name]++
		}
		return true
	})
	for name, decls := range byName {
		if len(decls) != 1 || uses[name] != 1 { // the declaration itself
			continue
		}
		if init := inits[decls[0]]; !containsCall(init) {
			dead[init] = true
		}
	}
	return dead
}
