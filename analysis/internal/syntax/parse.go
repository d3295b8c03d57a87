package syntax

import (
	"crypto/sha256"
	"go/ast"
	"go/parser"
	"go/token"
	"sync"
	"unsafe"
)

// ParseIgnored parses a file that the pass's configuration leaves out,
// with comments, into fset. A driver that runs an analyzer for many
// targets and edits passes the same files again and again with the same
// FileSet: each content is parsed once per FileSet, which saves the
// parse and keeps the FileSet from growing with every run. The result is
// shared and must not be modified.
func ParseIgnored(fset *token.FileSet, path string, src []byte) (*ast.File, error) {
	key := parseKey{fset: fset, path: path, sum: ContentSum(path, src)}
	ignoredFiles.mu.Lock()
	e, ok := ignoredFiles.entries[key]
	if !ok {
		e = &parseEntry{}
		ignoredFiles.add(key, e, len(src))
	}
	ignoredFiles.mu.Unlock()
	e.once.Do(func() {
		e.file, e.err = parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	})
	return e.file, e.err
}

// TokenFile returns a token.File in fset with the lines of src, for a file
// an analyzer reads as text (one the driver did not parse, or parsed from
// other content): once per content and FileSet, like ParseIgnored.
func TokenFile(fset *token.FileSet, path string, src []byte) *token.File {
	key := parseKey{fset: fset, path: path, sum: ContentSum(path, src), lines: true}
	textFiles.mu.Lock()
	e, ok := textFiles.entries[key]
	if !ok {
		e = &parseEntry{}
		textFiles.add(key, e, len(src))
	}
	textFiles.mu.Unlock()
	e.once.Do(func() {
		e.tf = fset.AddFile(path, -1, len(src))
		e.tf.SetLinesForContent(src)
	})
	return e.tf
}

// ContentSum returns the SHA-256 of src, which must not change later. A driver hands out the same slice
// for content it has not re-read, and hashing every left-out file of every
// target on every edit would cost more than the memo saves: the sum of the
// last slice seen for a path is kept.
func ContentSum(path string, src []byte) [sha256.Size]byte {
	ptr := unsafe.SliceData(src)
	sums.Lock()
	defer sums.Unlock()
	if e, ok := sums.m[path]; ok && e.ptr == ptr && e.len == len(src) {
		return e.sum
	}
	if len(sums.m) >= 4096 {
		clear(sums.m)
	}
	e := sumEntry{ptr, len(src), sha256.Sum256(src)}
	sums.m[path] = e
	return e.sum
}

type sumEntry struct {
	ptr *byte // keeps the slice alive, so the address is not reused
	len int
	sum [sha256.Size]byte
}

var sums = struct {
	sync.Mutex
	m map[string]sumEntry
}{m: map[string]sumEntry{}}

type parseKey struct {
	lines bool // TokenFile's entries
	fset  *token.FileSet
	path  string
	sum   [sha256.Size]byte
}

type parseEntry struct {
	once sync.Once
	file *ast.File
	err  error
	tf   *token.File // TokenFile's
	size int
}

// parseMemo is a FIFO-bounded memo: the oldest entries go first once it
// holds more than maxBytes of source.
type parseMemo struct {
	mu       sync.Mutex
	entries  map[parseKey]*parseEntry
	order    []parseKey
	bytes    int
	maxBytes int
}

// ignoredFiles holds the parses of ParseIgnored. Syntax trees take about
// 20 times the size of their source: 4 MB of source (a module's usual
// left-out files many times over) keeps the memo under 100 MB when a
// package leaves out hundreds of large generated files.
var ignoredFiles = &parseMemo{entries: map[parseKey]*parseEntry{}, maxBytes: 4 << 20}

// textFiles holds TokenFile's files: their line tables are small.
var textFiles = &parseMemo{entries: map[parseKey]*parseEntry{}, maxBytes: 64 << 20}

func (m *parseMemo) add(key parseKey, e *parseEntry, size int) {
	e.size = size
	m.entries[key] = e
	m.order = append(m.order, key)
	m.bytes += size
	for m.bytes > m.maxBytes && len(m.order) > 1 {
		old := m.order[0]
		m.order = m.order[1:]
		m.bytes -= m.entries[old].size
		delete(m.entries, old)
	}
}
