// Package filecache keeps the files of crossls's on-disk caches (checks'
// results, type-checked packages): entries are written whole or not at
// all, so that concurrent processes never read half an entry, and pruned
// by age and count. It knows nothing of what an entry holds or how its
// name is derived.
package filecache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// ExecutableID identifies the running program by the hash of its file.
// Hashing the file costs tens of milliseconds, more than a cached check:
// the hash is kept in dir under the file's path, size, modification time
// and inode, which any rebuild changes. It is "" when the executable
// cannot be read; nothing is cached then.
func ExecutableID(dir string) string {
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
	Write(dir, memo, []byte(id))
	return id
}

// Write writes data to path, a file in dir, through a temporary
// file renamed into place, so that concurrent readers see all of it or
// none. It reports whether it succeeded.
func Write(dir, path string, data []byte) bool {
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

// Prune removes, from the files of dirs, those older than maxAge
// and the oldest beyond maxEntries, and temporary files that processes
// which died mid-write left behind.
func Prune(dirs []string, maxEntries int, maxAge time.Duration) {
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
