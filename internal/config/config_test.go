package config

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/crossls/crossls/analysis/target"
)

var (
	distOnce sync.Once
	distVal  *target.Dist
	distErr  error
)

// testDist is the platform list of the go command running the tests.
func testDist(t *testing.T) *target.Dist {
	t.Helper()
	distOnce.Do(func() { distVal, distErr = target.LoadDist(context.Background(), "go") })
	if distErr != nil {
		t.Fatal(distErr)
	}
	return distVal
}

// writeTree writes a txtar archive into a fresh directory, which it marks
// as a repository root so that the search for configuration stops there.
func writeTree(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range txtar.Parse([]byte(archive)).Files {
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func names(ts []target.Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

// relErr returns err's text with dir removed from file names.
func relErr(dir string, err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
}

func TestLoadSources(t *testing.T) {
	for _, tc := range []struct {
		name       string
		files      string
		dir        string // relative directory to load from
		explicit   []string
		source     Source
		want       []string
		wantSource Source
		wantFile   string
	}{
		{
			name:       "default",
			files:      "-- go.mod --\nmodule m\n",
			want:       []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"},
			wantSource: SourceDefault,
		},
		{
			name: "crossls",
			files: `-- go.mod --
module m
-- .crossls.yaml --
targets: [linux/arm/v7, linux_amd64_v3, "windows/amd64+cgo"]
-- .goreleaser.yaml --
builds: [{goos: [freebsd], goarch: [amd64]}]
`,
			want:       []string{"linux/arm/v7", "linux/amd64/v3", "windows/amd64+cgo"},
			wantSource: SourceCrossls,
			wantFile:   ".crossls.yaml",
		},
		{
			name: "crossls .yml spelling",
			files: `-- .crossls.yml --
targets: [linux/riscv64]
`,
			want:       []string{"linux/riscv64"},
			wantSource: SourceCrossls,
			wantFile:   ".crossls.yml",
		},
		{
			name: "goreleaser defaults",
			files: `-- go.mod --
module m
-- .goreleaser.yaml --
version: 2
project_name: m
`,
			// goos [linux darwin windows] x goarch [amd64 arm64 386], no darwin/386.
			want: []string{
				"linux/amd64", "linux/arm64", "linux/386",
				"darwin/amd64", "darwin/arm64",
				"windows/amd64", "windows/arm64", "windows/386",
			},
			wantSource: SourceGoReleaser,
			wantFile:   ".goreleaser.yaml",
		},
		{
			name: "goreleaser .yml spelling",
			files: `-- .goreleaser.yml --
builds:
  - goos: [linux]
    goarch: [s390x]
`,
			want:       []string{"linux/s390x"},
			wantSource: SourceGoReleaser,
			wantFile:   ".goreleaser.yml",
		},
		{
			name: "flag beats files",
			files: `-- .crossls.yaml --
targets: [linux/arm64]
`,
			explicit:   []string{"freebsd/amd64,openbsd/arm64", "linux/386"},
			source:     SourceFlag,
			want:       []string{"freebsd/amd64", "openbsd/arm64", "linux/386"},
			wantSource: SourceFlag,
		},
		{
			name:       "editor setting",
			files:      "-- go.mod --\nmodule m\n",
			explicit:   []string{"js/wasm", "wasip1/wasm", "js/wasm"},
			source:     SourceSettings,
			want:       []string{"js/wasm", "wasip1/wasm"},
			wantSource: SourceSettings,
		},
		{
			name: "crossls without targets falls through to goreleaser",
			files: `-- .crossls.yaml --
analyzers: {format: false}
-- .goreleaser.yaml --
builds: [{goos: [netbsd], goarch: [arm64]}]
`,
			want:       []string{"netbsd/arm64"},
			wantSource: SourceGoReleaser,
			wantFile:   ".goreleaser.yaml",
		},
		{
			name: "found in a parent directory",
			files: `-- .crossls.yaml --
targets: [aix/ppc64]
-- go.mod --
module m
-- internal/pkg/p.go --
package pkg
`,
			dir:        "internal/pkg",
			want:       []string{"aix/ppc64"},
			wantSource: SourceCrossls,
			wantFile:   ".crossls.yaml",
		},
		{
			name: "nearest crossls file wins",
			files: `-- .crossls.yaml --
targets: [aix/ppc64]
-- sub/go.mod --
module sub
-- sub/.crossls.yaml --
targets: [illumos/amd64]
`,
			dir:        "sub",
			want:       []string{"illumos/amd64"},
			wantSource: SourceCrossls,
			wantFile:   "sub/.crossls.yaml",
		},
		{
			name: "crossls anywhere up to the root beats goreleaser",
			files: `-- go.work --
go 1.26
-- .crossls.yaml --
targets: [aix/ppc64]
-- mod/.goreleaser.yaml --
builds: [{goos: [linux], goarch: [amd64]}]
`,
			dir:        "mod",
			want:       []string{"aix/ppc64"},
			wantSource: SourceCrossls,
			wantFile:   ".crossls.yaml",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, tc.files)
			cfg, err := Load(filepath.Join(root, tc.dir), tc.explicit, tc.source, testDist(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(cfg.Targets); !slices.Equal(got, tc.want) {
				t.Errorf("targets = %q, want %q", got, tc.want)
			}
			if cfg.Source != tc.wantSource {
				t.Errorf("source = %q, want %q", cfg.Source, tc.wantSource)
			}
			wantFile := ""
			if tc.wantFile != "" {
				wantFile = filepath.Join(root, filepath.FromSlash(tc.wantFile))
			}
			if cfg.File != wantFile {
				t.Errorf("file = %q, want %q", cfg.File, wantFile)
			}
			if len(cfg.Warnings) > 0 {
				t.Errorf("unexpected warnings: %q", cfg.Warnings)
			}
		})
	}
}

func TestSearchStopsAtRepositoryRoot(t *testing.T) {
	outer := t.TempDir()
	if err := os.WriteFile(filepath.Join(outer, ".crossls.yaml"), []byte("targets: [aix/ppc64]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(outer, "repo")
	for _, d := range []string{".git", "cmd/tool"} {
		if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := Load(filepath.Join(repo, "cmd/tool"), nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source != SourceDefault {
		t.Errorf("configuration above the repository root was used: source %q, file %q", cfg.Source, cfg.File)
	}
	if path, ok := Find(repo); ok {
		t.Errorf("Find(repo) = %q, want none", path)
	}
	// Without any marker, only the directory itself is searched.
	lone := filepath.Join(outer, "lone")
	if err := os.Mkdir(lone, 0o755); err != nil {
		t.Fatal(err)
	}
	if path, ok := Find(lone); ok {
		t.Errorf("Find(lone) = %q, want none", path)
	}
	if path, ok := Find(outer); !ok || path != filepath.Join(outer, ".crossls.yaml") {
		t.Errorf("Find(outer) = %q, %v", path, ok)
	}
}

func TestFindAndFiles(t *testing.T) {
	root := writeTree(t, `-- go.mod --
module m
-- .goreleaser.yml --
builds: []
-- a/b/x.go --
package b
`)
	path, ok := Find(filepath.Join(root, "a/b"))
	if want := filepath.Join(root, ".goreleaser.yml"); !ok || path != want {
		t.Errorf("Find = %q, %v; want %q", path, ok, want)
	}
	files := Files(filepath.Join(root, "a"))
	for _, want := range []string{
		filepath.Join(root, "a", ".crossls.yaml"),
		filepath.Join(root, ".crossls.yaml"),
		filepath.Join(root, ".goreleaser.yml"),
	} {
		if !slices.Contains(files, want) {
			t.Errorf("Files does not list %s: %q", want, files)
		}
	}
	if slices.Contains(files, filepath.Join(filepath.Dir(root), ".crossls.yaml")) {
		t.Errorf("Files lists a file above the repository root: %q", files)
	}
}

func TestSettings(t *testing.T) {
	root := writeTree(t, `-- .crossls.yaml --
analyzers:
  cgo: &on true
  format: false
  buildgap: *on
build:
  output_dir: out/bin
  jobs: 3
  ldflags: "-s -w"
  trimpath: false
  tags: [netgo, osusergo]
  name: tool
targets:
  - target: linux/arm64+cgo
    tags: [sqlite_omit_load_extension]
    env: [PKG_CONFIG_PATH=/opt/arm64/lib/pkgconfig]
    cc: aarch64-linux-gnu-gcc
  - darwin/arm64
`)
	cfg, err := Load(root, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	wantAnalyzers := map[string]bool{"cgo": true, "format": false, "buildgap": true, "taghygiene": true}
	if !reflect.DeepEqual(cfg.Analyzers, wantAnalyzers) {
		t.Errorf("analyzers = %v, want %v", cfg.Analyzers, wantAnalyzers)
	}
	wantBuild := Build{
		OutputDir: filepath.Join(root, "out", "bin"),
		Jobs:      3,
		Ldflags:   "-s -w",
		Trimpath:  false,
		Tags:      []string{"netgo", "osusergo"},
		Name:      "tool",
	}
	if !reflect.DeepEqual(cfg.Build, wantBuild) {
		t.Errorf("build = %+v, want %+v", cfg.Build, wantBuild)
	}
	wantTargets := []target.Target{
		{
			GOOS: "linux", GOARCH: "arm64", Cgo: true,
			Tags: []string{"sqlite_omit_load_extension"},
			Env:  []string{"PKG_CONFIG_PATH=/opt/arm64/lib/pkgconfig"},
			CC:   "aarch64-linux-gnu-gcc",
		},
		{GOOS: "darwin", GOARCH: "arm64"},
	}
	if !reflect.DeepEqual(cfg.Targets, wantTargets) {
		t.Errorf("targets = %+v, want %+v", cfg.Targets, wantTargets)
	}
}

func TestDefaultSettings(t *testing.T) {
	root := writeTree(t, "-- .crossls.yaml --\n# nothing configured yet\n")
	cfg, err := Load(root, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range AnalyzerNames {
		if !cfg.Analyzers[name] {
			t.Errorf("analyzer %s is off by default", name)
		}
	}
	want := Build{OutputDir: filepath.Join(root, "dist"), Trimpath: true}
	if !reflect.DeepEqual(cfg.Build, want) {
		t.Errorf("build = %+v, want %+v", cfg.Build, want)
	}
	if cfg.Source != SourceDefault {
		t.Errorf("source = %q, want default", cfg.Source)
	}
}

func TestCCWithoutCgoWarns(t *testing.T) {
	root := writeTree(t, `-- .crossls.yaml --
targets:
  - target: linux/arm64
    cc: aarch64-linux-gnu-gcc
`)
	cfg, err := Load(root, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, ".crossls.yaml") + ":3:9: cc has no effect on linux/arm64: cgo is off (spell the target linux/arm64+cgo to enable it)"}
	if !slices.Equal(cfg.Warnings, want) {
		t.Errorf("warnings = %q, want %q", cfg.Warnings, want)
	}
}

func TestLoadFile(t *testing.T) {
	root := writeTree(t, `-- ci/crossls-release.yaml --
targets: [linux/mips/softfloat]
-- ci/goreleaser-nightly.yaml --
builds: [{goos: [linux], goarch: [mips64le], gomips: [softfloat]}]
-- .crossls.yaml --
targets: [linux/amd64]
`)
	dist := testDist(t)
	cfg, err := LoadFile(filepath.Join(root, "ci/crossls-release.yaml"), nil, "", dist)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Targets); !slices.Equal(got, []string{"linux/mips/softfloat"}) || cfg.Source != SourceCrossls {
		t.Errorf("crossls file: targets %q from %q", got, cfg.Source)
	}
	cfg, err = LoadFile(filepath.Join(root, "ci/goreleaser-nightly.yaml"), nil, "", dist)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Targets); !slices.Equal(got, []string{"linux/mips64le/softfloat"}) || cfg.Source != SourceGoReleaser {
		t.Errorf("goreleaser file: targets %q from %q", got, cfg.Source)
	}
	_, err = LoadFile(filepath.Join(root, "missing.yaml"), nil, "", dist)
	if got, want := relErr(root, err), "missing.yaml: cannot read configuration: no such file or directory"; got != want {
		t.Errorf("missing file: error %q, want %q", got, want)
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	_, err := Load(dir, nil, "", testDist(t))
	if want := "cannot use directory " + dir + ": no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestExplicitErrors(t *testing.T) {
	dist := testDist(t)
	dir := writeTree(t, "-- go.mod --\nmodule m\n")
	for _, tc := range []struct {
		list   []string
		source Source
		want   string
	}{
		{[]string{"darwinx/arm64"}, SourceFlag, `-targets: target darwinx/arm64: unknown GOOS "darwinx" (did you mean "darwin"?)`},
		{[]string{"linux/amd64", "darwin/386"}, SourceSettings, `crossls.targets setting: target darwin/386: unsupported GOOS/GOARCH pair darwin/386`},
		{[]string{"linux"}, SourceFlag, `-targets: invalid target "linux"`},
		{[]string{"js/wasm+cgo"}, SourceFlag, `-targets: target js/wasm+cgo: cgo is not supported on js/wasm`},
		{[]string{"linux/amd64/v7"}, SourceFlag, `GOAMD64 must be v1..v4`},
		{[]string{}, SourceFlag, `-targets: no targets given`},
		{[]string{" ", ""}, SourceSettings, `crossls.targets setting: no targets given`},
	} {
		_, err := Load(dir, tc.list, tc.source, dist)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q): error %v, want it to contain %q", tc.list, err, tc.want)
		}
	}
}

// TestTargetSets: "all" is every port of the toolchain, "first-class" its
// first-class ports, each once however they are combined with other targets.
func TestTargetSets(t *testing.T) {
	dist := testDist(t)
	dir := writeTree(t, "-- go.mod --\nmodule m\n")
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	ports := strings.Fields(string(out))
	firstOut, err := exec.Command("go", "tool", "dist", "list", "-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	first := strings.Count(string(firstOut), `"FirstClass": true`)
	for _, tc := range []struct {
		list []string
		want int
	}{
		{[]string{"all"}, len(ports)},
		{[]string{"first-class"}, first},
		{[]string{"linux/amd64+cgo, first-class"}, first + 1},
		{[]string{"first-class", "all", "linux/amd64"}, len(ports)},
	} {
		cfg, err := Load(dir, tc.list, SourceFlag, dist)
		if err != nil {
			t.Fatalf("Load(%q): %v", tc.list, err)
		}
		var got []string
		for _, tg := range cfg.Targets {
			got = append(got, tg.String())
		}
		if len(got) != tc.want {
			t.Errorf("Load(%q): %d targets %v, want %d", tc.list, len(got), got, tc.want)
		}
		if tc.list[0] == "all" && !slices.Equal(got, ports) {
			t.Errorf("all: %v, want go tool dist list's %v", got, ports)
		}
	}
	if first == 0 || first >= len(ports) {
		t.Errorf("go tool dist list -json: %d first-class ports of %d", first, len(ports))
	}
}

// TestExplicitIgnoresBrokenGoReleaser checks that a flag does not depend on
// a GoReleaser file it overrides.
func TestExplicitIgnoresBrokenGoReleaser(t *testing.T) {
	root := writeTree(t, "-- .goreleaser.yaml --\nbuilds: [{goos: [darwinx]}]\n")
	if _, err := Load(root, nil, "", testDist(t)); err == nil {
		t.Fatal("broken GoReleaser file was accepted")
	}
	cfg, err := Load(root, []string{"linux/amd64"}, SourceFlag, testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Targets); !slices.Equal(got, []string{"linux/amd64"}) {
		t.Errorf("targets = %q", got)
	}
}

func TestCrosslsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       []string // errors, without the directory
	}{
		{
			name: "unknown key with suggestion",
			file: "target: [linux/amd64]\n",
			want: []string{`.crossls.yaml:1:1: unknown key "target" in configuration (did you mean "targets"?)`},
		},
		{
			name: "unknown analyzer",
			file: "analyzers:\n  cgo: true\n  tagshygiene: false\n  vet: true\n",
			want: []string{
				`.crossls.yaml:3:3: unknown analyzer "tagshygiene" (did you mean "taghygiene"?)`,
				`.crossls.yaml:4:3: unknown analyzer "vet" (known: buildgap, cgo, format, taghygiene)`,
			},
		},
		{
			name: "analyzer value",
			file: "analyzers: {format: off-ish}\n",
			want: []string{`.crossls.yaml:1:21: analyzers.format must be true or false, not "off-ish"`},
		},
		{
			name: "targets errors carry their line",
			file: "targets:\n  - linux/amd64\n  - darwinx/arm64\n  - darwin/386\n  - linux/arm/v9\n  - js/wasm+cgo\n  - linux/amd64\n  - linux\n",
			want: []string{
				`.crossls.yaml:3:5: target darwinx/arm64: unknown GOOS "darwinx" (did you mean "darwin"?)`,
				`.crossls.yaml:4:5: target darwin/386: unsupported GOOS/GOARCH pair darwin/386`,
				`.crossls.yaml:5:5: target linux/arm/v9: GOARM must be 5, 6 or 7`,
				`.crossls.yaml:6:5: target js/wasm+cgo: cgo is not supported on js/wasm`,
				`.crossls.yaml:7:5: duplicate target linux/amd64 (first at line 2)`,
				`.crossls.yaml:8:5: invalid target "linux"`,
			},
		},
		{
			name: "target entry keys",
			file: "targets:\n  - target: linux/arm64\n    ccc: gcc\n  - tags: [x]\n  - target: [linux/arm64]\n",
			want: []string{
				`.crossls.yaml:3:5: unknown key "ccc" in target entry (did you mean "cc"?)`,
				`.crossls.yaml:4:5: target entry has no target: key (e.g. target: linux/arm64)`,
				`.crossls.yaml:5:13: target must be a string, not a list`,
			},
		},
		{
			name: "env and tags",
			file: "targets:\n  - target: linux/arm\n    env: [GOARM=5, NOEQUALS, CGO_ENABLED=1, GOFLAGS=-mod=mod]\n    tags: [linux, 'with space', ok_tag]\n",
			want: []string{
				`.crossls.yaml:3:11: env cannot set GOARM; use the target's variant (linux/arm/v7)`,
				`.crossls.yaml:3:20: env entry "NOEQUALS" must have the form KEY=VALUE`,
				`.crossls.yaml:3:30: env cannot set CGO_ENABLED; use the +cgo suffix (linux/amd64+cgo)`,
				`.crossls.yaml:4:12: build tag "linux" is set by the target; choose it with the target instead (e.g. linux/amd64, +cgo)`,
				`.crossls.yaml:4:19: invalid build tag "with space": tags are letters, digits, _ and .`,
			},
		},
		{
			name: "empty targets",
			file: "targets: []\n",
			want: []string{`.crossls.yaml:1:10: targets is empty; list at least one target, or remove the key to use the defaults`},
		},
		{
			name: "targets not a list",
			file: "targets: linux/amd64\n",
			want: []string{`.crossls.yaml:1:10: targets must be a list, not a scalar`},
		},
		{
			name: "build settings",
			file: "build:\n  jobs: -1\n  trimpath: yes please\n  name: bin/tool\n  output: dist\n  output_dir: ''\n  tags: notalist\n",
			want: []string{
				`.crossls.yaml:2:9: build.jobs must be 0 (one per CPU) or more, not -1`,
				`.crossls.yaml:3:13: build.trimpath must be true or false, not "yes please"`,
				`.crossls.yaml:4:9: build.name must be a file name, not a path (got "bin/tool")`,
				`.crossls.yaml:5:3: unknown key "output" in build (known: jobs, ldflags, name, output_dir, tags, trimpath)`,
				`.crossls.yaml:6:15: build.output_dir is empty`,
				`.crossls.yaml:7:9: build.tags must be a list, not a scalar`,
			},
		},
		{
			name: "jobs not a number",
			file: "build: {jobs: many}\n",
			want: []string{`.crossls.yaml:1:15: build.jobs must be an integer, not "many"`},
		},
		{
			name: "duplicate key",
			file: "targets: [linux/amd64]\nanalyzers: {}\ntargets: [linux/arm64]\n",
			want: []string{`.crossls.yaml:3:1: configuration: duplicate key "targets" (first at line 1)`},
		},
		{
			name: "yaml syntax",
			file: "analyzers: {}\ntargets:\n\t- linux/amd64\n",
			want: []string{`.crossls.yaml:3: invalid YAML: found character that cannot start any token`},
		},
		{
			name: "not a mapping",
			file: "- linux/amd64\n",
			want: []string{`.crossls.yaml:1:1: configuration must be a mapping, not a list`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, "-- .crossls.yaml --\n"+tc.file)
			cfg, err := Load(root, nil, "", testDist(t))
			if err == nil {
				t.Fatalf("no error; got targets %q", names(cfg.Targets))
			}
			got := strings.Split(relErr(root, err), "\n")
			if len(got) != len(tc.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("error %d:\n got %s\nwant %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{&Error{File: "/m/.crossls.yaml", Line: 3, Column: 5, Msg: "bad"}, "/m/.crossls.yaml:3:5: bad"},
		{&Error{File: "/m/.crossls.yaml", Line: 3, Msg: "bad"}, "/m/.crossls.yaml:3: bad"},
		{&Error{File: "/m/.crossls.yaml", Msg: "bad"}, "/m/.crossls.yaml: bad"},
		{&Error{Msg: "-targets: bad"}, "-targets: bad"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestModuleConfiguration: in a workspace of several modules, a module's
// own files apply to it, and the workspace's to the modules without any.
func TestModuleConfiguration(t *testing.T) {
	root := writeTree(t, `-- go.work --
go 1.26
-- .crossls.yaml --
targets: [aix/ppc64]
analyzers: {format: false}
-- app/go.mod --
module app
-- tool/go.mod --
module tool
-- tool/.goreleaser.yaml --
builds: [{goos: [linux], goarch: [arm64]}]
-- lib/go.mod --
module lib
-- lib/.crossls.yaml --
analyzers: {cgo: false}
-- lib/sub/s.go --
package sub
`)
	for _, tc := range []struct {
		dir, wantFile string
		want          []string
		format, cgo   bool
	}{
		{dir: "app", wantFile: ".crossls.yaml", want: []string{"aix/ppc64"}, format: false, cgo: true},
		// Its own GoReleaser file, not the workspace's .crossls.yaml.
		{dir: "tool", wantFile: "tool/.goreleaser.yaml", want: []string{"linux/arm64"}, format: true, cgo: true},
		// Its own .crossls.yaml without targets: the defaults, not the
		// workspace's targets.
		{dir: "lib/sub", wantFile: "", want: names(target.Default()), format: true, cgo: false},
	} {
		cfg, err := Load(filepath.Join(root, tc.dir), nil, "", testDist(t))
		if err != nil {
			t.Fatal(err)
		}
		wantFile := ""
		if tc.wantFile != "" {
			wantFile = filepath.Join(root, tc.wantFile)
		}
		if got := names(cfg.Targets); !slices.Equal(got, tc.want) || cfg.File != wantFile {
			t.Errorf("%s: targets %q from %q, want %q from %q", tc.dir, got, cfg.File, tc.want, wantFile)
		}
		if cfg.Analyzers["format"] != tc.format || cfg.Analyzers["cgo"] != tc.cgo {
			t.Errorf("%s: analyzers %v", tc.dir, cfg.Analyzers)
		}
	}
	c, g := Applicable(filepath.Join(root, "app"), "")
	if c != filepath.Join(root, ".crossls.yaml") || g != "" {
		t.Errorf("Applicable(app) = %q, %q", c, g)
	}
	c, g = Applicable(filepath.Join(root, "tool"), "")
	if c != "" || g != filepath.Join(root, "tool/.goreleaser.yaml") {
		t.Errorf("Applicable(tool) = %q, %q", c, g)
	}
}

// TestLoadInFolderOfModules: without go.work or .git, a folder of modules
// configures them when it is the workspace root, and only then.
func TestLoadInFolderOfModules(t *testing.T) {
	root := t.TempDir()
	writeFile := func(name, content string) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(".crossls.yaml", "targets: [aix/ppc64]\n")
	writeFile("a/go.mod", "module a\n")
	cfg, err := LoadIn(filepath.Join(root, "a"), root, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.File != filepath.Join(root, ".crossls.yaml") {
		t.Errorf("LoadIn: file %q, want the folder's", cfg.File)
	}
	if cfg, err = Load(filepath.Join(root, "a"), nil, "", testDist(t)); err != nil || cfg.Source != SourceDefault {
		t.Errorf("Load without a root: %v, source %q; want the defaults", err, cfg.Source)
	}
}
