package stubgen

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGenerateBuilds generates stubs for windows and checks with the real
// go command that the package then builds and vets for windows, and still
// for linux and darwin.
func TestGenerateBuilds(t *testing.T) {
	dir := copyDir(t, "testdata/dev")
	if out, err := goCmd(dir, "windows", "build", "./..."); err == nil {
		t.Fatalf("fixture already builds for windows:\n%s", out)
	}

	file, content, err := Generate(Request{
		Dir:      dir,
		Package:  "dev",
		GOOS:     "windows",
		Names:    []string{"openDevice", "DefaultPath", "platformName", "errUnsupported", "defaultMode"},
		DefFiles: []string{"platform_linux.go", filepath.Join(dir, "platform_darwin.go")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "platform_windows.go"); file != want {
		t.Errorf("file = %s, want %s", file, want)
	}
	golden := "testdata/platform_windows.go.golden"
	if *update {
		if err := os.WriteFile(golden, content, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(content, want) {
		t.Errorf("generated:\n%s\nwant (%s):\n%s", content, golden, want)
	}

	if err := os.WriteFile(file, content, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, goos := range []string{"windows", "linux", "darwin"} {
		for _, verb := range []string{"build", "vet"} {
			if out, err := goCmd(dir, goos, verb, "./..."); err != nil {
				t.Errorf("GOOS=%s go %s after generating: %v\n%s", goos, verb, err, out)
			}
		}
	}

	// A second run must not overwrite the file.
	if _, _, err := Generate(Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"platformName"}, DefFiles: []string{"platform_linux.go"}}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second Generate: err = %v, want an 'already exists' error", err)
	}
}

// TestGenerateMethodAndGroup asks for a single method and for a constant
// of an iota group, on a target whose GOOS word differs from the file's.
func TestGenerateMethodAndGroup(t *testing.T) {
	dir := copyDir(t, "testdata/dev")
	file, content, err := Generate(Request{
		Dir:      dir,
		Package:  "dev",
		GOOS:     "plan9",
		GOARCH:   "386",
		Names:    []string{"Device.Mode", "ModeWrite"},
		DefFiles: []string{"platform_darwin.go"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(file) != "platform_plan9.go" {
		t.Errorf("file = %s, want platform_plan9.go", file)
	}
	for _, want := range []string{
		"func (d *Device) Mode() Mode {\n\tpanic(\"Device.Mode: not implemented on plan9\")\n}",
		"ModeRead Mode = iota\n\tModeWrite\n",                                                             // the whole group
		"type Device struct {\n\tf    *os.File\n",                                                         // the receiver's type
		"func (d *Device) Close() error {\n\treturn errors.New(\"Device.Close: not supported on plan9\")", // and its other methods
		"Timeout time.Duration", // and what its fields need
	} {
		if !strings.Contains(string(content), want) {
			t.Errorf("generated file lacks %q:\n%s", want, content)
		}
	}
	for _, unwanted := range []string{"platformName", "syscall", "helperOnlyInBodies", "openCount"} {
		if strings.Contains(string(content), unwanted) {
			t.Errorf("generated file has %q, which nothing needs:\n%s", unwanted, content)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := copyDir(t, "testdata/dev")
	if err := os.WriteFile(filepath.Join(dir, "untyped_linux.go"), []byte("package dev\n\nvar computed = len(os.Args)\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"unknown GOOS", Request{Dir: dir, Package: "dev", GOOS: "windwos", Names: []string{"platformName"}, DefFiles: []string{"platform_linux.go"}}, `unknown GOOS "windwos"`},
		{"no names", Request{Dir: dir, Package: "dev", GOOS: "windows", DefFiles: []string{"platform_linux.go"}}, "no names"},
		{"bad name", Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"a-b"}, DefFiles: []string{"platform_linux.go"}}, `invalid name "a-b"`},
		{"no def files", Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"platformName"}}, "no defining files"},
		{"missing def file", Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"platformName"}, DefFiles: []string{"nope_linux.go"}}, "no such file"},
		{"wrong package", Request{Dir: dir, Package: "other", GOOS: "windows", Names: []string{"platformName"}, DefFiles: []string{"platform_linux.go"}}, "is in package dev, not other"},
		{"not declared", Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"nothing"}, DefFiles: []string{"platform_linux.go"}}, "nothing is not declared in platform_linux.go"},
		{"already on target", Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"Describe"}, DefFiles: []string{"platform_linux.go"}}, "Describe is already declared for windows in dev.go"},
		{"untyped var", Request{Dir: dir, Package: "dev", GOOS: "windows", Names: []string{"computed"}, DefFiles: []string{"untyped_linux.go"}}, "var computed: can't tell its type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Generate(tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestOutputBase(t *testing.T) {
	for _, tc := range []struct{ def, goos, want string }{
		{"platform_linux.go", "windows", "platform_windows.go"},
		{"/x/platform_linux_amd64.go", "windows", "platform_windows.go"},
		{"platform_arm64.go", "plan9", "platform_plan9.go"},
		{"platform_unix.go", "windows", "platform_windows.go"},
		{"platform.go", "windows", "platform_windows.go"},
		{"linux.go", "windows", "linux_windows.go"},
		{"zsys_amd64_linux.go", "js", "zsys_amd64_js.go"},
	} {
		if got := outputBase(tc.def, tc.goos); got != tc.want {
			t.Errorf("outputBase(%q, %q) = %q, want %q", tc.def, tc.goos, got, tc.want)
		}
	}
}

func goCmd(dir, goos, verb string, args ...string) ([]byte, error) {
	goarch := "amd64"
	if goos == "darwin" {
		goarch = "arm64"
	}
	cmd := exec.Command("go", append([]string{verb}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	return cmd.CombinedOutput()
}

func copyDir(t *testing.T, from string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
