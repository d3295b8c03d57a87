package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

func TestGoReleaser(t *testing.T) {
	for _, tc := range []struct {
		name     string
		file     string
		want     []string
		warnings []string // without the directory
	}{
		{
			name: "matrix with variants and ignore",
			file: `version: 2
before:
  hooks: [go mod tidy]
env:
  - CGO_ENABLED=0
builds:
  - id: cli
    main: ./cmd/tool
    binary: tool
    ldflags: ["-s -w -X main.version={{.Version}}"]
    goos: [linux, darwin, windows, freebsd]
    goarch: [amd64, arm, arm64, "386"]
    goarm: [6, 7]
    goamd64: [v1, v3]
    ignore:
      - goos: windows
        goarch: arm
      - goos: freebsd
        goarch: "386"
      - goos: freebsd
        goarm: 7
archives:
  - formats: [tar.gz]
`,
			// darwin/arm, darwin/386 and windows/arm are not ports of this
			// Go and are skipped, as GoReleaser does.
			want: []string{
				"linux/amd64", "linux/amd64/v3", "linux/arm/v6", "linux/arm/v7", "linux/arm64", "linux/386",
				"darwin/amd64", "darwin/amd64/v3", "darwin/arm64",
				"windows/amd64", "windows/amd64/v3", "windows/arm64", "windows/386",
				"freebsd/amd64", "freebsd/amd64/v3", "freebsd/arm/v6", "freebsd/arm64",
			},
		},
		{
			name: "several builds with cgo, tags and flags",
			file: `builds:
  - id: cli
    env: [CGO_ENABLED=0]
    goos: [linux, windows]
    goarch: [amd64]
  - id: server
    env: [CGO_ENABLED=1, CC=gcc, GOFLAGS=-mod=vendor]
    goos: [linux]
    goarch: [amd64, arm64]
    tags: [netgo]
    flags: [-trimpath, "-tags=osusergo,sqlite_fts5"]
`,
			want: []string{"linux/amd64", "windows/amd64", "linux/amd64+cgo", "linux/arm64+cgo"},
		},
		{
			name: "explicit targets override the matrix",
			file: `builds:
  - goos: [plan9]
    goarch: [arm]
    ignore: [{goos: linux}]
    targets:
      - go_118_first_class
      - linux_arm_7
      - linux_amd64_v3
      - darwin_arm64
      - linux_arm64_v8.0
      - linux/riscv64
`,
			want: []string{
				"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
				"linux/arm/v6", "linux/arm64", "windows/386", "windows/amd64",
				"linux/arm/v7", "linux/amd64/v3", "linux/riscv64",
			},
		},
		{
			name: "overrides and templates",
			file: `builds:
  - id: app
    skip: "{{ .IsSnapshot }}"
    env:
      - CGO_ENABLED=0
      - "CC={{ .Env.CC }}"
    goos: [linux, darwin, "{{ .Env.EXTRA_OS }}"]
    goarch: [amd64, arm64]
    overrides:
      - goos: darwin
        goarch: arm64
        env: [CGO_ENABLED=1]
      - goos: linux
        goarch: amd64
        goamd64: v3
        env: [CGO_ENABLED=1]
      - goos: "{{ .Env.OS }}"
        goarch: amd64
        env: [CGO_ENABLED=1]
`,
			// The linux/amd64 override names v3, which this build does not
			// produce: GoReleaser matches overrides on the whole target.
			want: []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64+cgo"},
			warnings: []string{
				`.goreleaser.yaml:3:11: skip is a template, which crossls does not evaluate; assuming the build is not skipped`,
				`.goreleaser.yaml:6:9: skipping templated env value "CC={{ .Env.CC }}": crossls does not evaluate GoReleaser templates`,
				`.goreleaser.yaml:7:27: skipping templated goos value "{{ .Env.EXTRA_OS }}": crossls does not evaluate GoReleaser templates`,
				`.goreleaser.yaml:17:15: override goos is a template, which crossls does not evaluate; skipping the override`,
			},
		},
		{
			name: "first matching override wins",
			file: `builds:
  - goos: [linux]
    goarch: [arm64, amd64]
    goamd64: [v3]
    env: [CGO_ENABLED=1]
    overrides:
      - {goos: linux, goarch: arm64, env: [CGO_ENABLED=0]}
      - {goos: linux, goarch: arm64, env: [CGO_ENABLED=1]}
      - {goos: linux, goarch: amd64, goamd64: v3, env: [CGO_ENABLED=0]}
`,
			want: []string{"linux/arm64", "linux/amd64/v3"},
		},
		{
			name: "skipped and foreign builds",
			file: `builds:
  - id: old
    skip: true
    goos: [plan9]
  - id: rs
    builder: rust
    targets: [x86_64-unknown-linux-gnu]
  - id: go
    builder: go
    goos: [linux]
    goarch: [mips, mips64le, ppc64le, riscv64, s390x]
    gomips: [hardfloat, softfloat]
    goppc64: [power9]
    goriscv64: [rva22u64]
`,
			want: []string{
				"linux/mips", "linux/mips/softfloat", "linux/mips64le", "linux/mips64le/softfloat",
				"linux/ppc64le/power9", "linux/riscv64/rva22u64", "linux/s390x",
			},
		},
		{
			name: "anchors and merge keys",
			file: `x-common: &common
  env: [CGO_ENABLED=1]
  goos: [linux]
builds:
  - <<: *common
    id: a
    goarch: [arm64]
  - <<: *common
    id: b
    goarch: [amd64]
    env: [CGO_ENABLED=0]
`,
			want: []string{"linux/arm64+cgo", "linux/amd64"},
		},
		{
			name: "global cgo and empty lists mean defaults",
			file: `env: [CGO_ENABLED=1]
builds:
  - goos: []
    goarch: []
`,
			want: []string{
				"linux/amd64+cgo", "linux/arm64+cgo", "linux/386+cgo",
				"darwin/amd64+cgo", "darwin/arm64+cgo",
				"windows/amd64+cgo", "windows/arm64+cgo", "windows/386+cgo",
			},
		},
		{
			name: "CC without CGO_ENABLED",
			file: `builds:
  - id: linux-arm64
    goos: [linux]
    goarch: [arm64]
    env:
      - CC=aarch64-linux-gnu-gcc
      - CXX=aarch64-linux-gnu-g++
    tags: [netgo]
`,
			want: []string{"linux/arm64"},
			warnings: []string{
				`.goreleaser.yaml:6:9: CC is set but CGO_ENABLED is not; cross builds default to CGO_ENABLED=0, so crossls checks without cgo (add CGO_ENABLED=1 to check with it)`,
			},
		},
		{
			name: "same target from two builds",
			file: `builds:
  - id: a
    goos: [linux]
    goarch: [amd64]
  - id: b
    goos: [linux]
    goarch: [amd64, arm64]
    tags: [extra]
`,
			want: []string{"linux/amd64", "linux/arm64"},
			warnings: []string{
				`.goreleaser.yaml:5:5: linux/amd64 is also built by an earlier build with different tags, env or CC; crossls checks it once, as the first build does`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, "-- .goreleaser.yaml --\n"+tc.file)
			cfg, err := Load(root, nil, "", testDist(t))
			if err != nil {
				t.Fatal(relErr(root, err))
			}
			if got := names(cfg.Targets); !slices.Equal(got, tc.want) {
				t.Errorf("targets:\n got %q\nwant %q", got, tc.want)
			}
			var warnings []string
			for _, w := range cfg.Warnings {
				warnings = append(warnings, strings.ReplaceAll(w, root+string(filepath.Separator), ""))
			}
			if !slices.Equal(warnings, tc.warnings) {
				t.Errorf("warnings:\n got %q\nwant %q", warnings, tc.warnings)
			}
			if cfg.Source != SourceGoReleaser || cfg.File != filepath.Join(root, ".goreleaser.yaml") {
				t.Errorf("source %q, file %q", cfg.Source, cfg.File)
			}
		})
	}
}

// TestGoReleaserDetails checks what a build's env, tags and flags give its
// targets, beyond their names.
func TestGoReleaserDetails(t *testing.T) {
	root := writeTree(t, `-- .goreleaser.yaml --
env: [GOPROXY=off]
builds:
  - env: [CGO_ENABLED=1, CC=aarch64-linux-gnu-gcc, GOARCH=ignored, GOPROXY=direct]
    goos: [linux]
    goarch: [arm64]
    tags: [netgo]
    flags: [-trimpath, "-tags=osusergo,netgo"]
`)
	cfg, err := Load(root, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []target.Target{{
		GOOS: "linux", GOARCH: "arm64", Cgo: true,
		CC:   "aarch64-linux-gnu-gcc",
		Env:  []string{"GOPROXY=direct"},
		Tags: []string{"netgo", "osusergo"},
	}}
	if !reflect.DeepEqual(cfg.Targets, want) {
		t.Errorf("targets = %+v, want %+v", cfg.Targets, want)
	}
}

// TestGoFirstClass checks that go_first_class follows the toolchain's own
// list of first-class ports, with GoReleaser's default GOARM.
func TestGoFirstClass(t *testing.T) {
	dist := testDist(t)
	root := writeTree(t, "-- .goreleaser.yaml --\nbuilds: [{targets: [go_first_class]}]\n")
	cfg, err := Load(root, nil, "", dist)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range dist.Platforms {
		if p.FirstClass {
			s := p.GOOS + "/" + p.GOARCH
			if p.GOARCH == "arm" {
				s += "/v6"
			}
			want = append(want, s)
		}
	}
	if len(want) == 0 {
		t.Fatal("the toolchain lists no first-class ports")
	}
	if got := names(cfg.Targets); !slices.Equal(got, want) {
		t.Errorf("go_first_class = %q, want %q", got, want)
	}
}

func TestGoReleaserErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{
			name: "unknown words in the matrix",
			file: "builds:\n  - goos: [linux, darwinx]\n    goarch: [amd64, amd46]\n",
			want: []string{
				`.goreleaser.yaml:2:19: goos: unknown GOOS "darwinx" (did you mean "darwin"?)`,
				`.goreleaser.yaml:3:21: goarch: unknown GOARCH "amd46" (did you mean "amd64"?)`,
			},
		},
		{
			name: "bad variant, reported once",
			file: "builds:\n  - goos: [linux, windows]\n    goarch: [amd64]\n    goamd64: [v1, v5]\n",
			want: []string{`.goreleaser.yaml:4:19: GOAMD64 must be v1..v4 (got "v5")`},
		},
		{
			name: "cgo where it is not supported",
			file: "builds:\n  - env:\n      - CGO_ENABLED=1\n    goos: [js]\n    goarch: [wasm]\n",
			want: []string{`.goreleaser.yaml:3:9: js/wasm+cgo: cgo is not supported on js/wasm`},
		},
		{
			name: "bad CGO_ENABLED",
			file: "builds:\n  - env: [CGO_ENABLED=yes]\n    goos: [linux]\n    goarch: [amd64]\n",
			want: []string{`.goreleaser.yaml:2:11: CGO_ENABLED must be 0 or 1, not "yes"`},
		},
		{
			name: "bad targets entry",
			file: "builds:\n  - targets:\n      - linux_amd64\n      - linux-amd64\n      - darwin_386\n",
			want: []string{
				`.goreleaser.yaml:4:9: invalid target "linux-amd64"`,
				`.goreleaser.yaml:5:9: unsupported GOOS/GOARCH pair darwin/386`,
			},
		},
		{
			name: "builds is not a list",
			file: "builds:\n  goos: [linux]\n",
			want: []string{`.goreleaser.yaml:2:3: builds must be a list, not a mapping`},
		},
		{
			name: "goos is not a list",
			file: "builds:\n  - goos: linux\n",
			want: []string{`.goreleaser.yaml:2:11: goos must be a list, not a scalar`},
		},
		{
			name: "every build skipped",
			file: "builds:\n  - skip: true\n  - builder: zig\n",
			want: []string{`.goreleaser.yaml: no Go build targets: every build is skipped, ignored or templated`},
		},
		{
			name: "bad skip",
			file: "builds:\n  - skip: sometimes\n",
			want: []string{`.goreleaser.yaml:2:11: skip must be true or false, not "sometimes"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, "-- .goreleaser.yaml --\n"+tc.file)
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

// FuzzParse checks that no file, however broken, makes the parsers panic,
// and that whatever they accept is a valid target of the toolchain.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"targets: [linux/amd64, {target: linux/arm64+cgo, tags: [a], env: [K=V], cc: gcc}]\n",
		"analyzers: {cgo: false}\nbuild: {jobs: 2, tags: [x], output_dir: out}\n",
		"builds:\n  - goos: [linux, darwin]\n    goarch: [amd64, arm]\n    goarm: [6, 7]\n    ignore: [{goos: darwin}]\n",
		"env: [CGO_ENABLED=1]\nbuilds: [{targets: [go_first_class, linux_arm_7]}]\n",
		"a: &x [*x]\n",
		"builds: [{<<: {goos: [linux]}, overrides: [{goos: linux, goarch: amd64, env: [CGO_ENABLED=1]}]}]\n",
		"builds:\n- skip: '{{ .IsSnapshot }}'\n  goos: ['{{ .Os }}']\n",
		"targets:\n\t- x\n",
		"? [a]\n: b\n",
	} {
		f.Add(seed)
	}
	dist, err := target.LoadDist(context.Background(), "go")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if f, _, err := parseCrossls(path, dist); err == nil {
			for _, tg := range f.targets {
				if err := dist.Validate(tg); err != nil {
					t.Errorf(".crossls.yaml accepted invalid target %s: %v", tg, err)
				}
			}
		}
		if ts, _, err := parseGoReleaser(path, dist); err == nil {
			for _, tg := range ts {
				if err := dist.Validate(tg); err != nil {
					t.Errorf("GoReleaser accepted invalid target %s: %v", tg, err)
				}
			}
		}
	})
}

// TestGoReleaserRepeats checks that repeated list values do not multiply
// the matrix and that a flood of errors is cut to a readable number.
func TestGoReleaserRepeats(t *testing.T) {
	many := func(word string, n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat(word+", ", n), ", ") + "]"
	}
	root := writeTree(t, "-- .goreleaser.yaml --\nbuilds:\n  - goos: "+many("linux", 3000)+"\n    goarch: "+many("amd64", 3000)+"\n")
	cfg, err := Load(root, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Targets); !slices.Equal(got, []string{"linux/amd64"}) {
		t.Errorf("targets = %q", got)
	}

	var variants []string
	for i := 5; i < 500; i++ {
		variants = append(variants, fmt.Sprintf("v%d", i))
	}
	root = writeTree(t, "-- .goreleaser.yaml --\nbuilds:\n  - goos: [linux]\n    goarch: [amd64]\n    goamd64: ["+strings.Join(variants, ", ")+"]\n")
	_, err = Load(root, nil, "", testDist(t))
	list, ok := err.(ErrorList)
	if !ok {
		t.Fatalf("error %T %v, want an ErrorList", err, err)
	}
	if len(list) != maxErrors {
		t.Errorf("%d errors, want them cut at %d", len(list), maxErrors)
	}
	if !strings.Contains(list[0].Error(), `GOAMD64 must be v1..v4 (got "v5")`) {
		t.Errorf("first error = %v", list[0])
	}
}
