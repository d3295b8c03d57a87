package matrix

import (
	"bytes"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/tools/go/gcexportdata"

	"github.com/crossls/crossls/internal/filecache"
)

// The type cache keeps the API of standard library packages, as export
// data, in the user cache directory: a new session (an editor starting, a
// check after an edit) then reads each target's standard library instead
// of type-checking it from source. Entries are keyed by unit key, which
// covers the toolchain version, the package's files and the target's type
// sizes and dependencies; they are written atomically and pruned by age
// and count.

const (
	typeCacheMaxEntries = 20000
	typeCacheMaxAge     = 30 * 24 * time.Hour
)

// DefaultTypeCacheDir is the type cache in the user's cache directory.
func DefaultTypeCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "crossls", "types")
}

type typeCache struct {
	dir       string
	pruneOnce sync.Once

	// Writes are queued during a check and made after it, so that the
	// first results do not wait for export data to be encoded; and each
	// waits until idle reports that no check runs or ran a moment ago, so
	// that encoding competes with no edit's check (it costs more CPU than
	// a cold check's type checking). wait makes the rest urgent.
	mu       sync.Mutex
	pending  []typeWrite
	inFlight map[*[]typeWrite]bool // batches being written
	writing  sync.WaitGroup
	idle     func() bool
	urgent   atomic.Bool
	report   func(error) // Options.Report of the latest check
}

func (c *typeCache) setReport(report func(error)) {
	c.mu.Lock()
	c.report = report
	c.mu.Unlock()
}

func (c *typeCache) reporter() func(error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.report
}

// queue schedules u's package to be stored under its key by the next
// flush.
func (c *typeCache) queue(u *unit, entry []byte) {
	c.mu.Lock()
	c.pending = append(c.pending, typeWrite{u, entry})
	c.mu.Unlock()
}

// queued returns the units whose writes are pending.
func (c *typeCache) queued() []*unit {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*unit
	for _, w := range c.pending {
		out = append(out, w.u)
	}
	for batch := range c.inFlight {
		for _, w := range *batch {
			out = append(out, w.u)
		}
	}
	return out
}

// flush writes the queued packages in the background; wait waits for it.
func (c *typeCache) flush(fset *token.FileSet) {
	if c == nil {
		return
	}
	c.mu.Lock()
	todo := c.pending
	c.pending = nil
	if len(todo) > 0 {
		if c.inFlight == nil {
			c.inFlight = map[*[]typeWrite]bool{}
		}
		c.inFlight[&todo] = true
	}
	c.mu.Unlock()
	if len(todo) == 0 {
		return
	}
	c.writing.Add(1)
	go func() {
		defer c.writing.Done()
		defer func() {
			c.mu.Lock()
			delete(c.inFlight, &todo)
			c.mu.Unlock()
		}()
		defer c.recoverWrite()
		// One writer per CPU: the command line waits for these writes
		// before it exits, and a server writes only while it is idle.
		next := make(chan typeWrite)
		var writers sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(todo)) {
			writers.Go(func() {
				for w := range next {
					func() {
						defer c.recoverWrite()
						c.write(fset, w)
					}()
				}
			})
		}
		defer writers.Wait()
		defer close(next)
		for _, w := range todo {
			hook("typecache")
			for c.idle != nil && !c.urgent.Load() && !c.idle() {
				time.Sleep(idlePoll)
			}
			next <- w
		}
	}()
}

// recoverWrite reports a panic while writing: the cache only saves time,
// a failed write loses none of it.
func (c *typeCache) recoverWrite() {
	if r := recover(); r != nil {
		if report := c.reporter(); report != nil {
			report(fmt.Errorf("internal error writing the type cache: %v\n%s", r, debug.Stack()))
		}
	}
}

const idlePoll = 50 * time.Millisecond

// wait writes what is queued without waiting for idleness, and returns
// when it is written.
func (c *typeCache) wait() {
	if c != nil {
		c.urgent.Store(true)
		c.writing.Wait()
		c.urgent.Store(false)
	}
}

func (c *typeCache) file(key string) string {
	return filepath.Join(c.dir, key[:2], key+".x")
}

// read returns the package stored for key, reading it against the
// already loaded packages its export data refers to (deps and theirs).
func (c *typeCache) read(fset *token.FileSet, key, path string, deps map[string]*unit) (*types.Package, bool) {
	if c == nil {
		return nil, false
	}
	entry, err := os.ReadFile(c.file(key))
	if err != nil {
		return nil, false
	}
	return decodeEntry(fset, entry, path, deps)
}

// An entry of the type cache begins with a line naming the dependencies
// its export data refers to (directly): they must be loaded to read it
// against; standard library dependencies no declaration names need not
// be. The export data follows.

// entryHeader starts an entry's first line.
const entryHeader = "crossls-types-v2"

// encodeEntry returns pkg's entry.
func encodeEntry(fset *token.FileSet, pkg *types.Package) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(entryHeader)
	for _, imp := range pkg.Imports() {
		if imp != types.Unsafe && !isStub(imp) {
			buf.WriteString(" " + imp.Path())
		}
	}
	buf.WriteString("\n")
	if err := writeExportData(&buf, fset, pkg); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeEntry reads the package of path from entry, against the API
// packages of deps and theirs, so that its types refer to the objects its
// importers already see.
func decodeEntry(fset *token.FileSet, entry []byte, path string, deps map[string]*unit) (*types.Package, bool) {
	header, data, ok := bytes.Cut(entry, []byte("\n"))
	fields := strings.Fields(string(header))
	if !ok || len(fields) == 0 || fields[0] != entryHeader {
		return nil, false
	}
	imports := map[string]*types.Package{}
	var add func(*types.Package)
	add = func(p *types.Package) {
		if p == nil || imports[p.Path()] != nil || isStub(p) {
			return
		}
		imports[p.Path()] = p
		for _, q := range p.Imports() {
			add(q)
		}
	}
	for _, dep := range fields[1:] {
		d, ok := deps[dep]
		if !ok {
			return nil, false
		}
		d.ensure()
		add(d.apiPkg)
	}
	pkg, err := gcexportdata.Read(bytes.NewReader(data), fset, imports, path)
	if err != nil || !pkg.Complete() {
		return nil, false
	}
	return pkg, true
}

// A typeWrite is a unit's package to store under its key, and its entry
// if the unit already has one (compactDep), else nil.
type typeWrite struct {
	u     *unit
	entry []byte
}

// write stores w. Failures only cost a later type check.
func (c *typeCache) write(fset *token.FileSet, w typeWrite) {
	if c == nil {
		return
	}
	entry := w.entry
	if entry == nil {
		var err error
		if entry, err = encodeEntry(fset, w.u.pkg); err != nil {
			return
		}
	}
	key := w.u.key
	filecache.Write(filepath.Dir(c.file(key)), c.file(key), entry)
	c.pruneOnce.Do(func() {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					if report := c.reporter(); report != nil {
						report(fmt.Errorf("internal error pruning the type cache: %v\n%s", r, debug.Stack()))
					}
				}
			}()
			hook("typecache-prune")
			c.prune()
		}()
	})
}

// prune drops entries older than the maximum age, then the oldest beyond
// the maximum count, and temporary files of processes that died.
func (c *typeCache) prune() {
	var dirs []string
	subdirs, _ := os.ReadDir(c.dir)
	for _, sd := range subdirs {
		if sd.IsDir() {
			dirs = append(dirs, filepath.Join(c.dir, sd.Name()))
		}
	}
	filecache.Prune(dirs, typeCacheMaxEntries, typeCacheMaxAge)
}

// exportable reports whether p's packages have an export data form: cgo's
// stand-in for package C has none, and a test variant is no package of
// the module cache.
func exportable(p *listedPackage) bool {
	return len(p.CgoFiles) == 0 && !p.isTestVariant()
}

// clean reports whether u has none of the errors a type cache entry, or
// a package read from one, would lose.
func (u *unit) clean() bool {
	return len(u.syntaxErrs) == 0 && len(u.typeErrs) == 0 && len(u.compileErrs) == 0 && len(u.lateErrs) == 0
}

// compactDependencies is cleared by tests to compare with checks that
// keep dependencies as checked.
var compactDependencies = true

// compactDep replaces the package of u, a dependency in the module cache
// that was just checked, function bodies and all, by the same package
// read back from its export data: what a later session reads from the
// type cache. Its importers and analyzers need its API only, and the
// checked package keeps every local scope and variable of its bodies,
// most of the memory of a large module's dependencies. It returns the
// entry for the type cache, nil if the package is kept as checked.
func (s *Session) compactDep(u *unit, path string, deps map[string]*unit) []byte {
	entry, err := encodeEntry(s.fset, u.pkg)
	if err != nil {
		return nil
	}
	pkg, ok := decodeEntry(s.fset, entry, path, deps)
	if !ok {
		return nil
	}
	u.pkg, u.info, u.pkgFiles = pkg, &types.Info{}, objectFiles(s.fset, pkg)
	return entry
}
