package taghygiene

import (
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

// TestStandardLibrary runs the analyzer over every directory of GOROOT/src,
// whose file names and constraints are correct, including deliberate names
// such as os_linux64.go, cpu_arm64_linux.go and example_search_test.go:
// any finding there is a false positive.
func TestStandardLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all of GOROOT/src")
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src")
	byDir := make(map[string][]string)
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir // deliberately broken files
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".go" || ext == ".s") {
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(byDir) < 100 {
		t.Fatalf("found only %d directories in %s", len(byDir), src)
	}
	for _, files := range byDir {
		fset := token.NewFileSet()
		pass := &analysis.Pass{
			Analyzer:   Analyzer,
			Fset:       fset,
			OtherFiles: files,
			ReadFile:   os.ReadFile,
			Report: func(d analysis.Diagnostic) {
				t.Errorf("%s: %s", fset.Position(d.Pos), d.Message)
			},
		}
		if _, err := run(pass); err != nil {
			t.Fatal(err)
		}
	}
}
