package matrix

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/buildoracle"
)

// agreement counts how crossls's verdicts compare with go build's.
type agreement struct {
	pairs         int // (package, target) verdicts compared
	falseOK       int // crossls says ok, go build fails
	falseFail     int // crossls says fail, go build succeeds
	classMismatch int // both fail, for different classes
	missing       int // go build has a verdict crossls lacks
	extra         int // crossls has a tests verdict where go vet finds no tests
	testPairs     int // of pairs, the verdicts of tests
	truth         map[string]int
	// check and oracle are the time crossls's check and go build took.
	check, oracle time.Duration
}

func (a *agreement) add(b agreement) {
	a.pairs += b.pairs
	a.falseOK += b.falseOK
	a.falseFail += b.falseFail
	a.classMismatch += b.classMismatch
	a.missing += b.missing
	a.extra += b.extra
	a.testPairs += b.testPairs
	a.check += b.check
	a.oracle += b.oracle
	if a.truth == nil {
		a.truth = map[string]int{}
	}
	for k, v := range b.truth {
		a.truth[k] += v
	}
}

func (a agreement) disagreements() int {
	return a.falseOK + a.falseFail + a.classMismatch + a.missing + a.extra
}

func (a agreement) String() string {
	var truth []string
	for k, v := range a.truth {
		truth = append(truth, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(truth)
	return fmt.Sprintf("%d verdicts compared with go build (%d of them of tests, with go vet): %d false ok, %d false fail, %d class mismatches, %d missing, %d extra (the go command says: %s)",
		a.pairs, a.testPairs, a.falseOK, a.falseFail, a.classMismatch, a.missing, a.extra, strings.Join(truth, ", "))
}

// disagreement is one verdict that differs from go build's (or, for a
// package's tests, go vet's).
type disagreement struct {
	pkg, target string
	tests       bool
	got         Verdict
	want        buildoracle.Verdict
}

func (d disagreement) String() string {
	what, tool := "", "go build"
	if d.tests {
		what, tool = " (tests)", "go vet"
	}
	return fmt.Sprintf("%s%s for %s:\n\tcrossls:  %s %s: %s (%s)\n\t%s: %s %s: %s (%s)\n\t%s output:\n\t\t%s",
		d.pkg, what, d.target, d.got.Status, d.got.Class, d.got.Message, d.got.Pos,
		tool, d.want.Status, d.want.Class, d.want.Message, d.want.Pos, tool,
		strings.ReplaceAll(strings.TrimSpace(d.want.Output), "\n", "\n\t\t"))
}

// compareWithOracle computes go build's verdict for every package in pkgs
// and target (two targets at a time: the go command is parallel itself)
// and compares res's with them: status and class. With tests, it also
// compares the verdicts of the packages' tests with go vet's.
func compareWithOracle(ctx context.Context, dir string, pkgs []string, targets []target.Target, res *Result, tests bool) (agreement, []disagreement, error) {
	start := time.Now()
	truth := make([]map[string]buildoracle.Verdict, len(targets))
	testTruth := make([]map[string]buildoracle.Verdict, len(targets))
	errs := make([]error, len(targets))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, tg := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			truth[i], errs[i] = buildoracle.Verdicts(ctx, dir, pkgs, tg)
			if errs[i] == nil && tests {
				testTruth[i], errs[i] = buildoracle.VetVerdicts(ctx, dir, pkgs, tg)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return agreement{}, nil, err
		}
	}
	byPath := map[string]Package{}
	for _, p := range res.Packages {
		byPath[p.Path] = p
	}
	a := agreement{truth: map[string]int{}, oracle: time.Since(start)}
	var ds []disagreement
	compare := func(p, tg string, tests bool, got Verdict, ok bool, want buildoracle.Verdict) {
		a.pairs++
		if tests {
			a.testPairs++
		}
		if want.Status == "ok" {
			a.truth["ok"]++
		} else {
			a.truth[want.Class]++
		}
		switch {
		case !ok:
			a.missing++
		case got.Status == want.Status && (got.Status == "ok" || got.Class == want.Class):
			return
		case got.Status == "ok":
			a.falseOK++
		case want.Status == "ok":
			a.falseFail++
		default:
			a.classMismatch++
		}
		ds = append(ds, disagreement{pkg: p, target: tg, tests: tests, got: got, want: want})
	}
	for i, tg := range targets {
		for _, p := range pkgs {
			got, ok := byPath[p].Targets[tg.String()]
			compare(p, tg.String(), false, got, ok, truth[i][p])
			if !tests {
				continue
			}
			want, hasTests := testTruth[i][p]
			switch {
			case hasTests && got.Tests != nil:
				compare(p, tg.String(), true, *got.Tests, true, want)
			case hasTests:
				compare(p, tg.String(), true, Verdict{}, false, want)
			case got.Tests != nil:
				// go vet finds no test files where crossls checked some.
				a.pairs++
				a.testPairs++
				a.extra++
				ds = append(ds, disagreement{pkg: p, target: tg.String(), tests: true, got: *got.Tests,
					want: buildoracle.Verdict{Status: "none", Message: "no test files"}})
			}
		}
	}
	return a, ds, nil
}

// packagePaths returns the paths of res's packages.
func packagePaths(res *Result) []string {
	var pkgs []string
	for _, p := range res.Packages {
		pkgs = append(pkgs, p.Path)
	}
	return slices.Sorted(slices.Values(pkgs))
}
