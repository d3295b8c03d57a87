package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// The precision part measures what a user reads: the findings of
// `crossls check -json ./...` on real modules, counted by severity and
// analyzer, grouped into root causes, and set against the packages that
// build for every target.

// finding is the part of a diagnostic (docs/check-json.md) the precision
// table reads.
type finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Severity string   `json:"severity"`
	Analyzer string   `json:"analyzer"`
	Message  string   `json:"message"`
	Targets  []string `json:"targets"`
	Package  string   `json:"package"`
}

type precisionJSON struct {
	checkJSON
	Diagnostics []finding `json:"diagnostics"`
}

// precision is what one check of one module says.
type precision struct {
	Packages, BuildEverywhere int // packages; those that build for every target
	Findings                  int
	BySeverity, ByAnalyzer    map[string]int
	Causes                    int // distinct root causes
	MaxPerCause               int // findings of the most reported root cause
	// Repeated counts the (package, root cause) pairs with more than one
	// finding: the goal is none.
	Repeated int
	// WhereBuilds counts, by severity, the findings in packages that
	// build for every target.
	WhereBuilds map[string]int
	// TopCause is the most reported root cause, for the report.
	TopCause string
}

var (
	labelRE = regexp.MustCompile(`^\[[^\]]*\] `)
	viaRE   = regexp.MustCompile(` \(via [^)]*\)`)
	// "P does not build for this target: Q fails: R" is Q's failure.
	depFailsRE = regexp.MustCompile(`^\S+ does not build for this target: (\S+ fails: .*)$`)
)

// rootCause names what a finding reports, so that findings a user fixes
// with one change count once: the message without its targets label and
// without the import chain ("via ..."), a failing dependency's reason
// rather than the import that reaches it, and the affected targets.
func rootCause(f finding) string {
	msg := labelRE.ReplaceAllString(f.Message, "")
	msg = viaRE.ReplaceAllString(msg, "")
	if m := depFailsRE.FindStringSubmatch(msg); m != nil {
		msg = m[1]
	}
	targets := slices.Clone(f.Targets)
	slices.Sort(targets)
	return f.Analyzer + ": " + msg + " [" + strings.Join(targets, " ") + "]"
}

// measurePrecision reads `crossls check -json` output. A package counts
// as building for every target when no target's verdict fails, "no Go
// files" aside (go build ./... skips such a package).
func measurePrecision(data []byte) (*precision, error) {
	var out precisionJSON
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decoding -json output: %v", err)
	}
	p := &precision{Packages: len(out.Packages), BySeverity: map[string]int{}, ByAnalyzer: map[string]int{}, WhereBuilds: map[string]int{}}
	builds := map[string]bool{}
	for _, pkg := range out.Packages {
		ok := true
		for _, v := range pkg.Targets {
			if v.Status == "fail" && v.Class != "no-go-files" {
				ok = false
			}
		}
		builds[pkg.Path] = ok
		if ok {
			p.BuildEverywhere++
		}
	}
	perCause := map[string]int{}
	perPackage := map[[2]string]int{}
	for _, f := range out.Diagnostics {
		p.Findings++
		p.BySeverity[f.Severity]++
		analyzer := f.Analyzer
		if analyzer == "buildtag" {
			analyzer = "taghygiene" // the same switch
		}
		p.ByAnalyzer[analyzer]++
		if builds[f.Package] {
			p.WhereBuilds[f.Severity]++
		}
		cause := rootCause(f)
		perCause[cause]++
		perPackage[[2]string{f.Package, cause}]++
	}
	p.Causes = len(perCause)
	for cause, n := range perCause {
		if n > p.MaxPerCause || n == p.MaxPerCause && cause < p.TopCause {
			p.MaxPerCause, p.TopCause = n, cause
		}
	}
	for _, n := range perPackage {
		if n > 1 {
			p.Repeated++
		}
	}
	return p, nil
}

// precisionRow is one module checked by one crossls binary.
type precisionRow struct {
	module *module
	label  string // which crossls
	p      *precision
	err    error
}

// precisionPart checks each module with each binary (label -> path, in
// order) for targets and writes the precision table.
func precisionPart(ctx context.Context, cfg *config, base []string, mods []*module, targets []string, binaries [][2]string, w io.Writer) ([]precisionRow, error) {
	var rows []precisionRow
	for _, m := range mods {
		for _, b := range binaries {
			row := precisionRow{module: m, label: b[0]}
			if m.Dir == "" {
				row.err = fmt.Errorf("not fetched: %v", m.fetchErr)
				rows = append(rows, row)
				continue
			}
			progress("%s: precision of %s (%d targets)", m.short(), b[0], len(targets))
			env := withEnv(base, "XDG_CACHE_HOME="+filepath.Join(cfg.work, "cache", "precision-"+m.short()))
			data, err := checkOutput(ctx, b[1], m.Dir, env, targets)
			if err == nil {
				row.p, err = measurePrecision(data)
			}
			if ctx.Err() != nil {
				return rows, ctx.Err()
			}
			row.err = err
			rows = append(rows, row)
		}
	}

	t := table{header: []string{"module", "crossls", "pkgs (build everywhere)", "findings", "error / warning / info", "cgo / buildgap / taghygiene / format", "root causes", "per cause: mean / max", "repeated in a package", "where every target builds: e / w / i"}}
	for _, r := range rows {
		if r.err != nil {
			t.add(r.module.String(), r.label, "error: "+firstLineOf(r.err.Error()))
			continue
		}
		p := r.p
		mean := "-"
		if p.Causes > 0 {
			mean = fmt.Sprintf("%.1f", float64(p.Findings)/float64(p.Causes))
		}
		t.add(r.module.String(), r.label,
			fmt.Sprintf("%d (%d)", p.Packages, p.BuildEverywhere),
			fmt.Sprint(p.Findings),
			fmt.Sprintf("%d / %d / %d", p.BySeverity["error"], p.BySeverity["warning"], p.BySeverity["info"]),
			fmt.Sprintf("%d / %d / %d / %d", p.ByAnalyzer["cgo"], p.ByAnalyzer["buildgap"], p.ByAnalyzer["taghygiene"], p.ByAnalyzer["format"]),
			fmt.Sprint(p.Causes),
			fmt.Sprintf("%s / %d", mean, p.MaxPerCause),
			fmt.Sprint(p.Repeated),
			fmt.Sprintf("%d / %d / %d", p.WhereBuilds["error"], p.WhereBuilds["warning"], p.WhereBuilds["info"]),
		)
	}
	t.write(w)
	fmt.Fprintf(w, "\nTargets: %s. A root cause is a finding's message without its targets label and import chain (a failing dependency's reason for \"P does not build for this target: Q fails: R\"), with its analyzer and targets. \"Repeated in a package\": (package, root cause) pairs reported more than once (goal: 0). \"Where every target builds\": findings in packages whose verdict is ok (or no Go files) for every target; the CLI part compares verdicts with go build.\n\n", strings.Join(targets, ", "))
	for _, r := range rows {
		if r.err == nil && r.p.MaxPerCause > 1 {
			fmt.Fprintf(w, "- %s, %s: most reported root cause (%d findings): %s\n", r.module.short(), r.label, r.p.MaxPerCause, truncate(r.p.TopCause, 240))
		}
	}
	return rows, nil
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return truncate(line, 200)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
