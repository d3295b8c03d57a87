// Package buildgap defines an Analyzer that reports what breaks a build
// for some targets only: symbols defined only in files the target
// excludes, other compile errors, and build constraints that can never be
// satisfied.
package buildgap

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/memo"
	"github.com/crossls/crossls/internal/syntax"
)

const Doc = `report build gaps between targets

The buildgap analyzer reports, for the configuration it runs in:

  - uses of identifiers defined only in files that this configuration
    leaves out, with the definitions as related locations:
    "undefined: platformName (defined for linux, darwin)";
  - every other compile error, so that a driver that runs every target
    can tell which targets an error breaks (a constant that overflows int
    on 386, a syscall field missing on one OS);
  - files whose build constraint can never be satisfied, such as
    //go:build linux && windows, or a _linux.go file constrained to windows.

Run by crossls for each configured target, its findings are merged and
labelled with the targets they affect.`

var Analyzer = &analysis.Analyzer{
	Name:             "buildgap",
	Doc:              Doc,
	URL:              "https://github.com/crossls/crossls#analyzers",
	Run:              run,
	RunDespiteErrors: true,
}

// Diagnostic categories.
const (
	CategoryUndefined     = "undefined"     // a symbol defined only for other targets
	CategoryCompileError  = "compile-error" // any other compile error
	CategoryUnsatisfiable = "unsatisfiable" // a file that never builds
)

func run(pass *analysis.Pass) (any, error) {
	ignored := parseIgnored(pass)
	var index map[string][]Decl // built at the first undefined name
	for _, te := range pass.TypeErrors {
		if strings.HasPrefix(te.Msg, "could not import ") {
			continue // reported at the import by the driver, with the dependency's reason
		}
		end := identEnd(pass, te.Pos)
		if name, ok := MissingName(te); ok {
			if index == nil {
				index = IndexDecls(pass.Fset, ignored)
			}
			if decls := index[name]; len(decls) > 0 {
				if allImportC(decls) {
					continue // the cgo analyzer explains these
				}
				reportUndefined(pass, te, end, name, decls)
				continue
			}
		}
		pass.Report(analysis.Diagnostic{Pos: te.Pos, End: end, Category: CategoryCompileError, Message: te.Msg})
	}
	// Files in the build satisfy their constraints by definition.
	for _, f := range ignored {
		checkSatisfiable(pass, f)
	}
	return nil, nil
}

func allImportC(decls []Decl) bool {
	for _, d := range decls {
		if !d.ImportsC {
			return false
		}
	}
	return true
}

func reportUndefined(pass *analysis.Pass, te types.Error, end token.Pos, name string, decls []Decl) {
	var where []string
	var related []analysis.RelatedInformation
	for _, d := range decls {
		if d.ImportsC {
			continue
		}
		if !contains(where, d.BuildsFor) {
			where = append(where, d.BuildsFor)
		}
		related = append(related, analysis.RelatedInformation{
			Pos: d.Pos, End: d.End,
			Message: fmt.Sprintf("%s is defined here, in %s, which builds for %s", name, filepath.Base(d.File), d.BuildsFor),
		})
	}
	msg := fmt.Sprintf("%s (defined for %s)", te.Msg, strings.Join(where, ", "))
	pass.Report(analysis.Diagnostic{Pos: te.Pos, End: end, Category: CategoryUndefined, Message: msg, Related: related})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// identEnd returns the end of the identifier (or selector) starting at pos,
// so the diagnostic underlines the name rather than a single point.
func identEnd(pass *analysis.Pass, pos token.Pos) token.Pos {
	tf := pass.Fset.File(pos)
	if tf == nil {
		return pos
	}
	src, err := pass.ReadFile(tf.Name())
	if err != nil {
		return pos
	}
	off := tf.Offset(pos)
	i := off
	for i < len(src) && (isIdentByte(src[i]) || src[i] == '.') {
		i++
	}
	if i == off || i-off > 200 || i > tf.Size() {
		return pos
	}
	return tf.Pos(i)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// parseIgnored parses the Go files the configuration ignores; the pass has
// no syntax for them.
func parseIgnored(pass *analysis.Pass) []*ast.File {
	var files []*ast.File
	for _, path := range pass.IgnoredFiles {
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := pass.ReadFile(path)
		if err != nil {
			continue
		}
		f, _ := syntax.ParseIgnored(pass.Fset, path, src)
		if f != nil && f.Name != nil {
			files = append(files, f)
		}
	}
	return files
}

// checkSatisfiable reports a file whose build constraint, combined with its
// file-name suffix, no GOOS/GOARCH can satisfy.
func checkSatisfiable(pass *analysis.Pass, f *ast.File) {
	path := fileName(pass.Fset, f)
	expr, pos, end := buildLine(f)
	goos, goarch := FileNameTags(filepath.Base(path))
	if expr == nil && (goos == "" || goarch == "") {
		return // a file name alone always names a real combination
	}
	if Satisfiable(expr, goos, goarch) {
		return
	}
	var msg string
	switch {
	case expr == nil:
		return
	case goos != "" || goarch != "":
		msg = fmt.Sprintf("build constraint %q contradicts the file name suffix (%s): this file is never built", expr.String(), BuildsFor(path, &ast.File{}))
	default:
		msg = fmt.Sprintf("build constraint %q can never be satisfied: this file is never built", expr.String())
	}
	pass.Report(analysis.Diagnostic{Pos: pos, End: end, Category: CategoryUnsatisfiable, Message: msg})
}

func buildLine(f *ast.File) (constraint.Expr, token.Pos, token.Pos) {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) {
				if expr, err := constraint.Parse(c.Text); err == nil {
					return expr, c.Pos(), c.End()
				}
			}
		}
	}
	return nil, token.NoPos, token.NoPos
}

// impliedOS lists the GOOS values that also satisfy another GOOS tag, as
// in go/build: android implies linux, illumos solaris, ios darwin.
var impliedOS = map[string]string{"android": "linux", "illumos": "solaris", "ios": "darwin"}

// boringcrypto is the tag go/build reads the old "boringcrypto" tag as, so
// the two words are one setting.
const boringcrypto = "goexperiment.boringcrypto"

// Satisfiable reports whether some GOOS/GOARCH (with any cgo setting,
// compiler, Go release and custom tags) satisfies expr together with the
// file-name constraints goos and goarch ("" for none).
func Satisfiable(expr constraint.Expr, goos, goarch string) bool {
	key := goos + "/" + goarch
	if expr != nil {
		key += " " + expr.String()
	}
	return satisfiableMemo.Get(key, func() bool { return satisfiable(expr, goos, goarch) })
}

// satisfiableMemo keeps Satisfiable's answers: a driver asks about the same
// few constraints for every target and edit, and each answer enumerates
// every GOOS/GOARCH.
var satisfiableMemo = memo.New[string, bool](4096)

func satisfiable(expr constraint.Expr, goos, goarch string) bool {
	free := map[string]bool{}
	if expr != nil {
		collectTags(expr, free)
	}
	for tag := range free {
		if target.KnownOS[tag] || target.KnownArch[tag] || tag == "unix" {
			delete(free, tag)
		}
	}
	if free["boringcrypto"] {
		delete(free, "boringcrypto")
		free[boringcrypto] = true
	}
	var freeTags []string
	for tag := range free {
		freeTags = append(freeTags, tag)
	}
	sort.Strings(freeTags)
	if len(freeTags) > 12 {
		return true // too many independent tags to enumerate; assume a user sets them
	}
	for os := range target.KnownOS {
		if goos != "" && os != goos && impliedOS[os] != goos {
			continue
		}
		for arch := range target.KnownArch {
			if goarch != "" && arch != goarch {
				continue
			}
			if expr == nil {
				return true
			}
			for mask := 0; mask < 1<<len(freeTags); mask++ {
				ok := expr.Eval(func(tag string) bool {
					switch {
					case tag == os || tag == arch || impliedOS[os] == tag:
						return true
					case tag == "unix":
						return target.UnixOS[os]
					case target.KnownOS[tag] || target.KnownArch[tag]:
						return false
					case tag == "boringcrypto":
						tag = boringcrypto
					}
					for i, ft := range freeTags {
						if ft == tag {
							return mask&(1<<i) != 0
						}
					}
					return false
				})
				if ok {
					return true
				}
			}
		}
	}
	return false
}

func collectTags(expr constraint.Expr, tags map[string]bool) {
	switch x := expr.(type) {
	case *constraint.TagExpr:
		tags[x.Tag] = true
	case *constraint.NotExpr:
		collectTags(x.X, tags)
	case *constraint.AndExpr:
		collectTags(x.X, tags)
		collectTags(x.Y, tags)
	case *constraint.OrExpr:
		collectTags(x.X, tags)
		collectTags(x.Y, tags)
	}
}
