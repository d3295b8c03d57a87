package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/proc"
)

// A job is one go build invocation: a main package for a target, or the
// packages that are not main, compiled together without output.
type job struct {
	target target.Target
	tags   []string
	pkgs   []listedPackage
	output string  // absolute path of the binary for a main package
	early  *Result // failure known before running the go command
}

func (j *job) pkgLabel() string {
	paths := make([]string, len(j.pkgs))
	for i, p := range j.pkgs {
		paths[i] = p.ImportPath
	}
	return strings.Join(paths, " ")
}

func (j *job) isMain() bool { return j.output != "" }

type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Module     *struct{ Path, Dir string }
	Error      *struct{ Err string }
}

// plan lists the packages for each target and turns them into jobs, in
// target order. Packages are listed per target because build constraints
// decide which packages a pattern such as ./... matches.
func (r *runner) plan(ctx context.Context) ([]*job, error) {
	patterns := r.opts.Packages
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	var jobs []*job
	for _, t := range r.opts.Targets {
		fail := func(pkg string, err error) {
			jobs = append(jobs, &job{target: t, early: &Result{Target: t, Package: pkg, Err: err}})
		}
		if err := r.dist.Validate(t); err != nil {
			fail("", fmt.Errorf("%s cannot be built with %s: %v", t, r.dist.GoVersion, err))
			continue
		}
		tags, err := r.buildTags(t)
		if err != nil {
			fail("", err)
			continue
		}
		pkgs, err := r.list(ctx, t, tags, patterns)
		if err != nil {
			return nil, err
		}
		var libs []listedPackage
		outputs := map[string]string{} // output path -> import path
		for _, p := range pkgs {
			switch {
			case p.Name == "" && p.Error != nil:
				fail(p.ImportPath, fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err))
			case p.Name != "main":
				libs = append(libs, p)
			default:
				name := r.opts.Name
				if name == "" {
					name = binaryName(p)
				} else if n := countMain(pkgs); n > 1 {
					return nil, fmt.Errorf("output name %q given for %d main packages; build them one at a time", name, n)
				}
				if !nameRE.MatchString(name) {
					fail(p.ImportPath, fmt.Errorf("%s: cannot derive an output name from %q; set one", p.ImportPath, name))
					continue
				}
				out := filepath.Join(r.outDir, name+t.OutputSuffix())
				if other, dup := outputs[out]; dup {
					return nil, fmt.Errorf("main packages %s and %s would both be built as %s; build them separately", other, p.ImportPath, out)
				}
				outputs[out] = p.ImportPath
				jobs = append(jobs, &job{target: t, tags: tags, pkgs: []listedPackage{p}, output: out})
			}
		}
		if len(libs) > 0 {
			jobs = append(jobs, &job{target: t, tags: tags, pkgs: libs})
		}
	}
	return jobs, nil
}

func countMain(pkgs []listedPackage) int {
	n := 0
	for _, p := range pkgs {
		if p.Name == "main" {
			n++
		}
	}
	return n
}

var majorVersionRE = regexp.MustCompile(`^v[0-9]+$`)

// binaryName is the base name `go build` would give p's binary: the
// directory name, or for a module root the module path's last element
// that is not a major version suffix.
func binaryName(p listedPackage) string {
	if p.Module != nil && p.Module.Dir != "" && filepath.Clean(p.Module.Dir) == filepath.Clean(p.Dir) {
		elem := path.Base(p.Module.Path)
		if majorVersionRE.MatchString(elem) && strings.Contains(p.Module.Path, "/") {
			elem = path.Base(path.Dir(p.Module.Path))
		}
		return elem
	}
	return filepath.Base(p.Dir)
}

// list runs `go list` for t. It runs no compiler and no configured program.
func (r *runner) list(ctx context.Context, t target.Target, tags, patterns []string) ([]listedPackage, error) {
	args := []string{"list", "-e", "-json=ImportPath,Name,Dir,Module,Error"}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	args = append(args, "--")
	args = append(args, patterns...)
	cmd := exec.CommandContext(ctx, r.goPath, args...)
	proc.KillGroupOnCancel(cmd)
	cmd.Dir = r.dir
	cmd.Env = r.environ(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("listing packages for %s: %v: %s", t, err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages to build for %s: %s", t, strings.TrimSpace(stderr.String()))
	}
	return pkgs, nil
}
