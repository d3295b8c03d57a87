package syntax

import (
	"crypto/sha256"
	"go/ast"
	"go/parser"
	"go/token"
	"runtime"
	"slices"
	"sync"
	"unsafe"
	"weak"
)

// ParseIgnored parses a file that the pass's configuration leaves out,
// with comments, into fset. A driver that runs an analyzer for many
// targets and edits passes the same files again and again with the same
// FileSet: each content is parsed once per FileSet, which saves the
// parse and keeps the FileSet from growing with every run. The result is
// shared and must not be modified.
func ParseIgnored(fset *token.FileSet, path string, src []byte) (*ast.File, error) {
	m := memosFor(fset).ignored
	key := parseKey{path: path, sum: ContentSum(path, src)}
	m.mu.Lock()
	e, ok := m.entries[key]
	if !ok {
		e = &parseEntry{}
		m.add(key, e, len(src))
	}
	m.mu.Unlock()
	e.once.Do(func() {
		e.file, e.err = parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if e.file != nil {
			e.tf = fset.File(e.file.FileStart)
		}
	})
	return e.file, e.err
}

// TokenFile returns a token.File in fset with the lines of src, for a file
// an analyzer reads as text (one the driver did not parse, or parsed from
// other content): once per content and FileSet, like ParseIgnored.
func TokenFile(fset *token.FileSet, path string, src []byte) *token.File {
	m := memosFor(fset).text
	key := parseKey{path: path, sum: ContentSum(path, src)}
	m.mu.Lock()
	e, ok := m.entries[key]
	if !ok {
		e = &parseEntry{}
		m.add(key, e, len(src))
	}
	m.mu.Unlock()
	e.once.Do(func() {
		e.tf = fset.AddFile(path, -1, len(src))
		e.tf.SetLinesForContent(src)
	})
	return e.tf
}

// Files returns the token.Files of fset that the memos of ParseIgnored and
// TokenFile hold: a driver that removes files no one uses from its FileSet
// must keep these, which later runs may be handed again.
func Files(fset *token.FileSet) []*token.File {
	m := memosFor(fset)
	var out []*token.File
	for _, pm := range []*parseMemo{m.ignored, m.text} {
		pm.mu.Lock()
		for _, e := range pm.entries {
			if e.tf != nil {
				out = append(out, e.tf)
			}
		}
		pm.mu.Unlock()
	}
	return out
}

// fileSetMemos are the memos of one FileSet. They live as long as it: a
// driver that drops a FileSet (a closed workspace folder) drops its
// memos with it.
type fileSetMemos struct {
	ignored, text *parseMemo
}

// memos maps a weak pointer to each FileSet to its memos.
var memos sync.Map // weak.Pointer[token.FileSet] -> *fileSetMemos

func memosFor(fset *token.FileSet) *fileSetMemos {
	key := weak.Make(fset)
	if m, ok := memos.Load(key); ok {
		return m.(*fileSetMemos)
	}
	m := &fileSetMemos{
		// Syntax trees take about 20 times the size of their source:
		// 4 MB of source (a module's usual left-out files many times
		// over) keeps the memo under 100 MB when a package leaves out
		// hundreds of large generated files.
		ignored: &parseMemo{entries: map[parseKey]*parseEntry{}, maxBytes: 4 << 20},
		// Line tables are small.
		text: &parseMemo{entries: map[parseKey]*parseEntry{}, maxBytes: 64 << 20},
	}
	actual, loaded := memos.LoadOrStore(key, m)
	if !loaded {
		runtime.AddCleanup(fset, func(key weak.Pointer[token.FileSet]) { memos.Delete(key) }, key)
	}
	return actual.(*fileSetMemos)
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
	// The entries keep their slices alive: bound what they hold.
	if old, ok := sums.m[path]; ok {
		sums.bytes -= old.len
	}
	if sums.bytes+len(src) > maxSumBytes {
		clear(sums.m)
		sums.bytes = 0
	}
	e := sumEntry{ptr, len(src), sha256.Sum256(src)}
	sums.m[path] = e
	sums.bytes += len(src)
	return e.sum
}

// maxSumBytes bounds the contents ContentSum's entries keep alive.
const maxSumBytes = 64 << 20

type sumEntry struct {
	ptr *byte // keeps the slice alive, so the address is not reused
	len int
	sum [sha256.Size]byte
}

var sums = struct {
	sync.Mutex
	m     map[string]sumEntry
	bytes int
}{m: map[string]sumEntry{}}

type parseKey struct {
	path string
	sum  [sha256.Size]byte
}

type parseEntry struct {
	once sync.Once
	file *ast.File
	err  error
	tf   *token.File // the file's, in the memo's FileSet
	size int
}

// parseMemo is a FIFO-bounded memo: the oldest entries go first once it
// holds more than maxBytes of source. Of each path it keeps the latest
// versions only: an edited file's earlier contents are of no more use,
// and a day of edits would otherwise fill the memo with them.
type parseMemo struct {
	mu       sync.Mutex
	entries  map[parseKey]*parseEntry
	order    []parseKey            // in the order added; keys of removed entries are skipped
	versions map[string][]parseKey // of each path, the latest last
	bytes    int
	maxBytes int
}

// keptVersions is how many contents of one path the memo keeps: an edit
// and its undo alternate between two.
const keptVersions = 2

func (m *parseMemo) add(key parseKey, e *parseEntry, size int) {
	e.size = size
	m.entries[key] = e
	m.order = append(m.order, key)
	m.bytes += size
	if m.versions == nil {
		m.versions = map[string][]parseKey{}
	}
	m.versions[key.path] = append(m.versions[key.path], key)
	for len(m.versions[key.path]) > keptVersions {
		m.remove(m.versions[key.path][0])
	}
	for m.bytes > m.maxBytes && len(m.order) > 1 {
		old := m.order[0]
		m.order = m.order[1:]
		m.remove(old)
	}
	if len(m.order) > 2*len(m.entries)+64 {
		m.order = slices.DeleteFunc(m.order, func(k parseKey) bool { return m.entries[k] == nil })
	}
}

func (m *parseMemo) remove(key parseKey) {
	if e, ok := m.entries[key]; ok {
		m.bytes -= e.size
		delete(m.entries, key)
		vs := m.versions[key.path]
		if i := slices.Index(vs, key); i >= 0 {
			m.versions[key.path] = slices.Delete(vs, i, i+1)
		}
		if len(m.versions[key.path]) == 0 {
			delete(m.versions, key.path)
		}
	}
}
