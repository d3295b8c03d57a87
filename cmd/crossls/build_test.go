package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runBuildCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"build"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// writeBuildModule writes a module whose main package calls a function
// defined for linux only, inside a fresh repository root so that no
// configuration from outside applies.
func writeBuildModule(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		".git/HEAD":     "ref: refs/heads/main\n",
		"go.mod":        "module example.com/app\n\ngo 1.22\n",
		"main.go":       "package main\n\nfunc main() { println(platformName()) }\n",
		"name_linux.go": "package main\n\nfunc platformName() string { return \"linux\" }\n",
	}
	for name, content := range extra {
		files[name] = content
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBuildTable(t *testing.T) {
	dir := writeBuildModule(t, nil)
	code, stdout, stderr := runBuildCLI(t, "-C", dir, "-targets", "linux/amd64,linux/arm/v7")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TARGET") {
		t.Fatalf("table:\n%s", stdout)
	}
	for i, want := range [][]string{
		{"linux/amd64", "example.com/app", "ok", "dist/app-linux-amd64", "MB", "ELF EM_X86_64 linux/amd64/v1, static"},
		{"linux/arm/v7", "example.com/app", "ok", "dist/app-linux-armv7", "MB", "ELF EM_ARM linux/arm/v7, static"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("row %q lacks %q", lines[i+1], w)
			}
		}
	}
	for _, name := range []string{"app-linux-amd64", "app-linux-armv7"} {
		if _, err := os.Stat(filepath.Join(dir, "dist", name)); err != nil {
			t.Error(err)
		}
	}
}

func TestBuildFailureExitsOne(t *testing.T) {
	dir := writeBuildModule(t, nil)
	code, stdout, _ := runBuildCLI(t, "-C", dir, "-targets", "linux/amd64 windows/amd64 windows/arm64", "-o", "out")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	for _, want := range []string{
		"windows/amd64  example.com/app  FAILED",
		"windows/amd64: build failed: main.go:3:23: undefined: platformName",
		"main.go:3:23: undefined: platformName [windows/amd64, windows/arm64]",
		"out/app-linux-amd64",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBuildJSON(t *testing.T) {
	dir := writeBuildModule(t, nil)
	code, stdout, stderr := runBuildCLI(t, "-C", dir, "-json", "-targets", "linux/arm64,darwin/arm64")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	var out struct {
		Results []struct {
			Target, Package, Status, Output, Error string
			Size                                   int64
			Verify                                 *struct {
				Format, Machine, GOOS, GOARCH string
				Static                        bool
			}
		}
		Errors []struct {
			File         string
			Line, Column int
			Message      string
			Targets      []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(out.Results) != 2 {
		t.Fatalf("results: %+v", out.Results)
	}
	ok, failed := out.Results[0], out.Results[1]
	if ok.Target != "linux/arm64" || ok.Status != "ok" || ok.Output != filepath.Join(dir, "dist", "app-linux-arm64") || ok.Size == 0 ||
		ok.Verify == nil || ok.Verify.Machine != "EM_AARCH64" || !ok.Verify.Static {
		t.Errorf("linux/arm64 record = %+v", ok)
	}
	if failed.Target != "darwin/arm64" || failed.Status != "failed" || failed.Output != "" || !strings.Contains(failed.Error, "undefined: platformName") {
		t.Errorf("darwin/arm64 record = %+v", failed)
	}
	if len(out.Errors) != 1 || out.Errors[0].File != filepath.Join(dir, "main.go") || out.Errors[0].Line != 3 || out.Errors[0].Column != 23 ||
		len(out.Errors[0].Targets) != 1 || out.Errors[0].Targets[0] != "darwin/arm64" {
		t.Errorf("errors = %+v", out.Errors)
	}
}

// Without -targets, the configuration decides targets and build settings.
func TestBuildUsesConfiguration(t *testing.T) {
	dir := writeBuildModule(t, map[string]string{
		".crossls.yaml": "targets: [linux/riscv64]\nbuild:\n  output_dir: bin\n  name: tool\n",
	})
	code, stdout, stderr := runBuildCLI(t, "-C", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "bin/tool-linux-riscv64") || !strings.Contains(stdout, "EM_RISCV") {
		t.Errorf("table:\n%s", stdout)
	}
}

func TestBuildUsageErrors(t *testing.T) {
	dir := writeBuildModule(t, nil)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-nosuchflag"}, "flag provided but not defined"},
		{[]string{"-targets", "linux/amd65"}, `unknown GOARCH "amd65" (did you mean "amd64"?)`},
		{[]string{"-o", "../elsewhere"}, `output directory "../elsewhere" is outside the workspace`},
		{[]string{"-j", "-2"}, "-j must be at least 0"},
		{[]string{"-targets", "linux/amd64", "-toolexec=/bin/sh"}, "flag provided but not defined: -toolexec"},
		{[]string{"-targets", "linux/amd64", "--", "-toolexec=/bin/sh"}, `invalid package pattern "-toolexec=/bin/sh"`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runBuildCLI(t, append([]string{"-C", dir}, tt.args...)...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("build %q: exit %d, stderr %q; want 2 and %q (stdout %q)", tt.args, code, stderr, tt.want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "elsewhere")); err == nil {
		t.Error("created an output directory outside the workspace")
	}
}
