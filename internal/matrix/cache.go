package matrix

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/crossls/crossls/internal/workspace"
)

// The result cache makes a second `crossls check` of an unchanged module
// nearly free. A result is stored under a key that covers everything the
// check depends on: the go command and its version, the targets, the
// patterns, the environment, and every file of the main modules (and of
// directories they replace modules with), by size and modification time.
// Dependencies in the module cache are immutable, and go.mod/go.sum name
// them. Entries are written atomically, so concurrent processes see a
// whole entry or none, and the cache is pruned to its newest entries.

const (
	resultCacheMaxEntries = 256
	resultCacheMaxAge     = 30 * 24 * time.Hour
)

// executableID identifies the running program by the hash of its file: a
// result is only ever served by the binary that computed it, so a new build
// (changed analyzers or verdict rules, or none) never serves an old answer.
// Hashing the file costs tens of milliseconds, more than a cached check:
// the hash is kept in dir under the file's path, size, modification time
// and inode, which any rebuild changes. It is "" when the executable
// cannot be read; nothing is cached then.
var executableID = func(dir string) string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	var ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	stamp := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d\x00%d", path, fi.Size(), fi.ModTime().UnixNano(), ino))
	memo := filepath.Join(dir, "exe-"+hex.EncodeToString(stamp[:16]))
	if data, err := os.ReadFile(memo); err == nil && len(data) == 64 {
		return string(data)
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	id := hex.EncodeToString(h.Sum(nil))
	writeAtomically(dir, memo, []byte(id))
	return id
}

func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "crossls", "results")
}

// resultKey fingerprints the inputs of a check. It returns "" when the
// inputs cannot be fingerprinted (the check then runs uncached).
func resultKey(opts *Options, goVersion string) string {
	exe := executableID(opts.ResultCacheDir)
	if exe == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", exe, goVersion, opts.Dir)
	for _, p := range opts.Patterns {
		fmt.Fprintf(h, "p%s\x00", p)
	}
	for _, t := range opts.Targets {
		fmt.Fprintf(h, "t%s\x00", listKey(t))
	}
	if opts.Partial {
		fmt.Fprint(h, "partial\x00")
	}
	if opts.Tests {
		fmt.Fprint(h, "tests\x00")
	}
	names := make([]string, 0, len(opts.Analyzers))
	for name := range opts.Analyzers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "a%s=%v\x00", name, opts.Analyzers[name])
	}
	for _, kv := range opts.Env {
		// Every GO* variable can change what the go command lists.
		if strings.HasPrefix(kv, "GO") || strings.HasPrefix(kv, "CGO_") || strings.HasPrefix(kv, "CC=") {
			fmt.Fprintf(h, "e%s\x00", kv)
		}
	}
	roots, ok := moduleRoots(opts.Dir, opts.Env)
	if !ok {
		return ""
	}
	for _, root := range roots {
		if !fingerprintTree(h, root) {
			return ""
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// moduleRoots returns the directories whose files a check of dir with env
// reads: its module, or the go.work's directory and the modules it uses,
// and the local directories that replace modules. A go.work above the
// module that does not govern it changes how the go command loads dir:
// such checks are not cached.
func moduleRoots(dir string, env []string) ([]string, bool) {
	module, work, err := workspace.Locate(dir, env)
	if err != nil {
		return nil, false
	}
	var roots []string
	switch {
	case work != nil:
		data, err := os.ReadFile(work.File)
		if err != nil {
			return nil, false
		}
		wf, err := modfile.ParseWork(work.File, data, nil)
		if err != nil {
			return nil, false
		}
		roots = append([]string{work.Dir}, work.Modules...)
		for _, r := range wf.Replace {
			if modfile.IsDirectoryPath(r.New.Path) {
				roots = append(roots, filepath.Join(work.Dir, r.New.Path))
			}
		}
	case module == "" || workspace.GoWorkFile(dir, env) != "":
		return nil, false // GOPATH mode, or a go.work that leaves the module out
	default:
		roots = []string{module}
	}
	for _, r := range append([]string(nil), roots...) {
		data, err := os.ReadFile(filepath.Join(r, "go.mod"))
		if err != nil {
			continue
		}
		// Parse, not ParseLax: ParseLax drops replace directives.
		mf, err := modfile.Parse("go.mod", data, nil)
		if err != nil {
			return nil, false
		}
		for _, rep := range mf.Replace {
			if modfile.IsDirectoryPath(rep.New.Path) {
				p := rep.New.Path
				if !filepath.IsAbs(p) {
					p = filepath.Join(r, p)
				}
				roots = append(roots, p)
			}
		}
	}
	return roots, true
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// fingerprintTree hashes the names, sizes and modification times of the
// files below root. Only version control metadata is skipped: the go
// command reads any other directory (dist/ and node_modules/ included) for
// packages, and //go:embed patterns may name any file of the module.
func fingerprintTree(h interface{ Write([]byte) (int, error) }, root string) bool {
	ok := true
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			ok = false
			return filepath.SkipAll
		}
		name := d.Name()
		if d.IsDir() && path != root && (name == ".git" || name == ".hg" || name == ".svn" || name == ".bzr") {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			ok = false
			return filepath.SkipAll
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%v\x00", path, info.Size(), info.ModTime().UnixNano(), d.Type())
		return nil
	})
	return ok && err == nil
}

func loadCachedResult(dir, key string) (*Result, bool) {
	if dir == "" || key == "" {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(dir, key+".json"))
	if err != nil {
		return nil, false
	}
	var res Result
	if json.Unmarshal(data, &res) != nil {
		return nil, false
	}
	now := time.Now()
	os.Chtimes(filepath.Join(dir, key+".json"), now, now) // keep recently used entries
	return &res, true
}

func storeCachedResult(dir, key string, res *Result) {
	if dir == "" || key == "" {
		return
	}
	data, err := json.Marshal(res)
	if err != nil {
		return
	}
	if writeAtomically(dir, filepath.Join(dir, key+".json"), data) {
		pruneEntries([]string{dir}, resultCacheMaxEntries, resultCacheMaxAge)
	}
}

// writeAtomically writes data to path, a file in dir, through a temporary
// file renamed into place, so that concurrent readers see all of it or
// none. It reports whether it succeeded.
func writeAtomically(dir, path string, data []byte) bool {
	if os.MkdirAll(dir, 0o755) != nil {
		return false
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return false
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), path) != nil {
		os.Remove(f.Name())
		return false
	}
	return true
}

// pruneEntries removes, from the files of dirs, those older than maxAge
// and the oldest beyond maxEntries, and temporary files that processes
// which died mid-write left behind.
func pruneEntries(dirs []string, maxEntries int, maxAge time.Duration) {
	type entry struct {
		path string
		mod  time.Time
	}
	var list []entry
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || e.IsDir() {
				continue
			}
			path := filepath.Join(dir, e.Name())
			switch {
			case strings.HasPrefix(e.Name(), ".tmp-"):
				if time.Since(info.ModTime()) > time.Hour {
					os.Remove(path)
				}
			case time.Since(info.ModTime()) > maxAge:
				os.Remove(path)
			default:
				list = append(list, entry{path, info.ModTime()})
			}
		}
	}
	if len(list) <= maxEntries {
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].mod.After(list[j].mod) })
	for _, e := range list[maxEntries:] {
		os.Remove(e.path)
	}
}
