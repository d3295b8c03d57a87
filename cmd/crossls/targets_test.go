package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// runTargetsCLI runs the CLI in process and returns its exit code and output.
func runTargetsCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeTargetsModule writes files into a fresh module directory marked as a
// repository root, so no configuration from outside it applies.
func writeTargetsModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files[".git/HEAD"] = "ref: refs/heads/main\n"
	if _, ok := files["go.mod"]; !ok {
		files["go.mod"] = "module example.com/m\n\ngo 1.26\n"
	}
	for name, content := range files {
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

func targetsGoVersion(t *testing.T) string {
	t.Helper()
	d, err := target.LoadDist(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	return d.GoVersion
}

func TestTargetsText(t *testing.T) {
	ver := targetsGoVersion(t)
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		want  string // stdout; DIR stands for the module directory
	}{
		{
			name: "default",
			want: "# 4 targets from default (" + ver + ")\nlinux/amd64\nlinux/arm64\ndarwin/arm64\nwindows/amd64\n",
		},
		{
			name:  "flag",
			files: map[string]string{".crossls.yaml": "targets: [linux/amd64]\n"},
			args:  []string{"-targets", "linux/arm/v7, linux_amd64_v3,freebsd/arm64+cgo"},
			want:  "# 3 targets from flag (" + ver + ")\nlinux/arm/v7\nlinux/amd64/v3\nfreebsd/arm64+cgo\n",
		},
		{
			name: "crossls file with details",
			files: map[string]string{".crossls.yaml": `targets:
  - target: linux/arm64+cgo
    tags: [netgo]
    env: [PKG_CONFIG_PATH=/opt/arm64]
    cc: aarch64-linux-gnu-gcc
  - darwin/arm64
`},
			want: "# 2 targets from DIR/.crossls.yaml (" + ver + ")\n" +
				"linux/arm64+cgo  tags=netgo cc=aarch64-linux-gnu-gcc env PKG_CONFIG_PATH=/opt/arm64\n" +
				"darwin/arm64\n",
		},
		{
			name: "goreleaser",
			files: map[string]string{".goreleaser.yaml": `builds:
  - env: [CGO_ENABLED=0]
    goos: [linux, darwin]
    goarch: [amd64, arm]
    goarm: ["7"]
`},
			want: "# 3 targets from DIR/.goreleaser.yaml (" + ver + ")\nlinux/amd64\nlinux/arm/v7\ndarwin/amd64\n",
		},
		{
			name:  "explicit config file, relative to -C",
			files: map[string]string{"ci/release.yaml": "targets: [wasip1/wasm]\n"},
			args:  []string{"-config", "ci/release.yaml"},
			want:  "# 1 target from DIR/ci/release.yaml (" + ver + ")\nwasip1/wasm\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.files == nil {
				tc.files = map[string]string{}
			}
			dir := writeTargetsModule(t, tc.files)
			code, stdout, stderr := runTargetsCLI(t, append([]string{"targets", "-C", dir}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if want := strings.ReplaceAll(tc.want, "DIR", dir); stdout != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
			}
			if stderr != "" {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
		})
	}
}

func TestTargetsJSON(t *testing.T) {
	dir := writeTargetsModule(t, map[string]string{
		".crossls.yaml": "analyzers: {format: false}\nbuild: {jobs: 2}\n",
		".goreleaser.yaml": `builds:
  - env: ["CC={{ .Env.CC }}", CGO_ENABLED=1]
    goos: [linux]
    goarch: [arm64]
`,
	})
	code, stdout, stderr := runTargetsCLI(t, "targets", "-json", "-C", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var got struct {
		GoVersion string          `json:"go_version"`
		Source    string          `json:"source"`
		File      string          `json:"file"`
		Analyzers map[string]bool `json:"analyzers"`
		Build     struct {
			Jobs      int    `json:"jobs"`
			OutputDir string `json:"output_dir"`
		} `json:"build"`
		Targets []struct {
			Target     string `json:"target"`
			GOOS       string `json:"goos"`
			GOARCH     string `json:"goarch"`
			Cgo        bool   `json:"cgo"`
			FirstClass bool   `json:"first_class"`
		} `json:"targets"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got.GoVersion != targetsGoVersion(t) || got.Source != ".goreleaser.yaml" || got.File != filepath.Join(dir, ".goreleaser.yaml") {
		t.Errorf("go_version %q, source %q, file %q", got.GoVersion, got.Source, got.File)
	}
	if len(got.Targets) != 1 || got.Targets[0].Target != "linux/arm64+cgo" || !got.Targets[0].Cgo ||
		got.Targets[0].GOOS != "linux" || got.Targets[0].GOARCH != "arm64" || !got.Targets[0].FirstClass {
		t.Errorf("targets = %+v", got.Targets)
	}
	if got.Analyzers["format"] || !got.Analyzers["cgo"] {
		t.Errorf("analyzers = %v", got.Analyzers)
	}
	if got.Build.Jobs != 2 || got.Build.OutputDir != filepath.Join(dir, "dist") {
		t.Errorf("build = %+v", got.Build)
	}
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], ".goreleaser.yaml:2:11: skipping templated env value") {
		t.Errorf("warnings = %q", got.Warnings)
	}
	if !strings.Contains(stderr, "crossls: warning: "+filepath.Join(dir, ".goreleaser.yaml")+":2:11:") {
		t.Errorf("stderr does not carry the warning:\n%s", stderr)
	}
}

func TestTargetsAll(t *testing.T) {
	dist, err := target.LoadDist(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runTargetsCLI(t, "targets", "-all")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(dist.Platforms)+1 {
		t.Fatalf("%d lines for %d platforms:\n%s", len(lines), len(dist.Platforms), stdout)
	}
	rows := map[string][]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		rows[f[0]] = f[1:]
	}
	for name, want := range map[string][]string{
		"linux/amd64": {"yes", "yes"},
		"js/wasm":     {"no", "no"},
		"linux/s390x": {"yes", "no"},
	} {
		if got := rows[name]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: cgo, first-class = %q, want %q", name, got, want)
		}
	}

	code, stdout, stderr = runTargetsCLI(t, "targets", "-all", "-json")
	if code != 0 {
		t.Fatalf("-json: exit %d, stderr:\n%s", code, stderr)
	}
	var got struct {
		GoVersion string `json:"go_version"`
		Platforms []struct {
			Target       string `json:"target"`
			CgoSupported bool   `json:"cgo_supported"`
			FirstClass   bool   `json:"first_class"`
		} `json:"platforms"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.GoVersion != dist.GoVersion || len(got.Platforms) != len(dist.Platforms) {
		t.Fatalf("go_version %q, %d platforms; want %q, %d", got.GoVersion, len(got.Platforms), dist.GoVersion, len(dist.Platforms))
	}
	for i, p := range got.Platforms {
		d := dist.Platforms[i]
		if p.Target != d.GOOS+"/"+d.GOARCH || p.CgoSupported != d.CgoSupported || p.FirstClass != d.FirstClass {
			t.Errorf("platform %d = %+v, want %+v", i, p, d)
		}
	}
}

func TestTargetsErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		want  string // in stderr; DIR stands for the module directory
	}{
		{
			name:  "config error points at the line",
			files: map[string]string{".crossls.yaml": "targets:\n  - linux/amd64\n  - darwinx/arm64\n"},
			want:  `DIR/.crossls.yaml:3:5: target darwinx/arm64: unknown GOOS "darwinx" (did you mean "darwin"?)`,
		},
		{
			name:  "goreleaser error",
			files: map[string]string{".goreleaser.yaml": "builds:\n  - goos: [linux]\n    goarch: [amd64]\n    goamd64: [v9]\n"},
			want:  `DIR/.goreleaser.yaml:4:15: GOAMD64 must be v1..v4 (got "v9")`,
		},
		{
			name: "bad flag target",
			args: []string{"-targets", "linux/arm64,windwos/amd64"},
			want: `-targets: target windwos/amd64: unknown GOOS "windwos" (did you mean "windows"?)`,
		},
		{
			name: "missing config file",
			args: []string{"-config", "nope.yaml"},
			want: "DIR/nope.yaml: cannot read configuration",
		},
		{
			name: "missing -C directory",
			args: []string{"-C", "DIR/nowhere"},
			want: "cannot use directory DIR/nowhere: no such file or directory",
		},
		{
			name: "-all with -targets",
			args: []string{"-all", "-targets", "linux/amd64"},
			want: "-all lists every platform; it does not combine with -targets or -config",
		},
		{
			name: "argument",
			args: []string{"./..."},
			want: `crossls targets: unexpected argument "./..."`,
		},
		{
			name: "unknown flag",
			args: []string{"-target", "linux/amd64"},
			want: "flag provided but not defined: -target",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.files == nil {
				tc.files = map[string]string{}
			}
			dir := writeTargetsModule(t, tc.files)
			args := []string{"targets", "-C", dir}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "DIR", dir))
			}
			code, stdout, stderr := runTargetsCLI(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if want := strings.ReplaceAll(tc.want, "DIR", dir); !strings.Contains(stderr, want) {
				t.Errorf("stderr:\n%s\nwant it to contain:\n%s", stderr, want)
			}
			if stdout != "" {
				t.Errorf("unexpected stdout:\n%s", stdout)
			}
		})
	}
}

// TestTargetsPerModule: in a go.work workspace, targets lists each module
// with the configuration that applies to it: its own, or the workspace's.
func TestTargetsPerModule(t *testing.T) {
	ver := targetsGoVersion(t)
	dir := writeTargetsModule(t, map[string]string{
		"go.mod":                "", // no module at the root
		"go.work":               "go 1.26\n\nuse (\n\t./app\n\t./tool\n)\n",
		".crossls.yaml":         "targets: [linux/amd64]\n",
		"app/go.mod":            "module example.com/app\n",
		"tool/go.mod":           "module example.com/tool\n",
		"tool/.goreleaser.yaml": "builds: [{goos: [darwin], goarch: [arm64]}]\n",
	})
	if err := os.Remove(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runTargetsCLI(t, "targets", "-C", dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := "# app: 1 target from DIR/.crossls.yaml (" + ver + ")\nlinux/amd64\n\n" +
		"# tool: 1 target from DIR/tool/.goreleaser.yaml (" + ver + ")\ndarwin/arm64\n"
	if want = strings.ReplaceAll(want, "DIR", dir); stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	code, stdout, _ = runTargetsCLI(t, "targets", "-json", "-C", dir)
	var got struct {
		Modules []struct {
			Dir, Path, Source, File string
			GoWork                  string `json:"go_work"`
			Targets                 []struct{ Target string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, stdout)
	}
	if len(got.Modules) != 2 || got.Modules[1].Path != "example.com/tool" || got.Modules[1].Source != ".goreleaser.yaml" ||
		got.Modules[1].GoWork != filepath.Join(dir, "go.work") || len(got.Modules[1].Targets) != 1 || got.Modules[1].Targets[0].Target != "darwin/arm64" {
		t.Errorf("modules = %+v", got.Modules)
	}
}
