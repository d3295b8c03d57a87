package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// fileLevelMsgs are the errors that concern a whole configuration file and
// so have no line.
var fileLevelMsgs = regexp.MustCompile(`^(file is larger than|no Go build targets)`)

// warningRE is the form of a warning: "file:line:col: message".
var warningRE = regexp.MustCompile(`^(/.*):(\d+):(\d+): \S`)

// FuzzLoadCrossls loads arbitrary bytes as .crossls.yaml and FuzzLoadGoReleaser
// as .goreleaser.yaml, through Load as the CLI and the server do. Load
// must not panic; an error must name the file and, unless it concerns the
// whole file, a line within it; and what it accepts must be valid targets.
func FuzzLoadCrossls(f *testing.F) {
	for _, seed := range []string{
		"",
		"targets: [linux/amd64, linux/arm/v7, windows_amd64]\n",
		"targets:\n  - target: linux/arm64+cgo\n    tags: [netgo]\n    env: [PKG_CONFIG_PATH=/opt]\n    cc: aarch64-linux-gnu-gcc\n",
		"targets: [darwinx/arm64]\n",
		"targets: [linux/amd64/v9]\n",
		"targets: [js/wasm+cgo]\n",
		"targets: linux/amd64\n",
		"targets: []\n",
		"targets: [{target: 7}]\n",
		"target: [linux/amd64]\nunknown: 1\n",
		"analyzers: {cgo: false, nosuch: true}\n",
		"build: {jobs: -1, output_dir: ../../etc, ldflags: '-X main.v=1', trimpath: maybe}\n",
		"{{ .Os }}\n",
		"targets: [\n",
		"\t- linux/amd64\n",
		"a: &a [*a, *a]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		"targets: !!binary aGVsbG8=\n",
		"--- \n...\n---\ntargets: [linux/amd64]\n",
		"targets: [linux/amd64]\x00\n",
		"targets: [\xff\xfe]\n",
		"\xef\xbb\xbftargets: [linux/amd64]\n",
		"? [targets]\n: [linux/amd64]\n",
		"targets: [linux/amd64]\ntargets: [linux/arm64]\n",
		"<<: {targets: [linux/amd64]}\n",
	} {
		f.Add(seed)
	}
	dist := fuzzDist(f)
	f.Fuzz(func(t *testing.T, data string) {
		checkLoad(t, dist, ".crossls.yaml", data)
	})
}

func FuzzLoadGoReleaser(f *testing.F) {
	for _, seed := range []string{
		"",
		"builds:\n  - goos: [linux, darwin]\n    goarch: [amd64, arm]\n    goarm: [6, 7]\n    ignore: [{goos: darwin, goarch: arm}]\n",
		"builds:\n  - goos: [linux]\n    goarch: [amd64]\n    goamd64: [v1, v3, v9]\n",
		"builds:\n  - targets: [go_first_class, linux_arm_7, go_118_first_class]\n",
		"builds:\n  - skip: true\n",
		"builds:\n  - builder: rust\n",
		"builds:\n  - goos: ['{{ .Env.GOOS }}']\n    env: ['CC={{ .Env.CC }}']\n",
		"builds:\n  - env: [CGO_ENABLED=1]\n    goos: [linux]\n    goarch: [amd64]\n    overrides: [{goos: linux, goarch: amd64, env: [CC=zig cc]}]\n",
		"version: 2\nbuilds: [{id: a, goos: [windwos]}]\n",
		"builds: {goos: linux}\n",
		"builds: [[]]\n",
		"builds:\n  - goos: linux\n",
		"project_name: x\nbefore:\n  hooks: [rm -rf /]\n",
		"builds:\n- <<: &d {goos: [linux], goarch: [arm64]}\n- <<: *d\n",
		"builds: [{goos: [plan9], goarch: [arm64]}]\n",
		"builds: [{goos: [linux], goarch: [amd64], tags: [a, '{{ .Tag }}'], flags: [-toolexec=/bin/evil]}]\n",
	} {
		f.Add(seed)
	}
	dist := fuzzDist(f)
	f.Fuzz(func(t *testing.T, data string) {
		checkLoad(t, dist, ".goreleaser.yaml", data)
	})
}

func fuzzDist(f *testing.F) *target.Dist {
	dist, err := target.LoadDist(context.Background(), "go")
	if err != nil {
		f.Fatal(err)
	}
	return dist
}

// checkLoad writes data as the named file of a fresh repository and checks
// what Load makes of it.
func checkLoad(t *testing.T, dist *target.Dist, name, data string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(data, "\n") + 1

	cfg, err := Load(dir, nil, "", dist)
	if err != nil {
		var list ErrorList
		var one *Error
		switch {
		case errors.As(err, &list):
		case errors.As(err, &one):
			list = ErrorList{one}
		default:
			t.Fatalf("error of type %T, want *Error or ErrorList: %v", err, err)
		}
		if len(list) == 0 || len(list) > maxErrors {
			t.Errorf("%d errors", len(list))
		}
		for _, e := range list {
			if e.File != file {
				t.Errorf("error names file %q, want %q: %v", e.File, file, e)
			}
			if e.Line == 0 && !fileLevelMsgs.MatchString(e.Msg) {
				t.Errorf("error without a line: %v", e)
			}
			if e.Line < 0 || e.Line > lines || e.Column < 0 {
				t.Errorf("error at %d:%d, outside the file's %d lines: %v", e.Line, e.Column, lines, e)
			}
			if e.Msg == "" {
				t.Errorf("empty message at %s:%d", e.File, e.Line)
			}
		}
		return
	}
	if len(cfg.Targets) == 0 {
		t.Fatalf("no error and no targets")
	}
	for _, tg := range cfg.Targets {
		if err := dist.Validate(tg); err != nil {
			t.Errorf("accepted invalid target %s: %v", tg, err)
		}
	}
	for _, w := range cfg.Warnings {
		m := warningRE.FindStringSubmatch(w)
		if m == nil || m[1] != file {
			t.Errorf("warning %q is not positioned in %s", w, file)
		}
	}
	if cfg.Build.Jobs < 0 {
		t.Errorf("accepted build.jobs = %d", cfg.Build.Jobs)
	}
	if !filepath.IsAbs(cfg.Build.OutputDir) {
		t.Errorf("output directory %q is not absolute", cfg.Build.OutputDir)
	}
}

// TestYAMLErrorLines checks the line of YAML errors that yaml.v3 reports
// without one: errors on the first line and bad bytes.
func TestYAMLErrorLines(t *testing.T) {
	dist := testDist(t)
	for _, tc := range []struct {
		data string
		line int
	}{
		{"\t- linux/amd64\n", 1},
		{"targets: [linux/amd64]\x00\n", 1},
		{"# a\n# b\ntargets: [linux/amd64, \x01]\n", 3},
		{"# a\ntargets:\n  - linux/amd64\n  - \xff\n", 4},
		{"targets:\n\t- linux/amd64\n", 2},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".crossls.yaml"), []byte(tc.data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir, nil, "", dist)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %v, want an *Error", tc.data, err)
			continue
		}
		if e.Line != tc.line || !strings.Contains(e.Msg, "invalid YAML") {
			t.Errorf("%q: got %v, want invalid YAML on line %d", tc.data, e, tc.line)
		}
	}
}
