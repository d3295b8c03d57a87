package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/config"
	"github.com/crossls/crossls/internal/matrix"
	"github.com/crossls/crossls/internal/workspace"
)

// A configuredUnit is one go command's share of the package patterns
// (one module, or modules of a go.work with the same configuration) and
// the configuration that applies to its modules.
type configuredUnit struct {
	workspace.Unit
	cfg *config.Config
}

// env returns the go command's environment for the unit, nil for the
// process's own.
func (u *configuredUnit) env() []string {
	if len(u.Env) == 0 {
		return nil
	}
	return append(os.Environ(), u.Env...)
}

// configFlags are the flags that choose the configuration of check and
// build; files are relative to the directory the command runs in.
type configFlags struct {
	targets string // -targets
	config  string // -config
	matrix  string // -matrix, a staticcheck -matrix file
}

// planUnits splits the patterns given in dir into the units that load
// them (see workspace.NewPlan) and resolves each unit's configuration:
// that of -targets, -matrix and -config for every module, else each
// module's own (its files, or the workspace's). It says on stderr which modules an
// expanded pattern checks and which nested modules are left out.
// prefix starts its lines ("crossls", "crossls build"); verb says what
// the command does to modules ("checking"). perModule makes a unit of
// each module, with the whole configuration of its own directory (the
// output directory of a build); otherwise modules of a go.work with the
// same configuration files share a unit.
func planUnits(ctx context.Context, dir string, patterns []string, allModules, perModule bool, flags configFlags, stderr io.Writer, prefix, verb string) ([]configuredUnit, error) {
	if flags.targets != "" && flags.matrix != "" {
		return nil, errTargetsAndMatrix
	}
	plan, err := workspace.NewPlan(workspace.PlanOptions{Dir: dir, Patterns: patterns, AllModules: allModules})
	if err != nil {
		return nil, err
	}
	dist, err := target.LoadDist(ctx, "go")
	if err != nil {
		return nil, err
	}
	var explicit []string
	if flags.targets != "" {
		explicit = []string{flags.targets}
	}
	// configDir is the directory whose configuration applies to a module:
	// the one the command runs in, inside it, else the module's root.
	configDir := func(module string) string {
		if module == "" || workspace.Within(module, dir) {
			return dir
		}
		return module
	}
	configs := map[string]*config.Config{}
	load := func(cdir string) (*config.Config, error) {
		if cfg, ok := configs[cdir]; ok {
			return cfg, nil
		}
		var cfg *config.Config
		var err error
		switch {
		case flags.matrix != "":
			cfg, err = config.LoadMatrix(cdir, dir, inDir(dir, flags.config), inDir(dir, flags.matrix), dist)
		case flags.config != "":
			cfg, err = config.LoadFile(inDir(dir, flags.config), explicit, config.SourceFlag, dist)
		default:
			cfg, err = config.LoadIn(cdir, dir, explicit, config.SourceFlag, dist)
		}
		if err != nil {
			return nil, err
		}
		for _, w := range cfg.Warnings {
			fmt.Fprintf(stderr, "%s: warning: %s\n", prefix, w)
		}
		configs[cdir] = cfg
		return cfg, nil
	}
	sameConfig := func(module string) string {
		if perModule {
			return module
		}
		if flags.config != "" {
			return ""
		}
		c, g := config.Applicable(configDir(module), dir)
		return c + "\x00" + g
	}
	var out []configuredUnit
	var modules []string
	for _, u := range plan.Units {
		for _, part := range u.Split(sameConfig) {
			mods := part.Modules()
			first := ""
			if len(mods) > 0 {
				first = mods[0]
			}
			cfg, err := load(configDir(first))
			if err != nil {
				return nil, err
			}
			out = append(out, configuredUnit{Unit: part, cfg: cfg})
			modules = append(modules, mods...)
		}
	}
	if plan.Expanded {
		fmt.Fprintf(stderr, "%s: %s %d modules: %s\n", prefix, verb, len(modules), relList(dir, modules))
	}
	if len(plan.Nested) > 0 {
		why := "each has its own go.mod"
		if plan.Work != nil {
			why += " and " + plan.Work.File + " does not use it"
		}
		fmt.Fprintf(stderr, "%s: note: left out the modules %s, as the go command does (%s); name them, or use -modules for every module below\n", prefix, relList(dir, plan.Nested), why)
	}
	return out, nil
}

// relList lists directories relative to dir ("." for dir itself).
func relList(dir string, dirs []string) string {
	names := make([]string, len(dirs))
	for i, d := range dirs {
		names[i] = "."
		if rel, err := filepath.Rel(dir, d); err == nil && rel != "." {
			names[i] = filepath.ToSlash(rel)
		}
	}
	return strings.Join(names, ", ")
}

// checkModule describes a module that a check covered, in the "modules"
// field of `crossls check -json`.
type checkModule struct {
	Dir     string        `json:"dir"`
	Path    string        `json:"path"`
	GoWork  string        `json:"go_work,omitempty"` // the go.work it was checked in
	Targets []string      `json:"targets"`
	Source  config.Source `json:"source"` // where its targets come from
	File    string        `json:"file,omitempty"`
}

// checkOutput is the JSON of `crossls check`: the result, and the modules
// it covers with the configuration of each.
type checkOutput struct {
	*matrix.Result
	Modules []checkModule `json:"modules"`
}

func unitModules(u *configuredUnit) []checkModule {
	var out []checkModule
	for _, m := range u.Modules() {
		cm := checkModule{Dir: m, Path: workspace.ModulePath(m), Source: u.cfg.Source, File: u.cfg.File}
		if u.Work != nil {
			cm.GoWork = u.Work.File
		}
		for _, t := range u.cfg.Targets {
			cm.Targets = append(cm.Targets, t.String())
		}
		out = append(out, cm)
	}
	return out
}

// mergeResults combines the results of several units into one, ordered
// as one check orders its own: packages by path, findings by position.
// Targets are those of every unit, in order of appearance; a package's
// verdicts are for its own module's targets.
func mergeResults(results []*matrix.Result) *matrix.Result {
	if len(results) == 1 {
		return results[0]
	}
	out := &matrix.Result{Targets: []string{}, Packages: []matrix.Package{}, Diagnostics: []matrix.Diagnostic{}}
	for _, r := range results {
		if out.GoVersion == "" {
			out.GoVersion = r.GoVersion
		}
		for _, t := range r.Targets {
			if !slices.Contains(out.Targets, t) {
				out.Targets = append(out.Targets, t)
			}
		}
		out.Packages = append(out.Packages, r.Packages...)
		out.Diagnostics = append(out.Diagnostics, r.Diagnostics...)
	}
	sort.SliceStable(out.Packages, func(i, j int) bool { return out.Packages[i].Path < out.Packages[j].Path })
	matrix.SortDiagnostics(out.Diagnostics)
	return out
}
