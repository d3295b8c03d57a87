package matrix

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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
			res, err := Check(context.Background(), Options{Dir: dir, Targets: targets})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Packages) == 0 {
				t.Fatal("no packages checked")
			}
			compareWithGoBuild(t, dir, targets, res)
		})
	}
}

// compareWithGoBuild runs `go build` for every package and target of res
// and reports each verdict that disagrees.
func compareWithGoBuild(t *testing.T, dir string, targets []target.Target, res *Result) {
	t.Helper()
	type job struct {
		pkg Package
		t   target.Target
	}
	var jobs []job
	for _, p := range res.Packages {
		for _, tg := range targets {
			jobs = append(jobs, job{p, tg})
		}
	}
	sem := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	var mu sync.Mutex
	disagree := 0
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ok, out := goBuild(dir, j.pkg.Path, j.t)
			v := j.pkg.Targets[j.t.String()]
			if ok != (v.Status == "ok") {
				mu.Lock()
				disagree++
				t.Errorf("%s for %s: crossls says %s (%s: %s), go build says ok=%v:\n%s", j.pkg.Path, j.t, v.Status, v.Class, v.Message, ok, out)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d packages x %d targets: %d verdicts compared with go build, %d disagreements", len(res.Packages), len(targets), len(jobs), disagree)
}

func goBuild(dir, pkg string, t target.Target) (bool, string) {
	args := []string{"build", "-o", os.DevNull}
	if len(t.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(t.Tags, ","))
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), t.Environ()...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return err == nil, out.String()
}
