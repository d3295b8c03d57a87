package buildgap_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/crossls/crossls/analysis/buildgap"
)

// TestAnalyzer checks the findings in files that build, marked with
// `// want` comments.
func TestAnalyzer(t *testing.T) {
	setLinux(t)
	rec := &recorder{}
	analysistest.Run(rec, analysistest.TestData(), buildgap.Analyzer, "a", "b")
	// analysistest reads no `// want` comments in files the configuration
	// ignores, so it calls the findings there unexpected: check them here.
	want := []string{
		`a/contradiction_darwin.go:1:1: unexpected diagnostic: build constraint "windows" contradicts the file name suffix (darwin): this file is never built`,
		`a/never.go:1:1: unexpected diagnostic: build constraint "linux && windows" can never be satisfied: this file is never built`,
		`a/tagged.go:1:1: unexpected diagnostic: build constraint "integration && !integration" can never be satisfied: this file is never built`,
	}
	slices.Sort(rec.msgs)
	if !slices.Equal(rec.msgs, want) {
		t.Errorf("findings outside // want comments:\n%s\nwant:\n%s", strings.Join(rec.msgs, "\n"), strings.Join(want, "\n"))
	}
}

func setLinux(t *testing.T) {
	t.Setenv("GOOS", "linux")
	t.Setenv("GOARCH", "amd64")
	t.Setenv("CGO_ENABLED", "0")
}

type recorder struct{ msgs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
