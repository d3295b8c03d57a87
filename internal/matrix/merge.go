package matrix

import (
	"fmt"
	"go/parser"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/crossls/crossls/analysis/buildgap"
	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/golist"
)

// merge combines the targets' outputs: one verdict table, and each finding
// once with the list of targets it affects.
func (s *Session) merge(opts *Options, goVersion string, outs []*targetOutput) *Result {
	res := &Result{GoVersion: goVersion, Packages: []Package{}, Diagnostics: []Diagnostic{}}
	for _, o := range outs {
		res.Targets = append(res.Targets, o.name)
	}

	pkgs := map[string]*Package{}
	for _, o := range outs {
		for _, p := range o.roots {
			if p.isTestVariant() {
				continue // in the verdict of the package under test
			}
			pkg := pkgs[p.ImportPath]
			if pkg == nil {
				pkg = &Package{Path: p.ImportPath, Dir: p.Dir, Targets: make(map[string]Verdict, len(outs))}
				pkgs[p.ImportPath] = pkg
			}
			pkg.Targets[o.name] = o.verdicts[p.ImportPath]
		}
	}
	// Packages the patterns name but the go command left out for some
	// targets, because no file builds for them.
	unlisted := map[string]*listedPackage{} // files of packages no target lists
	byDir := make(map[string]*Package, len(pkgs))
	for _, p := range pkgs {
		byDir[p.Dir] = p
	}
	for _, dir := range s.patternDirs(opts) {
		pkg := byDir[dir]
		if pkg == nil {
			path, ok := importPathOf(dir, outs)
			if !ok {
				continue
			}
			pkg = &Package{Path: path, Dir: dir, Targets: map[string]Verdict{}}
			pkgs[path] = pkg
			for _, name := range goFileNames(dir) {
				if !strings.HasSuffix(name, "_test.go") {
					unlisted[filepath.Join(dir, name)] = &listedPackage{Package: golist.Package{ImportPath: path, Dir: dir}}
				}
			}
		}
		for _, o := range outs {
			if _, ok := pkg.Targets[o.name]; !ok {
				pkg.Targets[o.name] = s.excludedVerdict(o.target, dir)
			}
		}
	}
	for _, p := range pkgs {
		res.Packages = append(res.Packages, *p)
	}
	sort.Slice(res.Packages, func(i, j int) bool { return res.Packages[i].Path < res.Packages[j].Path })

	type group struct {
		d       Diagnostic
		targets []string
	}
	groups := map[string]*group{}
	var keys []string
	for _, o := range outs {
		for _, d := range o.diags {
			k := fmt.Sprintf("%s\x00%s\x00%d:%d-%d:%d\x00%s\x00%s", d.Analyzer, d.File, d.Line, d.Column, d.EndLine, d.EndColumn, d.Severity, d.Message)
			g := groups[k]
			if g == nil {
				g = &group{d: d}
				groups[k] = g
				keys = append(keys, k)
			}
			if !contains(g.targets, o.name) {
				g.targets = append(g.targets, o.name)
			}
		}
	}
	for _, k := range keys {
		g := groups[k]
		g.d.Targets = g.targets
		g.d.Message = label(g.targets, len(outs)) + " " + g.d.Message
		res.Diagnostics = append(res.Diagnostics, g.d)
	}
	dead := s.deadFiles(outs, unlisted)
	if opts.Partial {
		SortDiagnostics(dead) // they come in map order
		res.Partial = partialOf(res.Diagnostics, dead)
		res.Diagnostics = append(res.Diagnostics, dead...)
		return res
	}
	res.Diagnostics = append(res.Diagnostics, dead...)
	SortDiagnostics(res.Diagnostics)
	res.Diagnostics = dedupe(res.Diagnostics)
	return res
}

// SortDiagnostics orders findings by position, then message, keeping the
// order of those that tie: the order of a Result's Diagnostics.
func SortDiagnostics(diags []Diagnostic) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i], diags[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Message < b.Message
	})
}

// dedupe drops a finding whose position and message (targets included)
// another one has, keeping the higher severity and both related
// locations; and keeps information marked once at its first position only,
// with the others as related locations. diags are sorted by position.
func dedupe(diags []Diagnostic) []Diagnostic {
	type key struct {
		file         string
		line, column int
		message      string
	}
	rank := map[string]int{SeverityInfo: 0, SeverityWarning: 1, SeverityError: 2}
	at := map[key]int{}        // -> index in out
	onceAt := map[string]int{} // analyzer and message -> index in out
	out := diags[:0]
	for _, d := range diags {
		if d.once {
			k := d.Analyzer + "\x00" + d.Message
			if i, ok := onceAt[k]; ok {
				out[i].Related = append(out[i].Related, Related{File: d.File, Line: d.Line, Column: d.Column,
					EndLine: d.EndLine, EndColumn: d.EndColumn, Message: "the same import, in " + d.Package})
				out[i].Related = append(out[i].Related, d.Related...)
				continue
			}
			onceAt[k] = len(out)
		}
		k := key{d.File, d.Line, d.Column, d.Message}
		if i, ok := at[k]; ok {
			if rank[d.Severity] > rank[out[i].Severity] {
				out[i].Severity = d.Severity
			}
			for _, r := range d.Related {
				if !slices.Contains(out[i].Related, r) {
					out[i].Related = append(out[i].Related, r)
				}
			}
			continue
		}
		at[k] = len(out)
		out = append(out, d)
	}
	return out
}

// label names the targets a finding affects, as the message prefix.
func label(targets []string, total int) string {
	if len(targets) == total && total > 1 {
		return "[all targets]"
	}
	return "[" + strings.Join(targets, " ") + "]"
}

// deadFiles reports files of the checked packages that no configured
// target builds although their constraint can be satisfied: code that
// this matrix never compiles, so never checks. Files with custom tags
// (integration, ignore, ...) are left alone: somebody selects those on
// purpose. Unsatisfiable constraints and cgo files have analyzers of
// their own.
func (s *Session) deadFiles(outs []*targetOutput, unlisted map[string]*listedPackage) []Diagnostic {
	var names []string
	for _, o := range outs {
		names = append(names, o.name)
	}
	candidates := maps.Clone(unlisted)
	for path, p := range s.uncompiled(outs) {
		candidates[path] = p
	}
	var out []Diagnostic
	for path, p := range candidates {
		f, _, _ := s.files.Parse(path, parser.ParseComments)
		if f == nil || f.Name == nil {
			continue
		}
		importsC := false
		for _, imp := range f.Imports {
			importsC = importsC || imp.Path.Value == `"C"`
		}
		expr := buildgap.BuildExpr(f)
		goos, goarch := buildgap.FileNameTags(filepath.Base(path))
		if importsC || !buildgap.Satisfiable(expr, goos, goarch) || (expr != nil && hasCustomTags(expr.String())) {
			continue
		}
		d := s.diag(p, f.Name, "buildgap", SeverityInfo, fmt.Sprintf(
			"no configured target builds this file (it builds for %s), so it is never checked: add a target for it or remove it",
			buildgap.BuildsFor(path, f)))
		d.Targets = names
		d.Message = label(names, len(names)) + " " + d.Message
		out = append(out, d)
	}
	return out
}

// uncompiled returns the root files that no target of outs compiles. It
// changes only with the targets' listings: the answer for the last set of
// listings is kept.
func (s *Session) uncompiled(outs []*targetOutput) map[string]*listedPackage {
	key := make([]*rootFiles, len(outs))
	for i, o := range outs {
		key[i] = o.rootFiles
	}
	s.rootFilesMu.Lock()
	defer s.rootFilesMu.Unlock()
	if slices.Equal(s.uncompiledFor, key) {
		return s.uncompiledFiles
	}
	files := map[string]*listedPackage{}
	for _, o := range outs {
		for path, p := range o.seen {
			files[path] = p
		}
	}
	for _, o := range outs {
		for path := range o.compiled {
			delete(files, path)
		}
	}
	s.uncompiledFor, s.uncompiledFiles = key, files
	return files
}

// hasCustomTags reports whether a constraint mentions a tag other than a
// GOOS, GOARCH, unix, cgo, compiler, release or architecture feature tag.
func hasCustomTags(expr string) bool {
	for _, tag := range strings.FieldsFunc(expr, func(r rune) bool { return strings.ContainsRune("!&|() ", r) }) {
		switch {
		case target.KnownOS[tag], target.KnownArch[tag], tag == "unix", tag == "cgo", tag == "gc", tag == "gccgo":
		case strings.HasPrefix(tag, "go1."), strings.HasPrefix(tag, "goexperiment."):
		case strings.Contains(tag, ".") && target.KnownArch[tag[:strings.Index(tag, ".")]]:
		default:
			return true
		}
	}
	return false
}
