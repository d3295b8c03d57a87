package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/crossls/crossls/analysis/matrix"
	"github.com/crossls/crossls/analysis/target"
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
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crossls check [-targets LIST] [-config FILE] [-json] [-C DIR] [packages]")
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
	cfg, err := resolveConfig(ctx, absDir, *targets, *configFile)
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	res, err := matrix.Check(ctx, matrix.Options{
		Dir:       absDir,
		Patterns:  fs.Args(),
		Targets:   cfg.Targets,
		Analyzers: cfg.Analyzers,
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
		printText(stdout, absDir, res)
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

// printText prints one finding a line, then the packages that fail for
// some target without a finding to show for it.
func printText(w io.Writer, dir string, res *matrix.Result) {
	for _, d := range res.Diagnostics {
		fmt.Fprintf(w, "%s:%d:%d: %s (%s)\n", relPath(dir, d.File), d.Line, d.Column, d.Message, d.Analyzer)
	}
	for _, p := range res.Packages {
		for _, t := range res.Targets {
			if v := p.Targets[t]; v.Status == "fail" {
				fmt.Fprintf(w, "%s: [%s] does not build: %s (%s)\n", p.Path, t, v.Message, v.Class)
			}
		}
	}
}

func relPath(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !filepath.IsAbs(rel) && rel != ".." && !startsWithDotDot(rel) {
		return rel
	}
	return path
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}

// resolvedConfig is what check needs from configuration.
type resolvedConfig struct {
	Targets   []target.Target
	Analyzers map[string]bool
}
