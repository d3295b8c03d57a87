// Command pkgpeer is the benchmark's strongest peer for checking many
// targets: the approach of Kubernetes's test/typecheck, written anew on
// go/packages. For each target it loads the packages with syntax and
// types (every dependency type-checked from source, as go/packages does),
// several targets at a time, and reports a package as failing for a
// target when it or a dependency has an error.
//
//	pkgpeer [-targets LIST|all] [-parallel N] [-C DIR] [PATTERN...]
//
// It prints the verdicts as JSON in the shape of `crossls check -json`
// (packages[].targets[T].status), so that the benchmark compares both
// with `go build` the same way.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"

	"github.com/crossls/crossls/analysis/target"
)

type verdict struct {
	Status  string `json:"status"`
	Class   string `json:"class,omitempty"` // only no-go-files, which go build ./... skips
	Message string `json:"message,omitempty"`
}

type pkgOut struct {
	Path    string             `json:"path"`
	Targets map[string]verdict `json:"targets"`
}

type output struct {
	Targets  []string  `json:"targets"`
	Packages []*pkgOut `json:"packages"`
}

func main() {
	targets := flag.String("targets", "linux/amd64", "comma-separated targets, or all (every port of the toolchain)")
	parallel := flag.Int("parallel", runtime.NumCPU(), "targets loaded at a time")
	dir := flag.String("C", ".", "directory to run in")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	ts, err := parseTargets(*targets)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pkgpeer:", err)
		os.Exit(2)
	}
	out, err := check(*dir, patterns, ts, *parallel)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pkgpeer:", err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "pkgpeer:", err)
		os.Exit(2)
	}
}

func parseTargets(list string) ([]target.Target, error) {
	if list == "all" {
		d, err := target.LoadDist(context.Background(), "go")
		if err != nil {
			return nil, err
		}
		ts, _ := d.Set("all")
		return ts, nil
	}
	return target.ParseList(list)
}

// check loads patterns for every target, parallel at a time.
func check(dir string, patterns []string, ts []target.Target, parallel int) (*output, error) {
	out := &output{}
	byPath := map[string]*pkgOut{}
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for _, t := range ts {
		out.Targets = append(out.Targets, t.String())
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			got, err := load(dir, patterns, t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %v", t, err)
				}
				return
			}
			for path, v := range got {
				p := byPath[path]
				if p == nil {
					p = &pkgOut{Path: path, Targets: map[string]verdict{}}
					byPath[path] = p
					out.Packages = append(out.Packages, p)
				}
				p.Targets[t.String()] = v
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	sort.Slice(out.Packages, func(i, j int) bool { return out.Packages[i].Path < out.Packages[j].Path })
	return out, nil
}

// load type-checks the packages of patterns for t and returns a verdict
// per root package. Everything a target loads is garbage once it returns:
// only the verdicts stay.
func load(dir string, patterns []string, t target.Target) (map[string]verdict, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps |
			packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedTypesSizes,
		Dir: dir,
		Env: append(os.Environ(), t.Environ()...),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	// A package fails when it or anything it imports has an error, as
	// go build fails a package whose dependency does not compile.
	failed := map[*packages.Package]string{}
	var visit func(p *packages.Package) string
	visit = func(p *packages.Package) string {
		if msg, ok := failed[p]; ok {
			return msg
		}
		failed[p] = "" // import cycles are errors of their own
		msg := ""
		if len(p.Errors) > 0 {
			msg = p.Errors[0].Error()
		}
		paths := make([]string, 0, len(p.Imports))
		for path := range p.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			if msg != "" {
				break
			}
			if m := visit(p.Imports[path]); m != "" {
				msg = "dependency " + path + ": " + m
			}
		}
		failed[p] = msg
		return msg
	}
	got := map[string]verdict{}
	for _, p := range pkgs {
		v := verdict{Status: "ok"}
		if msg := visit(p); msg != "" {
			v = verdict{Status: "fail", Message: firstLine(msg)}
			if strings.Contains(msg, "build constraints exclude all Go files") && !strings.HasPrefix(msg, "dependency ") {
				v.Class = "no-go-files"
			}
		}
		got[p.PkgPath] = v
	}
	return got, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
