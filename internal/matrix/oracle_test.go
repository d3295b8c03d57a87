package matrix

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// oracleTargets covers 64- and 32-bit, every major OS, assembly-backed
// architectures and a cgo target.
var oracleTargets = "linux/amd64,linux/arm64,darwin/arm64,windows/amd64,linux/386,linux/arm/v7,js/wasm,linux/amd64+cgo"

// TestOracle compares every verdict with what `go build` really does for
// that package and target. This is the contract: zero disagreements.
func TestOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every package for every target")
	}
	for _, fixture := range []string{"gaps", "clean"} {
		t.Run(fixture, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join("testdata", fixture))
			targets, err := target.ParseList(oracleTargets)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(context.Background(), Options{Dir: dir, Targets: targets, Tests: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Packages) == 0 {
				t.Fatal("no packages checked")
			}
			compareWithGoBuild(t, dir, targets, res, true)
		})
	}
}

// compareWithGoBuild compares every verdict of res, status and class, with
// what go build does for that package and target (and with tests, the
// verdicts of the packages' tests with go vet's), and reports each
// disagreement and the agreement figures.
func compareWithGoBuild(t *testing.T, dir string, targets []target.Target, res *Result, tests bool) {
	t.Helper()
	a, ds, err := compareWithOracle(context.Background(), dir, packagePaths(res), targets, res, tests)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		t.Errorf("%s", d)
	}
	t.Logf("%d packages x %d targets: %s", len(res.Packages), len(targets), a)
}
