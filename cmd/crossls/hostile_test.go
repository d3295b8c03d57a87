package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The tests in this file give `crossls check` bad input and a hostile
// environment: each must end in exit code 2 with a message that says what
// is wrong, and no program chosen by the project or the environment may
// run.

// runHostileCLI runs the CLI in process.
func runHostileCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// hostileCLIModule writes a module that builds for every target into a
// fresh repository root, plus files.
func hostileCLIModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		"go.mod":    "module example.com/m\n\ngo 1.26\n",
		"m.go":      "package m\n\nfunc M() int { return 1 }\n",
	}
	for name, content := range files {
		all[name] = content
	}
	for name, content := range all {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// markerProgram writes an executable that creates marker when run, and
// then fails as a broken tool would.
func markerProgram(t *testing.T, name string) (program, marker string) {
	t.Helper()
	dir := t.TempDir()
	program = filepath.Join(dir, name)
	marker = filepath.Join(dir, name+".ran")
	script := "#!/bin/sh\necho \"$@\" >> '" + marker + "'\nexit 1\n"
	if err := os.WriteFile(program, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return program, marker
}

// isolateCaches gives the test empty crossls caches, so that every check
// runs the go command rather than reusing an earlier result, while the go
// build cache stays where it is.
func isolateCaches(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}

func ran(marker string) bool {
	_, err := os.Stat(marker)
	return err == nil
}

func TestHostileCLIUnknownTargets(t *testing.T) {
	dir := hostileCLIModule(t, nil)
	for _, tc := range []struct {
		targets string
		want    string
	}{
		{"linux/amd64,darwinx/arm64", `unknown GOOS "darwinx" (did you mean "darwin"?)`},
		{"linux/amd46", `unknown GOARCH "amd46" (did you mean "amd64"?)`},
		{"darwin/386", "unsupported GOOS/GOARCH pair darwin/386"},
		{"js/wasm+cgo", "cgo is not supported on js/wasm"},
		{"linux/amd64/v9", "GOAMD64 must be v1..v4"},
		{"linux", "invalid target"},
		{"linux/amd64;rm -rf /", "invalid target"},
	} {
		code, stdout, stderr := runHostileCLI(t, "check", "-C", dir, "-targets", tc.targets)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("check -targets %q: exit %d, stderr %q; want exit 2 and %q", tc.targets, code, stderr, tc.want)
		}
		if stdout != "" {
			t.Errorf("check -targets %q printed results: %q", tc.targets, stdout)
		}
	}
}

func TestHostileCLIBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                string // regexp matched against stderr
	}{
		{"not yaml", ".crossls.yaml", "targets:\n  - linux/amd64\n  - [\n", `\.crossls\.yaml:\d+(:\d+)?: invalid YAML`},
		{"tabs", ".crossls.yaml", "targets:\n\t- linux/amd64\n", `\.crossls\.yaml:2(:\d+)?: invalid YAML`},
		{"unknown target", ".crossls.yaml", "targets:\n  - linux/amd64\n  - windwos/amd64\n", `\.crossls\.yaml:3:\d+: .*"windows"`},
		{"unknown key", ".crossls.yaml", "targts: [linux/amd64]\n", `\.crossls\.yaml:1:\d+: .*targts`},
		{"binary", ".crossls.yaml", "\x00\x01\x02\xff", `\.crossls\.yaml:1(:\d+)?: invalid YAML`},
		{"goreleaser", ".goreleaser.yaml", "builds:\n  - goos: [linux, windwos]\n", `\.goreleaser\.yaml:2:\d+: .*"windows"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := hostileCLIModule(t, map[string]string{tc.file: tc.content})
			code, _, stderr := runHostileCLI(t, "check", "-C", dir)
			if code != 2 || !regexp.MustCompile(tc.want).MatchString(stderr) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %s", code, stderr, tc.want)
			}
		})
	}
}

func TestHostileCLIGoMissing(t *testing.T) {
	dir := hostileCLIModule(t, nil)
	t.Setenv("PATH", t.TempDir())
	code, _, stderr := runHostileCLI(t, "check", "-C", dir)
	if code != 2 || !strings.Contains(stderr, `the "go" command was not found in PATH`) {
		t.Errorf("exit %d, stderr %q; want exit 2 and a message that go is missing", code, stderr)
	}
}

// TestHostileCLIFlagPatterns checks that a package argument that looks like
// a flag is refused rather than handed to the go command.
func TestHostileCLIFlagPatterns(t *testing.T) {
	evil, marker := markerProgram(t, "evil")
	dir := hostileCLIModule(t, nil)
	for _, args := range [][]string{
		{"--", "-toolexec=" + evil},
		{"./...", "-toolexec=" + evil},
		{"--", "-exec=" + evil, "./..."},
		{"--", "--toolexec", evil},
	} {
		code, _, stderr := runHostileCLI(t, append([]string{"check", "-C", dir, "-targets", "linux/amd64"}, args...)...)
		if code != 2 || !strings.Contains(stderr, "invalid package pattern") {
			t.Errorf("check %q: exit %d, stderr %q; want exit 2 and invalid package pattern", args, code, stderr)
		}
	}
	if ran(marker) {
		t.Errorf("a program named as a package pattern ran")
	}
}

// TestHostileCLIToolexecInEnvironment sets -toolexec in GOFLAGS, in the
// environment and in the go env file, and checks that crossls check never
// runs it, while go build does.
func TestHostileCLIToolexecInEnvironment(t *testing.T) {
	dir := hostileCLIModule(t, map[string]string{
		"cgo/cgo.go": "package cgo\n\n// int one(void) { return 1; }\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n",
	})
	for _, how := range []string{"GOFLAGS", "GOENV"} {
		t.Run(how, func(t *testing.T) {
			isolateCaches(t)
			evil, marker := markerProgram(t, "evil")
			flags := "-toolexec=" + evil
			if how == "GOFLAGS" {
				t.Setenv("GOFLAGS", flags)
			} else {
				envFile := filepath.Join(t.TempDir(), "go.env")
				if err := os.WriteFile(envFile, []byte("GOFLAGS="+flags+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Setenv("GOENV", envFile)
				t.Setenv("GOFLAGS", "")
			}

			// The setting is live: go build runs the program.
			build := exec.Command("go", "build", "./...")
			build.Dir = dir
			build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := build.CombinedOutput(); err == nil || !ran(marker) {
				t.Fatalf("go build with %s=%s did not run the toolexec program (%v):\n%s", how, flags, err, out)
			}
			if err := os.Remove(marker); err != nil {
				t.Fatal(err)
			}

			code, stdout, stderr := runHostileCLI(t, "check", "-C", dir, "-targets", "linux/amd64,windows/amd64,linux/arm64+cgo")
			if ran(marker) {
				data, _ := os.ReadFile(marker)
				t.Errorf("crossls check ran the toolexec program from %s: %s", how, data)
			}
			if code == 2 || !strings.Contains(stdout, "example.com/m/cgo: does not build for linux/amd64 windows/amd64") {
				t.Errorf("check: exit %d: %s%s", code, stdout, stderr)
			}
		})
	}
}

// TestCLIRunsConfiguredCC checks that the command line, which its user
// runs where they chose to, runs cgo targets as go build would: with the C
// compiler and tools that .crossls.yaml configures for a target. (An
// editor runs them only in a trusted workspace: see the matrix and lsp
// tests.) Toolexec never runs during analysis.
func TestCLIRunsConfiguredCC(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc for cgo")
	}
	cc, marker := markerProgram(t, "cc")
	dir := hostileCLIModule(t, map[string]string{
		"native/native.go": "package native\n\n// int twice(int x) { return 2 * x; }\nimport \"C\"\n\nfunc Twice(x int) int { return int(C.twice(C.int(x))) }\n",
		"app/app.go":       "package app\n\nimport \"example.com/m/native\"\n\nvar X = native.Twice(2)\n",
		".crossls.yaml":    "targets:\n  - target: linux/amd64+cgo\n    cc: " + cc + "\n",
	})
	isolateCaches(t)
	code, stdout, stderr := runHostileCLI(t, "check", "-C", dir, "-json")
	if code == 2 || !strings.Contains(stdout, `"example.com/m/native"`) {
		t.Errorf("check: exit %d, no verdicts for the cgo package: %s%s", code, stdout, stderr)
	}
	if !ran(marker) {
		t.Errorf("crossls check did not run the configured C compiler for its cgo target")
	}
}
