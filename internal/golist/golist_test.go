package golist

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func list(t *testing.T, inv Invocation, args ...string) map[string]*Package {
	t.Helper()
	pkgs := map[string]*Package{}
	err := Run(context.Background(), inv, append([]string{"list", "-e", "-json=" + Fields, "-deps"}, args...), func(p *Package) {
		pkgs[p.ImportPath] = p
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// TestRun checks what one target's listing says: the target's files, its
// dependencies, errors, and unsaved buffers through the overlay.
func TestRun(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	dir := writeModule(t, map[string]string{
		"go.mod":           "module example.com/m\n\ngo 1.22\n",
		"a/a.go":           "package a\n\nimport \"example.com/m/b\"\n\nvar X = b.Y\n",
		"b/b.go":           "package b\n\nvar Y = 1\n",
		"b/b_windows.go":   "package b\n\nimport \"os\"\n\nvar Z = os.Args\n",
		"broken/broken.go": "package broken\n\nimport \"example.com/m/missing\"\n",
	})
	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	linux := Invocation{GoCmd: "go", Dir: dir, Env: env, Target: target.Target{GOOS: "linux", GOARCH: "amd64"}}
	windows := linux
	windows.Target = target.Target{GOOS: "windows", GOARCH: "amd64"}

	l := list(t, linux, "./...")
	w := list(t, windows, "./...")
	if got := l["example.com/m/b"].GoFiles; !slices.Equal(got, []string{"b.go"}) {
		t.Errorf("linux b.GoFiles = %q", got)
	}
	if got := l["example.com/m/b"].IgnoredGoFiles; !slices.Equal(got, []string{"b_windows.go"}) {
		t.Errorf("linux b.IgnoredGoFiles = %q", got)
	}
	if got := w["example.com/m/b"].GoFiles; !slices.Equal(got, []string{"b.go", "b_windows.go"}) {
		t.Errorf("windows b.GoFiles = %q", got)
	}
	if w["os"] == nil || !w["os"].Standard || !w["os"].DepOnly {
		t.Errorf("windows listing: os missing or not a standard dependency: %+v", w["os"])
	}
	if l["os"] != nil {
		t.Error("linux listing has os, which only b_windows.go imports")
	}
	if a := l["example.com/m/a"]; a == nil || !slices.Equal(a.Imports, []string{"example.com/m/b"}) || a.Module == nil || !a.Module.Main {
		t.Errorf("a = %+v", a)
	}
	if br := l["example.com/m/broken"]; br == nil || br.Error == nil && len(br.DepsErrors) == 0 {
		t.Errorf("broken has no error: %+v", br)
	}

	// An unsaved file, only in the overlay, is listed.
	tmp := t.TempDir()
	overlay, err := WriteOverlay(tmp, map[string][]byte{filepath.Join(dir, "b", "b_new.go"): []byte("package b\n\nvar W = 2\n")})
	if err != nil {
		t.Fatal(err)
	}
	withBuffer := linux
	withBuffer.OverlayFile = overlay
	if got := list(t, withBuffer, "./b")["example.com/m/b"].GoFiles; !slices.Equal(got, []string{"b.go", "b_new.go"}) {
		t.Errorf("with the overlay, b.GoFiles = %q", got)
	}
	if none, err := WriteOverlay(tmp, nil); none != "" || err != nil {
		t.Errorf("WriteOverlay(nil) = %q, %v; want no file", none, err)
	}

	// A missing go command is target.ErrGoNotFound.
	missing := linux
	missing.GoCmd = "crossls-test-no-such-go"
	if err := Run(context.Background(), missing, []string{"list", "./..."}, func(*Package) {}); err != target.ErrGoNotFound {
		t.Errorf("Run with a missing go = %v, want ErrGoNotFound", err)
	}
}

// TestAnalysisGOFLAGS checks that the user's GOFLAGS, from the environment
// or else the go env file, reach the go command without the flags that
// run programs.
func TestAnalysisGOFLAGS(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("GOFLAGS=-toolexec=/bin/false -tags=fromfile\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := slices.Clip(append(os.Environ(), "GOENV="+envFile))
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"environment", append(base, "GOFLAGS=-mod=mod -toolexec=/bin/false --exec=x -trimpath"), "-mod=mod -trimpath"},
		{"go env file", append(base, "GOFLAGS="), "-tags=fromfile"},
		{"only program flags", append(base, "GOFLAGS=-toolexec=x"), " "},
	} {
		if got := AnalysisGOFLAGS(context.Background(), "go", tc.env); got != tc.want {
			t.Errorf("%s: AnalysisGOFLAGS = %q, want %q", tc.name, got, tc.want)
		}
	}
}
