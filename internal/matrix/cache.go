package matrix

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/crossls/crossls/internal/filecache"
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

// executableID identifies the running program (filecache.ExecutableID): a
// result is only ever served by the binary that computed it, so a new build
// (changed analyzers or verdict rules, or none) never serves an old answer.
// Tests replace it.
var executableID = filecache.ExecutableID

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
	if filecache.Write(dir, filepath.Join(dir, key+".json"), data) {
		filecache.Prune([]string{dir}, resultCacheMaxEntries, resultCacheMaxAge)
	}
}
