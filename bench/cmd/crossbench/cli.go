package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/crossls/crossls/analysis/target"
)

// verdicts maps target -> package import path -> whether `go build` of
// that package succeeds. A package absent for a target is not part of
// `./...` for it (build constraints exclude all its files).
type verdicts map[string]map[string]bool

func (v verdicts) set(tgt, pkg string, ok bool) {
	if v[tgt] == nil {
		v[tgt] = map[string]bool{}
	}
	v[tgt][pkg] = ok
}

// checkRun is one timed `crossls check -json ./...`.
type checkRun struct {
	Elapsed  time.Duration
	CPU      time.Duration // user and system, with the go commands it ran
	MaxRSS   int64         // bytes, of the largest of the process and its children
	Verdicts verdicts
	Packages int
}

// checkJSON is the part of docs/check-json.md the benchmark reads.
type checkJSON struct {
	Targets  []string `json:"targets"`
	Packages []struct {
		Path    string `json:"path"`
		Targets map[string]struct {
			Status string `json:"status"`
			Class  string `json:"class"`
		} `json:"targets"`
	} `json:"packages"`
}

// runCheck times `crossls check -targets LIST -json -tests=false ./...` in
// dir: the work of the go build loop it is compared with, which does not
// compile tests.
func runCheck(ctx context.Context, crossls, dir string, env []string, targets []string) (*checkRun, error) {
	return runVerdicts(ctx, dir, env, crossls, "check", "-targets", strings.Join(targets, ","), "-json", "-tests=false", "./...")
}

// runVerdicts times a command that prints verdicts in the shape of
// `crossls check -json` and reads them; exit status 1 means "some target
// fails", which is a result.
func runVerdicts(ctx context.Context, dir string, env []string, argv ...string) (*checkRun, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("%s in %s: %v\n%s", filepath.Base(argv[0]), dir, err, tail(stderr.Bytes(), 2000))
	}
	res, err := parseCheck(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s in %s: %v", filepath.Base(argv[0]), dir, err)
	}
	res.Elapsed = elapsed
	// The rusage of a waited-for process covers its own waited-for
	// children: the go commands it ran.
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSS = ru.Maxrss << 10 // kilobytes on Linux
		res.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return res, nil
}

// parseCheck reads crossls check -json output into verdicts. A package
// whose files are all excluded for a target ("no-go-files") is treated as
// absent for it, as `go build ./...` skips it.
func parseCheck(data []byte) (*checkRun, error) {
	var out checkJSON
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decoding -json output: %v", err)
	}
	res := &checkRun{Verdicts: verdicts{}, Packages: len(out.Packages)}
	for _, p := range out.Packages {
		for tgt, v := range p.Targets {
			switch {
			case v.Status == "fail" && v.Class == "no-go-files":
			case v.Status == "ok" || v.Status == "fail":
				res.Verdicts.set(tgt, p.Path, v.Status == "ok")
			default:
				return nil, fmt.Errorf("package %s, target %s: unknown status %q", p.Path, tgt, v.Status)
			}
		}
	}
	return res, nil
}

// naiveRun is one timed run of the loop a user would otherwise write.
type naiveRun struct {
	Elapsed  time.Duration
	Verdicts verdicts
	// PerPackage lists the targets for which `go build ./...` failed and
	// every package was then built on its own to find which ones fail.
	PerPackage []string
}

// variantVars are cleared before a target's environment is applied, so
// that the caller's environment cannot change what a target means.
var variantVars = []string{"GOARM=", "GO386=", "GOAMD64=", "GOARM64=", "GOMIPS=", "GOMIPS64=", "GOPPC64=", "GORISCV64=", "GOWASM="}

func targetEnv(base []string, t target.Target) []string {
	return withEnv(base, append(slices.Clone(variantVars), t.Environ()...)...)
}

// runNaive runs, for each target: `go build ./...`; if that fails, `go
// list ./...` and `go build` of each package on its own, as a script that
// wants per-package results has to. Only that work is timed; listing the
// packages after a successful build (to know what "all ok" covers) is not.
func runNaive(ctx context.Context, goCmd, dir string, env []string, targets []string) (*naiveRun, error) {
	// -o names the null device: everything is compiled (and commands
	// linked), nothing is written. A directory would make go build skip
	// packages that are not commands.
	out := os.DevNull
	res := &naiveRun{Verdicts: verdicts{}}
	for _, s := range targets {
		t, err := target.Parse(s)
		if err != nil {
			return nil, err
		}
		tenv := targetEnv(env, t)
		start := time.Now()
		_, buildErr := goCommand(ctx, goCmd, dir, tenv, "build", "-o", out, "./...")
		var pkgs []string
		if buildErr == nil {
			res.Elapsed += time.Since(start)
			if pkgs, err = listPackages(ctx, goCmd, dir, tenv); err != nil {
				return nil, err
			}
			for _, p := range pkgs {
				res.Verdicts.set(s, p, true)
			}
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.PerPackage = append(res.PerPackage, s)
		if pkgs, err = listPackages(ctx, goCmd, dir, tenv); err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			_, err := goCommand(ctx, goCmd, dir, tenv, "build", "-o", out, p)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			res.Verdicts.set(s, p, err == nil)
		}
		res.Elapsed += time.Since(start)
	}
	return res, nil
}

// listPackages lists ./... for a target's environment. With -e, packages
// with errors are listed too; packages whose files are all excluded are
// not, nor are those with test files only, which matches what `go build
// ./...` builds.
func listPackages(ctx context.Context, goCmd, dir string, env []string) ([]string, error) {
	out, err := goCommand(ctx, goCmd, dir, env, "list", "-e", "-f", "{{if or .GoFiles .CgoFiles .IgnoredGoFiles .InvalidGoFiles .Error}}{{.ImportPath}}{{end}}", "./...")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// disagreement is one (target, package) whose predicted and actual
// verdicts differ.
type disagreement struct {
	Target, Package string
	Crossls, Naive  string // "ok", "fail" or "absent"
}

func (d disagreement) String() string {
	return fmt.Sprintf("%s %s: crossls %s, go build %s", d.Target, d.Package, d.Crossls, d.Naive)
}

// compareVerdicts returns how many (target, package) verdicts were compared
// and those that differ, sorted.
func compareVerdicts(predicted, actual verdicts) (int, []disagreement) {
	state := func(v verdicts, tgt, pkg string) string {
		ok, present := v[tgt][pkg]
		switch {
		case !present:
			return "absent"
		case ok:
			return "ok"
		}
		return "fail"
	}
	keys := map[[2]string]bool{}
	for _, v := range []verdicts{predicted, actual} {
		for tgt, pkgs := range v {
			for pkg := range pkgs {
				keys[[2]string{tgt, pkg}] = true
			}
		}
	}
	var diffs []disagreement
	for k := range keys {
		p, a := state(predicted, k[0], k[1]), state(actual, k[0], k[1])
		if p != a {
			diffs = append(diffs, disagreement{Target: k[0], Package: k[1], Crossls: p, Naive: a})
		}
	}
	slices.SortFunc(diffs, func(a, b disagreement) int {
		return strings.Compare(a.Target+" "+a.Package, b.Target+" "+b.Package)
	})
	return len(keys), diffs
}

// tail returns at most the last n bytes of b, as a string.
func tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// checkOutput runs `crossls check -targets LIST -json ./...` in dir and
// returns its output.
func checkOutput(ctx context.Context, crossls, dir string, env []string, targets []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, crossls, "check", "-targets", strings.Join(targets, ","), "-json", "./...")
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("crossls check in %s: %v\n%s", dir, err, tail(stderr.Bytes(), 2000))
	}
	return stdout.Bytes(), nil
}
