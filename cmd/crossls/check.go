package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/crossls/crossls/analysis/matrix"
)

func init() {
	register("check", command{summary: "check packages for every configured target", run: runCheck})
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	targets := fs.String("targets", "", "comma-separated targets (default: .crossls.yaml, .goreleaser.yaml, or the default matrix)")
	configFile := fs.String("config", "", "configuration file (default: .crossls.yaml in the module root)")
	jsonOut := fs.Bool("json", false, "print one JSON object (see docs/check-json.md)")
	dir := fs.String("C", ".", "run in `dir`")
	noCache := fs.Bool("nocache", false, "do not use or store cached results and types")
	verbose := fs.Bool("v", false, "also list informational findings (files no configured target builds)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crossls check [-targets LIST] [-config FILE] [-json] [-v] [-C DIR] [packages]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	cfg, _, err := loadConfig(ctx, absDir, *targets, *configFile)
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, "crossls: warning:", w)
	}
	res, err := matrix.Check(ctx, matrix.Options{
		Dir:            absDir,
		Patterns:       fs.Args(),
		Targets:        cfg.Targets,
		Analyzers:      cfg.Analyzers,
		ResultCacheDir: cacheDir(*noCache, matrix.DefaultResultCacheDir),
		TypeCacheDir:   cacheDir(*noCache, matrix.DefaultTypeCacheDir),
		// The command line runs where its user chose to run it, as go
		// build would: a target's configured C compiler may run.
		TrustProject: true,
	})
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "crossls:", err)
			return 2
		}
	} else {
		printText(stdout, absDir, res, *verbose)
	}
	for _, d := range res.Diagnostics {
		if d.Severity == matrix.SeverityError {
			return 1
		}
	}
	for _, p := range res.Packages {
		for _, v := range p.Targets {
			if v.Status == "fail" {
				return 1
			}
		}
	}
	return 0
}

// printText prints one finding a line, then one line per package and
// reason for every package that does not build for some targets.
func printText(w io.Writer, dir string, res *matrix.Result, verbose bool) {
	infos := 0
	for _, d := range res.Diagnostics {
		if d.Severity == matrix.SeverityInfo && !verbose {
			infos++
			continue
		}
		fmt.Fprintf(w, "%s:%d:%d: %s (%s)\n", workspacePath(dir, d.File), d.Line, d.Column, d.Message, d.Analyzer)
	}
	for _, p := range res.Packages {
		var reasons []matrix.Verdict
		targets := map[matrix.Verdict][]string{}
		for _, t := range res.Targets {
			v := p.Targets[t]
			if v.Status != "fail" {
				continue
			}
			if targets[v] == nil {
				reasons = append(reasons, v)
			}
			targets[v] = append(targets[v], t)
		}
		for _, v := range reasons {
			fmt.Fprintf(w, "%s: does not build for %s: %s (%s)\n", p.Path, strings.Join(targets[v], " "), v.Message, v.Class)
		}
	}
	if infos > 0 {
		fmt.Fprintf(w, "(%d informational findings not shown, such as files no configured target builds: -v lists them)\n", infos)
	}
}

// cacheDir returns dir(), or "" when caching is off.
func cacheDir(off bool, dir func() string) string {
	if off {
		return ""
	}
	return dir()
}
