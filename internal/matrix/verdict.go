package matrix

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/crossls/crossls/analysis/buildgap"
	"github.com/crossls/crossls/analysis/cgo"
	"github.com/crossls/crossls/analysis/taghygiene"
	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/syntax"
)

// failure says why `go build` fails for one package and target, or, if
// unchecked, why it was not found out.
type failure struct {
	class, msg, pos string
	// toolchain: the target's C toolchain does not work; every package
	// that needs cgo fails with this same failure.
	toolchain bool
	// loadFatal: a loading error, in the package or a dependency, which
	// stops go build before it builds anything.
	loadFatal bool
	unchecked bool
}

// collect turns one target's units and analyzer findings into verdicts and
// diagnostics (not yet merged with other targets).
func (s *Session) collect(out *targetOutput, opts *Options, order []*passInput, byPath map[string]*passInput, diags []diagnosticOut) {
	t := out.target
	fails := map[string]*failure{}
	for _, in := range order {
		// A package with the unit and left-out files of the target's last
		// check, whose dependencies fail (or not) as they did then, fails
		// as it did.
		// (A main package links: its verdict depends on all of its
		// dependencies' units, not only on their failures.)
		if pv := in.prev; pv != nil && pv.collected && in.unit == pv.unit && sameFailures(in, pv) && in.list.Name != "main" &&
			(in.list.fixed || in.filesHashes[0] != "" && in.filesHashes[0] == pv.filesHashes[0]) {
			in.failure, in.driverDiags, in.collected = pv.failure, pv.driverDiags, true
		} else {
			in.failure = s.failureOf(t, opts.Dir, in, fails)
		}
		if in.failure != nil {
			fails[in.list.ImportPath] = in.failure
		}
	}
	for _, p := range out.roots {
		in := byPath[p.ImportPath]
		v := Verdict{Status: "ok"}
		switch f := in.failure; {
		case f == nil:
		case f.unchecked:
			v = Verdict{Status: "unchecked", Message: f.msg}
		default:
			v = Verdict{Status: "fail", Class: f.class, Message: f.msg, Pos: f.pos}
		}
		out.verdicts[p.ImportPath] = v
		if !in.collected {
			start := len(out.diags)
			s.driverDiagnostics(out, opts, in, byPath, fails)
			in.driverDiags = slices.Clip(out.diags[start:])
			continue
		}
		out.diags = append(out.diags, in.driverDiags...)
	}
	for _, in := range order {
		in.collected = true
	}
	foldTestVerdicts(out)
	for _, d := range diags {
		if f := d.pkg.failure; f != nil && f.unchecked && d.analyzer.Name == "buildgap" {
			continue // type errors of C's stand-ins, not the compiler's
		}
		if s.followsFailedImport(d, fails) {
			continue // the import is reported, with its reason
		}
		if d.analyzer.Name == "cgo" && d.diag.Category == cgo.CategoryDependency && s.reportedImport(d, out) {
			continue // the driver's error at this import says more: it fails the build
		}
		if dg, ok := s.convert(d); ok {
			out.diags = append(out.diags, dg)
		}
	}
}

// foldTestVerdicts sets the Tests verdict of each package under test: that
// of the package compiled with its _test.go files (or, without such files,
// of the package itself) if it fails, as go vet checks it first and the
// external test package imports it; else that of the external test package.
func foldTestVerdicts(out *targetOutput) {
	for _, p := range out.roots {
		if !p.isTestVariant() {
			continue
		}
		v, ok := out.verdicts[p.ForTest]
		if !ok {
			continue
		}
		tv := out.verdicts[p.ImportPath]
		internal := p.typesPath() == p.ForTest
		if _, ok := out.verdicts[p.ForTest+" ["+p.ForTest+".test]"]; !internal && !ok && v.Status != "ok" {
			// Without _test.go files of its own package, go vet checks the
			// package itself first, and the external test package imports it.
			tv = v
			tv.Tests = nil
		}
		if v.Tests == nil || tv.Status != "ok" && (v.Tests.Status == "ok" || internal) {
			v.Tests = &tv
		}
		out.verdicts[p.ForTest] = v
	}
}

// sameFailures reports whether in's dependencies have the failures pv's
// had (the same *failure, or none).
func sameFailures(in, pv *passInput) bool {
	if len(in.deps) != len(pv.deps) {
		return false
	}
	for j, d := range in.deps {
		if d.failure != pv.deps[j].failure {
			return false
		}
	}
	return true
}

// failureOf predicts whether `go build` of in's package fails for t, in the
// order the go command finds out: package loading, dependencies, then the
// package's own compilation.
func (s *Session) failureOf(t target.Target, dir string, in *passInput, fails map[string]*failure) *failure {
	p := in.list
	if p.Error != nil {
		// A loading error stops go build of an importer before it builds
		// anything.
		if strings.Contains(p.Error.Err, "build constraints exclude all Go files") {
			f := s.noFilesFailure(t, p, p.Error.Err)
			f.loadFatal = true
			return f
		}
		if strings.Contains(p.Error.Err, "no non-test Go files") {
			return &failure{class: ClassNoGoFiles, msg: "no non-test Go files in " + p.Dir}
		}
		if p.Error.Pos != "" {
			return &failure{class: ClassOther, msg: p.Error.Err, pos: p.Error.Pos, loadFatal: true}
		}
		if !strings.HasPrefix(p.Error.Err, "# ") {
			// A loading error (a missing module, an import cycle): go
			// build reports it and builds nothing.
			return &failure{class: ClassOther, msg: p.Error.Err, loadFatal: true}
		}
		// cgo's step failed (a missing header, a C error in the preamble).
		msg, pos := firstError(p.Error.Err, dir, p.Dir)
		return &failure{class: ClassOther, msg: msg, pos: pos}
	}
	if len(p.files) == 0 && !p.Standard {
		// go list reports no error for a package with test files but no
		// other file to build; go build fails.
		if slices.ContainsFunc(p.IgnoredGoFiles, func(name string) bool { return !strings.HasSuffix(name, "_test.go") }) {
			return s.noFilesFailure(t, p, "build constraints exclude all Go files in "+p.Dir)
		}
		return &failure{class: ClassNoGoFiles, msg: "no non-test Go files in " + p.Dir}
	}
	// Of failing dependencies, go build reports first a loading error,
	// which stops it before it builds anything; then a target whose C
	// toolchain does not work; then any other.
	var unchecked, toolchain, failing *failure
	for _, imp := range p.Imports {
		f := fails[imp]
		switch {
		case f == nil:
			continue
		case f.unchecked:
			if unchecked == nil {
				unchecked = &failure{unchecked: true, msg: fmt.Sprintf("dependency %s is %s", imp, strings.TrimPrefix(f.msg, "dependency "))}
			}
			continue
		case f.toolchain:
			if toolchain == nil {
				toolchain = f
			}
			continue
		}
		if f.loadFatal || failing == nil {
			msg := f.msg
			if f.class != ClassDependencyFails {
				msg = fmt.Sprintf("dependency %s fails: %s", imp, f.msg)
			}
			failing = &failure{class: ClassDependencyFails, msg: msg, pos: f.pos, loadFatal: f.loadFatal}
			if f.loadFatal {
				return failing
			}
		}
	}
	if toolchain != nil {
		return toolchain
	}
	if failing != nil {
		return failing
	}
	if len(p.DepsErrors) > 0 {
		e := p.DepsErrors[0]
		return &failure{class: ClassDependencyFails, msg: e.Err, pos: e.Pos}
	}
	if unchecked != nil {
		return unchecked
	}
	if p.cgoUnchecked != "" {
		return &failure{unchecked: true, msg: p.cgoUnchecked}
	}
	if p.toolchainErr != "" {
		return &failure{class: ClassOther, msg: toolchainMessage(t, p.toolchainErr), toolchain: true}
	}
	u := in.unit
	if u == nil {
		return nil
	}
	if !p.Standard {
		if len(u.syntaxErrs) > 0 {
			msg, pos := syntaxError(u.syntaxErrs[0])
			return &failure{class: ClassOther, msg: msg, pos: pos}
		}
		if p.vetOnly {
			// Type-checked only: the compiler's own errors do not apply.
			if len(u.typeErrs) > 0 {
				return s.classify(in, firstTypeError(u))
			}
			return nil
		}
		if len(u.compileErrs) > 0 {
			return s.classify(in, u.compileErrs[0])
		}
		if late := s.lateErrors(in); len(late) > 0 {
			first := late[0]
			return &failure{class: ClassTypeError, msg: first.Msg, pos: s.posString(first.Pos)}
		}
		if p.Name == "main" && !p.isTestVariant() {
			if msg := s.linkError(in); msg != "" {
				return &failure{class: ClassTypeError, msg: msg}
			}
		}
	}
	return nil
}

// firstTypeError returns the type error go vet reports for u: the first
// the type checker reported.
func firstTypeError(u *unit) types.Error {
	if u.firstTypeErr != nil {
		return *u.firstTypeErr
	}
	return u.typeErrs[0]
}

// toolchainMessage explains that runtime/cgo does not build for t: the C
// compiler is missing or cannot compile for the target.
func toolchainMessage(t target.Target, out string) string {
	msg, _ := firstError(out, "", "")
	return fmt.Sprintf("cgo does not work for %s: the C compiler fails to build runtime/cgo (%s); set CC, or \"cc\" for this target in .crossls.yaml, to a C compiler for %s/%s", t, msg, t.GOOS, t.GOARCH)
}

// firstError returns the first error of go command output: its message
// and, when it names one, its position "file:line:col" with the file made
// absolute (the go command prints paths relative to the directory it ran
// in, or the C compiler's, the package's directory).
func firstError(out, dir, pkgDir string) (msg, pos string) {
	var first string
	for _, line := range strings.Split(out, "\n") {
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		if first == "" {
			first = line
		}
		m := locatedRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		file := m[1]
		if !filepath.IsAbs(file) {
			for _, d := range []string{dir, pkgDir} {
				if d != "" && fileExists(filepath.Join(d, file)) {
					file = filepath.Join(d, file)
					break
				}
			}
		}
		if !filepath.IsAbs(file) {
			return strings.TrimSpace(m[4]), ""
		}
		col := m[3]
		if col == "" {
			col = "1"
		}
		return strings.TrimSpace(m[4]), file + ":" + m[2] + ":" + col
	}
	return strings.TrimSpace(first), ""
}

// locatedRE matches a located message: "file:line:col: msg" or
// "file:line: msg".
var locatedRE = regexp.MustCompile(`^([^\s:][^:]*):(\d+)(?::(\d+))?: (.*)$`)

// cgoOnlyMessage explains a package whose files build only with cgo (they
// import "C", or their constraints need the cgo tag).
func cgoOnlyMessage(dir string) string {
	return fmt.Sprintf("build constraints exclude all Go files in %s: they build only with cgo, and cgo is disabled (CGO_ENABLED=0)", dir)
}

// noFilesFailure is the failure of a package whose files the target's
// constraints all exclude: cgo-required if cgo alone excludes them.
func (s *Session) noFilesFailure(t target.Target, p *listedPackage, msg string) *failure {
	if s.cgoOnly(t, p) {
		return &failure{class: ClassCgoRequired, msg: cgoOnlyMessage(p.Dir)}
	}
	return &failure{class: ClassNoGoFiles, msg: msg}
}

// cgoOnly reports whether p's files would build for t if cgo were enabled:
// it is left with no files only because they import "C".
func (s *Session) cgoOnly(t target.Target, p *listedPackage) bool {
	if t.Cgo {
		return false
	}
	match := func() bool {
		ctxt := t.Context()
		ctxt.CgoEnabled = true
		for _, name := range p.IgnoredGoFiles {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			if ok, err := ctxt.MatchFile(p.Dir, name); err == nil && ok {
				return true
			}
		}
		return false
	}
	if !p.fixed {
		return match()
	}
	// A listing is per target: an immutable package's answer is kept.
	p.cgoOnlyOnce.Do(func() { p.cgoOnly = match() })
	return p.cgoOnly
}

func syntaxError(err error) (msg, pos string) {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		return "syntax error: " + list[0].Msg, list[0].Pos.String()
	}
	return err.Error(), ""
}

func (s *Session) posString(pos token.Pos) string {
	return s.fset.Position(pos).String()
}

// classify explains a package's first type error, the one the compiler
// reports first (both sort by file and position): a use of a name declared
// only in files this target excludes (undefined-symbol), or only in files
// that import "C" while cgo is off (cgo-required), or another compile error.
// The name may be the package's own, qualified by an imported package
// (standard library included), or a method of a named type.
func (s *Session) classify(in *passInput, first types.Error) *failure {
	f := &failure{class: ClassTypeError, msg: first.Msg, pos: s.posString(first.Pos)}
	if owner, name, ok := s.missingName(in, first); ok {
		if cgoOnly, found := s.excludedNames(owner)[name]; found {
			f.class = ClassUndefinedSymbol
			if cgoOnly {
				f.class = ClassCgoRequired
			}
		}
	}
	return f
}

// reportedImport reports whether the driver reported a failing import at
// d's position for this target.
func (s *Session) reportedImport(d diagnosticOut, out *targetOutput) bool {
	pos := s.fset.Position(d.diag.Pos)
	return slices.ContainsFunc(out.diags, func(dg Diagnostic) bool {
		return dg.Severity == SeverityError && dg.File == pos.Filename && dg.Line == pos.Line && dg.Column == pos.Column
	})
}

// followsFailedImport reports a compile error of buildgap's that only
// follows from an import that fails for the target: a use of a package
// that the type checker saw empty ("undefined: q.X").
func (s *Session) followsFailedImport(d diagnosticOut, fails map[string]*failure) bool {
	if d.analyzer.Name != "buildgap" || d.diag.Category != buildgap.CategoryCompileError {
		return false
	}
	m := undefinedRE.FindStringSubmatch(d.diag.Message)
	if m == nil || m[1] == "" {
		return false
	}
	dep := s.importedAs(d.pkg, d.diag.Pos, m[1])
	return dep != nil && fails[dep.ImportPath] != nil
}

// missingName returns the package that should declare the name a type
// error says is missing, and the name as excludedNames keys it.
func (s *Session) missingName(in *passInput, te types.Error) (*listedPackage, string, bool) {
	if m := undefinedRE.FindStringSubmatch(te.Msg); m != nil {
		qual, name := m[1], m[2]
		if qual == "" {
			return in.list, name, true
		}
		dep := s.importedAs(in, te.Pos, qual)
		return dep, name, dep != nil
	}
	m := missingMethodRE.FindStringSubmatch(te.Msg)
	if m == nil {
		return nil, "", false
	}
	// The type as the message names it: an alias is its own name there,
	// and its package is the alias's.
	qual, typ, method := m[1], m[2], m[3]
	var owner *listedPackage
	switch {
	case qual == "":
		owner = in.list
	case strings.HasPrefix(qual, `"`):
		path, _ := strconv.Unquote(qual)
		owner = findDep(in, path)
	default:
		owner = findDepNamed(in, qual)
	}
	return owner, typ + "." + method, owner != nil
}

var (
	// "undefined: X" and "undefined: q.X".
	undefinedRE = regexp.MustCompile(`^undefined: (?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)$`)
	// "x.M undefined (type [*][q.]T[...] has no field or method M...)",
	// q a package's name, or its path quoted when names are ambiguous.
	missingMethodRE = regexp.MustCompile(`^.* undefined \(type \*?(?:("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)(?:\[.*\])? has no field or method ([A-Za-z_][A-Za-z0-9_]*)`)
)

// importedAs returns the package that the file holding pos imports under
// name, if it is in the listing.
func (s *Session) importedAs(in *passInput, pos token.Pos, name string) *listedPackage {
	for _, f := range in.unit.files {
		if pos < f.FileStart || pos > f.FileEnd {
			continue
		}
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				continue
			}
			if mapped, ok := in.list.ImportMap[path]; ok {
				path = mapped
			}
			dep := findDep(in, path)
			if dep == nil {
				continue
			}
			if spec.Name != nil && spec.Name.Name == name || spec.Name == nil && dep.Name == name {
				return dep
			}
		}
	}
	return nil
}

// findDep returns the listed package path among in's dependencies,
// direct or not.
func findDep(in *passInput, path string) *listedPackage {
	seen := map[*passInput]bool{}
	var walk func(*passInput) *listedPackage
	walk = func(p *passInput) *listedPackage {
		if seen[p] {
			return nil
		}
		seen[p] = true
		if p.list.ImportPath == path {
			return p.list
		}
		for _, d := range p.deps {
			if found := walk(d); found != nil {
				return found
			}
		}
		return nil
	}
	return walk(in)
}

// findDepNamed returns the one package named name among in's
// dependencies, direct or not; nil if none or several are.
func findDepNamed(in *passInput, name string) *listedPackage {
	seen := map[*passInput]bool{}
	var found *listedPackage
	n := 0
	var walk func(*passInput)
	walk = func(p *passInput) {
		if seen[p] {
			return
		}
		seen[p] = true
		if p != in && p.list.Name == name {
			found, n = p.list, n+1
		}
		for _, d := range p.deps {
			walk(d)
		}
	}
	walk(in)
	if n != 1 {
		return nil
	}
	return found
}

// excludedNames returns the package-level names ("X", "T.M") declared in
// the non-test Go files of p that the target excludes, each with whether
// every file declaring it imports "C". An immutable package's answer is
// kept with the listing, parsed apart from the session's FileSet (a
// standard library package excludes hundreds of files).
func (s *Session) excludedNames(p *listedPackage) map[string]bool {
	if !p.fixed {
		return namesOf(p, func(path string) *ast.File {
			f, _, _ := s.files.Parse(path, parser.ParseComments)
			return f
		})
	}
	p.excludedOnce.Do(func() {
		fset := token.NewFileSet()
		p.excluded = namesOf(p, func(path string) *ast.File {
			f, _ := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			return f
		})
	})
	return p.excluded
}

// namesOf returns the top-level names declared in p's excluded files, each
// with whether only files that import "C" declare it. A test variant's
// excluded files include its _test.go files of the same package name.
func namesOf(p *listedPackage, parse func(string) *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, path := range p.ignored {
		test := strings.HasSuffix(path, "_test.go")
		if !strings.HasSuffix(path, ".go") || test && !p.isTestVariant() {
			continue
		}
		f := parse(path)
		if f == nil || test && f.Name.Name != p.Name {
			continue
		}
		importsC := slices.ContainsFunc(f.Imports, func(spec *ast.ImportSpec) bool { return spec.Path.Value == `"C"` })
		syntax.TopLevelDecls(f, func(name string, id *ast.Ident) {
			if id.Name == "_" {
				return
			}
			cgoOnly, seen := names[name]
			names[name] = importsC && (!seen || cgoOnly)
		})
	}
	return names
}

// driverDiagnostics reports what no analyzer can see from inside one
// package: imports of packages that fail for the target, functions without
// bodies, cgo without a cross compiler, and package loading errors.
func (s *Session) driverDiagnostics(out *targetOutput, opts *Options, in *passInput, byPath map[string]*passInput, fails map[string]*failure) {
	p := in.list
	switch f := in.failure; {
	case p.Error != nil && p.Error.Pos != "":
		if d, ok := s.diagAt(opts.Dir, p.Error.Pos, "buildgap", p.Error.Err); ok {
			d.Package = p.ImportPath
			out.diags = append(out.diags, d)
		}
	case f != nil && f.pos != "" && p.Error != nil:
		// cgo's or the C compiler's error, where it points.
		if d, ok := s.diagAt(opts.Dir, f.pos, "cgo", f.msg); ok {
			d.Package = p.ImportPath
			out.diags = append(out.diags, d)
		}
	case f != nil && (f.toolchain || f.unchecked) && len(p.CgoFiles) > 0:
		severity := SeverityError
		if f.unchecked {
			severity = SeverityInfo
		}
		for _, name := range p.CgoFiles {
			file, _, _ := s.files.Parse(filepath.Join(p.Dir, name), parser.ImportsOnly)
			if file == nil {
				continue
			}
			for _, spec := range file.Imports {
				if spec.Path.Value == `"C"` {
					out.diags = append(out.diags, s.diag(p, spec, "cgo", severity, f.msg))
				}
			}
		}
	}
	u := in.unit
	if u == nil {
		return
	}
	// Only a failing import needs explaining.
	var files []*ast.File
	if len(fails) > 0 && slices.ContainsFunc(p.Imports, func(imp string) bool { return fails[imp] != nil }) {
		files = u.files
	}
	// Dependencies outside the checked packages that fail for one reason
	// are one finding, at the first import; the others are related.
	depCause := map[string]int{} // the root error's position -> index in out.diags
	for _, f := range files {
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				continue
			}
			if mapped, ok := p.ImportMap[path]; ok {
				path = mapped
			}
			f := fails[path]
			dep := byPath[path]
			if f == nil || dep == nil || f.unchecked || f.toolchain {
				continue
			}
			switch {
			case f.class == ClassNoGoFiles && strings.HasPrefix(f.msg, "no non-test Go files"):
				out.diags = append(out.diags, s.diag(p, spec, "buildgap", SeverityError,
					fmt.Sprintf("%s has no Go files but tests: there is nothing to import", path)))
			case f.class == ClassNoGoFiles:
				msg := fmt.Sprintf("%s has no Go files for this target: build constraints exclude all of them", path)
				if where := s.buildsFor(dep.list); where != "" {
					msg += " (its files build for " + where + ")"
				}
				out.diags = append(out.diags, s.diag(p, spec, "buildgap", SeverityError, msg))
			case f.class == ClassCgoRequired && len(dep.list.files) == 0:
				out.diags = append(out.diags, s.diag(p, spec, "cgo", SeverityError,
					fmt.Sprintf("%s cannot build without cgo: its Go files build only with cgo", path)))
			case dep.list.DepOnly:
				// A dependency outside the checked packages: its errors
				// show nowhere else.
				reason := strings.TrimPrefix(f.msg, "dependency ")
				d := s.diag(p, spec, "buildgap", SeverityError, fmt.Sprintf("%s does not build for this target: %s", path, reason))
				if f.pos != "" {
					d.Message += " (" + f.pos + ")"
				}
				// The root error's position names the cause, whether the
				// dependency fails itself or through one of its own.
				cause := f.pos
				if cause == "" {
					cause = reason
				}
				if i, ok := depCause[cause]; ok {
					out.diags[i].Related = append(out.diags[i].Related, Related{File: d.File, Line: d.Line, Column: d.Column,
						EndLine: d.EndLine, EndColumn: d.EndColumn, Message: path + " does not build for the same reason"})
					continue
				}
				depCause[cause] = len(out.diags)
				out.diags = append(out.diags, d)
			}
		}
	}
	// The compiler's errors that are not type errors, which no analyzer
	// sees: those it reports with the type errors, and the others when
	// there are none.
	typeErr := make(map[token.Pos]bool, len(u.typeErrs))
	for _, te := range u.typeErrs {
		typeErr[te.Pos] = true
	}
	report := func(errs []types.Error) {
		for _, e := range errs {
			if typeErr[e.Pos] {
				continue
			}
			msg := e.Msg
			if msg == "missing function body" {
				msg = fmt.Sprintf("missing function body: %s has no Go body and no assembly provides it for this target", identAt(u.files, e.Pos))
			}
			d := s.diagAtPos(p, e.Pos, "buildgap", SeverityError, msg)
			out.diags = append(out.diags, d)
		}
	}
	report(u.compileErrs)
	if len(u.compileErrs) == 0 {
		report(s.lateErrors(in))
	}
}

// buildsFor describes the constraints of a package's excluded files. Only
// their headers are read; an immutable package's answer is kept.
func (s *Session) buildsFor(p *listedPackage) string {
	if !p.fixed {
		return describeIgnored(p, func(path string) []byte { return s.files.Read(path).Data })
	}
	p.buildsForOnce.Do(func() {
		p.buildsFor = describeIgnored(p, func(path string) []byte {
			data, _ := os.ReadFile(path)
			return data
		})
	})
	return p.buildsFor
}

func describeIgnored(p *listedPackage, read func(string) []byte) string {
	var where []string
	for _, name := range p.IgnoredGoFiles {
		test := strings.HasSuffix(name, "_test.go")
		if test && !p.isTestVariant() {
			continue
		}
		path := filepath.Join(p.Dir, name)
		f, _ := parser.ParseFile(token.NewFileSet(), path, read(path), parser.PackageClauseOnly|parser.ParseComments)
		if f == nil || test && f.Name.Name != p.Name {
			continue
		}
		if w := buildgap.BuildsFor(path, f); !contains(where, w) {
			where = append(where, w)
		}
	}
	return strings.Join(where, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Session) diag(p *listedPackage, n ast.Node, analyzer, severity, msg string) Diagnostic {
	start, end := s.fset.Position(n.Pos()), s.fset.Position(n.End())
	return Diagnostic{
		File: start.Filename, Line: start.Line, Column: start.Column, EndLine: end.Line, EndColumn: end.Column,
		Severity: severity, Analyzer: analyzer, Message: msg, Package: p.ImportPath,
	}
}

// diagAtPos makes a diagnostic at pos, as long as the identifier or
// directive word there.
func (s *Session) diagAtPos(p *listedPackage, pos token.Pos, analyzer, severity, msg string) Diagnostic {
	start := s.fset.Position(pos)
	end := start
	if tf := s.fset.File(pos); tf != nil {
		if fc := s.files.Read(tf.Name()); fc.Err == nil && len(fc.Data) == tf.Size() {
			i := tf.Offset(pos)
			for i < len(fc.Data) && isWordByte(fc.Data[i]) {
				i++
			}
			end = s.fset.Position(tf.Pos(i))
		}
	}
	return Diagnostic{
		File: start.Filename, Line: start.Line, Column: start.Column, EndLine: end.Line, EndColumn: end.Column,
		Severity: severity, Analyzer: analyzer, Message: msg, Package: p.ImportPath,
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// identAt returns the name of the identifier at pos in files.
func identAt(files []*ast.File, pos token.Pos) string {
	for _, f := range files {
		if pos < f.FileStart || pos > f.FileEnd {
			continue
		}
		var name string
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Pos() == pos {
				name = id.Name
			}
			return name == ""
		})
		return name
	}
	return ""
}

// diagAt makes a diagnostic from a go command position "file:line:col".
func (s *Session) diagAt(dir, pos, analyzer, msg string) (Diagnostic, bool) {
	parts := strings.Split(pos, ":")
	if len(parts) < 2 {
		return Diagnostic{}, false
	}
	file := parts[0]
	line, err := strconv.Atoi(parts[1])
	if err != nil {
		return Diagnostic{}, false
	}
	col := 1
	if len(parts) > 2 {
		if c, err := strconv.Atoi(parts[2]); err == nil {
			col = c
		}
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	return Diagnostic{File: file, Line: line, Column: col, EndLine: line, EndColumn: col,
		Severity: SeverityError, Analyzer: analyzer, Message: msg}, true
}

// convert turns an analyzer's diagnostic into the driver's form. A finding
// is an error when it sits where the compiler fails for the target.
func (s *Session) convert(d diagnosticOut) (Diagnostic, bool) {
	u := d.pkg.unit
	if d.analyzer.Name == "buildgap" && d.diag.Category == buildgap.CategoryCompileError && len(u.syntaxErrs) > 0 {
		return Diagnostic{}, false // follow-on errors of a syntax error
	}
	start := s.fset.Position(d.diag.Pos)
	end := start
	if d.diag.End.IsValid() {
		end = s.fset.Position(d.diag.End)
	}
	severity := SeverityWarning
	cgoInfo := d.analyzer.Name == "cgo" && (d.diag.Category == cgo.CategoryFallback || d.diag.Category == cgo.CategoryFallbackFile)
	switch {
	case s.isErrorPos(u, start):
		severity = SeverityError
	case cgoInfo:
		severity = SeverityInfo // a package written to work without cgo
	}
	out := Diagnostic{
		File: start.Filename, Line: start.Line, Column: start.Column, EndLine: end.Line, EndColumn: end.Column,
		Severity: severity, Analyzer: d.analyzer.Name, Message: d.diag.Message, Package: d.pkg.list.ImportPath,
		once: d.analyzer.Name == "cgo" && d.diag.Category == cgo.CategoryFallback,
	}
	for _, r := range d.diag.Related {
		rs, re := s.fset.Position(r.Pos), s.fset.Position(r.Pos)
		if r.End.IsValid() {
			re = s.fset.Position(r.End)
		}
		out.Related = append(out.Related, Related{File: rs.Filename, Line: rs.Line, Column: rs.Column, EndLine: re.Line, EndColumn: re.Column, Message: r.Message})
	}
	for _, sf := range d.diag.SuggestedFixes {
		fix := Fix{Message: sf.Message}
		if newBase, ok := taghygiene.RenameTo(d.diag); ok && len(sf.TextEdits) == 0 {
			fix.Rename = &Rename{From: start.Filename, To: filepath.Join(filepath.Dir(start.Filename), filepath.Base(newBase))}
		}
		for _, e := range sf.TextEdits {
			es, ee := s.fset.Position(e.Pos), s.fset.Position(e.Pos)
			if e.End.IsValid() {
				ee = s.fset.Position(e.End)
			}
			fix.Edits = append(fix.Edits, Edit{File: es.Filename, Line: es.Line, Column: es.Column, EndLine: ee.Line, EndColumn: ee.Column, NewText: string(e.NewText)})
		}
		if len(fix.Edits) > 0 || fix.Rename != nil {
			out.Fixes = append(out.Fixes, fix)
		}
	}
	return out, true
}

func (s *Session) isErrorPos(u *unit, p token.Position) bool {
	for _, te := range u.typeErrs {
		if q := s.fset.Position(te.Pos); q.Filename == p.Filename && q.Line == p.Line && q.Column == p.Column {
			return true
		}
	}
	for _, err := range u.syntaxErrs {
		var list scanner.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				if e.Pos.Filename == p.Filename && e.Pos.Line == p.Line && e.Pos.Column == p.Column {
					return true
				}
			}
		}
	}
	return false
}
