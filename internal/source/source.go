// Package source reads and parses the Go files of a check once per
// content, whatever the number of targets that include them, and says how
// long what it read stays true. It owns the unsaved buffers (the
// overlay), the contents read from disk and the trust given to them, the
// syntax parsed from them (shared between type checks: go/types records
// its results in types.Info, not the AST), values derived from that
// syntax, and the standard library's syntax without bodies.
//
// A check brackets its reads with BeginCheck and EndCheck: the contents
// and syntax of the last completed check (and of a cancelled one since)
// are reused when a file did not change. It must not type-check, hash
// APIs or know about targets: that is the driver's (internal/matrix).
package source

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// A Cache holds the files of a session's checks; see the package comment.
type Cache struct {
	fset    *token.FileSet
	overlay map[string][]byte

	mu         sync.Mutex
	now        time.Time // of the current check
	restat     bool      // stat every file in this check
	restatNext bool      // ... and in the next (RestatAll)
	// changedDirs are the directories of the buffers that changed, came or
	// went since the last check.
	changedDirs map[string]bool
	content     map[string]*Content      // path -> content, this check
	known       *sync.Map                // content, for reads without the lock
	prevContent map[string]*Content      // path -> content, previous check
	parsed      map[parseKey]*parsedFile // content identity -> syntax, this check
	prev        map[parseKey]*parsedFile // previous check's syntax, reused when unchanged
	// ended says the check of content and parsed completed; done*
	// are the maps of the last check that did.
	ended       bool
	doneContent map[string]*Content
	doneParsed  map[parseKey]*parsedFile
	// For the files of this check's syntax: the content each was parsed
	// from, and the values derived from it (Derived).
	sources map[*ast.File][]byte
	derived map[derivedKey]any

	stdMu    sync.Mutex
	std      map[string]*stdParse // by path: GOROOT does not change
	stdLRU   *list.List           // of paths, most recent first
	stdBytes int
}

// Content is a file's content as a check read it: the unsaved buffer if
// there is one, else the file on disk. An unchanged content keeps its
// identity from check to check, so comparing pointers compares contents.
type Content struct {
	Data []byte
	Hash string // of Data, in hex
	Err  error  // reading the file

	size    int64 // of the file on disk when read; -1 for unsaved buffers
	modTime int64
	checked time.Time // when last found unchanged on disk (under Cache.mu)
}

type parseKey struct {
	path, hash string
	mode       parser.Mode
}

type parsedFile struct {
	once sync.Once
	file *ast.File
	err  error // syntax error (file is still usable) or read error (file is nil)
}

type derivedKey struct {
	file *ast.File
	kind any
}

// NewCache returns an empty cache whose syntax goes into fset.
func NewCache(fset *token.FileSet) *Cache {
	return &Cache{fset: fset, content: map[string]*Content{}, known: &sync.Map{}, parsed: map[parseKey]*parsedFile{},
		sources: map[*ast.File][]byte{}, derived: map[derivedKey]any{},
		std: map[string]*stdParse{}, stdLRU: list.New()}
}

// Source returns the content f was parsed from.
func (c *Cache) Source(f *ast.File) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	src, ok := c.sources[f]
	return src, ok
}

// Read returns the content of path: the unsaved buffer if there is one.
func (c *Cache) Read(path string) *Content {
	// Every target reads every file of its packages on every check: the
	// files already read by this check are found without the lock.
	if fc, ok := c.known.Load(path); ok {
		return fc.(*Content)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fc := c.readLocked(path)
	c.known.Store(path, fc)
	return fc
}

func (c *Cache) readLocked(path string) *Content {
	if fc, ok := c.content[path]; ok {
		return fc
	}
	old, hadOld := c.prevContent[path]
	fc := &Content{size: -1}
	if data, ok := c.overlay[path]; ok {
		fc.Data = data
	} else {
		// A file read from disk is trusted for StatInterval: a check
		// after an edit would otherwise stat every file of every
		// package. RestatAll makes the next check look again.
		if hadOld && old.Err == nil && old.size >= 0 && !c.restat && c.now.Sub(old.checked) < StatInterval {
			c.content[path] = old
			return old
		}
		fi, err := os.Stat(path)
		if err == nil {
			if hadOld && old.Err == nil && old.size == fi.Size() && old.modTime == fi.ModTime().UnixNano() {
				old.checked = c.now
				c.content[path] = old
				return old
			}
			fc.size, fc.modTime = fi.Size(), fi.ModTime().UnixNano()
		}
		fc.Data, fc.Err = os.ReadFile(path)
		fc.checked = c.now
	}
	sum := sha256.Sum256(fc.Data)
	fc.Hash = hex.EncodeToString(sum[:16])
	if hadOld && old.size < 0 && fc.size < 0 && old.Hash == fc.Hash && old.Err == nil {
		fc = old // an unchanged buffer: keep one identity for its content
	}
	c.content[path] = fc
	return fc
}

// StatInterval is how long a file read from disk is trusted without a
// stat, unless RestatAll reports changes.
const StatInterval = time.Second

// ValidUntil returns until when contents read by this check stay what a
// read would return, as far as no buffer of their directory changes: the
// earliest end of their files' trust.
func ValidUntil(contents []*Content) time.Time {
	until := time.Unix(1<<40, 0)
	for _, fc := range contents {
		if fc.size >= 0 && fc.checked.Add(StatInterval).Before(until) {
			until = fc.checked.Add(StatInterval)
		}
	}
	return until
}

// UnchangedSince reports whether the files of dir that an earlier check
// read, valid until until, are still what Read would return: no buffer of
// dir changed, no restat is due and their trust has not run out. It is
// called during a check, when what it reads does not change.
func (c *Cache) UnchangedSince(dir string, until time.Time) bool {
	return !c.restat && c.now.Before(until) && !c.changedDirs[dir]
}

// BufferChanged reports whether a buffer of dir changed, came or went
// since the last check. It is called during a check.
func (c *Cache) BufferChanged(dir string) bool { return c.changedDirs[dir] }

// Parse returns the syntax of path. Dependencies are parsed without
// comments: only analyzed packages need them.
func (c *Cache) Parse(path string, mode parser.Mode) (*ast.File, *Content, error) {
	fc := c.Read(path)
	if fc.Err != nil {
		return nil, fc, fc.Err
	}
	key := parseKey{path, fc.Hash, mode}
	c.mu.Lock()
	pf, ok := c.parsed[key]
	if !ok {
		if pf, ok = c.prev[key]; !ok {
			pf = new(parsedFile)
		}
		c.parsed[key] = pf
	}
	c.mu.Unlock()
	pf.once.Do(func() {
		pf.file, pf.err = parser.ParseFile(c.fset, path, fc.Data, mode|parser.SkipObjectResolution)
		if pf.file != nil {
			c.mu.Lock()
			c.sources[pf.file] = fc.Data
			c.mu.Unlock()
		}
	})
	return pf.file, fc, pf.err
}

// Derived returns the value of kind derived from f by compute, computed
// once (outside the lock; the first value stored wins) and kept as long as
// f's syntax is.
func (c *Cache) Derived(f *ast.File, kind any, compute func() any) any {
	key := derivedKey{f, kind}
	c.mu.Lock()
	v, ok := c.derived[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.derived[key]; ok {
		return old
	}
	c.derived[key] = v
	return v
}

// RestatAll makes the next check compare every file with the disk.
func (c *Cache) RestatAll() {
	c.mu.Lock()
	c.restatNext = true
	c.mu.Unlock()
}

// BeginCheck starts a new check: unsaved buffers are replaced, file
// contents are revalidated against the disk, and earlier checks' syntax
// stays available for files whose content did not change.
func (c *Cache) BeginCheck(overlay map[string][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = time.Now()
	c.restat, c.restatNext = c.restatNext, false
	c.changedDirs = map[string]bool{}
	for path, data := range overlay {
		if old, ok := c.overlay[path]; !ok || !bytes.Equal(old, data) {
			c.changedDirs[filepath.Dir(path)] = true
		}
	}
	for path := range c.overlay {
		if _, ok := overlay[path]; !ok {
			c.changedDirs[filepath.Dir(path)] = true
		}
	}
	c.overlay = overlay
	c.prevContent = Reusable(c.ended, c.doneContent, c.content)
	c.prev = Reusable(c.ended, c.doneParsed, c.parsed)
	// Sized like the last check's, which most checks resemble.
	c.content, c.parsed = make(map[string]*Content, len(c.prevContent)), make(map[parseKey]*parsedFile, len(c.prev))
	c.known = &sync.Map{}
	c.ended = false
}

// EndCheck drops what the completed check did not reuse. A cancelled
// check never gets here: the next check may reuse its results and the last
// completed check's (Reusable).
func (c *Cache) EndCheck() {
	c.mu.Lock()
	c.ended = true
	c.doneContent, c.doneParsed = c.content, c.parsed
	c.prevContent, c.prev = nil, nil
	live := make(map[*ast.File]bool, len(c.parsed))
	for _, pf := range c.parsed {
		live[pf.file] = true
	}
	maps.DeleteFunc(c.sources, func(f *ast.File, _ []byte) bool { return !live[f] })
	maps.DeleteFunc(c.derived, func(k derivedKey, _ any) bool { return !live[k.file] })
	c.mu.Unlock()
}

// Reusable returns what the next check may reuse of a cache whose entries
// of the current check are cur: cur, if that check ended; otherwise (it was
// cancelled) the last completed check's entries, done, with cur's on top.
// Earlier cancelled checks' entries go: a burst of cancelled checks, while
// the user types, does not pile up. Every cache of the driver follows it.
func Reusable[K comparable, V any](ended bool, done, cur map[K]V) map[K]V {
	if ended || done == nil {
		return cur
	}
	prev := maps.Clone(done)
	maps.Copy(prev, cur)
	return prev
}

// Syntax calls yield with every file whose syntax the cache keeps (a file
// may come more than once), for a sweep of the FileSet between checks.
func (c *Cache) Syntax(yield func(*ast.File)) {
	c.mu.Lock()
	for _, m := range []map[parseKey]*parsedFile{c.parsed, c.prev, c.doneParsed} {
		for _, pf := range m {
			if pf.file != nil {
				yield(pf.file)
			}
		}
	}
	c.mu.Unlock()
	c.stdMu.Lock()
	for _, e := range c.std {
		if e.file != nil {
			yield(e.file)
		}
	}
	c.stdMu.Unlock()
}

// ParseStd parses a standard library file for a check of its API only:
// function bodies are dropped at once. Targets whose configurations differ
// check many of the same files at about the same time: the syntax of
// recently parsed files is kept, up to stdParseBudget bytes of their
// source.
func (c *Cache) ParseStd(path string) (*ast.File, error) {
	c.stdMu.Lock()
	if e, ok := c.std[path]; ok {
		c.stdLRU.MoveToFront(e.elem)
		c.stdMu.Unlock()
		e.once.Do(func() {}) // wait for the parse
		return e.file, e.err
	}
	e := &stdParse{}
	e.elem = c.stdLRU.PushFront(path)
	c.std[path] = e
	c.stdMu.Unlock()
	e.once.Do(func() {
		data, err := os.ReadFile(path)
		if err != nil {
			e.err = err
			return
		}
		e.size = len(data)
		e.file, e.err = parser.ParseFile(c.fset, path, data, parser.SkipObjectResolution)
		if e.file != nil {
			for _, d := range e.file.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					fd.Body = nil
					unnameParams(fd.Recv)
					unnameParams(fd.Type.Params)
					unnameParams(fd.Type.Results)
				}
			}
		}
	})
	c.stdMu.Lock()
	if c.std[path] == e {
		c.stdBytes += e.size
	}
	for c.stdBytes > stdParseBudget && c.stdLRU.Len() > 1 {
		old := c.stdLRU.Back()
		oldPath := c.stdLRU.Remove(old).(string)
		c.stdBytes -= c.std[oldPath].size
		delete(c.std, oldPath)
	}
	c.stdMu.Unlock()
	return e.file, e.err
}

// unnameParams drops the names of a function's parameters: without a body
// nothing refers to them, and a named parameter costs a scope entry per
// function of every target's standard library, a third of the heap a
// session keeps. Each name becomes a parameter of its own ("a, b int" is
// two), which keeps the signature.
func unnameParams(fields *ast.FieldList) {
	if fields == nil {
		return
	}
	var list []*ast.Field
	for _, f := range fields.List {
		n := max(1, len(f.Names))
		for range n {
			list = append(list, &ast.Field{Type: f.Type})
		}
	}
	fields.List = list
}

// stdParseBudget bounds the source size of the standard library files
// whose syntax (without bodies, about 5 times the source) is kept.
const stdParseBudget = 16 << 20

type stdParse struct {
	once sync.Once
	elem *list.Element
	file *ast.File
	err  error
	size int
}

// DropStd lets the kept standard library syntax go, after a check.
func (c *Cache) DropStd() {
	c.stdMu.Lock()
	c.std, c.stdLRU, c.stdBytes = map[string]*stdParse{}, list.New(), 0
	c.stdMu.Unlock()
}
