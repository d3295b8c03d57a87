package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// faultyGo writes a go command that delegates to the real one, except that
// `go build -o FILE` writes half a binary to FILE and then fails as script
// says: a full disk, or a linker killed mid-write.
func faultyGo(t *testing.T, failure string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "go")
	script := `#!/bin/sh
if [ "$1" = build ]; then
	out=""
	prev=""
	for a in "$@"; do
		[ "$prev" = "-o" ] && out="$a"
		prev="$a"
	done
	if [ -n "$out" ]; then
		printf '\177ELF half a binary' > "$out"
		` + failure + `
	fi
fi
exec ` + goBinary(t) + ` "$@"
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunFaultsKeepPreviousBinary injects the faults of a real machine into
// the build: whatever happens, no partial file is left in the output
// directory and the previous good binary stays.
func TestRunFaultsKeepPreviousBinary(t *testing.T) {
	for name, tc := range map[string]struct {
		failure string // shell commands after the partial write
		wantErr string
	}{
		"disk full": {
			failure: `echo "/usr/local/go/pkg/tool/linux_amd64/link: write $out: no space left on device" >&2; exit 1`,
			wantErr: "no space left on device",
		},
		"linker killed": {
			failure: `kill -9 $$`,
			wantErr: "killed",
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeModule(t, map[string]string{
				"go.mod":               goMod,
				"main.go":              "package main\n\nfunc main() {}\n",
				"dist/app-linux-amd64": "previous good binary",
			})
			results, err := Run(context.Background(), Options{
				Dir:     dir,
				Targets: []target.Target{{GOOS: "linux", GOARCH: "amd64"}},
				GoCmd:   faultyGo(t, tc.failure),
			})
			if err != nil {
				t.Fatal(err)
			}
			var failed *Result
			for i := range results {
				if results[i].Err != nil {
					failed = &results[i]
				}
			}
			if failed == nil {
				t.Fatalf("the build succeeded despite the fault: %+v", results)
			}
			if msg := failed.Err.Error() + failed.Log; !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q (log %q) does not say %q", failed.Err, failed.Log, tc.wantErr)
			}
			assertPrevious(t, filepath.Join(dir, "dist"), "app-linux-amd64")
		})
	}
}

// TestRunPanicFailsOneBuild injects a panic into one target's build: that
// build fails with an internal error saying where, the others complete,
// and the process lives on.
func TestRunPanicFailsOneBuild(t *testing.T) {
	dir := writeModule(t, gapModule)
	testHook = func(target string) {
		if target == "windows/amd64" {
			panic("injected")
		}
	}
	defer func() { testHook = nil }()
	results, err := Run(context.Background(), Options{Dir: dir, Packages: []string{"."}, Targets: targets(t, "linux/amd64,windows/amd64")})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		switch res.Target.String() {
		case "windows/amd64":
			if res.Err == nil || !strings.Contains(res.Err.Error(), "internal error building for windows/amd64: injected") {
				t.Errorf("windows/amd64: %v, want the injected panic as an error", res.Err)
			}
		default:
			if res.Err != nil {
				t.Errorf("%s: %v", res.Target, res.Err)
			}
		}
	}
}
