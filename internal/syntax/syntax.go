// Package syntax holds small helpers over go/ast shared by the analyzers.
package syntax

import "go/ast"

// ReceiverName returns the name of the base type of a method receiver:
// "T" for T, *T, (T), T[P] and *T[P]; "" if there is none.
func ReceiverName(recv *ast.FieldList) string {
	if recv == nil || len(recv.List) != 1 {
		return ""
	}
	return BaseTypeName(recv.List[0].Type)
}

// BaseTypeName returns the name of the named type a receiver type
// expression refers to, "" if it refers to none.
func BaseTypeName(t ast.Expr) string {
	for {
		switch e := t.(type) {
		case *ast.StarExpr:
			t = e.X
		case *ast.ParenExpr:
			t = e.X
		case *ast.IndexExpr:
			t = e.X
		case *ast.IndexListExpr:
			t = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}

// TopLevelDecls calls yield for each package-level declaration of f with
// its name ("X" for functions, types, variables and constants, "T.M" for
// methods) and the declaring identifier.
func TopLevelDecls(f *ast.File, yield func(name string, id *ast.Ident)) {
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Recv == nil {
				yield(decl.Name.Name, decl.Name)
			} else if recv := ReceiverName(decl.Recv); recv != "" {
				yield(recv+"."+decl.Name.Name, decl.Name)
			}
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					yield(spec.Name.Name, spec.Name)
				case *ast.ValueSpec:
					for _, id := range spec.Names {
						yield(id.Name, id)
					}
				}
			}
		}
	}
}
