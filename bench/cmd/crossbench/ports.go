package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// loopSample are the ports the go build loop runs in the ports part; its
// time for more ports is extrapolated from them.
var loopSample = []string{"linux/amd64", "windows/amd64", "darwin/arm64"}

// portsRow is one target set of the ports part.
type portsRow struct {
	name            string
	ports           int
	crossls, peer   *checkRun
	loop            *naiveRun // over loopSample
	peerDiffs       []disagreement
	loopDiffs       []disagreement
	compared, loopN int
	err             error
}

// portsPart checks m for many ports at once, cold, with crossls and with
// the go/packages peer (pkgpeer, two targets at a time as on two cores),
// and runs the go build loop on three ports to extrapolate it.
func portsPart(ctx context.Context, cfg *config, base []string, m *module, sets map[string][]string, order []string, w io.Writer) ([]portsRow, error) {
	var rows []portsRow
	for _, name := range order {
		targets := sets[name]
		row := portsRow{name: name, ports: len(targets)}
		if name == "all" {
			out, err := goCommand(ctx, cfg.goCmd, m.Dir, base, "tool", "dist", "list")
			if err != nil {
				return rows, err
			}
			row.ports = len(strings.Fields(string(out)))
		}
		cacheDir := filepath.Join(cfg.work, "cache", "ports-"+m.short())
		env := func(who string) []string {
			return withEnv(base, "GOCACHE="+filepath.Join(cacheDir, who+"-gocache"), "XDG_CACHE_HOME="+filepath.Join(cacheDir, who+"-xdg"))
		}
		list := strings.Join(targets, ",")
		steps := []struct {
			what string
			do   func() error
		}{
			{"crossls check, cold", func() (err error) {
				row.crossls, err = runVerdicts(ctx, m.Dir, env("crossls"), cfg.crossls, "check", "-targets", list, "-json", "-tests=false", "./...")
				return
			}},
			{"pkgpeer, cold", func() (err error) {
				row.peer, err = runVerdicts(ctx, m.Dir, env("peer"), cfg.pkgpeer, "-targets", list, "-parallel", "2", "./...")
				return
			}},
		}
		if name == order[len(order)-1] {
			steps = append(steps, struct {
				what string
				do   func() error
			}{"go build loop, cold, 3 ports", func() (err error) {
				row.loop, err = runNaive(ctx, cfg.goCmd, m.Dir, env("loop"), loopSample)
				return
			}})
		}
		for _, s := range steps {
			progress("%s: %s (%s: %d ports)", m.short(), s.what, name, row.ports)
			if err := s.do(); err != nil {
				if ctx.Err() != nil {
					return rows, ctx.Err()
				}
				row.err = fmt.Errorf("%s: %v", s.what, err)
				break
			}
			os.RemoveAll(cacheDir) // every step starts cold
		}
		if row.crossls != nil && row.peer != nil {
			row.compared, row.peerDiffs = compareVerdicts(row.crossls.Verdicts, row.peer.Verdicts)
		}
		if row.crossls != nil && row.loop != nil {
			sample := verdicts{}
			for _, t := range loopSample {
				sample[t] = row.crossls.Verdicts[t]
			}
			row.loopN, row.loopDiffs = compareVerdicts(sample, row.loop.Verdicts)
		}
		rows = append(rows, row)
	}

	t := table{header: []string{"ports", "crossls wall", "CPU", "peak RSS", "pkgpeer wall", "CPU", "peak RSS", "crossls faster", "memory crossls/peer", "go build loop (extrapolated)", "crossls faster"}}
	var loopPerPort time.Duration
	for _, r := range rows {
		if r.loop != nil {
			loopPerPort = r.loop.Elapsed / time.Duration(len(loopSample))
		}
	}
	for _, r := range rows {
		cells := []string{fmt.Sprintf("%s (%d)", r.name, r.ports)}
		for _, run := range []*checkRun{r.crossls, r.peer} {
			if run == nil {
				cells = append(cells, "-", "-", "-")
				continue
			}
			cells = append(cells, dur(run.Elapsed), dur(run.CPU), mib(run.MaxRSS))
		}
		if r.crossls != nil && r.peer != nil {
			cells = append(cells, ratio(r.peer.Elapsed.Seconds(), r.crossls.Elapsed.Seconds()), fmt.Sprintf("%.2f", float64(r.crossls.MaxRSS)/float64(r.peer.MaxRSS)))
		} else {
			cells = append(cells, "-", "-")
		}
		if loopPerPort > 0 && r.crossls != nil {
			loop := loopPerPort * time.Duration(r.ports)
			cells = append(cells, dur(loop), ratio(loop.Seconds(), r.crossls.Elapsed.Seconds()))
		} else {
			cells = append(cells, "-", "-")
		}
		t.add(cells...)
	}
	t.write(w)
	fmt.Fprintf(w, "\nEach run cold: empty GOCACHE and crossls cache directories. pkgpeer: go/packages with syntax and types, two targets at a time (bench/cmd/pkgpeer). "+
		"CPU and peak RSS include the go commands each runs. The go build loop ran %s only; its time for a row is its mean per port times the row's ports.\n", strings.Join(loopSample, ", "))
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(w, "\n- %s: stopped: %v\n", r.name, firstLines(r.err.Error(), 5))
		}
		if r.compared > 0 {
			fmt.Fprintf(w, "\n- %s: pkgpeer's verdicts differ from crossls's in %d of %d", r.name, len(r.peerDiffs), r.compared)
			for i, d := range r.peerDiffs {
				if i == 5 {
					fmt.Fprintf(w, ", ...")
					break
				}
				fmt.Fprintf(w, "; %s %s: crossls %s, pkgpeer %s", d.Target, d.Package, d.Crossls, d.Naive)
			}
			fmt.Fprintln(w)
		}
		if r.loopN > 0 {
			fmt.Fprintf(w, "\n- %s: on the loop's ports, crossls agrees with go build on %d of %d verdicts\n", r.name, r.loopN-len(r.loopDiffs), r.loopN)
			for i, d := range r.loopDiffs {
				if i == 10 {
					break
				}
				fmt.Fprintf(w, "  - %s\n", d)
			}
		}
	}
	return rows, nil
}
