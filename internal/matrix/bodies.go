package matrix

import (
	"bytes"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// deriveBodies is deriveUnit's cheaper path, for an edit whose file keeps
// its declarations token for token: only the function bodies that changed
// and the blank variable declarations are checked, against the base's
// package objects, which are those a full check would create (same
// declarations, same dependencies). Each such function becomes a function
// literal in a blank declaration of a new package whose scope holds the
// base's objects; go/types checks the body of a literal as it checks a
// function's. Errors elsewhere come from the base, moved with the tokens
// around them: a body whose text is unchanged has the same errors.
//
// It declines when the package has cgo files, when a dependency is not
// the package the base was checked against, when a function of the file
// whose body changed is generic (a literal cannot have type parameters),
// when the file's functions gained or lost a body, when a dot import
// hides what the declarations use, and when an import's name is also an
// identifier in the declarations (it may be shadowed there). A body in
// which an import's name is also a local name is checked again even if
// unchanged: which imports it uses is then the type checker's to say.
func (s *Session) deriveBodies(u, base *unit, p *listedPackage, syntax []*ast.File, edited int, deps map[string]*unit, sizes types.Sizes, goVersion string) bool {
	oldF, newF := base.files[edited], syntax[edited]
	if len(p.CgoFiles) > 0 || oldF.GoVersion != newF.GoVersion {
		return false
	}
	for _, imp := range base.pkg.Imports() {
		if imp == types.Unsafe {
			continue
		}
		d, ok := deps[imp.Path()]
		if !ok {
			return false
		}
		if d.ensure(); d.apiPkg != imp {
			return false
		}
	}
	names, ok := importNames(newF, p, deps)
	if !ok {
		return false
	}
	plan := s.bodyPlan(oldF, newF, names)
	if plan == nil {
		return false
	}
	oldTF, newTF := s.fset.File(oldF.FileStart), s.fset.File(newF.FileStart)

	// The base's errors outside the checked parts, moved with their tokens.
	index := make(map[*token.File]int, len(syntax))
	for i, f := range syntax {
		index[s.fset.File(f.FileStart)] = i
	}
	index[oldTF] = edited
	var carried []types.Error
	precedes := false // an error go/types reports before the file's bodies
	for _, te := range base.typeErrs {
		tf := s.fset.File(te.Pos)
		if tf == oldTF {
			if unusedImport(te) || inParts(plan.oldChecked, te.Pos) {
				continue
			}
			pos, ok := plan.move(oldTF, newTF, te.Pos)
			if !ok {
				return false
			}
			te.Pos = pos
		}
		carried = append(carried, te)
		if i, ok := index[tf]; !ok || !unusedImport(te) && !(i > edited && inBody(syntax, tf, te.Pos, anyFunc)) {
			precedes = true
		}
	}

	// go/types leaves out a follow-on error ("invalid operand", "invalid
	// type") once it has reported another. The check starts with an
	// error of its own when a full check would have reported one by then,
	// and the follow-on errors of later files are not carried across a
	// change of this file's errors.
	var checked []types.Error
	conf := checkConfig(p, deps, nil, sizes, goVersion, func(te types.Error) { checked = append(checked, te) })
	pkg := types.NewPackage(p.typesPath(), base.pkg.Name())
	scope := base.pkg.Scope()
	for name := range plan.mentioned {
		if obj := scope.Lookup(name); obj != nil {
			pkg.Scope().Insert(obj)
		}
	}
	types.NewChecker(conf, s.fset, pkg, &types.Info{}).Files([]*ast.File{plan.synthetic(newF, precedes)})

	errs := carried
	for _, te := range checked {
		if unusedImport(te) {
			if name, ok := importAt(newF, p, deps, te.Pos); !ok || plan.used[name] {
				continue
			}
		} else if !inParts(plan.newChecked, te.Pos) {
			continue // a declaration's error: carried from the base
		}
		errs = append(errs, te)
	}
	if len(checked) > 0 || slices.ContainsFunc(base.typeErrs, func(te types.Error) bool { return s.fset.File(te.Pos) == oldTF }) {
		for _, te := range carried {
			if followOn(te) {
				return false
			}
		}
	}
	sortTypeErrors(s.fset, syntax, errs)
	if slices.ContainsFunc(errs, needsExpressionTypes) {
		return false // the caller's full check records expression types
	}
	u.pkg, u.info, u.files, u.typeErrs = base.pkg, &types.Info{}, syntax, errs
	return true
}

// A bodiesPlan is what deriveBodies needs to know of two versions of a
// file, the same for every target that checks them.
type bodiesPlan struct {
	oldSk, newSk *skeletonScan
	// oldChecked and newChecked are the parts checked again: changed
	// function bodies and every blank variable declaration.
	oldChecked, newChecked [][2]token.Pos
	// kept are the unchanged bodies: old start and end, new start.
	kept [][3]token.Pos
	// checkedFuncs are the functions whose bodies are checked again.
	checkedFuncs []*ast.FuncDecl
	// used are the imports that the declarations and the unchanged
	// bodies use; mentioned, the identifiers of the checked parts.
	used, mentioned map[string]bool

	once  [2]sync.Once
	synth [2]*ast.File
}

type planKey struct {
	old, new *ast.File
	names    string
}

// bodyPlan returns the plan for an edit from oldF to newF, or nil if
// deriveBodies cannot derive it. Plans are kept for the current check.
func (s *Session) bodyPlan(oldF, newF *ast.File, names map[string]bool) *bodiesPlan {
	sorted := slices.Sorted(maps.Keys(names))
	key := planKey{oldF, newF, strings.Join(sorted, " ")}
	s.plansMu.Lock()
	defer s.plansMu.Unlock()
	if plan, ok := s.plans[key]; ok {
		return plan
	}
	plan := s.makePlan(oldF, newF, names)
	if s.plans == nil {
		s.plans = map[planKey]*bodiesPlan{}
	}
	s.plans[key] = plan
	return plan
}

func (s *Session) makePlan(oldF, newF *ast.File, names map[string]bool) *bodiesPlan {
	plan := &bodiesPlan{oldSk: s.skeleton(oldF), newSk: s.skeleton(newF), mentioned: map[string]bool{}}
	oldSrc, ok1 := s.files.Source(oldF)
	newSrc, ok2 := s.files.Source(newF)
	oldTF, newTF := s.fset.File(oldF.FileStart), s.fset.File(newF.FileStart)
	if plan.oldSk == nil || plan.newSk == nil || !ok1 || !ok2 || oldTF == nil || newTF == nil {
		return nil
	}
	used, ok := importsUsedInDecls(newF, names)
	if !ok {
		return nil
	}
	plan.used = used
	oldDecls, newDecls := declaredDecls(oldF), declaredDecls(newF)
	if len(oldDecls) != len(newDecls) {
		return nil
	}
	text := func(src []byte, tf *token.File, b *ast.BlockStmt) []byte {
		return src[tf.Offset(b.Lbrace) : tf.Offset(b.Rbrace)+1]
	}
	for i := range newDecls {
		of, _ := oldDecls[i].(*ast.FuncDecl)
		nf, _ := newDecls[i].(*ast.FuncDecl)
		if (of == nil) != (nf == nil) {
			return nil
		}
		if nf == nil || nf.Body == nil && of.Body == nil {
			continue
		}
		if (of.Body == nil) != (nf.Body == nil) {
			return nil
		}
		if bytes.Equal(text(oldSrc, oldTF, of.Body), text(newSrc, newTF, nf.Body)) && usesImportsPlainly(nf.Body, names, plan.used) {
			plan.kept = append(plan.kept, [3]token.Pos{of.Body.Lbrace, of.Body.Rbrace, nf.Body.Lbrace})
			continue
		}
		if generic(nf) {
			return nil // a literal cannot have type parameters
		}
		plan.oldChecked = append(plan.oldChecked, [2]token.Pos{of.Body.Lbrace, of.Body.Rbrace})
		plan.newChecked = append(plan.newChecked, [2]token.Pos{nf.Body.Lbrace, nf.Body.Rbrace})
		plan.checkedFuncs = append(plan.checkedFuncs, nf)
		if nf.Recv != nil {
			mention(plan.mentioned, nf.Recv)
		}
		mention(plan.mentioned, nf.Type)
		mention(plan.mentioned, nf.Body)
	}
	for _, pair := range []struct {
		f     *ast.File
		parts *[][2]token.Pos
	}{{oldF, &plan.oldChecked}, {newF, &plan.newChecked}} {
		for _, d := range pair.f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && blankVars(gd) {
				*pair.parts = append(*pair.parts, [2]token.Pos{gd.Pos(), gd.End()})
				if pair.f == newF {
					mention(plan.mentioned, gd)
				}
			}
		}
	}
	return plan
}

// mention adds the identifiers in n to names.
func mention(names map[string]bool, n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
}

// usesImportsPlainly reports whether body names imports only as the
// package of qualified identifiers (no local name shadows one), adding
// those it uses to used.
func usesImportsPlainly(body *ast.BlockStmt, names, used map[string]bool) bool {
	var uses []string
	plain := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				if names[id.Name] {
					uses = append(uses, id.Name)
				}
				return false // X is no local named like an import; Sel is a member
			}
		case *ast.Ident:
			plain = plain && !names[n.Name]
		}
		return plain
	})
	if plain {
		for _, name := range uses {
			used[name] = true
		}
	}
	return plain
}

// move returns where pos, a position in the old file outside the checked
// parts, is in the new one.
func (plan *bodiesPlan) move(oldTF, newTF *token.File, pos token.Pos) (token.Pos, bool) {
	for _, k := range plan.kept {
		if k[0] <= pos && pos <= k[1] {
			return newTF.Pos(newTF.Offset(k[2]) + oldTF.Offset(pos) - oldTF.Offset(k[0])), true
		}
	}
	i, found := slices.BinarySearch(plan.oldSk.offs, oldTF.Offset(pos))
	if !found {
		return token.NoPos, false
	}
	return newTF.Pos(plan.newSk.offs[i]), true
}

// synthetic returns the file deriveBodies checks for f: its imports, its
// blank variable declarations and the functions whose bodies changed, as
// function literals assigned to _ (the receiver becomes the first
// parameter). With withError, it begins with a declaration that is an
// error.
func (plan *bodiesPlan) synthetic(f *ast.File, withError bool) *ast.File {
	i := 0
	if withError {
		i = 1
	}
	plan.once[i].Do(func() {
		synth := &ast.File{Package: f.Package, Name: f.Name, FileStart: f.FileStart, FileEnd: f.FileEnd, GoVersion: f.GoVersion, Imports: f.Imports}
		blank := func(pos token.Pos, value ast.Expr) ast.Decl {
			return &ast.GenDecl{Tok: token.VAR, TokPos: pos, Specs: []ast.Spec{
				&ast.ValueSpec{Names: []*ast.Ident{{Name: "_", NamePos: pos}}, Values: []ast.Expr{value}},
			}}
		}
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
				synth.Decls = append(synth.Decls, d)
			}
		}
		if withError {
			// "cannot use _ as value", at the package name: no checked part.
			synth.Decls = append(synth.Decls, blank(f.Name.Pos(), &ast.Ident{Name: "_", NamePos: f.Name.Pos()}))
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				if blankVars(d) {
					synth.Decls = append(synth.Decls, d)
				}
			case *ast.FuncDecl:
				if slices.Contains(plan.checkedFuncs, d) {
					synth.Decls = append(synth.Decls, blank(d.Name.Pos(), funcLiteral(d)))
				}
			}
		}
		plan.synth[i] = synth
	})
	return plan.synth[i]
}

// followOn reports an error go/types reports only if it is the first.
func followOn(te types.Error) bool {
	return strings.Index(te.Msg, "invalid operand") > 0 || strings.Index(te.Msg, "invalid type") > 0
}

// declaredDecls returns f's declarations but the blank var ones.
func declaredDecls(f *ast.File) []ast.Decl {
	var out []ast.Decl
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && blankVars(gd) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func generic(fd *ast.FuncDecl) bool {
	if fd.Type.TypeParams.NumFields() > 0 {
		return true
	}
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return false
	}
	t := ast.Unparen(fd.Recv.List[0].Type)
	if star, ok := t.(*ast.StarExpr); ok {
		t = ast.Unparen(star.X)
	}
	switch t.(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}

// importNames returns the names f's imports declare, or false for an
// import deriveBodies cannot follow (dot imports, "C", a failed import).
func importNames(f *ast.File, p *listedPackage, deps map[string]*unit) (map[string]bool, bool) {
	names := make(map[string]bool, len(f.Imports))
	for _, spec := range f.Imports {
		name, ok := importName(spec, p, deps)
		if !ok {
			return nil, false
		}
		if name != "_" {
			names[name] = true
		}
	}
	return names, true
}

func importName(spec *ast.ImportSpec, p *listedPackage, deps map[string]*unit) (string, bool) {
	path, err := strconv.Unquote(spec.Path.Value)
	if err != nil || path == "C" {
		return "", false
	}
	if spec.Name != nil {
		return spec.Name.Name, spec.Name.Name != "."
	}
	if path == "unsafe" {
		return "unsafe", true
	}
	if mapped, ok := p.ImportMap[path]; ok {
		path = mapped
	}
	d, ok := deps[path]
	if !ok || d.name == "" {
		return "", false
	}
	return d.name, true
}

// importAt returns the name of f's import whose unused-import error is
// reported at pos.
func importAt(f *ast.File, p *listedPackage, deps map[string]*unit, pos token.Pos) (string, bool) {
	for _, spec := range f.Imports {
		if spec.Path.Pos() == pos || spec.Name != nil && spec.Name.Pos() == pos {
			return importName(spec, p, deps)
		}
	}
	return "", false
}

// importsUsedInDecls returns the imports that f's declarations use outside
// function bodies and blank declarations: as the package of a qualified
// identifier. It reports false if an import's name appears there in any
// other way, as a parameter, field or local name that may shadow it.
func importsUsedInDecls(f *ast.File, names map[string]bool) (map[string]bool, bool) {
	used := map[string]bool{}
	shadowed := false
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				if names[id.Name] {
					used[id.Name] = true
				}
			} else {
				ast.Inspect(n.X, visit)
			}
			return false // n.Sel names a member
		case *ast.Ident:
			shadowed = shadowed || names[n.Name]
		}
		return true
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.IMPORT && !blankVars(d) {
				ast.Inspect(d, visit)
			}
		case *ast.FuncDecl:
			if d.Recv != nil {
				ast.Inspect(d.Recv, visit)
			}
			ast.Inspect(d.Name, visit)
			ast.Inspect(d.Type, visit)
		}
	}
	return used, !shadowed
}

func inParts(parts [][2]token.Pos, pos token.Pos) bool {
	for _, r := range parts {
		if r[0] <= pos && pos <= r[1] {
			return true
		}
	}
	return false
}

// funcLiteral returns fd as a function literal. (A receiver without a
// name among named parameters is no concern: go/types, unlike the parser,
// accepts named and unnamed parameters mixed.)
func funcLiteral(fd *ast.FuncDecl) *ast.FuncLit {
	params := &ast.FieldList{}
	if fd.Type.Params != nil {
		params.Opening, params.Closing = fd.Type.Params.Opening, fd.Type.Params.Closing
		params.List = fd.Type.Params.List
	}
	if fd.Recv != nil {
		params.List = append(slices.Clip(fd.Recv.List), params.List...)
	}
	return &ast.FuncLit{Type: &ast.FuncType{Func: fd.Type.Func, Params: params, Results: fd.Type.Results}, Body: fd.Body}
}
