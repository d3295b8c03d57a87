package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/crossls/crossls/internal/config"
)

func init() {
	register("ci", command{summary: "print a CI workflow that checks and builds every target", run: runCI})
}

const ciUsage = `Usage: crossls ci github [-w] [-f] [-check-shards N] [-build-shards N] [-version V] [-C DIR]

Ci github prints a GitHub Actions workflow for the module in DIR: a check
of every configured target whose SARIF goes to code scanning, fanned out
over -check-shards jobs and merged when there are several, and a build
whose matrix fans the targets out over -build-shards jobs, uploading the
binaries as artifacts. The workflow resolves the targets as crossls does
everywhere (.crossls.yaml, .goreleaser.yaml, the defaults) when it runs;
the numbers of jobs are chosen now, from the targets configured now.
At a go.work root or in a folder of modules, the workflow checks and
builds ./... there, every module with its own targets; each job takes a
slice of every module's targets.
With -w it writes .github/workflows/crossls.yml at the repository root.

Flags:
`

// workflowFile is where -w writes, relative to the repository root.
const workflowFile = ".github/workflows/crossls.yml"

func runCI(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "github" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stderr, ciUsage)
			return 0
		}
		fmt.Fprint(stderr, "crossls ci: name the CI service; the one supported is github\n\n"+ciUsage)
		return 2
	}
	fs := flag.NewFlagSet("ci github", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, ciUsage)
		fs.PrintDefaults()
	}
	write := fs.Bool("w", false, "write "+workflowFile+" at the repository root instead of printing it")
	force := fs.Bool("f", false, "with -w, replace a workflow that differs")
	checkShards := fs.Int("check-shards", 0, "check jobs (default: one per 12 targets, at most 8)")
	buildShards := fs.Int("build-shards", 0, "build jobs (default: one per 4 targets, at most 20)")
	ver := fs.String("version", "", "crossls `version` the workflow installs (default: this one if it is a release, else latest)")
	dir := fs.String("C", ".", "the module's `dir`")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "crossls ci:", err)
		return 2
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		return fail(err)
	}
	// The units of the workflow's crossls check ./... and crossls build
	// ./..., with the configuration of each.
	checks, err := planUnits(ctx, absDir, []string{"./..."}, false, false, configFlags{}, stderr, "crossls ci", "checking")
	if err != nil {
		return fail(err)
	}
	builds, err := planUnits(ctx, absDir, []string{"./..."}, false, true, configFlags{}, io.Discard, "crossls ci", "building")
	if err != nil {
		return fail(err)
	}
	wf, err := newWorkflow(absDir, checks, builds, *checkShards, *buildShards, *ver)
	if err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	if err := workflowTemplate.Execute(&buf, wf); err != nil {
		return fail(err)
	}
	if !*write {
		stdout.Write(buf.Bytes())
		return 0
	}
	path := filepath.Join(wf.root, filepath.FromSlash(workflowFile))
	if old, err := os.ReadFile(path); err == nil && !bytes.Equal(old, buf.Bytes()) && !*force {
		return fail(fmt.Errorf("%s exists and differs: -f replaces it", path))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "wrote %s: %s, %d check jobs, %d build jobs\n", workspacePath(wf.root, path), wf.Basis(), wf.CheckShards, wf.BuildShards)
	return 0
}

// workflow is what the template needs. Every string in it is checked
// against safeWord: the workflow runs shell commands.
type workflow struct {
	root    string
	Targets []string // every module's, in order of appearance
	Source  string
	// Modules is the number of modules checked: more than one at a
	// go.work root or in a folder of modules.
	Modules int
	// Most is the number of targets of the check with the most, which
	// the shards slice.
	Most        int
	Version     string // to go install
	ModDir      string // the module's directory relative to the repository, "" at its root
	GoVersion   string // the file setup-go reads the Go version from, relative to ModDir
	Sums        string // the go.sum files, relative to ModDir: a pattern for several modules
	OutputDirs  []string
	CheckShards int
	BuildShards int
	Cgo         bool // some target needs a C (cross) compiler on the runner
}

var (
	safePath    = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
	safeVersion = regexp.MustCompile(`^(latest|v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?)$`)
)

func newWorkflow(dir string, checks, builds []configuredUnit, checkShards, buildShards int, ver string) (*workflow, error) {
	wf := &workflow{root: sarifRoot(dir), Source: "the default matrix", CheckShards: checkShards, BuildShards: buildShards}
	var sources []string
	for _, u := range checks {
		cfg := u.cfg
		wf.Modules += len(u.Modules())
		wf.Most = max(wf.Most, len(cfg.Targets))
		for _, t := range cfg.Targets {
			if name := t.String(); !slices.Contains(wf.Targets, name) {
				wf.Targets = append(wf.Targets, name)
			}
			wf.Cgo = wf.Cgo || t.Cgo
		}
		source := string(cfg.Source)
		if cfg.File == "" && cfg.Source == config.SourceDefault {
			source = "the default matrix"
		} else if rel, err := filepath.Rel(wf.root, cfg.File); err == nil && filepath.IsLocal(rel) && safePath.MatchString(filepath.ToSlash(rel)) {
			source = filepath.ToSlash(rel)
		}
		if !slices.Contains(sources, source) {
			sources = append(sources, source)
		}
	}
	if len(sources) > 0 {
		wf.Source = strings.Join(sources, ", ")
	}
	n := wf.Most
	if wf.CheckShards == 0 {
		wf.CheckShards = min((n+11)/12, 8)
	}
	if wf.BuildShards == 0 {
		wf.BuildShards = min((n+3)/4, 20)
	}
	for name, v := range map[string]int{"-check-shards": wf.CheckShards, "-build-shards": wf.BuildShards} {
		if v < 1 || v > n {
			what := "the number of targets"
			if len(checks) > 1 {
				what = "the most targets a module has"
			}
			return nil, fmt.Errorf("%s %d: want 1 to %d, %s", name, v, n, what)
		}
	}

	if ver == "" {
		ver = "latest"
		if v := version(); safeVersion.MatchString(v) {
			ver = v
		}
	}
	if !safeVersion.MatchString(ver) {
		return nil, fmt.Errorf("-version %q: want latest or a release version such as v1.2.3", ver)
	}
	wf.Version = ver

	rel, err := filepath.Rel(wf.root, dir)
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return nil, fmt.Errorf("%s is not inside the repository %s", dir, wf.root)
	}
	if rel != "." {
		wf.ModDir = filepath.ToSlash(rel)
		if !safePath.MatchString(wf.ModDir) {
			return nil, fmt.Errorf("the module's directory %q has characters the workflow would have to quote: use letters, digits, ., _, - and /", wf.ModDir)
		}
	}
	// setup-go reads the Go version of the module, or of the go.work;
	// in a folder of modules, of its first module.
	wf.GoVersion, wf.Sums = "go.mod", "go.sum"
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		wf.Sums = "**/go.sum"
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			wf.GoVersion = "go.work"
		} else if mods := checks[0].Modules(); len(mods) > 0 {
			rel, err := filepath.Rel(dir, filepath.Join(mods[0], "go.mod"))
			if err != nil || !filepath.IsLocal(rel) || !safePath.MatchString(filepath.ToSlash(rel)) {
				return nil, fmt.Errorf("the module %s must be below %s, named with letters, digits, ., _, - and /", mods[0], dir)
			}
			wf.GoVersion = filepath.ToSlash(rel)
		}
	}
	for _, u := range builds {
		out, err := filepath.Rel(wf.root, u.cfg.Build.OutputDir)
		if err != nil || !filepath.IsLocal(out) || !safePath.MatchString(filepath.ToSlash(out)) {
			return nil, fmt.Errorf("the build output directory %s must be inside the repository, named with letters, digits, ., _, - and /", u.cfg.Build.OutputDir)
		}
		if out = filepath.ToSlash(out) + "/"; !slices.Contains(wf.OutputDirs, out) {
			wf.OutputDirs = append(wf.OutputDirs, out)
		}
	}
	return wf, nil
}

// SumsInput is the cache-dependency-path input of setup-go: YAML reads a
// pattern that starts with * as an alias unless it is quoted.
func (wf *workflow) SumsInput() string {
	p := wf.In(wf.Sums)
	if strings.HasPrefix(p, "*") {
		return `"` + p + `"`
	}
	return p
}

// Basis says what the numbers of jobs were chosen for.
func (wf *workflow) Basis() string {
	if wf.Modules > 1 {
		return fmt.Sprintf("%d targets of %d modules, at most %d a module, from %s", len(wf.Targets), wf.Modules, wf.Most, wf.Source)
	}
	return fmt.Sprintf("%d targets from %s", len(wf.Targets), wf.Source)
}

// Artifacts is the path input of the build's upload: its output
// directories, one a line when there are several.
func (wf *workflow) Artifacts() string {
	if len(wf.OutputDirs) == 1 {
		return wf.OutputDirs[0]
	}
	return "|\n            " + strings.Join(wf.OutputDirs, "\n            ")
}

// In returns path inside the module's directory, relative to the
// repository, as actions that do not follow working-directory want it.
func (wf *workflow) In(path string) string {
	if wf.ModDir == "" {
		return path
	}
	return wf.ModDir + "/" + path
}

// CacheSuffix keeps each check job's cache apart: their targets differ.
func (wf *workflow) CacheSuffix() string {
	if wf.CheckShards == 1 {
		return "check"
	}
	return "check-${{ matrix.shard }}"
}

// TargetComment lists the targets in comment lines.
func (wf *workflow) TargetComment() string {
	var lines []string
	line := "#"
	for i, t := range wf.Targets {
		word := " " + t
		if i < len(wf.Targets)-1 {
			word += ","
		}
		if len(line)+len(word) > 76 {
			lines, line = append(lines, line), "#"
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}

func (wf *workflow) Shards(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(i + 1)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

var workflowTemplate = template.Must(template.New("workflow").Parse(`# Generated by crossls ci github. It checks every target of {{if gt .Modules 1}}each module{{else}}this module{{end}} on
# each push and pull request, sends the findings to code scanning and builds
# the binaries. The targets are resolved when it runs, as crossls resolves
# them everywhere; the numbers of jobs were chosen when it was generated,
# for the {{.Basis}}: regenerate it when that changes much.
{{.TargetComment}}
name: crossls

on:
  push:
  pull_request:

permissions:
  contents: read

concurrency:
  group: crossls-${{"{{"}} github.ref {{"}}"}}
  cancel-in-progress: true

env:
  CROSSLS_VERSION: {{.Version}}
{{- define "setup"}}
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: {{.In .GoVersion}}
          cache-dependency-path: {{.SumsInput}}
      - name: Install crossls
        id: crossls
        run: |
          go install "github.com/crossls/crossls/cmd/crossls@${CROSSLS_VERSION}"
          echo "version=$(crossls version | awk '{print $2}')" >> "$GITHUB_OUTPUT"
{{- if .Cgo}}
      # Targets with +cgo need their C cross compilers here, e.g.
      # sudo apt-get install -y gcc-aarch64-linux-gnu
{{- end}}
{{- end}}
{{- define "cache"}}
      # crossls keeps the standard library's and dependencies' types here.
      - uses: actions/cache@v4
        with:
          path: ~/.cache/crossls
          key: crossls-${{"{{"}} runner.os {{"}}"}}-${{"{{"}} steps.crossls.outputs.version {{"}}"}}-${{"{{"}} hashFiles('{{.In .Sums}}') {{"}}"}}-{{.CacheSuffix}}
          restore-keys: |
            crossls-${{"{{"}} runner.os {{"}}"}}-${{"{{"}} steps.crossls.outputs.version {{"}}"}}-${{"{{"}} hashFiles('{{.In .Sums}}') {{"}}"}}-
            crossls-${{"{{"}} runner.os {{"}}"}}-${{"{{"}} steps.crossls.outputs.version {{"}}"}}-
{{- end}}

jobs:
{{- if eq .CheckShards 1}}
  check:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
{{- if .ModDir}}
    defaults:
      run:
        working-directory: {{.ModDir}}
{{- end}}
    steps:
{{- template "setup" .}}
{{- template "cache" .}}
      - name: Check every target
        run: crossls check -format sarif ./... > crossls.sarif
      - uses: github/codeql-action/upload-sarif@v3
        if: ${{"{{"}} !cancelled() {{"}}"}}
        with:
          sarif_file: {{.In "crossls.sarif"}}
          category: crossls
{{- else}}
  check:
    name: check ${{"{{"}} matrix.shard {{"}}"}}/{{.CheckShards}}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: {{.Shards .CheckShards}}
{{- if .ModDir}}
    defaults:
      run:
        working-directory: {{.ModDir}}
{{- end}}
    steps:
{{- template "setup" .}}
{{- template "cache" .}}
      # A shard fails only when it cannot check; the merge decides.
      - name: Check one shard of the targets
        env:
          SHARD: ${{"{{"}} matrix.shard {{"}}"}}
        run: crossls check -format sarif -shard "$SHARD/{{.CheckShards}}" ./... > "crossls-$SHARD.sarif" || test $? -eq 1
      - uses: actions/upload-artifact@v4
        with:
          name: crossls-sarif-${{"{{"}} matrix.shard {{"}}"}}
          path: {{.In "crossls-${{ matrix.shard }}.sarif"}}

  merge:
    needs: check
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
{{- if .ModDir}}
    defaults:
      run:
        working-directory: {{.ModDir}}
{{- end}}
    steps:
{{- template "setup" .}}
      - uses: actions/download-artifact@v4
        with:
          pattern: crossls-sarif-*
          merge-multiple: true
          path: {{.In "crossls-shards"}}
      # The same findings, fingerprints and exit status as one check of
      # every target.
      - name: Merge the shards
        run: crossls merge crossls-shards/*.sarif > crossls.sarif
      - uses: github/codeql-action/upload-sarif@v3
        if: ${{"{{"}} !cancelled() {{"}}"}}
        with:
          sarif_file: {{.In "crossls.sarif"}}
          category: crossls
{{- end}}

  build:
    name: build ${{"{{"}} matrix.shard {{"}}"}}/{{.BuildShards}}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: {{.Shards .BuildShards}}
{{- if .ModDir}}
    defaults:
      run:
        working-directory: {{.ModDir}}
{{- end}}
    steps:
{{- template "setup" .}}
      # go build uses the GOCACHEPROG of the environment, if you set one
      # here, as it is: a shared build cache serves every shard.
      - name: Build one shard of the targets
        env:
          SHARD: ${{"{{"}} matrix.shard {{"}}"}}
        run: crossls build -shard "$SHARD/{{.BuildShards}}" ./...
      - uses: actions/upload-artifact@v4
        with:
          name: binaries-${{"{{"}} matrix.shard {{"}}"}}
          path: {{.Artifacts}}
          if-no-files-found: warn
`))
