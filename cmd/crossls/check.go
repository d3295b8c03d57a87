package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/matrix"
)

func init() {
	register("check", command{summary: "check packages for every configured target", run: runCheck})
}

const checkUsage = `usage: crossls check [-targets LIST | -matrix FILE] [-config FILE] [-json | -format FORMAT] [-o FILE] [-shard I/N] [-v] [-nocache] [-tests=false] [-modules] [-C DIR] [packages]

Check checks the packages (default ./...) for every configured target and
prints each finding, then the packages that do not build for some target.

Patterns are read as the go command reads them, with two differences. At
a go.work root (or above several of its modules), ./... means every
module the workspace uses. In a directory that is in no module, such as a
folder of modules, ./... checks every module below it, each on its own.
Modules nested in a module are left out of its ./..., as the go command
leaves them out; -modules checks every module below the patterns'
directories too. Each module is checked with its own configuration: its
.crossls.yaml or .goreleaser.yaml, else the workspace's.

Each package's tests (its _test.go files) are checked for every target
too, as go vet checks them: a test that does not compile for a target
fails the check as a package that does not build does (-tests=false
leaves tests out).

On a terminal, a line on stderr shows the progress while it runs.
-format html writes one self-contained page with the matrix of packages
and targets and the findings, for CI artifacts: -format html -o report.html.

Flags:
`

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	targets := fs.String("targets", "", "comma-separated targets, or all (every port of this Go) or first-class (default: .crossls.yaml, .goreleaser.yaml, or the default matrix)")
	configFile := fs.String("config", "", "configuration file (default: .crossls.yaml of each module, or of the workspace)")
	jsonOut := fs.Bool("json", false, "print one JSON object (see docs/check-json.md)")
	dir := fs.String("C", ".", "run in `dir`")
	noCache := fs.Bool("nocache", false, "do not use or store cached results and types")
	tests := fs.Bool("tests", true, "also check each package's tests (its _test.go files) for every target, as go vet does")
	verbose := fs.Bool("v", false, "also list informational findings (files no configured target builds)")
	allModules := fs.Bool("modules", false, "also check the modules nested below the patterns' directories, each with its own go.mod")
	format := fs.String("format", "", "output `format`: "+strings.Join(outputFormats, ", ")+" (json is -json; default text)")
	outName := fs.String("o", "", "write the output to `file` instead of standard output")
	shardFlag := fs.String("shard", "", "check only the `I/N`-th of N slices of the targets; crossls merge joins the shards' outputs")
	matrixFile := fs.String("matrix", "", "read the targets of every module from `file`, in staticcheck's -matrix format")
	fs.Usage = func() {
		fmt.Fprint(stderr, checkUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	outFormat, err := outputFormat(*format, *jsonOut)
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	var sh shard
	if *shardFlag != "" {
		if sh, err = parseShard(*shardFlag); err != nil {
			fmt.Fprintln(stderr, "crossls:", err)
			return 2
		}
	}
	units, err := planUnits(ctx, absDir, fs.Args(), *allModules, false, configFlags{*targets, *configFile, *matrixFile}, stderr, "crossls", "checking")
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	out := output{format: outFormat, dir: absDir, root: sarifRoot(absDir), tool: version(), verbose: *verbose, modules: []checkModule{}}
	// The shard's targets of each unit, or all of them.
	unitTargets := func(u *configuredUnit) []target.Target {
		if *shardFlag != "" {
			return sh.targets(u.cfg.Targets)
		}
		return u.cfg.Targets
	}
	progress := &checkProgress{units: len(units)}
	for i := range units {
		progress.targets += len(unitTargets(&units[i]))
	}
	// JSON and SARIF on standard output are for programs: nothing extra.
	var live *liveLine
	if *outName != "" || (outFormat != formatJSON && outFormat != formatSARIF) {
		live = startLiveLine(stderr, progress.String)
	}
	defer live.finish()
	var results []*matrix.Result
	var shardUnits []shardUnit     // with -shard, the shard's part of each unit's check
	var wholeModules []checkModule // with -shard, the modules with all their targets
	shardTargets, most := 0, 0
	for i := range units {
		u := &units[i]
		progress.startUnit(relList(absDir, []string{u.Dir}))
		live.update()
		var onTarget func(target.Target, int)
		if live != nil {
			onTarget = func(_ target.Target, packages int) {
				progress.targetDone(packages)
				live.update()
			}
		}
		opts := matrix.Options{
			Dir:            u.Dir,
			Patterns:       u.Patterns(),
			Targets:        unitTargets(u),
			Analyzers:      u.cfg.Analyzers,
			Env:            u.env(),
			ResultCacheDir: cacheDir(*noCache, matrix.DefaultResultCacheDir),
			TypeCacheDir:   cacheDir(*noCache, matrix.DefaultTypeCacheDir),
			// The command line runs where its user chose to run it, as go
			// build would: a target's configured C compiler may run.
			TrustProject: true,
			Tests:        *tests,
			Progress:     onTarget,
		}
		modules := unitModules(u)
		var res *matrix.Result
		if *shardFlag != "" {
			// Each unit's targets are sliced on their own: together, the
			// shards check every module for each of its targets.
			wholeModules = append(wholeModules, modules...)
			shardTargets += len(opts.Targets)
			most = max(most, len(u.cfg.Targets))
			// The shard's own result is a check of its targets alone.
			modules = withTargets(modules, targetNames(opts.Targets))
			var part *matrix.Result
			part, res, err = checkShard(ctx, opts)
			shardUnits = append(shardUnits, shardUnit{Targets: targetNames(u.cfg.Targets), Part: part})
		} else {
			res, err = matrix.Check(ctx, opts)
		}
		if err != nil {
			live.finish()
			fmt.Fprintln(stderr, "crossls:", err)
			return 2
		}
		progress.endUnit(len(opts.Targets), len(res.Packages))
		live.update()
		results = append(results, res)
		out.modules = append(out.modules, modules...)
	}
	live.finish()
	if *shardFlag != "" {
		info := &shardInfo{Index: sh.Index, Count: sh.Count, Targets: []string{}, Dir: absDir,
			Root: out.root, Patterns: fs.Args(), Tool: out.tool, Modules: wholeModules}
		if info.Patterns == nil {
			info.Patterns = []string{}
		}
		if info.Modules == nil {
			info.Modules = []checkModule{}
		}
		for _, su := range shardUnits {
			for _, t := range su.Targets {
				if !slices.Contains(info.Targets, t) {
					info.Targets = append(info.Targets, t)
				}
			}
		}
		if len(shardUnits) == 1 {
			info.Part = shardUnits[0].Part
		} else {
			info.Units = shardUnits
		}
		out.shard = info
		if shardTargets == 0 {
			fmt.Fprintf(stderr, "crossls: warning: shard %s has no targets: there are %d\n", sh, most)
		}
	}
	res := mergeResults(results)
	w, commit, err := outputFile(*outName, stdout)
	if err == nil {
		err = commit(out.write(w, res))
	}
	if err != nil {
		fmt.Fprintln(stderr, "crossls:", err)
		return 2
	}
	return exitCode(res)
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
		printFailures(w, p.Path+": does not build for", res.Targets, func(t string) *matrix.Verdict {
			v := p.Targets[t]
			return &v
		})
		printFailures(w, p.Path+": tests do not compile for", res.Targets, func(t string) *matrix.Verdict {
			return p.Targets[t].Tests
		})
	}
	if infos > 0 {
		fmt.Fprintf(w, "(%d informational findings not shown, such as files no configured target builds: -v lists them)\n", infos)
	}
}

// printFailures prints a line per reason that verdictOf fails for some of
// targets, with those targets.
func printFailures(w io.Writer, prefix string, targets []string, verdictOf func(t string) *matrix.Verdict) {
	type reason struct{ class, message string }
	var reasons []reason
	failing := map[reason][]string{}
	for _, t := range targets {
		v := verdictOf(t)
		if v == nil || v.Status != "fail" {
			continue
		}
		r := reason{v.Class, v.Message}
		if failing[r] == nil {
			reasons = append(reasons, r)
		}
		failing[r] = append(failing[r], t)
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "%s %s: %s (%s)\n", prefix, strings.Join(failing[r], " "), r.message, r.class)
	}
}

// cacheDir returns dir(), or "" when caching is off.
func cacheDir(off bool, dir func() string) string {
	if off {
		return ""
	}
	return dir()
}
