package main

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crossls/crossls/internal/matrix"
)

// The HTML report of crossls check: one self-contained page (inline CSS
// and JavaScript, nothing fetched) for CI artifacts, with the grid of
// packages x targets, each cell linking to its findings, and the findings
// with their targets. It stays readable at 47 ports and hundreds of
// packages: headers stick, and the grid filters by package, target and
// status.

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": strings.Join,
}).Parse(reportTemplateText))

type reportPage struct {
	Title     string
	GoVersion string
	Targets   []string
	Packages  []reportPackage
	Modules   []checkModule
	// Counts for the summary line.
	Cells, Failing, Findings int
	TestsFailing             int // package/target pairs whose tests do not compile
	Errors, Warnings, Infos  int
}

type reportPackage struct {
	Index    int
	Path     string
	Dir      string
	Cells    []reportCell // one per target of the page
	Failing  []reportReason
	Findings []reportFinding
	Fails    bool
}

type reportCell struct {
	Target string
	Status string // ok, fail, unchecked, none (not a target of its module)
	Class  string
	Title  string // the tooltip
	Anchor string // the id of its findings
	Symbol string
	// TestsAnchor, if set, is the id of the reason its tests fail.
	TestsAnchor string
}

// reasonKey identifies a reason a package fails, for the targets that
// share it.
type reasonKey struct {
	tests               bool
	class, message, pos string
}

// reportReason is a failing verdict and the targets that share it.
type reportReason struct {
	Tests   bool // the verdict of the package's tests
	Anchors []string
	Targets []string
	Class   string
	Message string
	Pos     string
}

type reportFinding struct {
	Pos      string
	Severity string
	Analyzer string
	Message  string
	Targets  []string
}

func writeHTMLReport(w io.Writer, dir string, res *matrix.Result, modules []checkModule) error {
	// Paths in messages read as in the rest of the page: relative.
	rel := strings.NewReplacer(dir+string(filepath.Separator), "").Replace
	page := reportPage{Title: "crossls check: " + dir, GoVersion: res.GoVersion, Targets: res.Targets, Modules: modules}
	byPackage := map[string][]matrix.Diagnostic{}
	for _, d := range res.Diagnostics {
		byPackage[d.Package] = append(byPackage[d.Package], d)
		page.Findings++
		switch d.Severity {
		case matrix.SeverityError:
			page.Errors++
		case matrix.SeverityWarning:
			page.Warnings++
		default:
			page.Infos++
		}
	}
	for i, p := range res.Packages {
		rp := reportPackage{Index: i, Path: p.Path, Dir: workspacePath(dir, p.Dir)}
		reasons := map[reasonKey]int{}
		addReason := func(v *matrix.Verdict, tests bool, t, anchor string) {
			k, seen := reasons[reasonKey{tests, v.Class, v.Message, v.Pos}]
			if !seen {
				k = len(rp.Failing)
				reasons[reasonKey{tests, v.Class, v.Message, v.Pos}] = k
				pos := v.Pos
				if file, line, col, ok := splitPosition(pos); ok {
					pos = fmt.Sprintf("%s:%d:%d", workspacePath(dir, file), line, col)
				}
				rp.Failing = append(rp.Failing, reportReason{Tests: tests, Class: v.Class, Message: rel(v.Message), Pos: pos})
			}
			rp.Failing[k].Targets = append(rp.Failing[k].Targets, t)
			rp.Failing[k].Anchors = append(rp.Failing[k].Anchors, anchor)
		}
		for j, t := range res.Targets {
			c := reportCell{Target: t, Anchor: fmt.Sprintf("c%d-%d", i, j)}
			v, ok := p.Targets[t]
			switch {
			case !ok:
				c.Status, c.Symbol, c.Title = "none", "", t+": not a target of this package's module"
			case v.Status == "ok":
				c.Status, c.Symbol, c.Title = "ok", "✓", t+": builds"
			default:
				c.Status, c.Class = v.Status, v.Class
				c.Symbol = map[string]string{"fail": "✗", "unchecked": "?"}[v.Status]
				c.Title = fmt.Sprintf("%s: %s", t, v.Message)
				if v.Class != "" {
					c.Title += " (" + v.Class + ")"
				}
				if v.Class == matrix.ClassNoGoFiles {
					c.Symbol = "∅"
				}
				if v.Status == "fail" {
					page.Failing++
					rp.Fails = true
				}
				addReason(&v, false, t, c.Anchor)
			}
			if tv := v.Tests; ok && tv != nil && tv.Status != "ok" {
				c.TestsAnchor = c.Anchor + "t"
				c.Title += fmt.Sprintf("; its tests: %s (%s)", tv.Message, tv.Class)
				if tv.Status == "fail" {
					page.TestsFailing++
					rp.Fails = true
				}
				addReason(tv, true, t, c.TestsAnchor)
			}
			if ok {
				page.Cells++
			}
			rp.Cells = append(rp.Cells, c)
		}
		for _, d := range byPackage[p.Path] {
			rp.Findings = append(rp.Findings, reportFinding{
				Pos:      fmt.Sprintf("%s:%d:%d", workspacePath(dir, d.File), d.Line, d.Column),
				Severity: d.Severity,
				Analyzer: d.Analyzer,
				Message:  rel(d.Message),
				Targets:  slices.Clone(d.Targets),
			})
		}
		page.Packages = append(page.Packages, rp)
	}
	return reportTemplate.Execute(w, page)
}

// splitPosition splits "file:line:col".
func splitPosition(pos string) (string, int, int, bool) {
	var line, col int
	i := strings.LastIndexByte(pos, ':')
	if i < 0 {
		return "", 0, 0, false
	}
	j := strings.LastIndexByte(pos[:i], ':')
	if j < 0 {
		return "", 0, 0, false
	}
	if _, err := fmt.Sscanf(pos[j+1:], "%d:%d", &line, &col); err != nil {
		return "", 0, 0, false
	}
	return pos[:j], line, col, true
}
