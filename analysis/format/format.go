// Package format defines an Analyzer that reports syntax errors and Go
// files that are not gofmt-formatted.
package format

import (
	"bytes"
	"errors"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/internal/memo"
	"github.com/crossls/crossls/internal/syntax"
)

const Doc = `report syntax errors and files that are not gofmt-formatted

The format analyzer parses every Go file of the package, including the
files the current build configuration excludes (they build for other
targets), and reports each syntax error at its position. A file that
parses but differs from its gofmt output is reported at the first line
that differs, with a suggested fix that applies the formatting.

File contents are read with Pass.ReadFile, so a driver that serves
unsaved editor buffers through it gets findings for those buffers.`

var Analyzer = &analysis.Analyzer{
	Name: "format",
	Doc:  Doc,
	URL:  "https://github.com/crossls/crossls/tree/main/analysis/format",
	Run:  run,
	// A syntax error makes the package ill-typed; reporting it is the point.
	RunDespiteErrors: true,
}

func run(pass *analysis.Pass) (any, error) {
	files := make(map[string]*token.File) // file name -> token.File of the parsed package file
	var names []string
	for _, f := range pass.Files {
		tf := pass.Fset.File(f.FileStart)
		if tf == nil || !strings.HasSuffix(tf.Name(), ".go") {
			continue
		}
		files[tf.Name()] = tf
		names = append(names, tf.Name())
	}
	for _, name := range pass.IgnoredFiles {
		if strings.HasSuffix(name, ".go") {
			names = append(names, name)
		}
	}
	for _, name := range names {
		content, err := pass.ReadFile(name)
		if err != nil {
			return nil, err
		}
		tf := files[name]
		if tf == nil || tf.Size() != len(content) {
			// Ignored files were never parsed, and a driver may have parsed
			// a file from content other than what ReadFile now returns:
			// positions must index the content we check.
			tf = syntax.TokenFile(pass.Fset, name, content)
		}
		checkFile(pass, tf, content)
	}
	return nil, nil
}

// checkFile reports the syntax errors of one file or, if it has none,
// whether it is gofmt-formatted.
func checkFile(pass *analysis.Pass, tf *token.File, content []byte) {
	r := checkContent(tf.Name(), content)
	for _, e := range r.syntax {
		pass.Reportf(tf.Pos(min(e.offset, tf.Size())), "syntax error: %s", e.msg)
	}
	if len(r.edits) == 0 {
		return
	}
	fix := analysis.SuggestedFix{Message: "Format with gofmt"}
	for _, e := range r.edits {
		fix.TextEdits = append(fix.TextEdits, analysis.TextEdit{
			Pos:     tf.Pos(e.start),
			End:     tf.Pos(e.end),
			NewText: e.text,
		})
	}
	pass.Report(analysis.Diagnostic{
		Pos:            tf.Pos(r.edits[0].start),
		Message:        "file is not gofmt-formatted",
		SuggestedFixes: []analysis.SuggestedFix{fix},
	})
}

// fileResult is what checking one file's content found, by byte offsets.
type fileResult struct {
	syntax []syntaxError
	edits  []edit
}

type syntaxError struct {
	offset int
	msg    string
}

// results memoizes checkContent by file name and content, the latest
// two contents of each file: a driver that re-analyzes a package after an
// edit re-checks only the edited file.
var results = memo.NewVersions[string, *fileResult](1<<16, 2)

func checkContent(name string, content []byte) *fileResult {
	return results.Get(name, syntax.ContentSum(name, content), func() *fileResult { return computeContent(name, content) })
}

func computeContent(name string, content []byte) *fileResult {
	r := new(fileResult)
	f, err := parser.ParseFile(token.NewFileSet(), name, content, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if !errors.As(err, &list) {
			r.syntax = append(r.syntax, syntaxError{0, err.Error()})
			return r
		}
		for _, e := range list {
			r.syntax = append(r.syntax, syntaxError{e.Pos.Offset, e.Msg})
		}
		return r
	}
	if ast.IsGenerated(f) {
		return r // generated files are not edited by hand
	}
	formatted, err := format.Source(content)
	if err != nil || bytes.Equal(formatted, content) {
		return r // format.Source fails only on input that also fails to parse
	}
	r.edits = lineEdits(content, formatted)
	return r
}

// An edit replaces the bytes [start, end) of the original with text.
type edit struct {
	start, end int
	text       []byte
}

// maxDiffCells bounds the table of the line diff (lines x lines); beyond it
// the differing middle of the file is replaced as one edit.
const maxDiffCells = 4 << 20

// lineEdits returns whole-line edits that turn before into after, in
// ascending order and non-overlapping. Lines that gofmt leaves alone are
// not touched, so the fix keeps unrelated edits' positions and a client's
// cursor stable.
func lineEdits(before, after []byte) []edit {
	a, b := splitLines(before), splitLines(after)
	offsets := make([]int, len(a)+1) // offsets[i] = byte offset of line i of before
	for i, l := range a {
		offsets[i+1] = offsets[i] + len(l)
	}

	// Trim the common prefix and suffix; the diff table covers the rest.
	pre := 0
	for pre < len(a) && pre < len(b) && bytes.Equal(a[pre], b[pre]) {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && bytes.Equal(a[len(a)-1-suf], b[len(b)-1-suf]) {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) == 0 && len(mb) == 0 {
		return nil
	}
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		return []edit{{offsets[pre], offsets[len(a)-suf], bytes.Join(mb, nil)}}
	}

	// lcs[i][j] = length of the longest common subsequence of ma[i:], mb[j:].
	n, m := len(ma), len(mb)
	lcs := make([]int32, (n+1)*(m+1))
	at := func(i, j int) *int32 { return &lcs[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if bytes.Equal(ma[i], mb[j]) {
				*at(i, j) = *at(i+1, j+1) + 1
			} else {
				*at(i, j) = max(*at(i+1, j), *at(i, j+1))
			}
		}
	}

	// Walk the table, turning each run of deleted and inserted lines into
	// one edit.
	var edits []edit
	var cur *edit
	flush := func() {
		if cur != nil {
			edits = append(edits, *cur)
			cur = nil
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && bytes.Equal(ma[i], mb[j]):
			flush()
			i++
			j++
		case j < m && (i == n || *at(i, j+1) >= *at(i+1, j)):
			if cur == nil {
				cur = &edit{start: offsets[pre+i], end: offsets[pre+i]}
			}
			cur.text = append(cur.text, mb[j]...)
			j++
		default:
			if cur == nil {
				cur = &edit{start: offsets[pre+i], end: offsets[pre+i]}
			}
			cur.end = offsets[pre+i+1]
			i++
		}
	}
	flush()
	return edits
}

// splitLines splits data into lines, each keeping its terminating newline.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n') + 1
		if i == 0 {
			i = len(data)
		}
		lines = append(lines, data[:i])
		data = data[i:]
	}
	return lines
}
