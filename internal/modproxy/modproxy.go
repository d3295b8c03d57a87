// Package modproxy gives tests real modules from the Go module proxy:
// downloaded, copied to a writable directory with their dependencies
// downloaded, ready to check and build.
package modproxy

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Copy returns a writable copy of mod ("path@version") in a temporary
// directory of t. It skips t when the module proxy cannot be reached, and
// fails it on any other error.
func Copy(t testing.TB, mod string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		SkipIfUnreachable(t, string(out)+stderr.String())
		t.Fatalf("go mod download %s: %v\n%s%s", mod, err, out, stderr.Bytes())
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(root, filepath.Base(info.Dir))
	if err := os.CopyFS(dst, os.DirFS(info.Dir)); err != nil {
		t.Fatal(err)
	}
	// The module cache's files are read-only.
	filepath.WalkDir(dst, func(path string, d fs.DirEntry, err error) error {
		if err == nil {
			mode := os.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			os.Chmod(path, mode)
		}
		return nil
	})
	cmd = exec.Command("go", "mod", "download")
	cmd.Dir = dst
	if out, err := cmd.CombinedOutput(); err != nil {
		SkipIfUnreachable(t, string(out))
		t.Fatalf("go mod download in %s: %v\n%s", dst, err, out)
	}
	return dst
}

// SkipIfUnreachable skips t when the go command's output says the module
// proxy could not be reached.
func SkipIfUnreachable(t testing.TB, out string) {
	t.Helper()
	for _, sign := range []string{"dial tcp", "no such host", "i/o timeout", "connection refused", "network is unreachable",
		"proxyconnect", "TLS handshake timeout", "GOPROXY=off", "Temporary failure in name resolution"} {
		if strings.Contains(out, sign) {
			t.Skipf("the module proxy cannot be reached:\n%s", out)
		}
	}
}
