// Package stubgen writes stand-in declarations for the identifiers a
// package declares only for some targets, so that it builds on another.
//
// When platform_linux.go and platform_darwin.go declare platformName and
// nothing declares it for windows, the package does not build for windows.
// Generate copies the declarations' signatures into platform_windows.go:
// functions return an error or panic, types are copied as declared,
// variables get their zero value, constants are copied.
package stubgen

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/syntax"
)

// A Request describes the identifiers missing on one GOOS.
type Request struct {
	Dir      string   // directory of the package
	Package  string   // package name
	GOOS     string   // the target the identifiers are missing on
	Names    []string // missing identifiers; a method is written "Type.Method"
	DefFiles []string // files declaring them for other targets, absolute or relative to Dir

	// GOARCH selects the files that already build for GOOS, whose
	// declarations must not be repeated; "" means amd64.
	GOARCH string
}

// Generate returns the path and content of a new file for req.GOOS that
// declares req.Names and whatever else their declarations need from the
// defining files. It never overwrites: if the file exists, it returns an
// error. It does not write the file.
//
// The file is named after the first defining file, with its GOOS/GOARCH
// suffix replaced by req.GOOS (platform_linux.go -> platform_windows.go),
// so the name alone constrains it and it has no //go:build line.
func Generate(req Request) (file string, content []byte, err error) {
	if err := req.validate(); err != nil {
		return "", nil, err
	}
	g := &generator{req: req, fset: token.NewFileSet(), index: make(map[string]*decl)}
	for _, name := range req.DefFiles {
		if !filepath.IsAbs(name) {
			name = filepath.Join(req.Dir, name)
		}
		if err := g.addDefFile(name); err != nil {
			return "", nil, err
		}
	}

	file = filepath.Join(req.Dir, outputBase(g.files[0].name, req.GOOS))
	if _, err := os.Stat(file); err == nil {
		return "", nil, fmt.Errorf("%s already exists; not overwriting it", file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", nil, err
	}

	g.available, err = declaredFor(req)
	if err != nil {
		return "", nil, err
	}
	for _, name := range req.Names {
		if where, ok := g.available[name]; ok {
			return "", nil, fmt.Errorf("%s is already declared for %s in %s", name, req.GOOS, filepath.Base(where))
		}
		d := g.index[name]
		if d == nil {
			return "", nil, fmt.Errorf("%s is not declared in %s", name, strings.Join(req.DefFiles, ", "))
		}
		g.use(d)
	}
	for len(g.queue) > 0 {
		d := g.queue[0]
		g.queue = g.queue[1:]
		if err := g.follow(d); err != nil {
			return "", nil, err
		}
	}
	content, err = g.emit()
	if err != nil {
		return "", nil, err
	}
	return file, content, nil
}

func (req *Request) validate() error {
	if req.Dir == "" {
		return errors.New("stubgen: no package directory")
	}
	if !token.IsIdentifier(req.Package) {
		return fmt.Errorf("stubgen: invalid package name %q", req.Package)
	}
	if !target.KnownOS[req.GOOS] {
		return fmt.Errorf("stubgen: unknown GOOS %q", req.GOOS)
	}
	if req.GOARCH != "" && !target.KnownArch[req.GOARCH] {
		return fmt.Errorf("stubgen: unknown GOARCH %q", req.GOARCH)
	}
	if len(req.Names) == 0 {
		return errors.New("stubgen: no names to declare")
	}
	for _, name := range req.Names {
		recv, method, isMethod := strings.Cut(name, ".")
		if !token.IsIdentifier(recv) || isMethod && !token.IsIdentifier(method) {
			return fmt.Errorf("stubgen: invalid name %q", name)
		}
	}
	if len(req.DefFiles) == 0 {
		return errors.New("stubgen: no defining files")
	}
	return nil
}

// outputBase names the stub file after a defining file: its GOOS, GOARCH
// or unix suffix (as go/build reads it) is replaced by goos.
func outputBase(defFile, goos string) string {
	stem := strings.TrimSuffix(filepath.Base(defFile), ".go")
	words := strings.Split(stem, "_")
	n := len(words)
	if n > 1 && (target.KnownArch[words[n-1]] || target.KnownOS[words[n-1]] || words[n-1] == "unix") {
		n--
		if n > 1 && target.KnownOS[words[n-1]] && target.KnownArch[words[n]] {
			n--
		}
	}
	return strings.Join(words[:n], "_") + "_" + goos + ".go"
}

// A source is a parsed defining file.
type source struct {
	name    string
	src     []byte
	tok     *token.File
	imports map[string]string // local name -> import path
}

func (s *source) text(from, to token.Pos) string {
	return string(s.src[s.tok.Offset(from):s.tok.Offset(to)])
}

// A decl is one top-level declaration that can be copied on its own: a
// function or method, a type spec, a var spec, a const spec, or a whole
// const group whose specs depend on each other through iota.
type decl struct {
	file  *source
	node  ast.Node // *ast.FuncDecl, *ast.TypeSpec, *ast.ValueSpec or *ast.GenDecl
	gen   *ast.GenDecl
	names []string
	used  bool
}

type generator struct {
	req       Request
	fset      *token.FileSet
	files     []*source
	index     map[string]*decl   // name (or Type.Method) -> first declaration
	methods   map[string][]*decl // type name -> its methods
	available map[string]string  // names declared for the target -> file
	queue     []*decl
}

func (g *generator) addDefFile(name string) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	f, err := parser.ParseFile(g.fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	if f.Name.Name != g.req.Package {
		return fmt.Errorf("%s is in package %s, not %s", name, f.Name.Name, g.req.Package)
	}
	s := &source{name: name, src: src, tok: g.fset.File(f.FileStart), imports: make(map[string]string)}
	g.files = append(g.files, s)
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			return err
		}
		local := guessName(p)
		if imp.Name != nil {
			local = imp.Name.Name
		}
		s.imports[local] = p
	}
	if g.methods == nil {
		g.methods = make(map[string][]*decl)
	}
	add := func(d *decl) {
		for _, name := range d.names {
			if _, dup := g.index[name]; !dup && name != "_" {
				g.index[name] = d
			}
		}
	}
	for _, fd := range f.Decls {
		switch fd := fd.(type) {
		case *ast.FuncDecl:
			if fd.Recv == nil {
				if fd.Name.Name != "init" {
					add(&decl{file: s, node: fd, names: []string{fd.Name.Name}})
				}
				continue
			}
			recv := syntax.ReceiverName(fd.Recv)
			key := recv + "." + fd.Name.Name
			if _, dup := g.index[key]; !dup {
				d := &decl{file: s, node: fd, names: []string{key}}
				add(d)
				g.methods[recv] = append(g.methods[recv], d)
			}
		case *ast.GenDecl:
			switch fd.Tok {
			case token.TYPE:
				for _, spec := range fd.Specs {
					ts := spec.(*ast.TypeSpec)
					add(&decl{file: s, node: ts, gen: fd, names: []string{ts.Name.Name}})
				}
			case token.VAR:
				for _, spec := range fd.Specs {
					add(&decl{file: s, node: spec, gen: fd, names: specNames(spec.(*ast.ValueSpec))})
				}
			case token.CONST:
				if iotaGroup(fd) {
					var names []string
					for _, spec := range fd.Specs {
						names = append(names, specNames(spec.(*ast.ValueSpec))...)
					}
					add(&decl{file: s, node: fd, gen: fd, names: names})
					continue
				}
				for _, spec := range fd.Specs {
					add(&decl{file: s, node: spec, gen: fd, names: specNames(spec.(*ast.ValueSpec))})
				}
			}
		}
	}
	return nil
}

// use marks d for copying.
func (g *generator) use(d *decl) {
	if !d.used {
		d.used = true
		g.queue = append(g.queue, d)
	}
}

// follow marks for copying the declarations that d's copy refers to and
// that the target lacks, and the methods of a copied type.
func (g *generator) follow(d *decl) error {
	text, _, err := g.declText(d)
	if err != nil {
		return err
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("internal error: copy of %s does not parse: %v", d.names[0], err)
	}
	for _, fd := range f.Decls {
		for _, name := range identsIn(fd) {
			if _, ok := g.available[name]; ok {
				continue
			}
			if ref := g.index[name]; ref != nil {
				g.use(ref)
			}
		}
	}
	if ts, ok := d.node.(*ast.TypeSpec); ok {
		for _, m := range g.methods[ts.Name.Name] {
			if _, ok := g.available[m.names[0]]; !ok {
				g.use(m)
			}
		}
	}
	return nil
}

// identsIn returns the names n refers to, leaving out selected names
// (x.Sel) and the names of fields, parameters and results.
func identsIn(n ast.Node) []string {
	var names []string
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			names = append(names, identsIn(n.X)...)
			return false
		case *ast.Field:
			names = append(names, identsIn(n.Type)...)
			return false
		case *ast.Ident:
			names = append(names, n.Name)
		}
		return true
	})
	return names
}

// emit writes the file.
func (g *generator) emit() ([]byte, error) {
	var body bytes.Buffer
	imports := make(map[string]string) // local name -> path
	for _, s := range g.files {
		for _, d := range g.orderedDecls(s) {
			text, usesErrors, err := g.declText(d)
			if err != nil {
				return nil, err
			}
			if usesErrors {
				if err := addImport(imports, "errors", "errors"); err != nil {
					return nil, err
				}
			}
			// Import what the copy uses, as the file it comes from does.
			quals, err := qualifiers(text)
			if err != nil {
				return nil, fmt.Errorf("internal error: copy of %s does not parse: %v", d.names[0], err)
			}
			for _, q := range quals {
				if q == "C" {
					return nil, fmt.Errorf("%s refers to cgo (C.*): it can't be declared without cgo", d.names[0])
				}
				if p, ok := s.imports[q]; ok {
					if err := addImport(imports, q, p); err != nil {
						return nil, err
					}
				}
			}
			body.WriteString(text)
			body.WriteString("\n\n")
		}
	}

	var out bytes.Buffer
	out.WriteString(comment(fmt.Sprintf("Stand-ins for %s, which %s declare for other targets but nothing declares for %s. Replace them with real implementations.",
		strings.Join(g.req.Names, ", "), baseNames(g.files), g.req.GOOS)))
	out.WriteString("\n")
	fmt.Fprintf(&out, "package %s\n\n", g.req.Package)
	if len(imports) > 0 {
		out.WriteString("import (\n")
		for _, q := range slices.Sorted(maps.Keys(imports)) {
			if guessName(imports[q]) == q {
				fmt.Fprintf(&out, "\t%q\n", imports[q])
			} else {
				fmt.Fprintf(&out, "\t%s %q\n", q, imports[q])
			}
		}
		out.WriteString(")\n\n")
	}
	out.Write(body.Bytes())
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: generated code does not format: %v\n%s", err, out.Bytes())
	}
	return formatted, nil
}

func addImport(imports map[string]string, name, path string) error {
	if p, ok := imports[name]; ok && p != path {
		return fmt.Errorf("package name %s stands for both %q and %q in the copied code", name, p, path)
	}
	imports[name] = path
	return nil
}

// comment wraps text into // lines.
func comment(text string) string {
	var b strings.Builder
	line := "//"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > 76 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
	return b.String()
}

func baseNames(files []*source) string {
	var names []string
	for _, s := range files {
		names = append(names, filepath.Base(s.name))
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// orderedDecls returns the used declarations of s in source order.
func (g *generator) orderedDecls(s *source) []*decl {
	var out []*decl
	for _, d := range g.index {
		if d.used && d.file == s && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *decl) int { return int(a.node.Pos() - b.node.Pos()) })
	return out
}

// declText returns the Go text of d's copy and whether it uses package errors.
func (g *generator) declText(d *decl) (string, bool, error) {
	s := d.file
	doc := func(c *ast.CommentGroup) string {
		if c == nil {
			return ""
		}
		return s.text(c.Pos(), c.End()) + "\n"
	}
	switch n := d.node.(type) {
	case *ast.FuncDecl:
		name := d.names[0]
		var b strings.Builder
		b.WriteString(doc(n.Doc))
		b.WriteString(s.text(n.Pos(), n.Type.End()))
		b.WriteString(" {\n")
		usesErrors := false
		if res := resultTypes(n.Type.Results); len(res) > 0 && isIdent(res[len(res)-1], "error") {
			var vals []string
			for _, t := range res[:len(res)-1] {
				vals = append(vals, g.zeroValue(s, t))
			}
			vals = append(vals, fmt.Sprintf("errors.New(%q)", name+": not supported on "+g.req.GOOS))
			fmt.Fprintf(&b, "\treturn %s\n", strings.Join(vals, ", "))
			usesErrors = true
		} else {
			fmt.Fprintf(&b, "\tpanic(%q)\n", name+": not implemented on "+g.req.GOOS)
		}
		b.WriteString("}")
		return b.String(), usesErrors, nil

	case *ast.TypeSpec:
		c := n.Doc
		if c == nil && len(d.gen.Specs) == 1 {
			c = d.gen.Doc
		}
		return doc(c) + "type " + s.text(n.Pos(), n.End()), false, nil

	case *ast.GenDecl: // an iota const group
		return doc(n.Doc) + s.text(n.Pos(), n.End()), false, nil

	case *ast.ValueSpec:
		c := n.Doc
		if c == nil && len(d.gen.Specs) == 1 {
			c = d.gen.Doc
		}
		if d.gen.Tok == token.CONST {
			return doc(c) + "const " + s.text(n.Pos(), n.End()), false, nil
		}
		if n.Type != nil {
			return doc(c) + fmt.Sprintf("var %s %s", strings.Join(specNames(n), ", "), s.text(n.Type.Pos(), n.Type.End())), false, nil
		}
		// Without a declared type, infer it from a literal initializer;
		// keep an initializer that only makes an error value.
		var lines []string
		for i, name := range specNames(n) {
			if len(n.Values) != len(n.Names) {
				return "", false, fmt.Errorf("var %s: can't tell its type; declare it with a type", name)
			}
			v := n.Values[i]
			if isErrorConstructor(v, s) {
				lines = append(lines, fmt.Sprintf("var %s = %s", name, s.text(v.Pos(), v.End())))
				continue
			}
			typ := literalType(s, v)
			if typ == "" {
				typ = g.constType(v)
			}
			if typ == "" {
				return "", false, fmt.Errorf("var %s: can't tell its type from its initializer; declare it with a type", name)
			}
			lines = append(lines, fmt.Sprintf("var %s %s", name, typ))
		}
		return doc(c) + strings.Join(lines, "\n"), false, nil
	}
	return "", false, fmt.Errorf("internal error: unexpected declaration %T", d.node)
}

// isErrorConstructor reports whether v is errors.New(...) or fmt.Errorf(...).
func isErrorConstructor(v ast.Expr, s *source) bool {
	call, ok := v.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	p := s.imports[x.Name]
	return p == "errors" && sel.Sel.Name == "New" || p == "fmt" && sel.Sel.Name == "Errorf"
}

// literalType returns the type of a variable initialised with v, when the
// syntax tells it, or "".
func literalType(s *source, v ast.Expr) string {
	switch v := v.(type) {
	case *ast.BasicLit:
		switch v.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		case token.IMAG:
			return "complex128"
		case token.CHAR:
			return "rune"
		case token.STRING:
			return "string"
		}
	case *ast.Ident:
		if v.Name == "true" || v.Name == "false" {
			return "bool"
		}
	case *ast.CompositeLit:
		if v.Type != nil {
			return s.text(v.Type.Pos(), v.Type.End())
		}
	case *ast.UnaryExpr:
		if lit, ok := v.X.(*ast.CompositeLit); ok && v.Op == token.AND && lit.Type != nil {
			return "*" + s.text(lit.Type.Pos(), lit.Type.End())
		}
	case *ast.ParenExpr:
		return literalType(s, v.X)
	}
	return ""
}

// constType returns the declared type of the constant v names, or "".
func (g *generator) constType(v ast.Expr) string {
	id, ok := v.(*ast.Ident)
	if !ok {
		return ""
	}
	d := g.index[id.Name]
	if d == nil || d.gen == nil || d.gen.Tok != token.CONST {
		return ""
	}
	var typ ast.Expr // in a group, an omitted type repeats the previous one
	for _, spec := range d.gen.Specs {
		vs := spec.(*ast.ValueSpec)
		if vs.Type != nil || len(vs.Values) > 0 {
			typ = vs.Type
		}
		if slices.Contains(specNames(vs), id.Name) {
			if typ == nil {
				return ""
			}
			return d.file.text(typ.Pos(), typ.End())
		}
	}
	return ""
}

// zeroValue returns an expression for the zero value of type t.
func (g *generator) zeroValue(s *source, t ast.Expr) string {
	text := s.text(t.Pos(), t.End())
	switch t := t.(type) {
	case *ast.Ident:
		switch t.Name {
		case "bool":
			return "false"
		case "string":
			return `""`
		case "error", "any":
			return "nil"
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
			"uintptr", "byte", "rune", "float32", "float64", "complex64", "complex128":
			return "0"
		}
		if d := g.index[t.Name]; d != nil {
			if ts, ok := d.node.(*ast.TypeSpec); ok && ts.TypeParams == nil {
				if _, ok := ts.Type.(*ast.StructType); ok {
					return text + "{}"
				}
			}
		}
	case *ast.StarExpr, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType:
		return "nil"
	case *ast.ArrayType:
		if t.Len == nil {
			return "nil"
		}
		return text + "{}"
	case *ast.StructType:
		return text + "{}"
	case *ast.ParenExpr:
		return g.zeroValue(s, t.X)
	}
	return "*new(" + text + ")"
}

// resultTypes returns one type expression per result.
func resultTypes(results *ast.FieldList) []ast.Expr {
	if results == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range results.List {
		for range max(1, len(f.Names)) {
			out = append(out, f.Type)
		}
	}
	return out
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// qualifiers returns the package names used as qualifiers (q.Name) in a
// list of Go declarations.
func qualifiers(decls string) ([]string, error) {
	src := "package p\n" + decls
	f, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Obj == nil && !slices.Contains(out, x.Name) {
				out = append(out, x.Name)
			}
		}
		return true
	})
	return out, nil
}

func specNames(spec *ast.ValueSpec) []string {
	var names []string
	for _, id := range spec.Names {
		names = append(names, id.Name)
	}
	return names
}

// iotaGroup reports whether the specs of a const group must be copied
// together: some spec repeats the previous expression list or uses iota.
func iotaGroup(gd *ast.GenDecl) bool {
	if len(gd.Specs) < 2 {
		return false
	}
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		if len(vs.Values) == 0 || slices.Contains(identsIn(vs), "iota") {
			return true
		}
	}
	return false
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// guessName returns the conventional package name for an import path:
// its last element without a major version (.../v2, gopkg.in/yaml.v3)
// or a "go-" prefix.
func guessName(importPath string) string {
	base := path.Base(importPath)
	if majorVersion.MatchString(base) && path.Dir(importPath) != "." {
		base = path.Base(path.Dir(importPath))
	}
	if i := strings.Index(base, ".v"); i > 0 {
		base = base[:i]
	}
	base = strings.TrimPrefix(base, "go-")
	return strings.ReplaceAll(base, "-", "_")
}

// declaredFor returns the package-level names (and Type.Method names)
// declared by the files of req.Dir that build for the target, each with
// its file.
func declaredFor(req Request) (map[string]string, error) {
	goarch := req.GOARCH
	if goarch == "" {
		goarch = "amd64"
	}
	ctxt := target.Target{GOOS: req.GOOS, GOARCH: goarch}.Context()
	entries, err := os.ReadDir(req.Dir)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string)
	fset := token.NewFileSet()
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		if ok, err := ctxt.MatchFile(req.Dir, e.Name()); err != nil || !ok {
			continue
		}
		full := filepath.Join(req.Dir, e.Name())
		f, err := parser.ParseFile(fset, full, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil {
					name = syntax.ReceiverName(d.Recv) + "." + name
				}
				names[name] = full
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						names[spec.Name.Name] = full
					case *ast.ValueSpec:
						for _, id := range spec.Names {
							names[id.Name] = full
						}
					}
				}
			}
		}
	}
	return names, nil
}
