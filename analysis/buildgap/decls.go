package buildgap

import (
	"go/ast"
	"go/build/constraint"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/syntax"
)

// A Decl is a top-level declaration in a file the current configuration
// leaves out of the build.
type Decl struct {
	Name     string // "F", or "T.M" for a method
	File     string // absolute path
	Pos, End token.Pos
	// ImportsC reports that the file imports "C": it is left out because
	// cgo is disabled rather than because of its GOOS/GOARCH.
	ImportsC bool
	// BuildsFor describes when the file builds: "linux", "linux && amd64",
	// "darwin || freebsd".
	BuildsFor string
}

// IndexDecls returns the top-level declarations of files, by name.
func IndexDecls(fset *token.FileSet, files []*ast.File) map[string][]Decl {
	index := map[string][]Decl{}
	for _, f := range files {
		path := fileName(fset, f)
		importsC := false
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` {
				importsC = true
			}
		}
		buildsFor := BuildsFor(path, f)
		syntax.TopLevelDecls(f, func(name string, id *ast.Ident) {
			index[name] = append(index[name], Decl{
				Name: name, File: path, Pos: id.Pos(), End: id.End(),
				ImportsC: importsC, BuildsFor: buildsFor,
			})
		})
	}
	return index
}

// fileName returns the name of f's file. It goes by FileStart, not
// f.Pos(): a file that lacks its package clause (empty, or garbage before
// it) still parses, with no position for the clause.
func fileName(fset *token.FileSet, f *ast.File) string {
	if tf := fset.File(f.FileStart); tf != nil {
		return tf.Name()
	}
	return ""
}

// BuildsFor describes the build constraint of a file, from its //go:build
// line and its file-name suffix.
func BuildsFor(path string, f *ast.File) string {
	goos, goarch := FileNameTags(filepath.Base(path))
	expr := BuildExpr(f)
	if expr != nil {
		tags := map[string]bool{}
		collectTags(expr, tags)
		if (goos == "" || tags[goos]) && (goarch == "" || tags[goarch]) {
			return expr.String() // the line already says what the name says
		}
	}
	var parts []string
	switch {
	case goos != "" && goarch != "":
		parts = append(parts, goos+"/"+goarch)
	case goos != "":
		parts = append(parts, goos)
	case goarch != "":
		parts = append(parts, goarch)
	}
	if expr != nil {
		s := expr.String()
		if len(parts) > 0 && strings.ContainsAny(s, "|&") {
			s = "(" + s + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "every target"
	}
	return strings.Join(parts, " && ")
}

// BuildOSes returns the GOOS values for which at least one of files builds
// with the default tags (no custom tags, cgo off), sorted.
func BuildOSes(fset *token.FileSet, files []*ast.File) []string {
	found := map[string]bool{}
	for _, f := range files {
		goos, goarch := FileNameTags(filepath.Base(fileName(fset, f)))
		expr := BuildExpr(f)
		for os := range target.KnownOS {
			if found[os] || goos != "" && os != goos && impliedOS[os] != goos {
				continue
			}
			for arch := range target.KnownArch {
				if goarch != "" && arch != goarch {
					continue
				}
				if expr == nil || expr.Eval(func(tag string) bool {
					switch {
					case tag == os || tag == arch || impliedOS[os] == tag, tag == "gc", strings.HasPrefix(tag, "go1."):
						return true
					case tag == "unix":
						return target.UnixOS[os]
					}
					return false
				}) {
					found[os] = true
					break
				}
			}
		}
	}
	oses := make([]string, 0, len(found))
	for os := range found {
		oses = append(oses, os)
	}
	sort.Strings(oses)
	return oses
}

// BuildExpr returns the file's //go:build expression, or nil.
func BuildExpr(f *ast.File) constraint.Expr {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) {
				if expr, err := constraint.Parse(c.Text); err == nil {
					return expr
				}
			}
		}
	}
	return nil
}

// FileNameTags returns the GOOS and GOARCH implied by a file name's
// suffixes (name_GOOS_GOARCH.go, name_GOOS.go, name_GOARCH.go), with the
// rules of go/build: only the part before the first dot counts, so
// x_linux.pb.go is a linux file and x.pb_linux.go is not.
func FileNameTags(name string) (goos, goarch string) {
	name, _, _ = strings.Cut(name, ".")
	name = strings.TrimSuffix(name, "_test")
	i := strings.Index(name, "_")
	if i < 0 {
		return "", ""
	}
	l := strings.Split(name[i:], "_")
	n := len(l)
	if n >= 2 && target.KnownOS[l[n-2]] && target.KnownArch[l[n-1]] {
		return l[n-2], l[n-1]
	}
	if n >= 1 && target.KnownOS[l[n-1]] {
		return l[n-1], ""
	}
	if n >= 1 && target.KnownArch[l[n-1]] {
		return "", l[n-1]
	}
	return "", ""
}

var (
	undefinedRE = regexp.MustCompile(`^undefined: ([A-Za-z_][A-Za-z0-9_]*)$`)
	// "x.M undefined (type T has no field or method M)", also "*T".
	methodRE = regexp.MustCompile(`undefined \(type \*?(?:[A-Za-z0-9_./]+\.)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])? has no field or method ([A-Za-z_][A-Za-z0-9_]*)`)
)

// MissingName returns the name a type error says is undefined, as a key of
// IndexDecls: "F" for "undefined: F", "T.M" for a missing method of T.
func MissingName(err types.Error) (string, bool) {
	if m := undefinedRE.FindStringSubmatch(err.Msg); m != nil {
		return m[1], true
	}
	if m := methodRE.FindStringSubmatch(err.Msg); m != nil {
		return m[1] + "." + m[2], true
	}
	return "", false
}
