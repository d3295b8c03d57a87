package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/config"
	"github.com/crossls/crossls/internal/workspace"
)

func init() {
	register("targets", command{summary: "list the targets to check and where they come from", run: runTargets})
}

const targetsUsage = `Usage: crossls targets [-targets LIST] [-config FILE] [-all] [-json] [-C DIR]

Targets lists the targets crossls checks for the module in the current
directory, and where they come from: -targets, .crossls.yaml, the builds
of .goreleaser.yaml, or the default matrix. In a directory of several
modules (a go.work root, a module with nested modules, a folder of
modules) it lists them for each module: a module's own configuration
files apply to it, the workspace's to modules without any. With -all it lists every
platform of this Go toolchain instead, with its cgo support and whether
it is a first-class port.

Flags:
`

func runTargets(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, targetsUsage)
		fs.PrintDefaults()
	}
	var (
		targetsFlag = fs.String("targets", "", "comma-separated `list` of targets, e.g. linux/amd64,linux/arm/v7,darwin/arm64+cgo, or all or first-class")
		configFlag  = fs.String("config", "", "read the configuration from `file` instead of searching for .crossls.yaml or .goreleaser.yaml")
		all         = fs.Bool("all", false, "list every platform of this Go toolchain")
		jsonOut     = fs.Bool("json", false, "print JSON")
		dir         = fs.String("C", ".", "run as if started in `dir`")
	)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "crossls targets: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *all && (*targetsFlag != "" || *configFlag != "") {
		fmt.Fprintln(stderr, "crossls targets: -all lists every platform; it does not combine with -targets or -config")
		return 2
	}

	dist, err := target.LoadDist(ctx, "go")
	if err != nil {
		fmt.Fprintf(stderr, "crossls targets: %v\n", err)
		return 2
	}
	if *all {
		return printTargetPlatforms(dist, *jsonOut, stdout, stderr)
	}

	var explicit []string
	if *targetsFlag != "" {
		explicit = []string{*targetsFlag}
	}
	var cfg *config.Config
	if *configFlag != "" {
		file := *configFlag
		if !filepath.IsAbs(file) {
			file = filepath.Join(*dir, file)
		}
		cfg, err = config.LoadFile(file, explicit, config.SourceFlag, dist)
	} else {
		cfg, err = config.LoadIn(*dir, absPath(*dir), explicit, config.SourceFlag, dist)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "crossls: warning: %s\n", w)
	}
	modules, err := moduleConfigs(*dir, explicit, *configFlag, cfg, dist)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *jsonOut {
		out := targetsJSON(cfg, dist)
		out.Modules = []targetsModuleJSON{}
		for _, m := range modules {
			mj := targetsModuleJSON{Dir: m.dir, Path: workspace.ModulePath(m.dir), GoWork: m.goWork, Source: m.cfg.Source, File: m.cfg.File}
			mj.Targets = targetsJSON(m.cfg, dist).Targets
			out.Modules = append(out.Modules, mj)
		}
		return targetsWriteJSON(stdout, stderr, out)
	}
	if len(modules) <= 1 {
		printTargetList(stdout, "", cfg, dist)
		return 0
	}
	// Several modules: which configuration applies where.
	for i, m := range modules {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printTargetList(stdout, relList(absPath(*dir), []string{m.dir})+": ", m.cfg, dist)
	}
	return 0
}

func printTargetList(w io.Writer, label string, cfg *config.Config, dist *target.Dist) {
	from := string(cfg.Source)
	if cfg.File != "" {
		from = cfg.File
	}
	noun := "targets"
	if len(cfg.Targets) == 1 {
		noun = "target"
	}
	fmt.Fprintf(w, "# %s%d %s from %s (%s)\n", label, len(cfg.Targets), noun, from, dist.GoVersion)
	for _, t := range cfg.Targets {
		fmt.Fprintln(w, strings.TrimSpace(t.String()+"  "+targetDetails(t)))
	}
}

func absPath(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// moduleConfig is the configuration that applies to one module.
type moduleConfig struct {
	dir    string
	goWork string // the go.work that uses it, if any
	cfg    *config.Config
}

// moduleConfigs resolves the configuration of every module in dir: the
// module dir is in, those below it, and those of the go.work around it
// that are below it. The module dir is in gets dirCfg, dir's own.
func moduleConfigs(dir string, explicit []string, configFlag string, dirCfg *config.Config, dist *target.Dist) ([]moduleConfig, error) {
	dir = absPath(dir)
	roots := workspace.FindModules(dir)
	own, work, err := workspace.Locate(dir, nil)
	if err != nil {
		return nil, err
	}
	if own != "" && !slices.Contains(roots, own) {
		roots = append([]string{own}, roots...)
	}
	var out []moduleConfig
	for _, root := range roots {
		m := moduleConfig{dir: root, cfg: dirCfg}
		if work.Uses(root) {
			m.goWork = work.File
		}
		if root != own && configFlag == "" {
			cfg, err := config.LoadIn(root, dir, explicit, config.SourceFlag, dist)
			if err != nil {
				return nil, err
			}
			m.cfg = cfg
		}
		out = append(out, m)
	}
	return out, nil
}

// targetDetails spells out the settings of t that its name does not show.
func targetDetails(t target.Target) string {
	var parts []string
	if len(t.Tags) > 0 {
		parts = append(parts, "tags="+strings.Join(t.Tags, ","))
	}
	if t.CC != "" {
		parts = append(parts, "cc="+t.CC)
	}
	for _, kv := range t.Env {
		parts = append(parts, "env "+kv)
	}
	return strings.Join(parts, " ")
}

// The JSON output of `crossls targets` is read by editors and scripts;
// add fields, never rename or remove them.
type targetsOutput struct {
	GoVersion string             `json:"go_version"`
	Source    config.Source      `json:"source"`
	File      string             `json:"file,omitempty"`
	Targets   []targetsEntryJSON `json:"targets"`
	Analyzers map[string]bool    `json:"analyzers"`
	Build     targetsBuildJSON   `json:"build"`
	Warnings  []string           `json:"warnings"`
	// Modules are the modules in the directory with the configuration
	// of each: its own files, or the workspace's.
	Modules []targetsModuleJSON `json:"modules"`
}

type targetsModuleJSON struct {
	Dir     string             `json:"dir"`
	Path    string             `json:"path"`
	GoWork  string             `json:"go_work,omitempty"`
	Source  config.Source      `json:"source"`
	File    string             `json:"file,omitempty"`
	Targets []targetsEntryJSON `json:"targets"`
}

type targetsEntryJSON struct {
	Target     string   `json:"target"`
	GOOS       string   `json:"goos"`
	GOARCH     string   `json:"goarch"`
	Variant    string   `json:"variant,omitempty"`
	Cgo        bool     `json:"cgo"`
	Tags       []string `json:"tags,omitempty"`
	Env        []string `json:"env,omitempty"`
	CC         string   `json:"cc,omitempty"`
	FirstClass bool     `json:"first_class"`
}

type targetsBuildJSON struct {
	OutputDir string   `json:"output_dir"`
	Jobs      int      `json:"jobs"`
	Ldflags   string   `json:"ldflags"`
	Trimpath  bool     `json:"trimpath"`
	Tags      []string `json:"tags"`
	Name      string   `json:"name"`
}

func targetsJSON(cfg *config.Config, dist *target.Dist) targetsOutput {
	out := targetsOutput{
		GoVersion: dist.GoVersion,
		Source:    cfg.Source,
		File:      cfg.File,
		Targets:   []targetsEntryJSON{},
		Analyzers: cfg.Analyzers,
		Build: targetsBuildJSON{
			OutputDir: cfg.Build.OutputDir,
			Jobs:      cfg.Build.Jobs,
			Ldflags:   cfg.Build.Ldflags,
			Trimpath:  cfg.Build.Trimpath,
			Tags:      targetsNonNil(cfg.Build.Tags),
			Name:      cfg.Build.Name,
		},
		Warnings: targetsNonNil(cfg.Warnings),
	}
	for _, t := range cfg.Targets {
		p, _ := dist.Lookup(t.GOOS, t.GOARCH)
		out.Targets = append(out.Targets, targetsEntryJSON{
			Target:     t.String(),
			GOOS:       t.GOOS,
			GOARCH:     t.GOARCH,
			Variant:    t.Variant,
			Cgo:        t.Cgo,
			Tags:       t.Tags,
			Env:        t.Env,
			CC:         t.CC,
			FirstClass: p.FirstClass,
		})
	}
	return out
}

type targetsPlatformJSON struct {
	Target       string `json:"target"`
	GOOS         string `json:"goos"`
	GOARCH       string `json:"goarch"`
	CgoSupported bool   `json:"cgo_supported"`
	FirstClass   bool   `json:"first_class"`
}

// printTargetPlatforms lists every platform of the toolchain, as
// `go tool dist list` does, with its cgo support and first-class flag.
func printTargetPlatforms(dist *target.Dist, asJSON bool, stdout, stderr io.Writer) int {
	if asJSON {
		out := struct {
			GoVersion string                `json:"go_version"`
			Platforms []targetsPlatformJSON `json:"platforms"`
		}{GoVersion: dist.GoVersion, Platforms: []targetsPlatformJSON{}}
		for _, p := range dist.Platforms {
			out.Platforms = append(out.Platforms, targetsPlatformJSON{
				Target: p.GOOS + "/" + p.GOARCH, GOOS: p.GOOS, GOARCH: p.GOARCH,
				CgoSupported: p.CgoSupported, FirstClass: p.FirstClass,
			})
		}
		return targetsWriteJSON(stdout, stderr, out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tCGO\tFIRST-CLASS")
	for _, p := range dist.Platforms {
		fmt.Fprintf(tw, "%s/%s\t%s\t%s\n", p.GOOS, p.GOARCH, targetsYesNo(p.CgoSupported), targetsYesNo(p.FirstClass))
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "crossls targets: %v\n", err)
		return 2
	}
	return 0
}

func targetsYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func targetsNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func targetsWriteJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "crossls targets: %v\n", err)
		return 2
	}
	return 0
}
