package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI in process.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// gapsTargets are targets for which the gaps fixture has findings of
// every kind.
const gapsTargets = "linux/amd64,windows/amd64,linux/386,linux/amd64+cgo,darwin/arm64"

// copyGaps copies the driver's gaps fixture into a fresh repository root.
func copyGaps(t *testing.T) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(root, os.DirFS(filepath.Join("..", "..", "internal", "matrix", "testdata", "gaps"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// sarifTools returns the node_modules directory that holds the SARIF
// validators, or skips t.
func sarifTools(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CROSSLS_SARIF_TOOLS")
	if dir == "" {
		t.Skip("CROSSLS_SARIF_TOOLS is not set: bash .ci/test.sh installs the SARIF validators (npm: ajv, ajv-formats, @microsoft/sarif-multitool) and sets it")
	}
	modules := filepath.Join(dir, "node_modules")
	for _, p := range []string{"ajv", "ajv-formats", "@microsoft/sarif-multitool-linux/Sarif.Multitool", "@microsoft/sarif-multitool-linux/sarif-2.1.0.json"} {
		if _, err := os.Stat(filepath.Join(modules, p)); err != nil {
			t.Skipf("the SARIF validators are not installed in %s: %v", dir, err)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed: it runs the SARIF schema validator")
	}
	return modules
}

// sarifViolations validates file against the SARIF 2.1.0 schema (with
// ajv) and against the SARIF Multitool's rules, GitHub's ingestion rules
// among them, and returns every violation of error level.
func sarifViolations(t *testing.T, modules, file string) []string {
	t.Helper()
	mt := filepath.Join(modules, "@microsoft", "sarif-multitool-linux")
	var out []string

	cmd := exec.Command("node", filepath.Join("testdata", "validate-sarif.cjs"), filepath.Join(mt, "sarif-2.1.0.json"), file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	log, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("schema validator: %v\n%s", err, log)
		}
		for line := range strings.Lines(string(log)) {
			if strings.HasPrefix(line, file) {
				out = append(out, "schema: "+strings.TrimSpace(strings.TrimPrefix(line, file+":")))
			}
		}
		if len(out) == 0 {
			t.Fatalf("schema validator failed: %v\n%s", err, log)
		}
	}

	report := filepath.Join(t.TempDir(), "validation.sarif")
	cmd = exec.Command(filepath.Join(mt, "Sarif.Multitool"), "validate", "--rule-kind", "Gh;Sarif", "-o", report, file)
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Sarif.Multitool validate: %v\n%s", err, log)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID             string                           `json:"id"`
						MessageStrings map[string]struct{ Text string } `json:"messageStrings"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					ID        string   `json:"id"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &rep); err != nil || len(rep.Runs) != 1 {
		t.Fatalf("Sarif.Multitool report: %v\n%s", err, data)
	}
	texts := map[string]string{}
	for _, r := range rep.Runs[0].Tool.Driver.Rules {
		for id, m := range r.MessageStrings {
			texts[r.ID+"/"+id] = m.Text
		}
	}
	for _, r := range rep.Runs[0].Results {
		if r.Level != "error" {
			continue
		}
		msg := texts[r.RuleID+"/"+r.Message.ID]
		for i, a := range r.Message.Arguments {
			msg = strings.ReplaceAll(msg, fmt.Sprintf("{%d}", i), a)
		}
		out = append(out, r.RuleID+": "+msg)
	}
	return out
}
