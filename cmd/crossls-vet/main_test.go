package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGoVet builds crossls-vet and runs it under the real go vet on a
// fixture module with a finding for each analyzer.
func TestGoVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the vet tool")
	}
	tmp := t.TempDir()
	vettool := filepath.Join(tmp, "crossls-vet")
	if out, err := exec.Command("go", "build", "-o", vettool, ".").CombinedOutput(); err != nil {
		t.Fatalf("building crossls-vet: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "mod")
	if err := os.CopyFS(dir, os.DirFS("testdata/mod")); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command("go", "vet", "-vettool="+vettool, "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("go vet: %v, want exit status 1 for the findings\n%s", err, out)
	}
	var got []string
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "#") {
			got = append(got, strings.TrimSpace(line))
		}
	}
	slices.Sort(got)
	want := []string{
		`broken_plan9.go:5:1: syntax error: expected operand, found '}'`, // format, in an ignored file
		`db_cgo.go:4:8: this file imports "C" and is left out of the build when CGO_ENABLED=0, with nothing in its place: enable cgo for these targets or add a !cgo fallback`, // cgo
		`messy.go:3:1: file is not gofmt-formatted`,                                                          // format
		`mismatch.go:2:1: +build lines do not match //go:build condition`,                                    // buildtag
		`mismatch.go:2:1: file is not gofmt-formatted`,                                                       // format: gofmt rewrites +build lines
		`never.go:1:1: build constraint "linux && windows" can never be satisfied: this file is never built`, // buildgap
		`tags.go:1:21: build tag "darwn" is not a known GOOS and is never set; did you mean "darwin"?`,       // taghygiene
		`util_windwos.go:1:1: file name suffix "windwos" is not a known GOOS: this file builds on every target; did you mean "windows"?`,
		// go vet checks the test package too.
		`util_windwos_test.go:1:1: file name suffix "windwos" is not a known GOOS: this file builds on every target; did you mean "windows"?`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("go vet printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
