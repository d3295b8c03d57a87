package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crossls/crossls/internal/config"
	"github.com/crossls/crossls/internal/matrix"
)

// TestCheckMatrixFile checks a module with targets from a staticcheck
// -matrix file, given by -matrix or by matrix: in .crossls.yaml, tags per
// line included.
func TestCheckMatrixFile(t *testing.T) {
	dir := writeBuildModule(t, map[string]string{
		"ci/matrix":     "linux: GOOS=linux GOARCH=amd64\nwindows: GOOS=windows GOARCH=amd64\nlinux_tagged: GOOS=linux GOARCH=arm64 -tags=other\n",
		"name_other.go": "//go:build other\n\npackage main\n\nfunc otherName() string { return \"other\" }\n",
		"use_tagged.go": "//go:build arm64\n\npackage main\n\nvar _ = otherName()\n",
		"ci/bad.matrix": "linux: GOOS=linux\nwindows: GOOS=windowz\n",
	})
	want := []string{"linux/amd64", "windows/amd64", "linux/arm64"}
	check := func(args ...string) *matrix.Result {
		t.Helper()
		code, out, errs := runCLI(t, append([]string{"check", "-nocache", "-json", "-C", dir}, args...)...)
		if code != 1 {
			t.Fatalf("check %v: exit %d, want 1 (platformName is undefined for windows)\n%s", args, code, errs)
		}
		var res matrix.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return &res
	}
	res := check("-matrix", "ci/matrix")
	if !slices.Equal(res.Targets, want) {
		t.Errorf("-matrix: targets %v, want %v", res.Targets, want)
	}
	// The tagged line builds name_other.go: otherName is defined for it.
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "otherName") {
			t.Errorf("the tags of the matrix line were not applied: %s", d.Message)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".crossls.yaml"), []byte("matrix: ci/matrix\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := check(); !slices.Equal(res.Targets, want) {
		t.Errorf("matrix: in .crossls.yaml: targets %v, want %v", res.Targets, want)
	}
	code, out, _ := runCLI(t, "targets", "-C", dir)
	if code != 0 || !strings.Contains(out, "from "+filepath.Join(dir, "ci", "matrix")) || !strings.Contains(out, "linux/arm64  tags=other") {
		t.Errorf("targets: exit %d\n%s", code, out)
	}

	code, _, errs := runCLI(t, "check", "-C", dir, "-matrix", "ci/bad.matrix")
	if code != 2 || !strings.Contains(errs, filepath.Join(dir, "ci", "bad.matrix")+`:2: target windowz/`) {
		t.Errorf("bad matrix: exit %d, %q", code, errs)
	}
	code, _, errs = runCLI(t, "check", "-C", dir, "-matrix", "ci/matrix", "-targets", "linux/amd64")
	if code != 2 || !strings.Contains(errs, "-targets and -matrix both name the targets") {
		t.Errorf("-targets with -matrix: exit %d, %q", code, errs)
	}
	code, out, errs = runBuildCLI(t, "-C", dir, "-matrix", "ci/matrix", "-shard", "3/3")
	if code != 0 || !strings.Contains(out, "linux/arm64") || strings.Contains(out, "windows") {
		t.Errorf("build -matrix -shard 3/3: exit %d\n%s%s", code, out, errs)
	}
}

// TestCheckMatrixFilePerModule checks a go.work workspace where one module
// takes its targets from a matrix file (matrix: in its .crossls.yaml,
// relative to that file) and the other its own targets; -matrix at the
// root gives every module the targets of one file, each keeping the rest
// of its configuration.
func TestCheckMatrixFilePerModule(t *testing.T) {
	dir := writeGoWork(t, map[string]string{
		"app/.crossls.yaml":         "matrix: ci/staticcheck.matrix\nanalyzers:\n  format: false\n",
		"app/ci/staticcheck.matrix": "linux: GOOS=linux GOARCH=amd64\nmac: GOOS=darwin GOARCH=arm64\n",
		"ci/all.matrix":             "linux: GOOS=linux GOARCH=arm64\nwindows: GOOS=windows GOARCH=amd64\n",
	})
	modules := func(args ...string) []checkModule {
		t.Helper()
		code, out, errs := runCLI(t, append([]string{"check", "-nocache", "-json", "-C", dir}, args...)...)
		var res checkOutput
		if err := json.Unmarshal([]byte(out), &res); (code != 0 && code != 1) || err != nil {
			t.Fatalf("check %v: exit %d, %v\n%s", args, code, err, errs)
		}
		return res.Modules
	}
	mods := modules()
	if len(mods) != 2 || mods[0].Source != config.SourceMatrix || mods[0].File != filepath.Join(dir, "app", "ci", "staticcheck.matrix") ||
		!slices.Equal(mods[0].Targets, []string{"linux/amd64", "darwin/arm64"}) ||
		mods[1].Source != config.SourceCrossls || len(mods[1].Targets) != 5 {
		t.Errorf("matrix: in app's .crossls.yaml: modules %+v", mods)
	}
	mods = modules("-matrix", "ci/all.matrix")
	for _, m := range mods {
		if m.Source != config.SourceMatrix || m.File != filepath.Join(dir, "ci", "all.matrix") || !slices.Equal(m.Targets, []string{"linux/arm64", "windows/amd64"}) {
			t.Errorf("-matrix: module %+v", m)
		}
	}
	if len(mods) != 2 {
		t.Errorf("-matrix: modules %+v", mods)
	}
	code, out, errs := runCLI(t, "targets", "-C", dir)
	if code != 0 || !strings.Contains(out, "# app: 2 targets from "+filepath.Join(dir, "app", "ci", "staticcheck.matrix")) {
		t.Errorf("targets: exit %d\n%s%s", code, out, errs)
	}
}
