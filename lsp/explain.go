package lsp

import (
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crossls/crossls/analysis/target"
)

// A fileExplanation says which configured targets build a file and why
// the others do not, as the go command decides: the file name's
// GOOS/GOARCH suffix, its build constraint, and import "C" without cgo.
type fileExplanation struct {
	file     string
	builds   []string
	excluded []exclusion // one per reason, in the order of the targets
	// constraint is the file's //go:build (or // +build) line, if any.
	constraint string
}

// An exclusion is one reason why some targets leave a file out.
type exclusion struct {
	reason  string // markdown
	short   string // plain text
	targets []string
}

func (e *fileExplanation) total() int {
	n := len(e.builds)
	for _, x := range e.excluded {
		n += len(x.targets)
	}
	return n
}

func (e *fileExplanation) excludedTargets() []string {
	var out []string
	for _, x := range e.excluded {
		out = append(out, x.targets...)
	}
	return out
}

// explainFile matches the file at path, with content text, against each
// target. dist, if known, names the GOOS and GOARCH words of the suffix.
func explainFile(path, text string, targets []target.Target, dist *target.Dist) *fileExplanation {
	dir, name := filepath.Split(path)
	e := &fileExplanation{file: name}
	header, constraintLine := fileHeader(path, text)
	e.constraint = constraintLine
	for _, t := range targets {
		why, short := excludedBecause(t, dir, name, text, header, constraintLine, dist)
		if why == "" {
			e.builds = append(e.builds, t.String())
			continue
		}
		i := slices.IndexFunc(e.excluded, func(x exclusion) bool { return x.reason == why })
		if i < 0 {
			e.excluded = append(e.excluded, exclusion{reason: why, short: short})
			i = len(e.excluded) - 1
		}
		e.excluded[i].targets = append(e.excluded[i].targets, t.String())
	}
	return e
}

// fileHeader returns the text before the package clause followed by a
// bare package clause (what build constraints are read from), and the
// build constraint line.
func fileHeader(path, text string) (header, constraintLine string) {
	f, err := parser.ParseFile(token.NewFileSet(), path, text, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil || f == nil || !f.Package.IsValid() {
		return "package p\n", ""
	}
	off := int(f.Package) - 1
	header = text[:off] + "package p\n"
	var plusBuild []string
	for line := range strings.Lines(text[:off]) {
		line = strings.TrimSpace(line)
		switch {
		case constraint.IsGoBuild(line):
			constraintLine = line
		case constraint.IsPlusBuild(line):
			plusBuild = append(plusBuild, line)
		}
	}
	if constraintLine == "" && len(plusBuild) > 0 {
		constraintLine = strings.Join(plusBuild, "; ")
	}
	return header, constraintLine
}

// excludedBecause says why t leaves the file out ("" if it builds it):
// the name alone, then the header alone, then the whole file are matched
// as the go command matches them, so the first that fails is the reason.
func excludedBecause(t target.Target, dir, name, text, header, constraintLine string, dist *target.Dist) (reason, short string) {
	ctxt := t.Context()
	matches := func(content string) bool {
		c := ctxt
		c.OpenFile = func(string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }
		ok, err := c.MatchFile(dir, name)
		return err == nil && ok
	}
	switch {
	case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "."):
		return "its name starts with `" + name[:1] + "`: the go command ignores it", "name starts with " + name[:1]
	case !matches("package p\n"):
		suffix := nameSuffix(name, dist)
		return fmt.Sprintf("file name suffix `%s`", suffix), "suffix " + suffix
	case !matches(header):
		return fmt.Sprintf("constraint `%s`", constraintLine), "constraint"
	case !matches(text) || !t.Cgo && importsC(text):
		return "imports `\"C\"` and cgo is off (add `+cgo` to the target to build it with cgo)", "cgo off"
	}
	return "", ""
}

// nameSuffix returns the _GOOS, _GOARCH or _GOOS_GOARCH suffix of a file
// name, as go/build reads it.
func nameSuffix(name string, dist *target.Dist) string {
	stem := strings.TrimSuffix(strings.TrimSuffix(name, ".go"), "_test")
	parts := strings.Split(stem, "_")
	if len(parts) < 2 {
		return ""
	}
	if dist != nil && len(parts) >= 3 && slices.Contains(dist.OSes(), parts[len(parts)-2]) && slices.Contains(dist.Arches(), parts[len(parts)-1]) {
		return "_" + parts[len(parts)-2] + "_" + parts[len(parts)-1]
	}
	return "_" + parts[len(parts)-1]
}

// markdown is the hover text of the explanation.
func (e *fileExplanation) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**crossls**: `%s` builds for %d of %d targets", e.file, len(e.builds), e.total())
	if len(e.builds) > 0 {
		fmt.Fprintf(&b, "\n\n✓ builds for %s", codeList(e.builds))
	}
	for _, x := range e.excluded {
		fmt.Fprintf(&b, "\n\n✗ not for %s: %s", codeList(x.targets), x.reason)
	}
	return b.String()
}

// title is the one-line summary of a code lens or inlay hint:
// "builds for 3 of 4 targets — not windows/amd64".
func (e *fileExplanation) title() string {
	if len(e.builds) == 0 {
		return fmt.Sprintf("builds for none of the %d targets", e.total())
	}
	not := e.excludedTargets()
	const shown = 3
	list := strings.Join(not[:min(len(not), shown)], ", ")
	if len(not) > shown {
		list += fmt.Sprintf(" and %d more", len(not)-shown)
	}
	return fmt.Sprintf("builds for %d of %d targets — not %s", len(e.builds), e.total(), list)
}

func codeList(ts []string) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = "`" + t + "`"
	}
	return strings.Join(out, ", ")
}

// importsC reports whether a Go file imports "C": the go command leaves
// it out when cgo is off.
func importsC(text string) bool {
	f, _ := parser.ParseFile(token.NewFileSet(), "", text, parser.ImportsOnly)
	if f == nil {
		return false
	}
	for _, imp := range f.Imports {
		if imp.Path != nil && imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}
