package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/crossls/crossls/analysis/config"
	"github.com/crossls/crossls/analysis/target"
)

func init() {
	register("targets", command{summary: "list the targets to check and where they come from", run: runTargets})
}

const targetsUsage = `Usage: crossls targets [-targets LIST] [-config FILE] [-all] [-json] [-C DIR]

Targets lists the targets crossls checks for the module in the current
directory, and where they come from: -targets, .crossls.yaml, the builds
of .goreleaser.yaml, or the default matrix. With -all it lists every
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
		targetsFlag = fs.String("targets", "", "comma-separated `list` of targets, e.g. linux/amd64,linux/arm/v7,darwin/arm64+cgo")
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
		cfg, err = config.Load(*dir, explicit, config.SourceFlag, dist)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "crossls: warning: %s\n", w)
	}
	if *jsonOut {
		return targetsWriteJSON(stdout, stderr, targetsJSON(cfg, dist))
	}
	from := string(cfg.Source)
	if cfg.File != "" {
		from = cfg.File
	}
	noun := "targets"
	if len(cfg.Targets) == 1 {
		noun = "target"
	}
	fmt.Fprintf(stdout, "# %d %s from %s (%s)\n", len(cfg.Targets), noun, from, dist.GoVersion)
	for _, t := range cfg.Targets {
		fmt.Fprintln(stdout, strings.TrimSpace(t.String()+"  "+targetDetails(t)))
	}
	return 0
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
