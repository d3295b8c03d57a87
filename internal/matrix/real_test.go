package matrix

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/modproxy"
)

// realTargets spans the OS families these modules special-case: the
// bench's 21 targets, a cgo target among them.
const realTargets = "linux/amd64,linux/arm64,linux/arm/v7,linux/386,linux/riscv64,darwin/amd64,darwin/arm64," +
	"windows/amd64,windows/arm64,windows/386,freebsd/amd64,openbsd/amd64,netbsd/amd64,solaris/amd64,illumos/amd64," +
	"aix/ppc64,plan9/amd64,android/arm64,js/wasm,wasip1/wasm,linux/amd64+cgo"

// realModules are cgo-heavy and OS-heavy modules: file watching, terminals
// and ptys, SQLite (cgo with a C amalgamation), system information, D-Bus
// and systemd (cgo through dlopen), packet capture (a C library whose
// header this machine lacks), PKCS#11 (cgo with its own headers), and
// netlink (Linux only).
var realModules = []string{
	"github.com/fsnotify/fsnotify@v1.9.0",
	"github.com/creack/pty@v1.1.24",
	"github.com/mattn/go-sqlite3@v1.14.28",
	"golang.org/x/term@v0.48.0",
	"github.com/mattn/go-isatty@v0.0.24",
	"github.com/containerd/console@v1.0.4",
	"github.com/shirou/gopsutil/v4@v4.26.10",
	"github.com/godbus/dbus/v5@v5.1.0",
	"github.com/coreos/go-systemd/v22@v22.5.0",
	"github.com/google/gopacket@v1.1.19",
	"github.com/miekg/pkcs11@v1.1.1",
	"github.com/vishvananda/netlink@v1.3.1",
}

// realTestModules have their tests compared with go vet in the test
// command; CROSSLS_REAL_TESTS=all compares every module's.
var realTestModules = []string{
	"github.com/fsnotify/fsnotify@v1.9.0",
	"github.com/creack/pty@v1.1.24",
	"golang.org/x/term@v0.48.0",
	"github.com/containerd/console@v1.0.4",
}

// TestOracleRealModules checks real modules from the module proxy as a new
// user would and compares every verdict with go build, and the tests'
// with go vet.
func TestOracleRealModules(t *testing.T) {
	if testing.Short() || os.Getenv("CROSSLS_SKIP_REAL_MODULES") != "" {
		t.Skip("downloads modules and builds them for many targets")
	}
	targets, err := target.ParseList(realTargets)
	if err != nil {
		t.Fatal(err)
	}
	for _, mod := range realModules {
		t.Run(filepath.Base(mod), func(t *testing.T) {
			dir := modproxy.Copy(t, mod)
			tests := os.Getenv("CROSSLS_REAL_TESTS") == "all" || slices.Contains(realTestModules, mod)
			res, err := Check(context.Background(), Options{Dir: dir, Targets: targets, Tests: tests})
			if err != nil {
				t.Fatal(err)
			}
			compareWithGoBuild(t, dir, targets, res, tests)
			for _, d := range res.Diagnostics {
				t.Logf("%s:%d: %s (%s, %s)", filepath.Base(d.File), d.Line, d.Message, d.Analyzer, d.Severity)
			}
			// A session that writes the type cache and one that reads it
			// (the standard library and the module cache dependencies,
			// whose facts then come from their imports alone) find the
			// same as the session without it.
			cache := t.TempDir()
			for _, run := range []string{"writes", "reads"} {
				s := NewSession()
				cached, err := s.Check(context.Background(), Options{Dir: dir, Targets: targets, Tests: tests, TypeCacheDir: cache})
				if err != nil {
					t.Fatal(err)
				}
				s.Flush()
				if g, w := describe(cached), describe(res); g != w {
					t.Errorf("the session that %s the type cache differs:\n%s\nwithout it:\n%s", run, g, w)
				}
			}
		})
	}
}
