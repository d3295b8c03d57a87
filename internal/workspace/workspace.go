// Package workspace finds the Go modules and go.work workspaces that
// directories, files and package patterns belong to, as the go command
// does: the unit that one go command can load is a module, or the modules
// a go.work uses.
package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// Work is a go.work file.
type Work struct {
	File string // absolute path of the go.work file
	Dir  string // its directory
	// Modules are the directories of its use directives (absolute,
	// cleaned), in file order, without duplicates.
	Modules []string
}

// Uses reports whether root is one of the workspace's modules.
func (w *Work) Uses(root string) bool {
	return w != nil && slices.Contains(w.Modules, root)
}

// GoWorkFile returns the go.work file the go command uses when run in dir
// with env (nil: the process's): GOWORK if it is set ("" for "off"),
// else the nearest go.work at or above dir, else "".
func GoWorkFile(dir string, env []string) string {
	if env == nil {
		env = os.Environ()
	}
	if v, ok := lookupEnv(env, "GOWORK"); ok && v != "" {
		if v == "off" || !filepath.IsAbs(v) {
			// The go command rejects a relative GOWORK: no workspace.
			return ""
		}
		return filepath.Clean(v)
	}
	for d := filepath.Clean(dir); ; {
		if isFile(filepath.Join(d, "go.work")) {
			return filepath.Join(d, "go.work")
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// LoadWork reads a go.work file.
func LoadWork(file string) (*Work, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	wf, err := modfile.ParseWork(file, data, nil)
	if err != nil {
		return nil, err
	}
	w := &Work{File: file, Dir: filepath.Dir(file)}
	for _, u := range wf.Use {
		p := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(p) {
			p = filepath.Join(w.Dir, p)
		}
		p = filepath.Clean(p)
		if !slices.Contains(w.Modules, p) {
			w.Modules = append(w.Modules, p)
		}
	}
	return w, nil
}

// Locate returns the module dir belongs to for the go command run with
// env, "" if none, and the go.work that governs it, nil if none does: the
// go.work at or above dir if it uses that module, or if dir is in no
// module of the workspace's tree (a go.mod above the go.work's directory
// is not the workspace's). A module in the workspace's tree that it does
// not use has no go.work: the go command loads it with GOWORK=off.
func Locate(dir string, env []string) (module string, work *Work, err error) {
	module = ModuleRoot(dir)
	file := GoWorkFile(dir, env)
	if file == "" {
		return module, nil, nil
	}
	if work, err = LoadWork(file); err != nil {
		return module, nil, err
	}
	switch {
	case module == "" || work.Uses(module):
		return module, work, nil
	case !Within(work.Dir, module):
		return "", work, nil
	}
	return module, nil, nil
}

// ModuleRoot returns the directory of the nearest go.mod at or above dir,
// or "" if there is none.
func ModuleRoot(dir string) string {
	for d := filepath.Clean(dir); ; {
		if isFile(filepath.Join(d, "go.mod")) {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// ModulePath returns the module path declared by the go.mod in root, or
// "" if it cannot be read.
func ModulePath(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	return modfile.ModulePath(data)
}

// FindModules returns the roots of the modules at or below dir, sorted,
// skipping the directories the go command skips when it expands "./...":
// testdata, vendor, and names starting with "." or "_".
func FindModules(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != dir && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		if isFile(filepath.Join(path, "go.mod")) {
			out = append(out, path)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// InPattern reports whether dir, a directory of the module at root, is
// matched by the module's "./...": no directory on the way down from root
// is one the go command skips (testdata, vendor, names starting with "."
// or "_"), and no go.mod below root makes it another module's.
func InPattern(root, dir string) bool {
	if !Within(root, dir) {
		return false
	}
	for d := filepath.Clean(dir); d != filepath.Clean(root); d = filepath.Dir(d) {
		if skipDir(filepath.Base(d)) || isFile(filepath.Join(d, "go.mod")) {
			return false
		}
	}
	return true
}

// CountPackageDirs counts the directories at or below dir that hold .go
// files and that "./..." in dir reaches (see InPattern), up to limit: it
// stops walking there.
func CountPackageDirs(dir string, limit int) int {
	n, counted := 0, map[string]bool{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || n >= limit {
			return filepath.SkipAll
		}
		if d.IsDir() {
			if path != dir && (skipDir(d.Name()) || isFile(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if parent := filepath.Dir(path); strings.HasSuffix(d.Name(), ".go") && !counted[parent] {
			n, counted[parent] = n+1, true
		}
		return nil
	})
	return n
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor"
}

// Within reports whether path is dir or lies below it.
func Within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// RelPattern returns the recursive package pattern, relative to from,
// for every package in dir: "./..." or "./sub/dir/...".
func RelPattern(from, dir string) string {
	rel, err := filepath.Rel(from, dir)
	if err != nil || rel == "." {
		return "./..."
	}
	return "./" + filepath.ToSlash(rel) + "/..."
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
