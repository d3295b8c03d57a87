package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crossls/crossls/internal/matrix"
)

// SARIF 2.1.0 output for code scanning (GitHub's among others): one run
// for all targets, a rule per analyzer and per verdict class, each finding
// a result with its targets as properties, and each failing verdict a
// result at its first error.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	srcRoot      = "%SRCROOT%"
	fingerprintK = "crosslsFinding/v1"
	// sarifShardKey is the run property that holds a shard's part.
	sarifShardKey = "crossls/shard"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"`
	Properties         map[string]any                   `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	InformationURI  string      `json:"informationUri"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string           `json:"id"`
	Name                 string           `json:"name"`
	ShortDescription     sarifText        `json:"shortDescription"`
	FullDescription      sarifText        `json:"fullDescription"`
	Help                 sarifHelp        `json:"help"`
	DefaultConfiguration sarifRuleConfig  `json:"defaultConfiguration"`
	Properties           sarifRuleDetails `json:"properties"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleDetails struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Fixes               []sarifFix        `json:"fixes,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Targets []string `json:"targets"`
	Package string   `json:"package,omitempty"`
	Class   string   `json:"class,omitempty"`
	// Tests marks the verdict of a package's tests.
	Tests bool `json:"tests,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent *sarifText  `json:"insertedContent,omitempty"`
}

// ruleSpec describes one rule: an analyzer, or a class of failing verdict.
type ruleSpec struct {
	id, name, short, help string
	level                 string
	tags                  []string
}

var analyzerRules = []ruleSpec{
	{"buildgap", "BrokenForSomeTargets", "Code that builds for some targets only.",
		"A symbol defined only in files that some targets leave out (with the definitions as related locations), an import of a package with no Go files for a target, any other compile error that appears only for some targets, a function body that no assembly provides, a build constraint that can never be satisfied, or a file that no configured target builds. The message starts with the targets it affects.",
		"error", []string{"correctness", "portability"}},
	{"cgo", "LostWithoutCgo", "Code that is lost or fails when cgo is off.",
		"A file that imports \"C\" and is left out when CGO_ENABLED=0 with nothing in its place, a use of its symbols, an import of a dependency that needs cgo (with the import chain), a !cgo fallback that fails at run time, or a cgo target without a working C cross compiler. A fallback that works is information.",
		"warning", []string{"correctness", "portability", "cgo"}},
	{"taghygiene", "MisspeltPlatformWord", "Misspelt or malformed build constraints and file name suffixes.",
		"A file name suffix or a //go:build word that is not a known GOOS or GOARCH (util_windwos.go builds on every target), with a fix that corrects it.",
		"warning", []string{"correctness", "portability"}},
	{"buildtag", "MalformedBuildConstraint", "Malformed build constraint lines.",
		"A //go:build or // +build line that the go command cannot read, or that is misplaced, as go vet's buildtag check reports it.",
		"warning", []string{"correctness"}},
	{"format", "SyntaxOrFormatting", "Syntax errors and files that are not gofmt-clean.",
		"A syntax error, or a file that gofmt would change, with the formatted text as a fix.",
		"warning", []string{"style"}},
}

var verdictRules = []ruleSpec{
	{"verdict/" + matrix.ClassNoGoFiles, "NoGoFiles", "A package has no Go files for some targets.",
		"Build constraints exclude every non-test file of the package for these targets, so go build fails with \"build constraints exclude all Go files\".",
		"error", nil},
	{"verdict/" + matrix.ClassCgoRequired, "CgoRequired", "A package needs cgo for some targets.",
		"Every file the target would build imports \"C\" while cgo is off, or the first compile error is a name declared only in files that import \"C\".",
		"error", []string{"cgo"}},
	{"verdict/" + matrix.ClassUndefinedSymbol, "UndefinedSymbol", "A package uses a name that some targets do not define.",
		"The first compile error is an undefined name or method that is declared in a file this target excludes.",
		"error", nil},
	{"verdict/" + matrix.ClassTypeError, "TypeError", "A package does not compile for some targets.",
		"The first compile error is a type error, a function without a body, a misused compiler directive, or a link error of a main package.",
		"error", nil},
	{"verdict/" + matrix.ClassDependencyFails, "DependencyFails", "An imported package does not build for some targets.",
		"A package this one imports, directly or not, fails to build for these targets; the message names it and its reason.",
		"error", nil},
	{"verdict/" + matrix.ClassOther, "OtherBuildFailure", "A package does not build for some targets.",
		"A syntax error, a package loading error, a C error found by cgo or the C compiler, or a cgo target whose C compiler does not work.",
		"error", nil},
}

// testsRules are the verdict rules for a package's tests (go vet's
// verdict): tests/<class>.
var testsRules = func() []ruleSpec {
	var rules []ruleSpec
	for _, r := range verdictRules {
		r.id = "tests/" + strings.TrimPrefix(r.id, "verdict/")
		r.name = "Tests" + r.name
		r.short = "A package's tests do not compile for some targets (" + strings.TrimPrefix(r.id, "tests/") + ")."
		r.help = "The package compiled with its _test.go files, or its external test package, fails to compile as go vet compiles it: " + r.help
		r.tags = append([]string{"tests"}, r.tags...)
		rules = append(rules, r)
	}
	return rules
}()

func (r ruleSpec) sarif() sarifRule {
	kind := "analyzer"
	if strings.HasPrefix(r.id, "verdict/") || strings.HasPrefix(r.id, "tests/") {
		kind = "verdict"
	}
	return sarifRule{
		ID:               r.id,
		Name:             r.name,
		ShortDescription: sarifText{r.short},
		FullDescription:  sarifText{r.help},
		Help: sarifHelp{
			Text:     r.help + " Each result lists the targets it affects in its properties; see " + docsURL + ".",
			Markdown: fmt.Sprintf("**%s** (%s `%s`)\n\n%s\n\nEach result lists the targets it affects in its properties. See [crossls](%s).", r.short, kind, r.id, r.help, docsURL),
		},
		DefaultConfiguration: sarifRuleConfig{Level: r.level},
		Properties:           sarifRuleDetails{Tags: append([]string{"crossls"}, r.tags...), Precision: "very-high"},
	}
}

const docsURL = "https://github.com/crossls/crossls"

var sarifLevels = map[string]string{
	matrix.SeverityError:   "error",
	matrix.SeverityWarning: "warning",
	matrix.SeverityInfo:    "note",
}

// sarifWriter turns a check's result into a SARIF log. Locations are URIs
// relative to root (the repository) where they are inside it. Columns
// are converted from bytes to UTF-16 code units, and fingerprints hashed
// from the text of the finding's line, so both read the source files.
type sarifWriter struct {
	root  string
	lines map[string][]string // file -> its lines; nil if unreadable
	rules []ruleSpec
}

// sarifLogOf returns the SARIF log of res. root is the directory that
// locations are relative to; tool is the crossls version.
func sarifLogOf(res *matrix.Result, root, tool string) *sarifLog {
	w := &sarifWriter{root: root, lines: map[string][]string{}, rules: slices.Concat(analyzerRules, verdictRules, testsRules)}
	ruleIndex := map[string]int{}
	for i, r := range w.rules {
		ruleIndex[r.id] = i
	}
	rule := func(id string) int {
		if i, ok := ruleIndex[id]; ok {
			return i
		}
		// An analyzer this writer does not describe yet.
		w.rules = append(w.rules, ruleSpec{id: id, name: "Analyzer_" + id, short: "Findings of the " + id + " analyzer.",
			help: "Findings of the " + id + " analyzer, for the targets each result lists.", level: "warning"})
		ruleIndex[id] = len(w.rules) - 1
		return len(w.rules) - 1
	}
	dirs := map[string]string{}
	for _, p := range res.Packages {
		dirs[p.Path] = p.Dir
	}

	var results []sarifResult
	for _, d := range res.Diagnostics {
		r := sarifResult{
			RuleID:     d.Analyzer,
			RuleIndex:  rule(d.Analyzer),
			Level:      sarifLevels[d.Severity],
			Message:    sarifText{d.Message},
			Properties: sarifResultProps{Targets: d.Targets, Package: d.Package},
		}
		if r.Level == "" {
			r.Level = "warning"
		}
		if d.File != "" {
			r.Locations = []sarifLocation{w.location(d.File, d.Line, d.Column, d.EndLine, d.EndColumn, "")}
		} else {
			r.Locations = []sarifLocation{w.packageLocation(dirs[d.Package])}
		}
		for _, rel := range d.Related {
			r.RelatedLocations = append(r.RelatedLocations, w.location(rel.File, rel.Line, rel.Column, rel.EndLine, rel.EndColumn, rel.Message))
		}
		for _, f := range d.Fixes {
			if fix, ok := w.fix(f); ok {
				r.Fixes = append(r.Fixes, fix)
			}
		}
		results = append(results, r)
	}
	results = append(results, w.verdictResults(res, rule)...)
	for i := range results {
		for j := range results[i].RelatedLocations {
			id := j + 1
			results[i].RelatedLocations[j].ID = &id
		}
	}
	w.fingerprint(results)
	if results == nil {
		results = []sarifResult{}
	}

	// A release's version is numeric, as SARIF consumers compare them.
	driver := sarifDriver{Name: "crossls", InformationURI: docsURL, Version: tool}
	if v, ok := strings.CutPrefix(tool, "v"); ok && v != "" && v[0] >= '0' && v[0] <= '9' {
		driver.Version, driver.SemanticVersion = v, v
	}
	for _, r := range w.rules {
		driver.Rules = append(driver.Rules, r.sarif())
	}
	return &sarifLog{
		Schema:  sarifSchema,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:               sarifTool{Driver: driver},
			OriginalURIBaseIDs: map[string]sarifArtifactLocation{srcRoot: {URI: fileURI(root) + "/"}},
			ColumnKind:         "utf16CodeUnits",
			Results:            results,
			Properties:         map[string]any{"targets": res.Targets, "goVersion": res.GoVersion},
		}},
	}
}

// verdictResults makes a result of each failing verdict, once for all the
// targets with the same package, class, message and position; and of each
// failing verdict of a package's tests likewise.
func (w *sarifWriter) verdictResults(res *matrix.Result, rule func(string) int) []sarifResult {
	var out []sarifResult
	for _, p := range res.Packages {
		for _, tests := range []bool{false, true} {
			type reason struct{ class, message, pos string }
			var order []reason
			targets := map[reason][]string{}
			for _, t := range res.Targets {
				v, ok := p.Targets[t]
				if tests && ok {
					v, ok = derefVerdict(v.Tests)
				}
				if !ok || v.Status != "fail" {
					continue
				}
				class := v.Class
				if class == "" {
					class = matrix.ClassOther
				}
				r := reason{class, v.Message, v.Pos}
				if targets[r] == nil {
					order = append(order, r)
				}
				targets[r] = append(targets[r], t)
			}
			for _, v := range order {
				ts := targets[v]
				id, what := "verdict/"+v.class, p.Path+" does not build"
				if tests {
					id, what = "tests/"+v.class, "the tests of "+p.Path+" do not compile"
				}
				r := sarifResult{
					RuleID:     id,
					RuleIndex:  rule(id),
					Level:      "error",
					Message:    sarifText{fmt.Sprintf("%s %s: %s", targetLabel(ts, len(res.Targets)), what, v.message)},
					Properties: sarifResultProps{Targets: ts, Package: p.Path, Class: v.class, Tests: tests},
				}
				file, line, col, ok := splitPos(v.pos)
				if ok && w.inside(file) {
					r.Locations = []sarifLocation{w.location(file, line, col, line, col, "")}
				} else {
					r.Locations = []sarifLocation{w.packageLocation(p.Dir)}
					if ok {
						r.RelatedLocations = []sarifLocation{w.location(file, line, col, line, col, "the first error")}
					}
				}
				out = append(out, r)
			}
		}
	}
	return out
}

func derefVerdict(v *matrix.Verdict) (matrix.Verdict, bool) {
	if v == nil {
		return matrix.Verdict{}, false
	}
	return *v, true
}

// targetLabel names targets as a finding's message does.
func targetLabel(targets []string, total int) string {
	if len(targets) == total && total > 1 {
		return "[all targets]"
	}
	return "[" + strings.Join(targets, " ") + "]"
}

// splitPos reads a go command position "file:line:col" (or "file:line").
func splitPos(pos string) (file string, line, col int, ok bool) {
	rest, last, found := cutLast(pos, ":")
	if !found {
		return "", 0, 0, false
	}
	n, err := strconv.Atoi(last)
	if err != nil {
		return "", 0, 0, false
	}
	if f, l, found := cutLast(rest, ":"); found {
		if m, err := strconv.Atoi(l); err == nil {
			return f, m, n, f != ""
		}
	}
	return rest, n, 1, rest != ""
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func (w *sarifWriter) inside(file string) bool {
	rel, err := filepath.Rel(w.root, file)
	return err == nil && filepath.IsLocal(rel)
}

// artifact names file relative to the root where it is inside it.
func (w *sarifWriter) artifact(file string) sarifArtifactLocation {
	if rel, err := filepath.Rel(w.root, file); err == nil && filepath.IsLocal(rel) {
		var segs []string
		for _, s := range strings.Split(filepath.ToSlash(rel), "/") {
			segs = append(segs, strings.ReplaceAll(url.PathEscape(s), ":", "%3A"))
		}
		return sarifArtifactLocation{URI: strings.Join(segs, "/"), URIBaseID: srcRoot}
	}
	return sarifArtifactLocation{URI: fileURI(file)}
}

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

func (w *sarifWriter) location(file string, line, col, endLine, endCol int, msg string) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: w.artifact(file), Region: w.region(file, line, col, endLine, endCol)}}
	if msg != "" {
		loc.Message = &sarifText{msg}
	}
	return loc
}

// packageLocation stands for a package as a whole: its first Go file, a
// test file if it has only those (code scanning shows a file, not a
// directory).
func (w *sarifWriter) packageLocation(dir string) sarifLocation {
	if dir == "" {
		return sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: w.artifact(w.root)}}
	}
	entries, _ := os.ReadDir(dir)
	var names, tests []string
	for _, e := range entries {
		switch n := e.Name(); {
		case !e.Type().IsRegular() || !strings.HasSuffix(n, ".go"):
		case strings.HasSuffix(n, "_test.go"):
			tests = append(tests, n)
		default:
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		names = tests
	}
	sort.Strings(names)
	if len(names) == 0 {
		loc := w.artifact(dir)
		loc.URI += "/"
		return sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: loc}}
	}
	return w.location(filepath.Join(dir, names[0]), 1, 1, 1, 1, "")
}

// region converts a span of 1-based lines and byte columns; nil if it has
// no line.
func (w *sarifWriter) region(file string, line, col, endLine, endCol int) *sarifRegion {
	if line <= 0 {
		return nil
	}
	r := &sarifRegion{StartLine: line}
	if col <= 0 {
		return r
	}
	r.StartColumn = w.column(file, line, col)
	if endLine < line || endLine == line && endCol < col {
		endLine, endCol = line, col
	}
	r.EndLine = endLine
	if endCol <= 0 {
		endCol = 1
	}
	r.EndColumn = w.column(file, endLine, endCol)
	return r
}

// column converts a 1-based byte column to UTF-16 code units.
func (w *sarifWriter) column(file string, line, col int) int {
	text, ok := w.line(file, line)
	if !ok {
		return col
	}
	b := col - 1
	extra := 0
	if b > len(text) {
		extra, b = b-len(text), len(text)
	}
	units := 0
	for s := text[:b]; s != ""; {
		r, size := utf8.DecodeRuneInString(s)
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		s = s[size:]
	}
	return units + extra + 1
}

func (w *sarifWriter) line(file string, n int) (string, bool) {
	lines, ok := w.lines[file]
	if !ok {
		if data, err := os.ReadFile(file); err == nil {
			lines = strings.Split(string(data), "\n")
			for i, l := range lines {
				lines[i] = strings.TrimSuffix(l, "\r")
			}
		}
		w.lines[file] = lines
	}
	if n < 1 || n > len(lines) {
		return "", false
	}
	return lines[n-1], true
}

// fix converts a fix made of edits or a new file; SARIF has no renames,
// so a fix that renames is left out.
func (w *sarifWriter) fix(f matrix.Fix) (sarifFix, bool) {
	if f.Rename != nil {
		return sarifFix{}, false
	}
	out := sarifFix{Description: sarifText{f.Message}}
	byFile := map[string]int{}
	for _, e := range f.Edits {
		i, ok := byFile[e.File]
		if !ok {
			i = len(out.ArtifactChanges)
			byFile[e.File] = i
			out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{ArtifactLocation: w.artifact(e.File)})
		}
		rep := sarifReplacement{DeletedRegion: *w.editRegion(e)}
		if e.NewText != "" {
			rep.InsertedContent = &sarifText{e.NewText}
		}
		out.ArtifactChanges[i].Replacements = append(out.ArtifactChanges[i].Replacements, rep)
	}
	if f.Create != nil {
		out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{
			ArtifactLocation: w.artifact(f.Create.File),
			Replacements: []sarifReplacement{{
				DeletedRegion:   sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1},
				InsertedContent: &sarifText{f.Create.Content},
			}},
		})
	}
	return out, len(out.ArtifactChanges) > 0
}

func (w *sarifWriter) editRegion(e matrix.Edit) *sarifRegion {
	line, col := max(e.Line, 1), max(e.Column, 1)
	return w.region(e.File, line, col, e.EndLine, e.EndColumn)
}

// fingerprint gives each result a fingerprint that stays with the finding
// when lines above it come or go: a hash of its rule, file, message
// without the targets, package and the text of its line, then the count
// of earlier results in the run with the same hash.
func (w *sarifWriter) fingerprint(results []sarifResult) {
	seen := map[string]int{}
	for i := range results {
		r := &results[i]
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", r.RuleID, r.Properties.Package, r.Properties.Class, stripLabel(r.Message.Text))
		loc := r.Locations[0].PhysicalLocation
		fmt.Fprintf(h, "%s\x00", loc.ArtifactLocation.URI)
		if loc.Region != nil {
			if file, ok := w.fileOf(loc.ArtifactLocation); ok {
				text, _ := w.line(file, loc.Region.StartLine)
				fmt.Fprintf(h, "%s", strings.Join(strings.Fields(text), " "))
			}
		}
		sum := hex.EncodeToString(h.Sum(nil))[:32]
		r.PartialFingerprints = map[string]string{fingerprintK: fmt.Sprintf("%s:%d", sum, seen[sum])}
		seen[sum]++
	}
}

// fileOf is the path of an artifact this writer named.
func (w *sarifWriter) fileOf(a sarifArtifactLocation) (string, bool) {
	if a.URIBaseID == srcRoot {
		p, err := url.PathUnescape(a.URI)
		return filepath.Join(w.root, filepath.FromSlash(p)), err == nil
	}
	u, err := url.Parse(a.URI)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	return filepath.FromSlash(u.Path), true
}

// stripLabel removes the targets that start a message, which change with
// the configured targets while the finding stays the same.
func stripLabel(msg string) string {
	if strings.HasPrefix(msg, "[") {
		if i := strings.Index(msg, "] "); i >= 0 {
			return msg[i+2:]
		}
	}
	return msg
}

// sarifRoot is the directory SARIF locations are relative to: the
// repository holding dir (code scanning resolves them against it), else
// dir.
func sarifRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
