package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ghWorkflow is what the tests read of a generated workflow.
type ghWorkflow struct {
	Jobs map[string]struct {
		Needs    any `yaml:"needs"`
		Strategy struct {
			Matrix struct {
				Shard []int `yaml:"shard"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// actionlint runs actionlint on the workflows of repo, or skips t.
func actionlint(t *testing.T, repo string) {
	t.Helper()
	bin, err := exec.LookPath("actionlint")
	if err != nil {
		t.Skip("actionlint is not installed: bash .ci/test.sh installs it (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)")
	}
	cmd := exec.Command(bin, "-no-color")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}

// TestCIGithubWorkflow generates workflows for modules with few and many
// targets, at a repository's root and below it, checks that actionlint
// accepts them, and reads their jobs: the check's shards and their merge,
// the SARIF upload, the cache keyed by go.sum and the crossls version,
// and the build's shards with their artifacts.
func TestCIGithubWorkflow(t *testing.T) {
	many := "targets:\n"
	for _, tg := range []string{"linux/amd64", "linux/386", "linux/arm/v6", "linux/arm/v7", "linux/arm64", "linux/riscv64", "linux/ppc64le",
		"linux/s390x", "linux/mips64le", "linux/loong64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/386", "windows/arm64",
		"freebsd/amd64", "freebsd/arm64", "openbsd/amd64", "netbsd/amd64", "dragonfly/amd64", "illumos/amd64", "solaris/amd64",
		"plan9/amd64", "aix/ppc64", "js/wasm", "wasip1/wasm", "linux/amd64+cgo"} {
		many += "  - " + tg + "\n"
	}
	for _, tc := range []struct {
		name                 string
		modDir               string
		files                map[string]string
		checkJobs, buildJobs int
	}{
		{"defaults", ".", nil, 1, 1},
		{"many targets, below the root", "services/api", map[string]string{"services/api/.crossls.yaml": many + "build:\n  output_dir: out/bin\n"}, 3, 7},
		{"goreleaser", ".", map[string]string{".goreleaser.yaml": "builds:\n  - goos: [linux, darwin, windows, freebsd]\n    goarch: [amd64, arm64]\n"}, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := t.TempDir()
			files := map[string]string{
				".git/HEAD":                         "ref: refs/heads/main\n",
				filepath.Join(tc.modDir, "go.mod"):  "module example.com/m\n\ngo 1.22\n",
				filepath.Join(tc.modDir, "main.go"): "package main\n\nfunc main() {}\n",
			}
			for k, v := range tc.files {
				files[k] = v
			}
			for name, content := range files {
				p := filepath.Join(repo, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(repo, tc.modDir)
			code, out, errs := runCLI(t, "ci", "github", "-C", dir, "-w")
			if code != 0 || !strings.Contains(out, "wrote .github/workflows/crossls.yml") {
				t.Fatalf("ci github -w: exit %d\n%s%s", code, out, errs)
			}
			data, err := os.ReadFile(filepath.Join(repo, ".github", "workflows", "crossls.yml"))
			if err != nil {
				t.Fatal(err)
			}
			_, printed, _ := runCLI(t, "ci", "github", "-C", dir)
			if printed != string(data) {
				t.Errorf("ci github prints another workflow than -w writes")
			}
			actionlint(t, repo)

			var wf ghWorkflow
			if err := yaml.Unmarshal(data, &wf); err != nil {
				t.Fatal(err)
			}
			prefix := ""
			if tc.modDir != "." {
				prefix = tc.modDir + "/"
			}
			uses := func(job, action string) map[string]string {
				t.Helper()
				for _, s := range wf.Jobs[job].Steps {
					if strings.HasPrefix(s.Uses, action+"@") {
						return s.With
					}
				}
				t.Fatalf("job %s does not use %s:\n%s", job, action, data)
				return nil
			}
			runs := func(job, command string) string {
				t.Helper()
				for _, s := range wf.Jobs[job].Steps {
					if strings.Contains(s.Run, command) {
						return s.Run
					}
				}
				t.Fatalf("job %s does not run %q:\n%s", job, command, data)
				return ""
			}
			sarifJob := "check"
			if tc.checkJobs > 1 {
				sarifJob = "merge"
				if got := wf.Jobs["check"].Strategy.Matrix.Shard; len(got) != tc.checkJobs {
					t.Errorf("check shards %v, want %d", got, tc.checkJobs)
				}
				if r := runs("check", "crossls check"); !strings.Contains(r, "-format sarif") || !strings.Contains(r, `-shard "$SHARD/3"`) {
					t.Errorf("check runs %q", r)
				}
				if w := uses("check", "actions/upload-artifact"); w["path"] != prefix+"crossls-${{ matrix.shard }}.sarif" {
					t.Errorf("check uploads %v", w)
				}
				if wf.Jobs["merge"].Needs != "check" {
					t.Errorf("merge needs %v", wf.Jobs["merge"].Needs)
				}
				uses("merge", "actions/download-artifact")
				runs("merge", "crossls merge crossls-shards/*.sarif > crossls.sarif")
			} else if _, ok := wf.Jobs["merge"]; ok {
				t.Errorf("a merge job for an unsharded check")
			}
			if w := uses(sarifJob, "github/codeql-action/upload-sarif"); w["sarif_file"] != prefix+"crossls.sarif" {
				t.Errorf("SARIF upload: %v", w)
			}
			if wf.Jobs[sarifJob].Permissions["security-events"] != "write" {
				t.Errorf("%s may not upload SARIF: %v", sarifJob, wf.Jobs[sarifJob].Permissions)
			}
			cache := uses("check", "actions/cache")
			if cache["path"] != "~/.cache/crossls" || !strings.Contains(cache["key"], "hashFiles('"+prefix+"go.sum')") || !strings.Contains(cache["key"], "steps.crossls.outputs.version") {
				t.Errorf("cache: %v", cache)
			}
			runs("check", "crossls version")
			if got := wf.Jobs["build"].Strategy.Matrix.Shard; len(got) != tc.buildJobs {
				t.Errorf("build shards %v, want %d", got, tc.buildJobs)
			}
			runs("build", "crossls build -shard")
			wantOut := prefix + "dist/"
			if tc.files[prefix+".crossls.yaml"] != "" {
				wantOut = prefix + "out/bin/"
			}
			if w := uses("build", "actions/upload-artifact"); w["path"] != wantOut {
				t.Errorf("build uploads %v, want %s", w, wantOut)
			}
		})
	}
}

func TestCIGithubErrors(t *testing.T) {
	dir := writeBuildModule(t, nil)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ci"}, "the one supported is github"},
		{[]string{"ci", "gitlab"}, "the one supported is github"},
		{[]string{"ci", "github", "-C", dir, "-check-shards", "5"}, "-check-shards 5: want 1 to 4"},
		{[]string{"ci", "github", "-C", dir, "-version", "v1; rm -rf /"}, `-version "v1; rm -rf /"`},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	if code, _, errs := runCLI(t, "ci", "github", "-C", dir, "-w"); code != 0 {
		t.Fatalf("-w: exit %d: %s", code, errs)
	}
	code, _, errs := runCLI(t, "ci", "github", "-C", dir, "-w", "-build-shards", "2")
	if code != 2 || !strings.Contains(errs, "exists and differs: -f replaces it") {
		t.Errorf("-w over another workflow: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI(t, "ci", "github", "-C", dir, "-w", "-f", "-build-shards", "2"); code != 0 {
		t.Errorf("-w -f: exit %d, %q", code, errs)
	}
}

// TestCIGithubWorkflowModules generates workflows at the root of a go.work
// workspace and of a folder of modules, whose modules have targets of
// their own: the jobs are counted for the module with the most targets,
// setup-go reads the go.work (or the first module's go.mod), the caches
// hash every go.sum, and the build uploads every module's binaries.
func TestCIGithubWorkflowModules(t *testing.T) {
	for _, tc := range []struct {
		name, goVersion string
		noGoWork        bool
	}{
		{"go.work", "go.work", false},
		{"folder of modules", "app/go.mod", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeGoWork(t, map[string]string{"tool/.crossls.yaml": "targets: [linux/amd64, linux/386, windows/amd64, freebsd/amd64, linux/arm64]\nbuild:\n  output_dir: bin\n"})
			if tc.noGoWork {
				os.Remove(filepath.Join(dir, "go.work"))
			}
			code, out, errs := runCLI(t, "ci", "github", "-C", dir, "-w", "-check-shards", "2")
			if code != 0 || !strings.Contains(out, "6 targets of 2 modules, at most 5 a module, from .crossls.yaml, tool/.crossls.yaml, 2 check jobs, 2 build jobs") {
				t.Fatalf("ci github -w: exit %d\n%s%s", code, out, errs)
			}
			actionlint(t, dir)
			data, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "crossls.yml"))
			if err != nil {
				t.Fatal(err)
			}
			var wf ghWorkflow
			if err := yaml.Unmarshal(data, &wf); err != nil {
				t.Fatal(err)
			}
			with := func(job, action string) map[string]string {
				t.Helper()
				for _, s := range wf.Jobs[job].Steps {
					if strings.HasPrefix(s.Uses, action+"@") {
						return s.With
					}
				}
				t.Fatalf("job %s does not use %s:\n%s", job, action, data)
				return nil
			}
			for _, job := range []string{"check", "merge", "build"} {
				if w := with(job, "actions/setup-go"); w["go-version-file"] != tc.goVersion || w["cache-dependency-path"] != "**/go.sum" {
					t.Errorf("%s sets up Go with %v", job, w)
				}
			}
			if w := with("check", "actions/cache"); !strings.Contains(w["key"], "hashFiles('**/go.sum')") {
				t.Errorf("check caches with %v", w)
			}
			if w := with("build", "actions/upload-artifact"); w["path"] != "app/dist/\ntool/bin/\n" {
				t.Errorf("build uploads %q", w["path"])
			}
		})
	}
}
