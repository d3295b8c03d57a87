package modgen

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"sync"
)

// validity[k][v][u] says whether use u of kind k type-checks from another
// package against variant v, on linux/amd64 with cgo off (cgo variants
// are not type-checked: they count as valid). It lets the generator pick
// uses that some targets accept and others reject, rather than uses that
// fail everywhere: those would hide everything else in their package.
var (
	validityOnce sync.Once
	validity     map[*kind][][]bool
)

// valid returns the variants of k that use u accepts, by index.
func validFor(k *kind, u int) []bool {
	validityOnce.Do(computeValidity)
	table := validity[k]
	if table == nil {
		return nil
	}
	out := make([]bool, len(table))
	for v := range table {
		out[v] = table[v][u]
	}
	return out
}

func computeValidity() {
	validity = map[*kind][][]bool{}
	std := importer.ForCompiler(token.NewFileSet(), "source", nil)
	for _, k := range kinds {
		if len(k.variants) == 0 {
			continue // struct variants are made up per declaration
		}
		table := make([][]bool, len(k.variants))
		for v, variant := range k.variants {
			table[v] = make([]bool, len(k.uses))
			decl := k.common + "\n\n" + stripMarkers(variant)
			if k.embeds {
				decl += "\n\n" + strings.ReplaceAll(kindNamed("method").common, "$N", "R0") + "\n\nfunc (R0) M() int { return 1 }"
			}
			decl = strings.NewReplacer("$N", "N1", "$R", "R0").Replace(decl)
			a, ok := checkPackage("example.com/a", "package a\n\n"+stdImports(decl)+decl+"\n\nconst Anchor = 0\n", std)
			if !ok {
				continue
			}
			imp := importerFunc(func(path string) (*types.Package, error) {
				if path == "example.com/a" {
					return a, nil
				}
				return std.Import(path)
			})
			for u, use := range k.uses {
				if use.local {
					continue
				}
				code := strings.NewReplacer("$Q", "a.", "$N", "N1", "$R", "R0", "$U", "u0").
					Replace(use.top + "\n\nfunc use() {\n" + use.body + "\n}")
				src := "package b\n\nimport \"example.com/a\"\n" + stdImports(code) + "\nvar _ = a.Anchor\n\n" + code
				_, table[v][u] = checkPackage("example.com/b", src, imp)
			}
		}
		validity[k] = table
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func stdImports(code string) string {
	var b strings.Builder
	for _, std := range []string{"unsafe", "syscall"} {
		if strings.Contains(code, std+".") {
			b.WriteString("import \"" + std + "\"\n")
		}
	}
	return b.String()
}

// checkPackage type-checks a package of one file.
func checkPackage(path, src string, imp types.Importer) (*types.Package, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	conf := types.Config{Importer: imp, Sizes: types.SizesFor("gc", "amd64")}
	pkg, err := conf.Check(path, fset, []*ast.File{f}, nil)
	return pkg, err == nil
}

// stripMarkers drops a variant's marker lines (see gen.add).
func stripMarkers(s string) string {
	for {
		line, rest, ok := strings.Cut(s, "\n")
		if !ok || !strings.HasPrefix(line, "//import") && !strings.HasPrefix(line, "//package") {
			return s
		}
		s = rest
	}
}
