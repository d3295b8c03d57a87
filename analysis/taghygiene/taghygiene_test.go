package taghygiene_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/crossls/crossls/analysis/taghygiene"
	"github.com/crossls/crossls/internal/analyzetest"
)

func TestAnalyzer(t *testing.T) {
	// The testdata files are chosen for linux/amd64.
	t.Setenv("GOOS", "linux")
	t.Setenv("GOARCH", "amd64")
	results := analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), taghygiene.Analyzer, "a")

	// Every file name finding carries the new name for the driver.
	renames := make(map[string]string)
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if base, ok := taghygiene.RenameTo(d); ok {
				renames[filepath.Base(r.Pass.Fset.File(d.Pos).Name())] = base
			} else if d.Category == "rename" {
				t.Errorf("RenameTo(%q) found no new name", d.Message)
			}
		}
	}
	want := map[string]string{
		"util_windwos.go":   "util_windows.go",
		"x_linux_amd46.go":  "x_linux_amd64.go",
		"x_linxu_amd64.go":  "x_linux_amd64.go",
		"y_amd64_linux.go":  "y_linux_amd64.go",
		"util_macos.go":     "util_darwin.go",
		"z_Linux.go":        "z_linux.go",
		"x_windwos_test.go": "x_windows_test.go",
		"x_mpis.go":         "x_mips.go",
		"asm_amd46.s":       "asm_amd64.s",
	}
	for from, to := range want {
		if renames[from] != to {
			t.Errorf("rename of %s = %q, want %q", from, renames[from], to)
		}
	}
	for from := range renames {
		if _, ok := want[from]; !ok {
			t.Errorf("unexpected rename of %s to %s", from, renames[from])
		}
	}
}

func TestRenameTo(t *testing.T) {
	for _, tc := range []struct {
		d    analysis.Diagnostic
		want string
	}{
		{analysis.Diagnostic{Category: "rename", SuggestedFixes: []analysis.SuggestedFix{{Message: "Rename to a_linux.go"}}}, "a_linux.go"},
		{analysis.Diagnostic{SuggestedFixes: []analysis.SuggestedFix{{Message: "Rename to a_linux.go"}}}, ""},
		{analysis.Diagnostic{Category: "rename", SuggestedFixes: []analysis.SuggestedFix{{Message: "Replace x"}}}, ""},
		{analysis.Diagnostic{Category: "rename"}, ""},
	} {
		got, ok := taghygiene.RenameTo(tc.d)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("RenameTo(%+v) = %q, %v; want %q", tc.d, got, ok, tc.want)
		}
	}
}

// TestIgnoredFiles checks the files that the configuration excludes:
// analysistest reads no expectations from ignored files, so this test runs
// the checker itself on a module written to a temporary directory.
func TestIgnoredFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.com/p\n\ngo 1.22\n",
		"p.go":               "package p\n",
		"p_plan9.go":         "//go:build !arm46\n\npackage p\n",
		"q_linxu_arm64.go":   "package p\n",
		"q_windows_amd46.go": "//go:build ignore\n\npackage p\n", // constrained: the name is not checked
		"r.go":               "//go:build windwos\n\npackage p\n",
		"s_darwin.go":        "//go:build integration\n\npackage p\n",
		"t_windows.s":        "// +build linxu\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	got := analyzetest.Linux(t, dir, taghygiene.Analyzer)
	want := []string{
		`p_plan9.go:1:13: build tag "arm46" is not a known GOARCH and is never set; did you mean "arm64"?`,
		`q_linxu_arm64.go:1:1: file name suffix "linxu" is not a known GOOS: this file builds for arm64 on every GOOS; did you mean "linux"?`,
		`r.go:1:12: build tag "windwos" is not a known GOOS and is never set; did you mean "windows"?`,
		`t_windows.s:1:11: build tag "linxu" is not a known GOOS and is never set; did you mean "linux"?`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
