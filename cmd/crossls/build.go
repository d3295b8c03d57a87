package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/crossls/crossls/internal/build"
)

func init() {
	register("build", command{summary: "build and verify binaries for every configured target", run: runBuild})
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	targets := fs.String("targets", "", "comma-separated targets, or all (every port of this Go) or first-class (default: .crossls.yaml, .goreleaser.yaml, or the default matrix)")
	configFile := fs.String("config", "", "configuration file (default: .crossls.yaml of each module, or of the workspace)")
	outDir := fs.String("o", "", "output directory inside the workspace (default: build.output_dir of the configuration, or dist)")
	jobs := fs.Int("j", -1, "number of builds to run at once (default: build.jobs of the configuration, or one per CPU)")
	jsonOut := fs.Bool("json", false, "print the results as JSON records")
	verbose := fs.Bool("v", false, "report each build as it starts and ends, on stderr")
	dir := fs.String("C", ".", "build in `dir`, the workspace root")
	allModules := fs.Bool("modules", false, "also build the modules nested below the patterns' directories, each with its own go.mod")
	matrixFile := fs.String("matrix", "", "read the targets of every module from `file`, in staticcheck's -matrix format")
	shardFlag := fs.String("shard", "", "build only the `I/N`-th of N slices of each module's targets (as crossls check -shard)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crossls build [-targets LIST | -matrix FILE] [-config FILE] [-shard I/N] [-o DIR] [-j N] [-json] [-v] [-modules] [-C DIR] [packages]")
		fmt.Fprintln(stderr, "\nBuild builds the packages (default .) for every configured target. Patterns are")
		fmt.Fprintln(stderr, "read as by crossls check: ./... at a go.work root builds every module it uses, each")
		fmt.Fprintln(stderr, "module with its own configuration; outputs stay inside the directory it runs in.")
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(err error) int {
		fmt.Fprintln(stderr, "crossls build:", err)
		return 2
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		return usageErr(err)
	}
	if *jobs < -1 {
		return usageErr(fmt.Errorf("-j must be at least 0 (0 = one per CPU)"))
	}

	packages := fs.Args()
	if len(packages) == 0 {
		packages = []string{"."}
	}
	units, err := planUnits(ctx, absDir, packages, *allModules, true, configFlags{*targets, *configFile, *matrixFile}, stderr, "crossls build", "building")
	if err != nil {
		return usageErr(err)
	}
	var sh shard
	if *shardFlag != "" {
		if sh, err = parseShard(*shardFlag); err != nil {
			return usageErr(err)
		}
	}
	var results []build.Result
	all, some := 0, false
	progress := &buildProgress{}
	for _, u := range units {
		if *shardFlag != "" {
			progress.targets += len(sh.targets(u.cfg.Targets))
		} else {
			progress.targets += len(u.cfg.Targets)
		}
	}
	// -v prints each event on a line of its own instead.
	var live *liveLine
	if !*verbose && !*jsonOut {
		live = startLiveLine(stderr, progress.String)
	}
	defer live.finish()
	for i := range units {
		u := &units[i]
		cfg := u.cfg
		targets := cfg.Targets
		if *shardFlag != "" {
			// Each module's targets are sliced on their own, so that the
			// shards together build every module for each of its targets.
			all += len(targets)
			if targets = sh.targets(targets); len(targets) == 0 {
				continue
			}
		}
		some = true
		opts := build.Options{
			Dir:      u.Dir,
			Root:     absDir,
			Packages: u.Patterns(),
			Targets:  targets,
			Jobs:     cfg.Build.Jobs,
			Tags:     cfg.Build.Tags,
			Ldflags:  cfg.Build.Ldflags,
			Trimpath: cfg.Build.Trimpath,
			Name:     cfg.Build.Name,
			Env:      u.env(),
		}
		if *jobs >= 0 {
			opts.Jobs = *jobs
		}
		// The runner takes the output directory relative to the workspace
		// root and refuses one that leaves it.
		opts.OutputDir = *outDir
		if opts.OutputDir == "" {
			opts.OutputDir = cfg.Build.OutputDir
		}
		if filepath.IsAbs(opts.OutputDir) {
			if rel, err := filepath.Rel(absDir, opts.OutputDir); err == nil && filepath.IsLocal(rel) {
				opts.OutputDir = rel
			}
		}
		if *verbose {
			opts.OnEvent = func(e build.Event) { printEvent(stderr, absDir, e) }
		} else if live != nil {
			opts.OnEvent = func(e build.Event) {
				progress.event(e)
				live.update()
			}
		}
		res, err := build.Run(ctx, opts)
		if err != nil && res == nil {
			live.finish() // the error goes on a line of its own
			return usageErr(err)
		}
		results = append(results, res...)
		if ctx.Err() != nil {
			break
		}
	}
	live.finish()
	if *shardFlag != "" && !some {
		fmt.Fprintf(stderr, "crossls build: shard %s has no targets: there are %d\n", sh, all)
		return 0
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		out := struct {
			Results []build.Result       `json:"results"`
			Errors  []build.CompileError `json:"errors"`
		}{results, build.MergeErrors(results)}
		if out.Errors == nil {
			out.Errors = []build.CompileError{}
		}
		if err := enc.Encode(out); err != nil {
			return usageErr(err)
		}
	} else {
		printBuildTable(stdout, absDir, results)
	}
	for _, r := range results {
		if r.Err != nil {
			return 1
		}
	}
	return 0
}

func printEvent(w io.Writer, dir string, e build.Event) {
	switch e.Kind {
	case build.Started:
		fmt.Fprintf(w, "%s: building %s\n", e.Target, e.Package)
	case build.Finished:
		fmt.Fprintf(w, "%s: ok (%s, %s) in %s\n", e.Target, workspacePath(dir, e.Result.Output), humanSize(e.Result.Size), seconds(e.Result.Duration))
	case build.Failed:
		fmt.Fprintf(w, "%s: failed: %v\n", e.Target, e.Result.Err)
	}
}

// printBuildTable prints one row per build, then the errors of the failed
// builds: parsed compile errors merged across targets, or the go command's
// output when it had none to parse.
func printBuildTable(w io.Writer, dir string, results []build.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tPACKAGE\tSTATUS\tOUTPUT\tSIZE\tTIME\tVERIFICATION")
	for _, r := range results {
		status, output, size, verification := "ok", "-", "-", "-"
		switch {
		case r.Err != nil && errors.Is(r.Err, context.Canceled):
			status = "cancelled"
		case r.Err != nil:
			status = "FAILED"
		}
		if r.Output != "" {
			output, size = workspacePath(dir, r.Output), humanSize(r.Size)
		}
		if r.Verify != nil {
			verification = r.Verify.String()
		}
		pkg := r.Package
		if pkg == "" {
			pkg = "-"
		} else if f := strings.Fields(pkg); len(f) > 1 {
			pkg = fmt.Sprintf("%s (+%d, no output)", f[0], len(f)-1)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Target, pkg, status, output, size, seconds(r.Duration), verification)
	}
	tw.Flush()

	merged := build.MergeErrors(results)
	var failures []string
	for _, r := range results {
		if r.Err == nil || errors.Is(r.Err, context.Canceled) {
			continue
		}
		failures = append(failures, fmt.Sprintf("%s: %v", r.Target, r.Err))
		if len(r.Errors) == 0 && strings.TrimSpace(r.Log) != "" {
			for line := range strings.Lines(strings.TrimRight(r.Log, "\n")) {
				failures = append(failures, "\t"+strings.TrimRight(line, "\n"))
			}
		}
	}
	if len(failures) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, f := range failures {
		fmt.Fprintln(w, f)
	}
	if len(merged) > 0 {
		fmt.Fprintln(w)
		for _, e := range merged {
			e.File = workspacePath(dir, e.File)
			fmt.Fprintf(w, "%s [%s]\n", e, strings.Join(e.Targets, ", "))
		}
	}
}

func workspacePath(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func seconds(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}
