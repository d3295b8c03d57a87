package buildoracle

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// location is a compiler output line "file:line[:col]: msg".
type location struct {
	file      string
	line, col int
	msg       string
}

var lineRE = regexp.MustCompile(`^(\S[^:]*):(\d+)(?::(\d+))?: (.*)$`)

func parseLine(line string) (location, bool) {
	m := lineRE.FindStringSubmatch(line)
	if m == nil {
		return location{}, false
	}
	l := location{file: m[1], msg: m[4]}
	l.line, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		l.col, _ = strconv.Atoi(m[3])
	}
	return l, true
}

// scannerErrors start the compiler's lexical errors, which, like those
// that say "syntax error", stop it before type checking.
var scannerErrors = []string{
	"syntax error", "invalid character", "string literal not terminated", "raw string literal not terminated",
	"newline in string", "comment not terminated", "rune literal not terminated", "empty rune literal",
	"more than one character in rune literal", "invalid digit", "'_' must separate successive digits",
	"hexadecimal literal has no digits", "octal literal has no digits", "binary literal has no digits",
	"exponent has no digits", "unknown escape", "escape is invalid Unicode code point", "invalid BOM",
	"invalid NUL character", "hexadecimal mantissa requires a 'p' exponent",
}

// classifyCompile classifies a package's compile failure from its output
// after the "# P" line; msg and pos are its first error.
func (r *runner) classifyCompile(p, body, msg, pos string) string {
	if cError(body) {
		return ClassOther
	}
	for _, prefix := range scannerErrors {
		if strings.HasPrefix(msg, prefix) {
			return ClassOther
		}
	}
	pkg, key, ok := r.missingName(p, msg, pos)
	if !ok {
		return ClassTypeError
	}
	decls := r.excludedDecls(pkg)[key]
	if len(decls) == 0 {
		return ClassTypeError
	}
	if !r.t.Cgo {
		allC := true
		for _, d := range decls {
			allC = allC && d.importsC
		}
		if allC {
			return ClassCgoRequired
		}
	}
	return ClassUndefinedSymbol
}

// cError reports whether a compile block shows C compiler or cgo errors
// rather than Go compiler errors.
func cError(body string) bool {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "In file included from") || strings.HasPrefix(line, "cgo: ") ||
			strings.HasPrefix(line, "compilation terminated") {
			return true
		}
		loc, ok := parseLine(line)
		if !ok {
			continue
		}
		if !strings.HasSuffix(loc.file, ".go") {
			return true // a C, assembly or generated cgo file
		}
		for _, prefix := range []string{"error:", "fatal error:", "warning:", "note:", "could not determine"} {
			if strings.HasPrefix(loc.msg, prefix) {
				return true
			}
		}
	}
	return false
}

var (
	undefinedRE   = regexp.MustCompile(`^undefined: ([A-Za-z_]\w*)$`)
	undefinedQRE  = regexp.MustCompile(`^undefined: ([A-Za-z_]\w*)\.([A-Za-z_]\w*)$`)
	noFieldOrMeth = regexp.MustCompile(`^.* undefined \(type \*?(?:"([^"]+)"\.|([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)(?:\[.*\])? has no field or method ([A-Za-z_]\w*)`)
)

// missingName recognises the errors that say a name is undefined, and
// returns the import path of the package that would declare it and its
// key: "X", or "T.M" for a method.
func (r *runner) missingName(p, msg, pos string) (pkg, key string, ok bool) {
	if m := undefinedRE.FindStringSubmatch(msg); m != nil {
		return p, m[1], true
	}
	if m := undefinedQRE.FindStringSubmatch(msg); m != nil {
		if imp := r.importedAs(p, fileOf(pos), m[1]); imp != "" {
			return imp, m[2], true
		}
		return "", "", false
	}
	if m := noFieldOrMeth.FindStringSubmatch(msg); m != nil {
		typePkg := p
		switch {
		case m[1] != "":
			typePkg = m[1]
		case m[2] != "":
			typePkg = r.packageNamed(p, fileOf(pos), m[2])
		}
		if typePkg == "" {
			return "", "", false
		}
		return typePkg, m[3] + "." + m[4], true
	}
	return "", "", false
}

func fileOf(pos string) string {
	loc, ok := parseLine(pos + ": x")
	if !ok {
		return ""
	}
	return loc.file
}

// importedAs returns the import path that file, of package p, imports
// under the name q.
func (r *runner) importedAs(p, file, q string) string {
	if file == "" {
		return ""
	}
	f, _ := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
	if f == nil {
		return ""
	}
	lp := r.pkgs[p]
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		if lp != nil && lp.ImportMap[path] != "" {
			path = lp.ImportMap[path]
		}
		name := ""
		if spec.Name != nil {
			name = spec.Name.Name
		} else if dep := r.pkgs[path]; dep != nil && dep.Name != "" {
			name = dep.Name
		} else {
			name = path[strings.LastIndex(path, "/")+1:]
		}
		if name == q {
			return path
		}
	}
	return ""
}

// packageNamed finds the package a type error qualifies as q: the
// compiler qualifies types by package name, so it is the one file
// imports as q, or else a dependency of p named q.
func (r *runner) packageNamed(p, file, q string) string {
	if imp := r.importedAs(p, file, q); imp != "" {
		return imp
	}
	lp := r.pkgs[p]
	if lp == nil {
		return ""
	}
	for _, d := range lp.Deps {
		if dep := r.pkgs[d]; dep != nil && dep.Name == q {
			return d
		}
	}
	return ""
}

// decl is a package-level declaration in a file the target excludes.
type decl struct {
	file     string
	importsC bool
}

// excludedDecls indexes the package-level declarations of the non-test Go
// files of pkg that the target leaves out of the build, by "X" or "T.M".
func (r *runner) excludedDecls(pkg string) map[string][]decl {
	lp := r.pkgs[pkg]
	if lp == nil || lp.Dir == "" {
		return nil
	}
	if idx, ok := r.decls[lp.Dir]; ok {
		return idx
	}
	idx := map[string][]decl{}
	ctxt := r.t.Context()
	for _, name := range goFiles(lp.Dir) {
		matched, err := ctxt.MatchFile(lp.Dir, name)
		if err != nil {
			continue
		}
		path := filepath.Join(lp.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f, _ := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
		if f == nil {
			continue
		}
		d := decl{file: path}
		for _, spec := range f.Imports {
			if spec.Path.Value == `"C"` {
				d.importsC = true
			}
		}
		// MatchFile looks at constraints only: the go command also leaves
		// out the files that import "C" when cgo is off.
		if matched && !(d.importsC && !r.t.Cgo) {
			continue
		}
		for _, key := range topLevelNames(f) {
			idx[key] = append(idx[key], d)
		}
	}
	if r.decls == nil {
		r.decls = map[string]map[string][]decl{}
	}
	r.decls[lp.Dir] = idx
	return idx
}

// topLevelNames returns the names f declares at package level, methods as
// "T.M".
func topLevelNames(f *ast.File) []string {
	var names []string
	add := func(id *ast.Ident) {
		if id != nil && id.Name != "_" {
			names = append(names, id.Name)
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				if d.Name.Name != "init" {
					add(d.Name)
				}
				continue
			}
			if len(d.Recv.List) == 1 {
				if recv := receiverName(d.Recv.List[0].Type); recv != "" {
					names = append(names, recv+"."+d.Name.Name)
				}
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					add(s.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						add(n)
					}
				}
			}
		}
	}
	return names
}

// receiverName returns T for receivers T, *T, T[P] and *T[P].
func receiverName(x ast.Expr) string {
	for {
		switch e := x.(type) {
		case *ast.StarExpr:
			x = e.X
		case *ast.ParenExpr:
			x = e.X
		case *ast.IndexExpr:
			x = e.X
		case *ast.IndexListExpr:
			x = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}
