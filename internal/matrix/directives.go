package matrix

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"go/version"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/crossls/crossls/internal/source"
)

// The compiler reports errors that go/types does not: about its
// directives (//go:noescape on a function with a body, //go:linkname in a
// file that does not import "unsafe", a directive where none is allowed)
// and about symbols too large for an object file. compilerErrors finds
// them as cmd/compile's noder does, in the same two phases: errors found
// while parsing are reported with the type errors (the first by position
// wins); the others only when the type check found none.

// A directive is a //go: comment, with the position of its text (after
// "//"), where the compiler reports it.
type directive struct {
	pos  token.Pos
	text string // "go:noinline", "go:linkname f runtime.f"
	verb string // "go:noinline"
	flag pragmaFlag
}

// pragmaFlag is the set of cmd/compile's pragma flags crossls tells apart.
type pragmaFlag uint32

const (
	flagGoBuild pragmaFlag = 1 << iota
	flagNoescape
	flagNorace
	flagNosplit
	flagNoinline
	flagNoCheckPtr
	flagSystemstack
	flagNowritebarrier
	flagNowritebarrierrec
	flagYeswritebarrierrec
	flagCgoUnsafeArgs
	flagUintptrKeepAlive
	flagUintptrEscapes
	flagRegisterParams
)

// pragmaFlags maps a directive's verb to its flags, as cmd/compile's
// pragmaFlag does (go:nointerface counts only with an experiment).
var pragmaFlags = map[string]pragmaFlag{
	"go:build":              flagGoBuild,
	"go:noescape":           flagNoescape,
	"go:norace":             flagNorace,
	"go:nosplit":            flagNosplit | flagNoCheckPtr,
	"go:noinline":           flagNoinline,
	"go:nocheckptr":         flagNoCheckPtr,
	"go:systemstack":        flagSystemstack,
	"go:nowritebarrier":     flagNowritebarrier,
	"go:nowritebarrierrec":  flagNowritebarrierrec | flagNowritebarrier,
	"go:yeswritebarrierrec": flagYeswritebarrierrec,
	"go:cgo_unsafe_args":    flagCgoUnsafeArgs | flagNoCheckPtr,
	"go:uintptrkeepalive":   flagUintptrKeepAlive,
	"go:uintptrescapes":     flagUintptrEscapes | flagUintptrKeepAlive,
	"go:registerparams":     flagRegisterParams,
}

const (
	runtimeFlags = flagSystemstack | flagNowritebarrier | flagNowritebarrierrec | flagYeswritebarrierrec
	funcFlags    = flagNoescape | flagNorace | flagNosplit | flagNoinline | flagNoCheckPtr | flagRegisterParams |
		flagCgoUnsafeArgs | flagUintptrKeepAlive | flagUintptrEscapes | flagSystemstack | flagNowritebarrier |
		flagNowritebarrierrec | flagYeswritebarrierrec
)

// maxSymbolSize is the largest symbol an object file holds.
const maxSymbolSize = 2000000000

// A pragma is what the compiler's parser gathers from the directives
// before a declaration, and attaches to it.
type pragma struct {
	dirs   []directive // with a flag, or an embed
	flags  pragmaFlag
	embeds []directive
}

func (p *pragma) add(d directive) {
	p.flags |= d.flag
	if strings.HasPrefix(d.verb, "go:embed") {
		p.embeds = append(p.embeds, d)
	} else {
		p.dirs = append(p.dirs, d)
	}
}

// compilerErrors returns the compiler's errors of a package's files that
// go/types does not report, in two lists: those found while parsing
// (early) and those the compiler reports only after a clean type check
// (late). Files cgo generates are left out: they are the compiler's own.
func (s *Session) compilerErrors(p *listedPackage, files []*ast.File, pkg *types.Package, sizes types.Sizes) (early, late []types.Error) {
	errorAt := func(pos token.Pos, format string, args ...any) types.Error {
		return types.Error{Fset: s.fset, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	}
	linknamed := map[string]bool{}
	lang := langVersion(p)
	for _, f := range files {
		if cgoOwnFile(p, f, s.fset) {
			continue
		}
		src, ok := s.files.Source(f)
		tf := s.fset.File(f.FileStart)
		if !ok || tf == nil || tf.Size() != len(src) {
			continue
		}
		var dirs []directive
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !strings.HasPrefix(c.Text, "//go:") {
					continue
				}
				text := strings.TrimRight(c.Text[2:], " \t\r")
				pos := c.Slash + 2
				if !aloneOnLine(src, tf.Offset(c.Slash)) {
					early = append(early, errorAt(pos, "misplaced compiler directive"))
					continue
				}
				d := directive{pos: pos, text: text, verb: text}
				if i := strings.IndexAny(text, " \t"); i >= 0 {
					d.verb = text[:i]
				}
				switch {
				case strings.HasPrefix(text, "go:linkname "):
					fields := strings.Fields(text)
					if len(fields) < 2 || len(fields) > 3 {
						early = append(early, errorAt(pos, "usage: //go:linkname localname [linkname]"))
						continue
					}
					late = append(late, s.linknameErrors(f, pkg, d, fields, linknamed, lang)...)
					continue
				case d.verb == "go:embed":
					if len(strings.Fields(text)) == 1 {
						early = append(early, errorAt(pos, "usage: //go:embed pattern..."))
						continue
					}
				case strings.HasPrefix(d.verb, "go:cgo_"):
					if d.verb != "go:cgo_import_dynamic" || len(strings.Fields(text)) < 4 {
						early = append(early, errorAt(pos, "//%s only allowed in cgo-generated code", text))
					}
					d.flag = pragmaFlags[d.verb]
				default:
					d.flag = pragmaFlags[d.verb]
					if d.flag&runtimeFlags != 0 {
						early = append(early, errorAt(pos, "//%s only allowed in runtime", d.verb))
					}
					if d.flag == flagUintptrKeepAlive {
						early = append(early, errorAt(pos, "//%s is only allowed in the standard library", d.verb))
					}
				}
				if d.flag != 0 || d.verb == "go:embed" {
					dirs = append(dirs, d)
				}
			}
		}
		if len(dirs) == 0 {
			continue
		}
		e, l := s.placeDirectives(f, src, tf, dirs, pkg, lang)
		early, late = append(early, e...), append(late, l...)
	}
	if pkg != nil && sizes != nil {
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			if v, ok := scope.Lookup(name).(*types.Var); ok && v.Type() != nil {
				if size := safeSizeof(sizes, v.Type()); size > maxSymbolSize {
					late = append(late, errorAt(v.Pos(), "%s.%s: symbol too large (%d bytes > %d bytes)", p.ImportPath, name, size, maxSymbolSize))
				}
			}
		}
	}
	sortTypeErrors(s.fset, files, early)
	sortTypeErrors(s.fset, files, late)
	return early, late
}

// safeSizeof is sizes.Sizeof, or 0 for a type it cannot size (an invalid
// one, after type errors).
func safeSizeof(sizes types.Sizes, t types.Type) (size int64) {
	defer func() {
		if recover() != nil {
			size = 0
		}
	}()
	return sizes.Sizeof(t)
}

// linknameErrors checks a //go:linkname directive of file f as the
// compiler does once the package type-checks.
func (s *Session) linknameErrors(f *ast.File, pkg *types.Package, d directive, fields []string, seen map[string]bool, lang string) []types.Error {
	errorAt := func(format string, args ...any) []types.Error {
		return []types.Error{{Fset: s.fset, Pos: d.pos, Msg: fmt.Sprintf(format, args...)}}
	}
	importsUnsafe := slices.ContainsFunc(f.Imports, func(spec *ast.ImportSpec) bool { return spec.Path.Value == `"unsafe"` })
	local := fields[1]
	switch {
	case !importsUnsafe:
		return errorAt(`//go:linkname only allowed in Go files that import "unsafe"`)
	case len(fields) == 3 && strings.Contains(fields[2], "[") && strings.Contains(fields[2], "]"):
		return errorAt("//go:linkname reference of an instantiation is not allowed")
	case pkg == nil:
		return nil
	}
	switch pkg.Scope().Lookup(local).(type) {
	case *types.Func, *types.Var:
		if seen[local] {
			return errorAt("duplicate //go:linkname for %s", local)
		}
		seen[local] = true
		return nil
	default:
		if !langAllows(lang, "go1.18") {
			return nil // the compiler checks this from go1.18 on
		}
		return errorAt("//go:linkname must refer to declared function or variable")
	}
}

// placeDirectives attaches a file's directives to the declarations that
// take them, as the compiler's parser does: directives right before a
// declaration (a function, a type, variable, constant or import that is
// not a parenthesized group, or one spec of a group), or before the
// package clause, belong to it; any other directive is cleared, and one
// with a flag or an embed is misplaced (found while parsing). Attached
// ones are checked against what their declaration allows (late).
func (s *Session) placeDirectives(f *ast.File, src []byte, tf *token.File, dirs []directive, pkg *types.Package, lang string) (early, late []types.Error) {
	errorAt := func(pos token.Pos, msg string) types.Error {
		return types.Error{Fset: s.fset, Pos: pos, Msg: msg}
	}
	// What starts at each position a pragma can attach to.
	type taker struct {
		allowed pragmaFlag
		embedOK bool
		fn      *ast.FuncDecl
		spec    *ast.ValueSpec // a var spec: checkEmbed
		inFunc  bool
	}
	takers := map[token.Pos]taker{f.Package: {allowed: flagGoBuild}}
	var addGen func(gd *ast.GenDecl, inFunc bool)
	addGen = func(gd *ast.GenDecl, inFunc bool) {
		for _, spec := range gd.Specs {
			t := taker{inFunc: inFunc}
			if vs, ok := spec.(*ast.ValueSpec); ok && gd.Tok == token.VAR {
				t.embedOK, t.spec = true, vs
			}
			pos := spec.Pos()
			if !gd.Lparen.IsValid() {
				pos = gd.TokPos // "var x int": the pragma goes to its one spec
			}
			takers[pos] = t
		}
	}
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			takers[decl.Type.Func] = taker{allowed: funcFlags, fn: decl}
		case *ast.GenDecl:
			addGen(decl, false)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if ds, ok := n.(*ast.DeclStmt); ok {
			addGen(ds.Decl.(*ast.GenDecl), true) // in a function body or literal
		}
		return true
	})

	// The token after each directive.
	var sc scanner.Scanner
	file := token.NewFileSet().AddFile("", -1, len(src))
	sc.Init(file, src, nil, scanner.ScanComments)
	next := map[token.Pos]token.Pos{} // directive position -> next token's
	di := 0
	for di < len(dirs) {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.COMMENT || tok == token.SEMICOLON && lit == "\n" {
			continue // a comment, or a semicolon the scanner inserted
		}
		off := file.Offset(pos)
		for di < len(dirs) && tf.Offset(dirs[di].pos) < off {
			next[dirs[di].pos] = tf.Pos(off)
			di++
		}
	}

	pending := map[token.Pos]*pragma{} // by the taker's position
	var order []token.Pos
	for _, d := range dirs {
		at, ok := next[d.pos]
		if _, takes := takers[at]; !ok || !takes {
			// Cleared: nothing takes it.
			switch {
			case d.verb == "go:embed":
				early = append(early, errorAt(d.pos, "misplaced go:embed directive"))
			case d.flag != 0:
				early = append(early, errorAt(d.pos, "misplaced compiler directive"))
			}
			continue
		}
		if pending[at] == nil {
			pending[at] = &pragma{}
			order = append(order, at)
		}
		pending[at].add(d)
	}
	importsEmbed := slices.ContainsFunc(f.Imports, func(spec *ast.ImportSpec) bool { return spec.Path.Value == `"embed"` })
	for _, at := range order {
		p, t := pending[at], takers[at]
		for _, d := range p.dirs {
			if d.flag&^t.allowed != 0 {
				late = append(late, errorAt(d.pos, "misplaced compiler directive"))
			}
		}
		if len(p.embeds) > 0 {
			if !t.embedOK {
				for _, d := range p.embeds {
					late = append(late, errorAt(d.pos, "misplaced go:embed directive"))
				}
			} else if msg := checkEmbed(t.spec, importsEmbed, t.inFunc, lang); msg != "" {
				late = append(late, errorAt(p.embeds[0].pos, msg))
			}
		}
		if fn := t.fn; fn != nil {
			namePos := fn.Name.Pos()
			if fn.Recv != nil {
				namePos = fn.Recv.Opening
			}
			if p.flags&flagNosplit != 0 && p.flags&flagSystemstack != 0 {
				late = append(late, errorAt(namePos, "go:nosplit and go:systemstack cannot be combined"))
			}
			if fn.Body != nil && p.flags&flagNoescape != 0 {
				late = append(late, errorAt(namePos, "can only use //go:noescape with external func implementations"))
			}
		}
	}
	return early, late
}

// checkEmbed is the compiler's check of a variable a //go:embed directive
// applies to; "" if it may.
func checkEmbed(spec *ast.ValueSpec, importsEmbed, inFunc bool, lang string) string {
	switch {
	case !importsEmbed:
		return `go:embed requires import "embed" (or import _ "embed", if package is not used)`
	case len(spec.Names) > 1:
		return "go:embed cannot apply to multiple vars"
	case spec.Values != nil:
		return "go:embed cannot apply to var with initializer"
	case spec.Type == nil:
		return "go:embed cannot apply to var without type"
	case inFunc:
		return "go:embed cannot apply to var inside func"
	case !langAllows(lang, "go1.16"):
		return fmt.Sprintf("go:embed requires go1.16 or later (-lang was set to %s; check go.mod)", lang)
	}
	return ""
}

// langAllows reports whether language version lang ("" for the
// toolchain's own) has the features of version want.
func langAllows(lang, want string) bool {
	return lang == "" || version.Compare(lang, want) >= 0
}

// aloneOnLine reports whether only white space precedes offset on its
// line: the compiler takes a directive only on a line of its own.
func aloneOnLine(src []byte, offset int) bool {
	start := 0
	if bytes.HasPrefix(src, []byte("\uFEFF")) {
		start = 3 // the scanner skips a byte order mark at the start
	}
	for i := offset - 1; i >= start && src[i] != '\n'; i-- {
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\r' {
			return false
		}
	}
	return true
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
