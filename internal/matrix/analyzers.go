package matrix

import (
	"go/ast"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildtag"

	"github.com/crossls/crossls/analysis/buildgap"
	"github.com/crossls/crossls/analysis/cgo"
	"github.com/crossls/crossls/analysis/format"
	"github.com/crossls/crossls/analysis/taghygiene"
	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/syntax"
)

// analyzerSpec names an analyzer as configuration does and builds its
// instance for a target.
type analyzerSpec struct {
	name      string // the switch in configuration
	forTarget func(target.Target) *analysis.Analyzer
	inputs    inputScope
	contract  passContract
}

// passContract says what an analyzer gets of an analysis.Pass.
type passContract int

const (
	// fullPass is the Pass x/tools' checker gives: every file's syntax,
	// the package and complete types.Info (Types, Defs, Uses, Implicits,
	// Selections, Scopes, Instances, FileVersions) from a check of the
	// current files, every type error, requirements' results (an analyzer
	// whose requirement was skipped is skipped), facts about every
	// dependency, the standard library included. It is the contract of
	// any analyzer not listed as syntaxPass, and costs a complete check
	// per package.
	fullPass passContract = iota
	// syntaxPass is what crossls's own analyzers are written against and
	// what lets an edit re-check only what it changed: Files (for a
	// dependency, its imports only), IgnoredFiles, OtherFiles, ReadFile,
	// TypeErrors, TypesSizes, facts about dependencies outside the
	// standard library, and Pkg for its path, name, imports and the names
	// in its scope (its objects may come from an earlier check of the
	// same declarations, with their positions then). TypesInfo records
	// expression types, definitions and uses only in a package with a
	// type error that names a missing field or method; otherwise it is
	// empty.
	syntaxPass
)

// inputScope says what an analyzer's results depend on, so that results
// can be reused while those inputs stay the same.
type inputScope int

const (
	// scopeFiles: only the package's files, whatever the target.
	scopeFiles inputScope = iota
	// scopeUnit: the type-checked package and the files it leaves out.
	scopeUnit
	// scopeTarget: as scopeUnit, plus the target's build configuration
	// and the files dependencies leave out (facts).
	scopeTarget
)

// boundAnalyzer is an analyzer instance for one target.
type boundAnalyzer struct {
	*analysis.Analyzer
	inputs   inputScope
	contract passContract
}

func always(a *analysis.Analyzer) func(target.Target) *analysis.Analyzer {
	return func(target.Target) *analysis.Analyzer { return a }
}

// analyzerSpecs lists the analyzers in the order they run. x/tools'
// buildtag checks malformed constraint lines; taghygiene's switch covers it.
var analyzerSpecs = []analyzerSpec{
	{"cgo", cgo.ForTarget, scopeTarget, syntaxPass},
	{"buildgap", always(buildgap.Analyzer), scopeUnit, syntaxPass},
	{"taghygiene", always(taghygiene.Analyzer), scopeFiles, syntaxPass},
	{"taghygiene", always(buildtagAnalyzer), scopeFiles, syntaxPass},
	{"format", always(format.Analyzer), scopeFiles, syntaxPass},
}

// AnalyzerNames lists the analyzers that configuration can switch.
func AnalyzerNames() []string {
	var names []string
	for _, s := range analyzerSpecs {
		if len(names) == 0 || names[len(names)-1] != s.name {
			names = append(names, s.name)
		}
	}
	return names
}

func analyzersFor(specs []analyzerSpec, t target.Target, enabled map[string]bool) []boundAnalyzer {
	var out []boundAnalyzer
	for _, s := range specs {
		if on, ok := enabled[s.name]; ok && !on {
			continue
		}
		out = append(out, boundAnalyzer{s.forTarget(t), s.inputs, s.contract})
	}
	return out
}

// factsFromStd reports whether an analyzer needs facts about standard
// library packages: a full-contract one that has facts.
func factsFromStd(analyzers []boundAnalyzer) bool {
	return slices.ContainsFunc(analyzers, func(a boundAnalyzer) bool {
		return a.contract == fullPass && len(a.FactTypes) > 0
	})
}

// buildtagAnalyzer is x/tools' buildtag with the files the configuration
// ignores read through the pass (unsaved buffers) and parsed once per
// content: buildtag.Analyzer parses them from disk on every run, into the
// session's FileSet, which would grow with every edit.
var buildtagAnalyzer = &analysis.Analyzer{
	Name: buildtag.Analyzer.Name,
	Doc:  buildtag.Analyzer.Doc,
	URL:  buildtag.Analyzer.URL,
	Run: func(pass *analysis.Pass) (any, error) {
		// buildtag's own order and rules: compiled files, other files,
		// then ignored ones, stopping at an ignored Go file that does not
		// parse.
		run := func(files []*ast.File, other []string) error {
			p := *pass
			p.Files, p.OtherFiles, p.IgnoredFiles = files, other, nil
			_, err := buildtag.Analyzer.Run(&p)
			return err
		}
		if err := run(pass.Files, pass.OtherFiles); err != nil {
			return nil, err
		}
		for _, name := range pass.IgnoredFiles {
			if !strings.HasSuffix(name, ".go") {
				if err := run(nil, []string{name}); err != nil {
					return nil, err
				}
				continue
			}
			src, err := pass.ReadFile(name)
			if err != nil {
				return nil, nil
			}
			f, err := syntax.ParseIgnored(pass.Fset, name, src)
			if err != nil {
				return nil, nil
			}
			if err := run([]*ast.File{f}, nil); err != nil {
				return nil, err
			}
		}
		return nil, nil
	},
}
