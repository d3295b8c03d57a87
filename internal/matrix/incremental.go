package matrix

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// An edit usually changes function bodies of one file. The package-level
// declarations that every other file's bodies are checked against stay
// the same, and so do those bodies' errors; only the edited file's need
// checking. deriveUnit does that: it type-checks the package with the
// bodies of the other files' functions left out and takes their errors
// from the previous check of the same package, files and dependencies.
// A full check costs 2-3 times as much.
//
// It declines (and the caller checks in full) unless the result is the
// one a full check would give:
//   - exactly one file differs from the base, and neither has syntax
//     errors;
//   - that file's declarations, outside function bodies and blank
//     (var _ = ...) declarations, are token for token the same, so
//     every package-level object and its type is unchanged;
//   - no package-level variable's initializer can reach a function body
//     (it names no function or method of the package), and the base had
//     no initialization cycle: cycles through the bodies left out would
//     go unseen;
//   - no error needs the types of expressions (recorded only in full).
//
// Bodies of init functions and generic functions stay in: go/types
// requires them.
func (s *Session) deriveUnit(u, base *unit, p *listedPackage, syntax []*ast.File, deps map[string]*unit, sizes types.Sizes, goVersion string) bool {
	if base == nil || base.pkg == nil || len(base.syntaxErrs) > 0 || len(u.syntaxErrs) > 0 || len(base.files) != len(syntax) {
		return false
	}
	edited := -1
	for i, f := range syntax {
		if f != base.files[i] {
			if edited >= 0 {
				return false
			}
			edited = i
		}
	}
	if edited < 0 {
		return false
	}
	for _, te := range base.typeErrs {
		if strings.Contains(te.Msg, "initialization cycle") || needsExpressionTypes(te) {
			return false
		}
	}
	if !s.sameSkeleton(base.files[edited], syntax[edited]) || initializersReachBodies(syntax) {
		return false
	}
	if s.deriveBodies(u, base, p, syntax, edited, deps, sizes, goVersion) {
		s.bodiesDerived.Add(1)
		return true
	}

	checked := make([]*ast.File, len(syntax))
	for i, f := range syntax {
		if i == edited {
			checked[i] = f
		} else {
			checked[i] = s.withoutBodies(f)
		}
	}
	typeCheck(u, p, checked, deps, s.fset, sizes, goVersion, roleRoot)
	u.files = syntax

	// The check saw the other files without bodies: their imports used
	// only there look unused. Their errors come from the base.
	editedFile := s.fset.File(syntax[edited].FileStart)
	var errs []types.Error
	for _, te := range u.typeErrs {
		if unusedImport(te) && s.fset.File(te.Pos) != editedFile {
			continue
		}
		errs = append(errs, te)
	}
	for _, te := range base.typeErrs {
		tf := s.fset.File(te.Pos)
		if tf == nil || tf == s.fset.File(base.files[edited].FileStart) {
			continue
		}
		if unusedImport(te) || inBody(syntax, tf, te.Pos, strippable) {
			errs = append(errs, te)
		}
	}
	u.typeErrs = errs
	sortTypeErrors(s.fset, syntax, u.typeErrs)
	if slices.ContainsFunc(u.typeErrs, needsExpressionTypes) {
		return false // the caller's full check records expression types
	}
	return true
}

// unusedImport reports go/types' error for an import no code uses.
func unusedImport(te types.Error) bool {
	return strings.HasSuffix(te.Msg, " and not used") && (strings.Contains(te.Msg, "\" imported and") || strings.Contains(te.Msg, "\" imported as "))
}

// strippable reports whether deriveUnit leaves fd's body out.
func strippable(fd *ast.FuncDecl) bool {
	return fd.Body != nil && !(fd.Recv == nil && fd.Name.Name == "init") && fd.Type.TypeParams.NumFields() == 0
}

// inBody reports whether pos lies in the body of a function for which
// which(fd) holds, in the file of syntax whose token.File is tf.
func inBody(syntax []*ast.File, tf *token.File, pos token.Pos, which func(*ast.FuncDecl) bool) bool {
	for _, f := range syntax {
		if f.FileStart != token.Pos(tf.Base()) {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && fd.Body.Lbrace <= pos && pos <= fd.Body.Rbrace {
				return which(fd)
			}
		}
	}
	return false
}

// anyFunc selects every function for inBody.
func anyFunc(*ast.FuncDecl) bool { return true }

// withoutBodies returns f with the bodies of its strippable functions left
// out, sharing everything else (identifiers included, so that Defs and
// object positions are those of f). It is kept with f's syntax.
func (s *Session) withoutBodies(f *ast.File) *ast.File {
	return s.files.Derived(f, strippedKind{}, func() any {
		sf := *f
		sf.Decls = make([]ast.Decl, len(f.Decls))
		for i, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && strippable(fd) {
				bodiless := *fd
				bodiless.Body = nil
				d = &bodiless
			}
			sf.Decls[i] = d
		}
		return &sf
	}).(*ast.File)
}

// The kinds of values derived from a file's syntax and kept with it.
type (
	strippedKind struct{}
	skeletonKind struct{}
)

// sameSkeleton reports whether two versions of a file have the same
// tokens outside function bodies and blank variable declarations.
func (s *Session) sameSkeleton(a, b *ast.File) bool {
	if len(a.Imports) != len(b.Imports) {
		return false
	}
	sa, sb := s.skeleton(a), s.skeleton(b)
	return sa != nil && sb != nil && slices.Equal(sa.toks, sb.toks)
}

type skeletonToken struct {
	tok token.Token
	lit string
}

// A skeletonScan is a file's tokens outside function bodies and blank
// variable declarations, with their offsets.
type skeletonScan struct {
	toks []skeletonToken
	offs []int
}

// skeleton returns f's skeleton, or nil if its source is unknown. It is
// kept per file: the targets that share a file ask for it in turn.
func (s *Session) skeleton(f *ast.File) *skeletonScan {
	return s.files.Derived(f, skeletonKind{}, func() any { return s.scanSkeleton(f) }).(*skeletonScan)
}

func (s *Session) scanSkeleton(f *ast.File) *skeletonScan {
	tf := s.fset.File(f.FileStart)
	src, ok := s.files.Source(f)
	if tf == nil || !ok || len(src) != tf.Size() {
		return nil
	}
	// Byte ranges left out, in order: [start, end].
	var skip [][2]int
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				skip = append(skip, [2]int{tf.Offset(d.Body.Lbrace), tf.Offset(d.Body.Rbrace) + 1})
			}
		case *ast.GenDecl:
			if blankVars(d) {
				skip = append(skip, [2]int{tf.Offset(d.Pos()), tf.Offset(d.End())})
			}
		}
	}
	var sc scanner.Scanner
	scanFile := token.NewFileSet().AddFile("", -1, len(src))
	sc.Init(scanFile, src, nil, 0)
	sk := &skeletonScan{}
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			return sk
		}
		off := scanFile.Offset(pos)
		for len(skip) > 0 && off > skip[0][1] {
			skip = skip[1:]
		}
		// A range's end includes the semicolon inserted at the newline
		// that follows it.
		if len(skip) > 0 && off >= skip[0][0] && (off < skip[0][1] || off == skip[0][1] && tok == token.SEMICOLON) {
			continue
		}
		sk.toks = append(sk.toks, skeletonToken{tok, lit})
		sk.offs = append(sk.offs, off)
	}
}

// blankVars reports a var declaration that declares only blank names.
func blankVars(d *ast.GenDecl) bool {
	if d.Tok != token.VAR {
		return false
	}
	for _, spec := range d.Specs {
		for _, name := range spec.(*ast.ValueSpec).Names {
			if name.Name != "_" {
				return false
			}
		}
	}
	return true
}

// initializersReachBodies reports whether a package-level variable's
// initializer may call into the package's function bodies: it names a
// function or method of the package (by identifier, conservatively). A
// function literal in it is checked with the initializer.
func initializersReachBodies(files []*ast.File) bool {
	funcs, methods := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fd.Recv == nil {
					funcs[fd.Name.Name] = true
				} else {
					methods[fd.Name.Name] = true
				}
			}
		}
	}
	// A bare identifier can name a function; a selector, a method (or a
	// field, or an imported name: conservatively a method).
	var reaches func(n ast.Node) bool
	reaches = func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				found = found || methods[n.Sel.Name] || reaches(n.X)
				return false
			case *ast.Ident:
				found = found || funcs[n.Name]
			}
			return !found
		})
		return found
	}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR || blankVars(gd) {
				continue
			}
			for _, spec := range gd.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					if reaches(v) {
						return true
					}
				}
			}
		}
	}
	return false
}

// sortTypeErrors orders errors by file (in the package's order) and
// offset, so that a full check and a derived one list them alike.
func sortTypeErrors(fset *token.FileSet, files []*ast.File, errs []types.Error) {
	index := make(map[*token.File]int, len(files))
	for i, f := range files {
		index[fset.File(f.FileStart)] = i
	}
	key := func(te types.Error) (int, int) {
		tf := fset.File(te.Pos)
		if tf == nil {
			return len(files), 0
		}
		i, ok := index[tf]
		if !ok {
			i = len(files)
		}
		return i, tf.Offset(te.Pos)
	}
	slices.SortStableFunc(errs, func(a, b types.Error) int {
		fa, oa := key(a)
		fb, ob := key(b)
		if fa != fb {
			return fa - fb
		}
		return oa - ob
	})
}
