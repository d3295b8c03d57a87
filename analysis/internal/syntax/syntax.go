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
