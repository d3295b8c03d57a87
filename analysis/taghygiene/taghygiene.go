// Package taghygiene defines an Analyzer that reports misspelt GOOS and
// GOARCH words in build constraints and file names.
package taghygiene

import (
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/syntax"
)

const Doc = `report misspelt GOOS and GOARCH words in build constraints and file names

The go command matches the words of a //go:build line and the _GOOS,
_GOARCH and _GOOS_GOARCH suffixes of a file name against a fixed list of
operating systems and architectures, and treats any other word silently:
an unknown tag in a constraint is simply never set, and an unknown file
name suffix constrains nothing. So util_windwos.go builds on every
target, and "//go:build linxu" excludes its file from every build.

The taghygiene analyzer reports words that are within a small edit
distance of a known GOOS or GOARCH, differ from one only in case, or are
a common alias of one ("macos", "aarch64"), in every file of the package,
including the files the current configuration ignores. File names are
checked only in files without a constraint line, where the name alone
decides which targets build the file. Custom tags such as
"integration" and ordinary names such as parser_gen.go are left alone, as
are the conventional family suffixes mips64x and ppc64x.

Constraints get a fix that corrects the word. A file name can't be fixed
by a text edit: its diagnostic has Category "rename" and a fix without
edits whose message names the new file; RenameTo extracts that name for
drivers that can rename files.

Malformed //go:build and // +build lines are reported by
golang.org/x/tools/go/analysis/passes/buildtag, which drivers run beside
this analyzer; its checks are not repeated here.`

var Analyzer = &analysis.Analyzer{
	Name: "taghygiene",
	Doc:  Doc,
	URL:  "https://github.com/crossls/crossls/tree/main/analysis/taghygiene",
	Run:  run,
	// Only file names and header comments are inspected, not types.
	RunDespiteErrors: true,
}

// renamePrefix starts the message of a rename fix; RenameTo parses it.
const renamePrefix = "Rename to "

// RenameTo returns the new base name proposed by a taghygiene diagnostic
// that asks for a file to be renamed.
func RenameTo(d analysis.Diagnostic) (newBase string, ok bool) {
	if d.Category != "rename" {
		return "", false
	}
	for _, fix := range d.SuggestedFixes {
		if len(fix.TextEdits) == 0 {
			if base, ok := strings.CutPrefix(fix.Message, renamePrefix); ok && base != "" {
				return base, true
			}
		}
	}
	return "", false
}

func run(pass *analysis.Pass) (any, error) {
	parsed := make(map[string]*token.File) // files the driver parsed, by name
	var names []string
	for _, f := range pass.Files {
		if tf := pass.Fset.File(f.FileStart); tf != nil {
			parsed[tf.Name()] = tf
			names = append(names, tf.Name())
		}
	}
	names = append(names, pass.OtherFiles...)
	names = append(names, pass.IgnoredFiles...)

	for _, name := range names {
		content, err := pass.ReadFile(name)
		if err != nil {
			return nil, err
		}
		tf := parsed[name]
		if tf == nil || tf.Size() != len(content) {
			tf = syntax.TokenFile(pass.Fset, name, content)
		}
		if constrained := checkConstraints(pass, tf, content); !constrained {
			checkFileName(pass, tf, content)
		}
	}
	return nil, nil
}

// checkConstraints reports misspelt words in the build constraint lines of
// a file's header and reports whether the header has any constraint line.
func checkConstraints(pass *analysis.Pass, tf *token.File, content []byte) bool {
	found := false
	// Only the header is read, and nothing keeps its lines: no copy of
	// the whole file.
	for offset, line := range headerLines(unsafe.String(unsafe.SliceData(content), len(content))) {
		if !constraint.IsGoBuild(line) && !constraint.IsPlusBuild(line) {
			continue
		}
		found = true
		expr, err := constraint.Parse(line)
		if err != nil {
			continue // malformed: buildtag's finding
		}
		var tags []string
		expr.Eval(func(tag string) bool {
			if !slices.Contains(tags, tag) {
				tags = append(tags, tag)
			}
			return false
		})
		for _, tag := range tags {
			if !suspectTag(tag) {
				continue
			}
			want, kind := suggest(tag, false, target.KnownOS, target.KnownArch)
			if want == "" {
				continue
			}
			var edits []analysis.TextEdit
			for _, i := range wordIndexes(line, tag) {
				edits = append(edits, analysis.TextEdit{
					Pos:     tf.Pos(offset + i),
					End:     tf.Pos(offset + i + len(tag)),
					NewText: []byte(want),
				})
			}
			pass.Report(analysis.Diagnostic{
				Pos:     edits[0].Pos,
				End:     edits[0].End,
				Message: fmt.Sprintf("build tag %q is not a known %s and is never set; did you mean %q?", tag, kind, want),
				SuggestedFixes: []analysis.SuggestedFix{{
					Message:   fmt.Sprintf("Replace %q with %q", tag, want),
					TextEdits: edits,
				}},
			})
		}
	}
	return found
}

// suspectTag reports whether a build tag could be a misspelt GOOS or
// GOARCH, as opposed to a word with a meaning of its own.
func suspectTag(tag string) bool {
	if target.KnownOS[tag] || target.KnownArch[tag] || strings.Contains(tag, ".") {
		return false // x.y are tool tags such as amd64.v3 and go1.22
	}
	switch tag {
	case "unix", "cgo", "gc", "gccgo", "ignore", "test":
		return false
	}
	return true
}

// headerLines yields the lines (with their byte offsets) of the leading
// comment block of a file, where the go command looks for build
// constraints. It stops at the first line that is not blank or a comment.
func headerLines(text string) func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		inStar := false
		for offset := 0; offset < len(text); {
			end := strings.IndexByte(text[offset:], '\n')
			if end < 0 {
				end = len(text) - offset
			}
			line := strings.TrimRight(text[offset:offset+end], "\r")
			if strings.HasPrefix(line, "//") && !inStar {
				if !yield(offset, line) {
					return
				}
			} else {
				rest := strings.TrimSpace(line)
				for rest != "" {
					if inStar {
						i := strings.Index(rest, "*/")
						if i < 0 {
							rest = ""
							break
						}
						rest, inStar = strings.TrimSpace(rest[i+2:]), false
					} else if strings.HasPrefix(rest, "/*") {
						rest, inStar = rest[2:], true
					} else if strings.HasPrefix(rest, "//") {
						rest = ""
					} else {
						return // code: the header is over
					}
				}
			}
			offset += end + 1
		}
	}
}

// wordIndexes returns the byte offsets in line of the occurrences of tag as
// a whole build-tag word.
func wordIndexes(line, tag string) []int {
	var out []int
	for i := 0; ; {
		j := strings.Index(line[i:], tag)
		if j < 0 {
			return out
		}
		j += i
		k := j + len(tag)
		if (j == 0 || !isTagByte(line[j-1])) && (k == len(line) || !isTagByte(line[k])) {
			out = append(out, j)
		}
		i = k
	}
}

func isTagByte(c byte) bool {
	return c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// checkFileName reports a file whose name suffix looks like a misspelt
// GOOS or GOARCH. It follows go/build's rules: the words after the first
// underscore, without a final "_test", end in _GOOS, _GOARCH or
// _GOOS_GOARCH.
//
// It is called only for files without a constraint line: with one, the
// name does not decide where the file builds, and names such as
// os_linux64.go, cpu_arm64_linux.go and sticky_notbsd.go are deliberate.
func checkFileName(pass *analysis.Pass, tf *token.File, content []byte) {
	base := filepath.Base(tf.Name())
	if strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") {
		return // the go command ignores such files
	}
	stem, ext, _ := strings.Cut(base, ".")
	words := strings.Split(stem, "_")
	n := len(words)
	if n > 1 && words[n-1] == "test" {
		n--
	}
	if n < 2 {
		return // no suffix: words[0] precedes the first underscore
	}
	last := words[n-1]
	prev := ""
	if n >= 3 {
		prev = words[n-2]
	}

	var msg string
	var renamed []string
	switch {
	case target.KnownArch[last] && prev != "" && !target.KnownOS[prev] && !target.KnownArch[prev]:
		// x_linxu_amd64.go builds for amd64 on every GOOS.
		want, _ := suggest(prev, true, target.KnownOS)
		if want == "" {
			return
		}
		msg = fmt.Sprintf("file name suffix %q is not a known GOOS: this file builds for %s on every GOOS; did you mean %q?", prev, last, want)
		renamed = replaceWord(words, n-2, want)

	case target.KnownOS[last] && target.KnownArch[prev]:
		// x_amd64_linux.go: only the final word counts.
		msg = fmt.Sprintf("file name suffix %q has GOARCH before GOOS: this file builds for %s on every GOARCH; did you mean %s_%s?", prev+"_"+last, last, last, prev)
		renamed = slices.Clone(words)
		renamed[n-2], renamed[n-1] = last, prev

	case !target.KnownOS[last] && !target.KnownArch[last]:
		if strings.HasSuffix(last, "x") && target.KnownArch[strings.TrimSuffix(last, "x")] {
			return // mips64x, ppc64x: family names used with a constraint line
		}
		candidates := []map[string]bool{target.KnownOS, target.KnownArch}
		if target.KnownOS[prev] {
			candidates = candidates[1:] // x_linux_amd46.go
		}
		want, kind := suggest(last, true, candidates...)
		if want == "" {
			return
		}
		msg = fmt.Sprintf("file name suffix %q is not a known %s: this file builds on every target; did you mean %q?", last, kind, want)
		renamed = replaceWord(words, n-1, want)

	default:
		return
	}

	newBase := strings.Join(renamed, "_")
	if ext != "" {
		newBase += "." + ext
	}
	fixes := []analysis.SuggestedFix{{Message: renamePrefix + newBase}}
	// The other way to say what the name meant: a constraint line, which
	// keeps the file name (the file has none, or its name would not count).
	if expr := nameConstraint(renamed[:n]); expr != "" && ext == "go" {
		fixes = append(fixes, analysis.SuggestedFix{
			Message:   "Add //go:build " + expr,
			TextEdits: []analysis.TextEdit{{Pos: tf.Pos(0), End: tf.Pos(0), NewText: []byte("//go:build " + expr + "\n\n")}},
		})
	}
	pass.Report(analysis.Diagnostic{
		Pos:            packagePos(tf, content),
		Category:       "rename",
		Message:        msg,
		SuggestedFixes: fixes,
	})
}

// nameConstraint returns the build expression that the corrected file-name
// words imply, as go/build reads them: GOOS_GOARCH, GOOS or GOARCH last.
func nameConstraint(words []string) string {
	n := len(words)
	if n >= 3 && target.KnownOS[words[n-2]] && target.KnownArch[words[n-1]] {
		return words[n-2] + " && " + words[n-1]
	}
	if n >= 2 && (target.KnownOS[words[n-1]] || target.KnownArch[words[n-1]]) {
		return words[n-1]
	}
	return ""
}

func replaceWord(words []string, i int, word string) []string {
	out := slices.Clone(words)
	out[i] = word
	return out
}

// packagePos returns the position of the package clause of a Go file, or
// the start of any other file.
func packagePos(tf *token.File, content []byte) token.Pos {
	if strings.HasSuffix(tf.Name(), ".go") {
		f, err := parser.ParseFile(token.NewFileSet(), "", content, parser.PackageClauseOnly)
		if err == nil && f.Package.IsValid() {
			return tf.Pos(int(f.Package) - 1) // a fresh FileSet's first file has base 1
		}
	}
	return tf.Pos(0)
}

// aliases are names other systems use for a GOOS or GOARCH.
var aliases = map[string]string{
	"macos":   "darwin",
	"macosx":  "darwin",
	"osx":     "darwin",
	"win32":   "windows",
	"win64":   "windows",
	"aarch64": "arm64",
	"x64":     "amd64",
	"i386":    "386",
	"i686":    "386",
}

// suggest returns the word of the known sets that word most plausibly
// means, and whether it is a GOOS or GOARCH, or "" if word looks like none.
// File names are held to a stricter standard than build tags: many are
// ordinary words (maps, hard, search), while a tag close to a GOOS is
// rarely anything but a typo.
func suggest(word string, strict bool, known ...map[string]bool) (want, kind string) {
	kindOf := func(w string) string {
		if target.KnownOS[w] {
			return "GOOS"
		}
		return "GOARCH"
	}
	var candidates []string
	for _, set := range known {
		for w := range set {
			candidates = append(candidates, w)
		}
	}
	if w, ok := aliases[strings.ToLower(word)]; ok && slices.Contains(candidates, w) {
		return w, kindOf(w)
	}
	slices.Sort(candidates) // deterministic ties

	// Short words are close to many others (io, os, asm, doc): the longer
	// the word, the more edits it may take to reach a known one. In strict
	// mode, words of up to five letters must be a known one with two
	// letters swapped (amd46, mpis), and six-letter ones one edit away.
	limit := 0
	switch {
	case len(word) >= 7:
		limit = 2
	case len(word) >= 6 || len(word) >= 4 && !strict:
		limit = 1
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if strings.EqualFold(c, word) || len(word) >= 4 && swapped(word, c) {
			return c, kindOf(c)
		}
		if d := target.EditDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return "", ""
	}
	return best, kindOf(best)
}

// swapped reports whether a and b differ only by two adjacent bytes swapped.
func swapped(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}
