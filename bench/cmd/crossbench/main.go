// Command crossbench measures crossls against the baselines a user would
// otherwise use, on real modules fetched through the module proxy, and
// prints the results as markdown tables:
//
//  1. CLI: `crossls check ./...` over a target matrix against the loop
//     "for each target: go build ./...", with cold and warm caches, and
//     whether the verdicts agree package by package;
//  2. editor: edit-to-diagnostic latency through `crossls serve` with 1, 4,
//     10 and 21 targets, against gopls with GOOS set to a broken target;
//  3. cold start and peak RSS of both servers (with their children);
//  4. how latency and memory scale with targets and module size;
//  5. precision: the findings of `crossls check` on real modules by
//     severity, analyzer and root cause, and how many sit in packages that
//     build for every target; with -before, for a second crossls too;
//  6. every port: `crossls check -targets all` (and 10 targets) on
//     syncthing against the go/packages peer (-pkgpeer) and the go build
//     loop, extrapolated from three ports.
//
// Usage:
//
//	crossbench -crossls BIN [-gopls BIN] [-pkgpeer BIN] [-before BIN] [-quick] [-out FILE]
//
// Run it through bench/run.sh, which builds the binaries.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/crossls/crossls/bench/internal/procmem"
)

// matrix21 is the 21-target matrix of the CLI benchmark.
var matrix21 = []string{
	"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/riscv64",
	"darwin/amd64", "darwin/arm64",
	"windows/amd64", "windows/arm64", "windows/386",
	"freebsd/amd64", "openbsd/amd64", "netbsd/amd64", "solaris/amd64", "illumos/amd64",
	"aix/ppc64", "plan9/amd64", "android/arm64", "js/wasm", "wasip1/wasm",
	"linux/amd64+cgo",
}

// editorTargets are the editor configurations by size. Every one holds
// linux/amd64 and windows/amd64, so that each module's edit breaks at least
// one configured target; the one-target configuration is the broken target.
var editorTargets = map[int][]string{
	1:  nil,
	4:  {"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"},
	10: {"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64", "linux/arm/v7", "linux/386", "darwin/amd64", "windows/386", "freebsd/amd64", "js/wasm"},
	21: matrix21,
}

func targetsFor(n int, m *module) []string {
	if n == 1 {
		return []string{m.Broken}
	}
	return editorTargets[n]
}

// The modules. The editor edit appends EditLine to EditFile: a reference
// to a function that only some targets' files define, which breaks Broken.
var (
	fsnotify = module{Path: "github.com/fsnotify/fsnotify", Version: "v1.10.1",
		// newWatches is defined in backend_inotify.go and backend_kqueue.go.
		EditFile: "fsnotify.go", EditLine: "var _ = newWatches", EditWord: "newWatches", Broken: "windows/amd64"}
	gopsutil = module{Path: "github.com/shirou/gopsutil/v4", Version: "v4.26.10"}
	console  = module{Path: "github.com/containerd/console", Version: "v1.0.5"}
	// syncthing is large (about 150 packages) and depends on packages that
	// use cgo on darwin with a working fallback (prometheus).
	syncthing = module{Path: "github.com/syncthing/syncthing", Version: "v1.30.0",
		// isMaybeWin83 is defined in basicfs_windows.go only.
		EditFile: "lib/fs/basicfs.go", EditLine: "var _ = isMaybeWin83", EditWord: "isMaybeWin83", Broken: "linux/amd64"}
	xtools = module{Path: "golang.org/x/tools", Version: "v0.52.0",
		// getErrno is defined in robustio_windows.go only.
		EditFile: "internal/robustio/robustio.go", EditLine: "var _ = getErrno", EditWord: "getErrno", Broken: "linux/amd64"}
)

type config struct {
	goCmd, crossls, gopls string
	pkgpeer               string
	before, beforeLabel   string
	quick                 bool
	out                   string
	work                  string
	label                 string
	parts                 map[string]bool
	counts, modules       string
	edits                 int
	budget, timeout       time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.crossls, "crossls", "", "crossls binary (required)")
	flag.StringVar(&cfg.gopls, "gopls", "", "gopls binary (optional; without it the gopls columns are empty)")
	flag.StringVar(&cfg.pkgpeer, "pkgpeer", "", "the go/packages peer (bench/cmd/pkgpeer), for the ports part")
	flag.StringVar(&cfg.before, "before", "", "another crossls binary whose findings the precision part shows beside -crossls's (optional)")
	flag.StringVar(&cfg.beforeLabel, "before-label", "before", "what -before is, for the precision table")
	flag.StringVar(&cfg.goCmd, "go", "go", "go command")
	flag.BoolVar(&cfg.quick, "quick", false, "reduced run: one module, 4 CLI targets, 1 and 4 editor targets, 5 edits")
	flag.StringVar(&cfg.out, "out", "", "also write the report to this file")
	flag.StringVar(&cfg.work, "work", "", "work directory for module copies and caches (default: a new temporary directory, removed at the end)")
	flag.StringVar(&cfg.label, "label", "", "what is measured, for the report header (e.g. the commit)")
	parts := flag.String("parts", "cli,editor,precision,ports", "comma-separated parts to run: cli, editor, precision, ports")
	flag.StringVar(&cfg.counts, "counts", "", "editor target counts to run, from 1,4,10,21 (default all; 1,4 with -quick)")
	flag.StringVar(&cfg.modules, "modules", "", "only these modules, by last path element: fsnotify, gopsutil, console, tools, syncthing")
	flag.IntVar(&cfg.edits, "edits", 0, "edit pairs per editor scenario (default 50, 5 with -quick)")
	flag.DurationVar(&cfg.budget, "budget", 0, "no new edit pair starts after this much time in one scenario (default 120s, 20s with -quick)")
	flag.DurationVar(&cfg.timeout, "timeout", 0, "limit for one wait for diagnostics (default 240s, 120s with -quick)")
	flag.Parse()
	if cfg.parts["ports"] && cfg.pkgpeer == "" {
		fmt.Fprintln(os.Stderr, "crossbench: the ports part needs -pkgpeer")
		os.Exit(2)
	}
	if cfg.crossls == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: crossbench -crossls BIN [-gopls BIN] [-quick] [-out FILE] [-parts cli,editor]")
		os.Exit(2)
	}
	cfg.parts = map[string]bool{}
	for _, p := range strings.Split(*parts, ",") {
		switch p = strings.TrimSpace(p); p {
		case "cli", "editor", "precision", "ports":
			cfg.parts[p] = true
		default:
			fmt.Fprintf(os.Stderr, "crossbench: unknown part %q (want cli, editor, precision, ports)\n", p)
			os.Exit(2)
		}
	}
	defaults := func(d *time.Duration, full, quick time.Duration) {
		if *d == 0 {
			*d = full
			if cfg.quick {
				*d = quick
			}
		}
	}
	defaults(&cfg.budget, 120*time.Second, 20*time.Second)
	defaults(&cfg.timeout, 240*time.Second, 120*time.Second)
	if cfg.edits == 0 {
		cfg.edits = 50
		if cfg.quick {
			cfg.edits = 5
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "crossbench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg *config) error {
	for _, p := range []*string{&cfg.crossls, &cfg.gopls, &cfg.before, &cfg.pkgpeer} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return err
		}
		*p = abs
	}
	if cfg.work == "" {
		dir, err := os.MkdirTemp("", "crossbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.work = dir
	} else if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		return err
	}
	logDir := filepath.Join(cfg.work, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	base := withEnv(os.Environ(), "GOTOOLCHAIN=local")

	cliModules := []*module{&fsnotify, &gopsutil, &console}
	cliTargets := matrix21
	editorModules := []*module{&fsnotify, &xtools, &syncthing}
	precisionModules := []*module{&fsnotify, &gopsutil, &console, &xtools, &syncthing}
	precisionTargets := editorTargets[10]
	counts := []int{1, 4, 10, 21}
	portsModules := []*module{&syncthing}
	portSets := map[string][]string{"10": editorTargets[10], "all": {"all"}}
	portOrder := []string{"10", "all"}
	if cfg.quick {
		portsModules = []*module{&fsnotify}
		portOrder = []string{"10"}
		cliModules = []*module{&fsnotify}
		cliTargets = editorTargets[4]
		editorModules = []*module{&fsnotify}
		precisionModules = []*module{&fsnotify}
		counts = []int{1, 4}
	}
	if cfg.counts != "" {
		counts = nil
		for _, f := range strings.Split(cfg.counts, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if _, ok := editorTargets[n]; err != nil || !ok {
				return fmt.Errorf("-counts: %q is not one of 1, 4, 10, 21", f)
			}
			counts = append(counts, n)
		}
	}
	if cfg.modules != "" {
		keep := map[string]bool{}
		for _, f := range strings.Split(cfg.modules, ",") {
			keep[strings.TrimSpace(f)] = true
		}
		only := func(ms []*module) (out []*module) {
			for _, m := range ms {
				if keep[m.short()] {
					out = append(out, m)
				}
			}
			return out
		}
		cliModules, editorModules, precisionModules, portsModules = only(cliModules), only(editorModules), only(precisionModules), only(portsModules)
		if len(cliModules)+len(editorModules)+len(precisionModules)+len(portsModules) == 0 {
			return fmt.Errorf("-modules %q selects no module (known: fsnotify, gopsutil, console, tools, syncthing)", cfg.modules)
		}
	}
	need := map[*module]bool{}
	if cfg.parts["cli"] {
		for _, m := range cliModules {
			need[m] = true
		}
	}
	if cfg.parts["editor"] {
		for _, m := range editorModules {
			need[m] = true
		}
	}
	if cfg.parts["ports"] {
		for _, m := range portsModules {
			need[m] = true
		}
	}
	// The precision part skips a module it cannot fetch; the others need it.
	optional := map[*module]bool{}
	if cfg.parts["precision"] {
		for _, m := range precisionModules {
			if !need[m] {
				need[m], optional[m] = true, true
			}
		}
	}
	modRoot := filepath.Join(cfg.work, "mod")
	if err := os.MkdirAll(modRoot, 0o755); err != nil {
		return err
	}
	for _, m := range []*module{&fsnotify, &gopsutil, &console, &xtools, &syncthing} {
		if !need[m] {
			continue
		}
		progress("fetching %s", m)
		if err := m.fetch(ctx, cfg.goCmd, modRoot, base); err != nil {
			if !optional[m] || ctx.Err() != nil {
				return err
			}
			m.fetchErr = err
			progress("skipping %s in the precision part: %v", m, err)
		}
	}

	var report bytes.Buffer
	header(&report, cfg, base)

	var cliRows []cliRow
	var editorRows []editorRow
	var err error
	if cfg.parts["cli"] {
		fmt.Fprintf(&report, "\n## 1. CLI: `crossls check ./...` vs `for each target: go build ./...` (%d targets)\n\n", len(cliTargets))
		if cliRows, err = cliPart(ctx, cfg, base, cliModules, cliTargets, &report); err != nil {
			return err
		}
	}
	if cfg.parts["editor"] {
		if editorRows, err = editorPart(ctx, cfg, base, editorModules, counts, logDir, &report); err != nil {
			return err
		}
	}
	if cfg.parts["precision"] {
		fmt.Fprintf(&report, "\n## 5. Precision: the findings of `crossls check ./...` (%d targets)\n\n", len(precisionTargets))
		label := cfg.label
		if label == "" {
			label = "crossls"
		}
		binaries := [][2]string{{label, cfg.crossls}}
		if cfg.before != "" {
			binaries = [][2]string{{cfg.beforeLabel, cfg.before}, {label, cfg.crossls}}
		}
		if _, err := precisionPart(ctx, cfg, base, precisionModules, precisionTargets, binaries, &report); err != nil {
			return err
		}
	}
	if cfg.parts["ports"] {
		for _, m := range portsModules {
			fmt.Fprintf(&report, "\n## 6. Every port: `crossls check -targets all ./...` vs the go/packages peer vs the go build loop, on %s\n\n", m)
			if _, err := portsPart(ctx, cfg, base, m, portSets, portOrder, &report); err != nil {
				return err
			}
		}
	}
	goals(&report, cliRows, editorRows)

	os.Stdout.Write(report.Bytes())
	if cfg.out != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(cfg.out, report.Bytes(), 0o644); err != nil {
			return err
		}
		progress("wrote %s", cfg.out)
	}
	return ctx.Err()
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func header(w io.Writer, cfg *config, env []string) {
	mode := "full"
	if cfg.quick {
		mode = "quick"
	}
	fmt.Fprintf(w, "# crossls benchmark (%s run, %s)\n\n", mode, time.Now().Format("2006-01-02 15:04"))
	if cfg.label != "" {
		fmt.Fprintf(w, "- measured: %s\n", cfg.label)
	}
	fmt.Fprintf(w, "- machine: %d CPUs, %s, %s\n", runtime.NumCPU(), memTotal(), kernel())
	fmt.Fprintf(w, "- go: %s\n", firstLine(cfg.goCmd, env, "version"))
	if cfg.gopls != "" {
		fmt.Fprintf(w, "- gopls: %s\n", firstLine(cfg.gopls, env, "version"))
	}
}

// firstLine runs a version command and returns its first output line.
func firstLine(bin string, env []string, args ...string) string {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

func memTotal() string {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "memory unknown"
	}
	if b, err := procmem.Field(data, "MemTotal"); err == nil {
		return fmt.Sprintf("%.1f GiB RAM", float64(b)/(1<<30))
	}
	return "memory unknown"
}

func kernel() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return runtime.GOOS
	}
	return runtime.GOOS + " " + strings.TrimSpace(string(data))
}
