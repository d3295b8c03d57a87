package matrix

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// TestBuildtagAnalyzer runs x/tools' own buildtag test data against the
// wrapper that parses ignored files once per content: it must report
// exactly what buildtag.Analyzer reports.
func TestBuildtagAnalyzer(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/tools").Output()
	if err != nil {
		t.Fatalf("locating golang.org/x/tools: %v", err)
	}
	testdata := filepath.Join(strings.TrimSpace(string(out)), "go", "analysis", "passes", "buildtag", "testdata")
	analysistest.Run(t, testdata, buildtagAnalyzer, "a", "b")
}
