package cgo

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/internal/syntax"
)

// A fallbackKind says what a configuration without cgo builds in place of
// a package's left-out files.
type fallbackKind int

const (
	// noFallback: no file built without cgo declares any of the left-out
	// files' names. Their code is simply missing.
	noFallback fallbackKind = iota
	// stubFallback: !cgo files declare some of the names, but some of those
	// functions only fail at run time (github.com/mattn/go-sqlite3's
	// static_mock.go: every method returns "requires cgo").
	stubFallback
	// workingFallback: !cgo files declare some of the names and none of
	// those functions only fails: the package is written to work without
	// cgo (github.com/prometheus/client_golang/prometheus, os/user).
	workingFallback
)

// A fallback is what a package builds without cgo in place of the
// declarations of its left-out files.
type fallback struct {
	kind fallbackKind
	// files are the base names of the built files that declare names of
	// the left-out files, sorted.
	files []string
	// failing are the names ("F", "T.M") whose built version only panics
	// or only returns an error that the package itself never checks,
	// sorted. Empty unless kind is stubFallback.
	failing []string
}

// examineFallback finds the declarations of the built package (without
// cgo) that replace those of the dropped files, and whether they work:
//
//   - a replacement function fails if its body only panics, or only
//     returns an error value (a variable, errors.New, fmt.Errorf, a
//     composite literal) that no built file of the package compares
//     (errors.Is, ==, !=, switch case), beside literal results. An error
//     the package checks is a designed degradation: prometheus's darwin
//     getMemory returns notImplementedErr without cgo, and its caller
//     skips the memory metrics on errors.Is(err, notImplementedErr);
//   - a constant that both sides declare with different values is a
//     switch that the package branches on (net's cgoAvailable): code
//     behind it that panics is unreachable by design, so nothing fails;
//   - an empty function (a hook that does nothing without cgo) neither
//     works nor fails.
func examineFallback(pass *analysis.Pass, built []*ast.File, dropped []droppedFile, replaced map[string]bool) fallback {
	if len(replaced) == 0 {
		return fallback{kind: noFallback}
	}
	funcs := map[string]*ast.FuncDecl{}
	consts := map[string]string{} // name -> value expression
	files := map[string]bool{}
	for _, f := range built {
		base := filepath.Base(pass.Fset.File(f.FileStart).Name())
		syntax.TopLevelDecls(f, func(name string, id *ast.Ident) {
			if replaced[name] {
				files[base] = true
			}
		})
		collectDecls(f, funcs, consts)
	}
	droppedConsts := map[string]string{}
	for _, d := range dropped {
		collectDecls(d.file, nil, droppedConsts)
	}

	fb := fallback{kind: workingFallback}
	for base := range files {
		fb.files = append(fb.files, base)
	}
	slices.Sort(fb.files)

	for name := range replaced {
		v, ok := consts[name]
		if w, ok2 := droppedConsts[name]; ok && ok2 && v != w {
			return fb // the package switches on cgo
		}
	}

	var checked map[string]bool // error expressions the package compares
	for name := range replaced {
		fd := funcs[name]
		if fd == nil || fd.Body == nil || len(fd.Body.List) != 1 {
			continue
		}
		switch stmt := fd.Body.List[0].(type) {
		case *ast.ExprStmt:
			if isPanic(stmt.X) {
				fb.failing = append(fb.failing, name)
			}
		case *ast.ReturnStmt:
			errExpr := returnedError(fd, stmt)
			if errExpr == nil {
				continue
			}
			if checked == nil {
				checked = comparedErrors(built)
			}
			if !checked[types.ExprString(errExpr)] {
				fb.failing = append(fb.failing, name)
			}
		}
	}
	if len(fb.failing) > 0 {
		fb.kind = stubFallback
		slices.Sort(fb.failing)
	}
	return fb
}

// builtSyntax returns the complete syntax of the package's built files. A
// driver may hand a dependency's files with their imports only: those are
// parsed again from their content.
func builtSyntax(pass *analysis.Pass) []*ast.File {
	out := make([]*ast.File, 0, len(pass.Files))
	for _, f := range pass.Files {
		if !importsOnly(f) {
			out = append(out, f)
			continue
		}
		name := pass.Fset.File(f.FileStart).Name()
		src, err := pass.ReadFile(name)
		if err != nil {
			continue
		}
		if full, _ := syntax.ParseIgnored(pass.Fset, name, src); full != nil {
			out = append(out, full)
		}
	}
	return out
}

func importsOnly(f *ast.File) bool {
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); !ok || gd.Tok != token.IMPORT {
			return false
		}
	}
	return true
}

// collectDecls records f's functions and methods by name ("F", "T.M") in
// funcs, if not nil, and the value expression of each constant in consts.
func collectDecls(f *ast.File, funcs map[string]*ast.FuncDecl, consts map[string]string) {
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if funcs == nil {
				continue
			}
			if decl.Recv == nil {
				funcs[decl.Name.Name] = decl
			} else if recv := syntax.ReceiverName(decl.Recv); recv != "" {
				funcs[recv+"."+decl.Name.Name] = decl
			}
		case *ast.GenDecl:
			if decl.Tok != token.CONST {
				continue
			}
			for _, spec := range decl.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i < len(vs.Values) {
						consts[id.Name] = types.ExprString(vs.Values[i])
					}
				}
			}
		}
	}
}

// isPanic reports whether x is a call of the builtin panic.
func isPanic(x ast.Expr) bool {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	return ok && id.Name == "panic"
}

// returnedError returns the error that ret returns, if fd's last result
// is an error and ret returns an error value beside literals only; else
// nil.
func returnedError(fd *ast.FuncDecl, ret *ast.ReturnStmt) ast.Expr {
	results := fd.Type.Results
	if results == nil || len(ret.Results) == 0 {
		return nil
	}
	last := results.List[len(results.List)-1]
	if id, ok := last.Type.(*ast.Ident); !ok || id.Name != "error" {
		return nil
	}
	for _, r := range ret.Results[:len(ret.Results)-1] {
		if !isLiteral(r) {
			return nil
		}
	}
	errExpr := ast.Unparen(ret.Results[len(ret.Results)-1])
	if !isErrorValue(errExpr) {
		return nil
	}
	return errExpr
}

// isLiteral reports whether x is a value computed from nothing: nil, a
// basic literal, a named constant or variable, a composite literal.
func isLiteral(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit, *ast.Ident, *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		_, ok := x.X.(*ast.CompositeLit)
		return ok && x.Op == token.AND
	case *ast.SelectorExpr:
		_, ok := x.X.(*ast.Ident)
		return ok
	}
	return false
}

// isErrorValue reports whether x is an error made from nothing: a
// variable (errNoCgo, common.ErrNotImplementedError), a composite literal,
// or a call of errors.New or fmt.Errorf.
func isErrorValue(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name != "nil"
	case *ast.SelectorExpr, *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		_, ok := x.X.(*ast.CompositeLit)
		return ok && x.Op == token.AND
	case *ast.CallExpr:
		switch types.ExprString(x.Fun) {
		case "errors.New", "fmt.Errorf":
			return true
		}
	}
	return false
}

// comparedErrors returns the expressions that files compare an error
// with: the target of errors.Is, an operand of == or !=, a switch case.
func comparedErrors(files []*ast.File) map[string]bool {
	seen := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					seen[types.ExprString(ast.Unparen(n.X))] = true
					seen[types.ExprString(ast.Unparen(n.Y))] = true
				}
			case *ast.CallExpr:
				if fun := types.ExprString(n.Fun); (fun == "errors.Is" || strings.HasSuffix(fun, "errors.Is")) && len(n.Args) == 2 {
					seen[types.ExprString(ast.Unparen(n.Args[1]))] = true
				}
			case *ast.CaseClause:
				for _, x := range n.List {
					seen[types.ExprString(ast.Unparen(x))] = true
				}
			}
			return true
		})
	}
	return seen
}
