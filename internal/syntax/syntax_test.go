package syntax

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestReceiverName(t *testing.T) {
	src := `package p
func (T) a()        {}
func (*T) b()       {}
func (t *(T)) c()   {}
func (G[P]) d()     {}
func (*G[P, Q]) e() {}
func f()            {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "T", "b": "T", "c": "T", "d": "G", "e": "G", "f": ""}
	for _, d := range f.Decls {
		fd := d.(*ast.FuncDecl)
		if got := ReceiverName(fd.Recv); got != want[fd.Name.Name] {
			t.Errorf("%s: ReceiverName = %q, want %q", fd.Name.Name, got, want[fd.Name.Name])
		}
	}
}
