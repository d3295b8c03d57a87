package config

import (
	"go/build"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

func TestParseMatrix(t *testing.T) {
	dir := writeTree(t, `
-- matrix --
# staticcheck -matrix lines; comments and blank lines are skipped

windows: GOOS=windows
linux_arm: GOOS=linux GOARCH=arm GOARM=7 -tags=netgo,osusergo
sqlite:	GOOS=linux GOARCH=amd64 CGO_ENABLED=1 CC=gcc "-tags=sqlite json1" PKG_CONFIG_PATH="/opt/x y" EMPTY=
wasm: GOOS=js GOARCH=wasm
amd64v3: GOOS=linux GOARCH=amd64 GOAMD64=v3 CGO_ENABLED=0
`)
	ts, err := ParseMatrix(filepath.Join(dir, "matrix"), testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []target.Target{
		{GOOS: "windows", GOARCH: build.Default.GOARCH},
		{GOOS: "linux", GOARCH: "arm", Variant: "7", Tags: []string{"netgo", "osusergo"}},
		{GOOS: "linux", GOARCH: "amd64", Cgo: true, CC: "gcc", Tags: []string{"sqlite", "json1"}, Env: []string{"PKG_CONFIG_PATH=/opt/x y", "EMPTY="}},
		{GOOS: "js", GOARCH: "wasm"},
		{GOOS: "linux", GOARCH: "amd64", Variant: "v3"},
	}
	if !reflect.DeepEqual(ts, want) {
		t.Errorf("targets:\n%#v\nwant:\n%#v", ts, want)
	}
}

// TestParseMatrixErrors checks that each bad line is reported at its
// file:line (and column where one word is wrong), all of them at once.
func TestParseMatrixErrors(t *testing.T) {
	dir := writeTree(t, `
-- matrix --
windows GOOS=windows
bad-name: GOOS=linux
darwinx: GOOS=darwinx GOARCH=amd64
d386: GOOS=darwin GOARCH=386
gc: GOOS=linux -gcflags=-N
armonamd: GOOS=linux GOARCH=amd64 GOARM=7
quote: GOOS=linux "-tags=a
settag: GOOS=linux -tags=linux
jscgo: GOOS=js GOARCH=wasm CGO_ENABLED=1
cgo2: GOOS=linux CGO_ENABLED=yes
ok: GOOS=linux GOARCH=arm64
again: GOOS=linux GOARCH=arm64 -tags=other
nospace:GOOS=linux
ccnocgo: GOOS=linux GOARCH=riscv64 CC=gcc
word: GOOS=linux notasetting
`)
	_, err := ParseMatrix(filepath.Join(dir, "matrix"), testDist(t))
	got := relErr(dir, err)
	for _, want := range []string{
		`matrix:1: want NAME: SETTINGS`,
		`matrix:2:1: invalid build name "bad-name"`,
		`matrix:3: target darwinx/amd64: unknown GOOS "darwinx" (did you mean "darwin"?)`,
		`matrix:4: target darwin/386: unsupported GOOS/GOARCH pair darwin/386`,
		`matrix:5:16: flag -gcflags is not supported`,
		`matrix:6: GOARM has no effect on GOARCH=amd64`,
		`matrix:7:27: unterminated quoted string`,
		`matrix:8:20: build tag "linux" is set by the target`,
		`matrix:9: target js/wasm+cgo: cgo is not supported on js/wasm`,
		`matrix:10:18: CGO_ENABLED must be 0 or 1, not "yes"`,
		`matrix:12: duplicate target linux/arm64 (first at line 11)`,
		`matrix:13:9: want a space after "nospace:"`,
		`matrix:14: CC has no effect with cgo off`,
		`matrix:15:18: "notasetting" is neither NAME=VALUE nor a flag`,
	} {
		if !strings.Contains(got, want+"") {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 14 {
		t.Errorf("%d errors, want 14 (one per bad line):\n%s", n, got)
	}
}

// TestMatrixSources checks where a matrix file enters the configuration:
// the matrix: key of .crossls.yaml, and LoadMatrix (the -matrix flag),
// which overrides configured targets.
func TestMatrixSources(t *testing.T) {
	dir := writeTree(t, `
-- go.mod --
module example.com/m
-- .crossls.yaml --
matrix: ci/staticcheck.matrix
build:
  jobs: 3
-- ci/staticcheck.matrix --
linux: GOOS=linux GOARCH=amd64
windows: GOOS=windows GOARCH=arm64
-- other.matrix --
plan9: GOOS=plan9 GOARCH=amd64
`)
	cfg, err := Load(dir, nil, "", testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Targets); cfg.Source != SourceMatrix || cfg.File != filepath.Join(dir, "ci", "staticcheck.matrix") || !reflect.DeepEqual(got, []string{"linux/amd64", "windows/arm64"}) || cfg.Build.Jobs != 3 {
		t.Errorf("matrix: key: %v from %s %s, jobs %d", got, cfg.Source, cfg.File, cfg.Build.Jobs)
	}
	cfg, err = LoadMatrix(dir, "", "", filepath.Join(dir, "other.matrix"), testDist(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(cfg.Targets); cfg.Source != SourceMatrix || !reflect.DeepEqual(got, []string{"plan9/amd64"}) || cfg.Build.Jobs != 3 {
		t.Errorf("LoadMatrix: %v from %s, jobs %d", got, cfg.Source, cfg.Build.Jobs)
	}
	cfg, err = Load(dir, []string{"darwin/arm64"}, SourceFlag, testDist(t))
	if err != nil || !reflect.DeepEqual(names(cfg.Targets), []string{"darwin/arm64"}) {
		t.Errorf("-targets over matrix: %v, %v", cfg, err)
	}
}

func TestMatrixKeyErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"targets: [linux/amd64]\nmatrix: m\n", `.crossls.yaml:2:1: both targets (line 1) and matrix name the targets: keep one`},
		{"matrix: ../m\n", `.crossls.yaml:1:9: matrix must be a path relative to this file's directory, inside it (got "../m")`},
		{"matrix: /etc/m\n", `.crossls.yaml:1:9: matrix must be a path relative`},
		{"matrix: missing\n", `.crossls.yaml:1:9: cannot read matrix file missing: no such file or directory`},
		{"matrix: bad\n", `bad:1: want NAME: SETTINGS`},
	} {
		dir := writeTree(t, "-- m --\nlinux: GOOS=linux\n-- bad --\nnot a line\n-- .crossls.yaml --\n"+tc.yaml)
		_, err := Load(dir, nil, "", testDist(t))
		if got := relErr(dir, err); !strings.Contains(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.yaml, got, tc.want)
		}
	}
}
