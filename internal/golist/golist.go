// Package golist runs go list for one target and decodes what it says of
// each package: the metadata the driver (internal/matrix) starts from. It
// runs the go command with the target's environment and the user's
// GOFLAGS, never with flags that run a program of the project's or
// environment's choosing (-toolexec, -exec), and writes the overlay file
// for unsaved buffers. It must not interpret the packages: what they mean
// for a target is the driver's.
package golist

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

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/proc"
)

// Package is the part of `go list -json` output the driver uses.
type Package struct {
	ImportPath string
	// ForTest is set on the packages a test binary compiles anew (go list
	// -test): the package under test with its _test.go files ("p [p.test]"),
	// its external test package ("p_test [p.test]") and the packages
	// between them that import the package under test.
	ForTest  string
	Dir      string
	Name     string
	Goroot   bool
	Standard bool
	DepOnly  bool
	GoFiles  []string
	CgoFiles []string
	// CompiledGoFiles are the files the compiler sees, cgo's output
	// included; listed only for cgo targets (go list -compiled).
	CompiledGoFiles []string
	IgnoredGoFiles  []string
	InvalidGoFiles  []string
	CFiles          []string
	CXXFiles        []string
	MFiles          []string
	FFiles          []string
	SFiles          []string
	SysoFiles       []string
	SwigFiles       []string
	SwigCXXFiles    []string
	Imports         []string
	ImportMap       map[string]string
	Error           *Error
	DepsErrors      []*Error
	Module          *struct {
		Path      string
		Version   string
		Dir       string
		GoVersion string
		Main      bool
	}
}

// An Error is a package's error as go list reports it.
type Error struct {
	ImportStack []string
	Pos         string
	Err         string
}

// Fields are the fields of Package, for go list -json=Fields.
const Fields = "ImportPath,ForTest,Dir,Name,Goroot,Standard,DepOnly,GoFiles,CgoFiles,CompiledGoFiles,IgnoredGoFiles,InvalidGoFiles," +
	"CFiles,CXXFiles,MFiles,FFiles,SFiles,SysoFiles,SwigFiles,SwigCXXFiles,Imports,ImportMap,Error,DepsErrors,Module"

// An Invocation says how the go command runs: which, where, with which
// environment, for which target, with which overlay file (WriteOverlay).
type Invocation struct {
	GoCmd       string
	Dir         string
	Env         []string // the base environment; the target's is added
	Target      target.Target
	OverlayFile string
}

// Run runs the go command with args ("list", flags, patterns) and decodes
// its JSON output, one package at a time. GOFLAGS is the user's without
// flags that run programs (AnalysisGOFLAGS).
func Run(ctx context.Context, inv Invocation, args []string, each func(*Package)) error {
	t, overlayFile := inv.Target, inv.OverlayFile
	if len(t.Tags) > 0 {
		args = slices.Insert(args, 1, "-tags="+strings.Join(t.Tags, ","))
	}
	if overlayFile != "" {
		args = slices.Insert(args, 1, "-overlay="+overlayFile)
	}
	// Package patterns come last, after "--".
	for i, a := range args {
		if i > 0 && !strings.HasPrefix(a, "-") {
			args = slices.Insert(args, i, "--")
			break
		}
	}
	cmd := exec.CommandContext(ctx, inv.GoCmd, args...)
	proc.KillGroupOnCancel(cmd)
	cmd.Dir = inv.Dir
	cmd.Env = append(append(append([]string(nil), inv.Env...), t.Environ()...),
		// -toolexec would run a program the project or environment
		// chooses on every compile: never during analysis.
		"GOFLAGS="+AnalysisGOFLAGS(ctx, inv.GoCmd, inv.Env))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, exec.ErrNotFound) {
			return target.ErrGoNotFound
		}
		return fmt.Errorf("go list for %s: %v: %s", t, err, strings.TrimSpace(stderr.String()))
	}
	dec := json.NewDecoder(&stdout)
	for {
		p := new(Package)
		if err := dec.Decode(p); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("go list for %s: reading output: %v", t, err)
		}
		each(p)
	}
}

// AnalysisGOFLAGS is the GOFLAGS the go command runs with during
// analysis: the user's (from the environment, or else the go env file,
// which `go env` reads), without flags that run a program of someone's
// choosing. It is never empty: the go command reads an empty GOFLAGS as
// unset and would take the go env file's.
func AnalysisGOFLAGS(ctx context.Context, goCmd string, env []string) string {
	flags := getenv(env, "GOFLAGS")
	if flags == "" {
		key := goCmd + "\x00" + strings.Join(env, "\x00")
		v, ok := goEnvFlags.Load(key)
		if !ok {
			cmd := exec.CommandContext(ctx, goCmd, "env", "GOFLAGS")
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				return " " // no flags at all: nothing to run
			}
			v, _ = goEnvFlags.LoadOrStore(key, strings.TrimSpace(string(out)))
		}
		flags = v.(string)
	}
	if flags = sanitizeGOFLAGS(flags); flags == "" {
		return " "
	}
	return flags
}

// goEnvFlags memoizes `go env GOFLAGS` per go command and environment.
var goEnvFlags sync.Map

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

// WriteOverlay writes, in dir, the go command's -overlay file for unsaved buffers.
func WriteOverlay(dir string, overlay map[string][]byte) (string, error) {
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
