package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/crossls/crossls/analysis/internal/proc"
	"github.com/crossls/crossls/analysis/target"
)

// listedPackage is the part of `go list -json` output the driver uses.
type listedPackage struct {
	ImportPath     string
	Dir            string
	Name           string
	Goroot         bool
	Standard       bool
	DepOnly        bool
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	InvalidGoFiles []string
	CFiles         []string
	CXXFiles       []string
	MFiles         []string
	FFiles         []string
	SFiles         []string
	SysoFiles      []string
	SwigFiles      []string
	SwigCXXFiles   []string
	Imports        []string
	ImportMap      map[string]string
	Error          *listError
	DepsErrors     []*listError
	Module         *struct {
		Path      string
		Version   string
		Dir       string
		GoVersion string
		Main      bool
	}

	// Derived once per listing, as checks reuse a listing for many edits.
	files   []string // compiledFiles
	ignored []string // IgnoredGoFiles, absolute
	other   []string // non-Go source files, absolute
	fixed   bool     // immutable
	// fixedKey is the unit key of an immutable package whose dependencies
	// are all immutable: the same for every check of this listing.
	fixedKey atomic.Pointer[string]
	// Memos of Session.buildsFor and Session.cgoOnly for immutable packages.
	buildsForOnce, cgoOnlyOnce sync.Once
	buildsFor                  string
	cgoOnly                    bool
	// excluded memoizes Session.excludedNames of an immutable package.
	excludedOnce sync.Once
	excluded     map[string]bool
	// mutableKeys remembers the last unit key of a package the user may
	// edit, for the same file contents and dependencies.
	mutableKeys keyMemo
	filesMemo   [2]keyMemo // Session.filesKey of a mutable package
	// filesKeys are Session.filesKey of an immutable package, whose files
	// are identified by path.
	filesKeys [2]string
}

// derive fills in the fields computed from go list's output.
func (p *listedPackage) derive() {
	p.files = compiledFiles(p)
	p.ignored = absFiles(p.Dir, p.IgnoredGoFiles)
	p.other = absFiles(p.Dir, concat(p.CFiles, p.CXXFiles, p.MFiles, p.FFiles, p.SFiles, p.SysoFiles))
	p.fixed = immutable(p)
	if p.fixed {
		p.filesKeys = [2]string{hashFiles(p, false, nil), hashFiles(p, true, nil)}
	}
}

type listError struct {
	ImportStack []string
	Pos         string
	Err         string
}

const listFields = "ImportPath,Dir,Name,Goroot,Standard,DepOnly,GoFiles,CgoFiles,IgnoredGoFiles,InvalidGoFiles," +
	"CFiles,CXXFiles,MFiles,FFiles,SFiles,SysoFiles,SwigFiles,SwigCXXFiles,Imports,ImportMap,Error,DepsErrors,Module"

// listTarget runs `go list -deps` for one target. It lists metadata only:
// no -export and no -compiled, so neither the compiler nor cgo nor a
// configured C compiler runs.
func listTarget(ctx context.Context, opts *Options, t target.Target, overlayFile string) ([]*listedPackage, error) {
	args := []string{"list", "-e", "-json=" + listFields, "-deps"}
	if len(t.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(t.Tags, ","))
	}
	if overlayFile != "" {
		args = append(args, "-overlay="+overlayFile)
	}
	args = append(args, "--")
	args = append(args, opts.Patterns...)
	cmd := exec.CommandContext(ctx, opts.GoCmd, args...)
	proc.KillGroupOnCancel(cmd)
	cmd.Dir = opts.Dir
	cmd.Env = append(append(append([]string(nil), opts.Env...), t.Environ()...),
		// A project-configured toolexec or C compiler must never run during
		// analysis; go list without -export/-compiled runs neither, and
		// dropping GOFLAGS' -toolexec keeps it that way.
		"GOFLAGS="+sanitizeGOFLAGS(getenv(opts.Env, "GOFLAGS")))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, exec.ErrNotFound) {
			return nil, target.ErrGoNotFound
		}
		return nil, fmt.Errorf("go list for %s: %v: %s", t, err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list for %s: reading output: %v", t, err)
		}
		p.derive()
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// sanitizeGOFLAGS drops flags that would make the go command run a
// program chosen by the project or environment.
func sanitizeGOFLAGS(flags string) string {
	var keep []string
	for _, f := range strings.Fields(flags) {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if name == "toolexec" || name == "exec" {
			continue
		}
		keep = append(keep, f)
	}
	return strings.Join(keep, " ")
}

func getenv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// writeOverlay writes the go command's -overlay file for unsaved buffers.
func writeOverlay(dir string, overlay map[string][]byte) (string, error) {
	if len(overlay) == 0 {
		return "", nil
	}
	replace := map[string]string{}
	for path, content := range overlay {
		f, err := os.CreateTemp(dir, "buf-*.go")
		if err != nil {
			return "", err
		}
		_, werr := f.Write(content)
		if err := errors.Join(werr, f.Close()); err != nil {
			return "", err
		}
		replace[path] = f.Name()
	}
	data, _ := json.Marshal(map[string]any{"Replace": replace})
	file := filepath.Join(dir, "overlay.json")
	return file, os.WriteFile(file, data, 0o600)
}

// keyMemo remembers a mutable package's last unit key and shape. The file
// cache keeps one *fileContent per unchanged content, so comparing them
// and the dependencies' keys costs less than hashing again: most packages
// of a large module are untouched by an edit, for every target.
type keyMemo struct {
	mu       sync.Mutex
	contents []*fileContent
	depKeys  []string // in Imports order
	key      string
	shapeDep []string
	shape    string
}

func (m *keyMemo) lookup(contents []*fileContent, depKeys []string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key == "" || !slices.Equal(m.contents, contents) || !slices.Equal(m.depKeys, depKeys) {
		return "", false
	}
	return m.key, true
}

func (m *keyMemo) store(contents []*fileContent, depKeys []string, key string) {
	m.mu.Lock()
	m.contents, m.depKeys, m.key = contents, depKeys, key
	m.mu.Unlock()
}

// shapeFor returns the shape for depKeys, computing it if they changed.
func (m *keyMemo) shapeFor(depKeys []string, compute func() string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shape == "" || !slices.Equal(m.shapeDep, depKeys) {
		m.shapeDep, m.shape = depKeys, compute()
	}
	return m.shape
}
