package matrix

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/crossls/crossls/analysis/internal/buildoracle"
	"github.com/crossls/crossls/analysis/target"
)

// agreement counts how crossls's verdicts compare with go build's.
type agreement struct {
	pairs         int // (package, target) verdicts compared
	falseOK       int // crossls says ok, go build fails
	falseFail     int // crossls says fail, go build succeeds
	classMismatch int // both fail, for different classes
	missing       int // go build has a verdict crossls lacks
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
	return a.falseOK + a.falseFail + a.classMismatch + a.missing
}

func (a agreement) String() string {
	var truth []string
	for k, v := range a.truth {
		truth = append(truth, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(truth)
	return fmt.Sprintf("%d verdicts compared with go build: %d false ok, %d false fail, %d class mismatches, %d missing (go build says: %s)",
		a.pairs, a.falseOK, a.falseFail, a.classMismatch, a.missing, strings.Join(truth, ", "))
}

// disagreement is one verdict that differs from go build's.
type disagreement struct {
	pkg, target string
	got         Verdict
	want        buildoracle.Verdict
}

func (d disagreement) String() string {
	return fmt.Sprintf("%s for %s:\n\tcrossls:  %s %s: %s (%s)\n\tgo build: %s %s: %s (%s)\n\tgo build output:\n\t\t%s",
		d.pkg, d.target, d.got.Status, d.got.Class, d.got.Message, d.got.Pos,
		d.want.Status, d.want.Class, d.want.Message, d.want.Pos,
		strings.ReplaceAll(strings.TrimSpace(d.want.Output), "\n", "\n\t\t"))
}

// compareWithOracle computes go build's verdict for every package in pkgs
// and target (two targets at a time: the go command is parallel itself)
// and compares res's with them: status and class.
func compareWithOracle(ctx context.Context, dir string, pkgs []string, targets []target.Target, res *Result) (agreement, []disagreement, error) {
	start := time.Now()
	truth := make([]map[string]buildoracle.Verdict, len(targets))
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
	for i, tg := range targets {
		for _, p := range pkgs {
			want := truth[i][p]
			got, ok := byPath[p].Targets[tg.String()]
			a.pairs++
			if want.Status == "ok" {
				a.truth["ok"]++
			} else {
				a.truth[want.Class]++
			}
			switch {
			case !ok:
				a.missing++
			case got.Status == want.Status && (got.Status == "ok" || got.Class == want.Class):
				continue
			case got.Status == "ok":
				a.falseOK++
			case want.Status == "ok":
				a.falseFail++
			default:
				a.classMismatch++
			}
			ds = append(ds, disagreement{pkg: p, target: tg.String(), got: got, want: want})
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
