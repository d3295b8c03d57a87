package main

import (
	"fmt"
	"io"
	"time"
)

// goals compares the measurements with the goals of the performance issue,
// as ratios within this run.
func goals(w io.Writer, cli []cliRow, editor []editorRow) {
	t := table{header: []string{"goal", "measured", "met"}}
	met := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	for _, r := range cli {
		if r.checkCold == nil || r.naiveCold == nil {
			continue
		}
		cold := r.naiveCold.Elapsed.Seconds() / r.checkCold.Elapsed.Seconds()
		t.add(fmt.Sprintf("%s: check >= 5x faster than go build, cold", r.module.short()), fmt.Sprintf("%.2fx", cold), met(cold >= 5))
		if r.checkWarm != nil && r.naiveWarm != nil {
			t.add(fmt.Sprintf("%s: check not slower than go build, warm", r.module.short()),
				fmt.Sprintf("%s vs %s", dur(r.checkWarm.Elapsed), dur(r.naiveWarm.Elapsed)), met(r.checkWarm.Elapsed <= r.naiveWarm.Elapsed))
		}
		t.add(fmt.Sprintf("%s: identical verdicts", r.module.short()), fmt.Sprintf("%d of %d differ", len(r.diffs), r.compared), met(len(r.diffs) == 0))
	}

	find := func(m *module, server string, targets int) *editorRow {
		for i := range editor {
			r := &editor[i]
			if r.scenario.Module == m && r.scenario.Server == server && (server == "gopls" || len(r.scenario.Targets) == targets) && r.result.ColdStart > 0 {
				return r
			}
		}
		return nil
	}
	// The editor goals are stated for 10 targets; a quick run has fewer.
	n := 0
	for _, r := range editor {
		if r.scenario.Server == "crossls" && len(r.scenario.Targets) <= 10 {
			n = max(n, len(r.scenario.Targets))
		}
	}
	var small *module
	if len(editor) > 0 {
		small = editor[0].scenario.Module
	}
	if c, g := find(small, "crossls", n), find(small, "gopls", 0); c != nil && g != nil {
		cp, gp := percentile(c.result.Appear, 95), percentile(g.result.Appear, 95)
		if cp > 0 && gp > 0 {
			t.add(fmt.Sprintf("%s, %d targets: p95 <= 2x gopls p95", small.short(), n), fmt.Sprintf("%s vs %s (%s)", dur(cp), dur(gp), ratio(cp.Seconds(), gp.Seconds())), met(cp <= 2*gp))
		}
		t.add(fmt.Sprintf("%s, %d targets: cold start <= gopls", small.short(), n), fmt.Sprintf("%s vs %s", dur(c.result.ColdStart), dur(g.result.ColdStart)), met(c.result.ColdStart <= g.result.ColdStart))
		if c.restart > 0 && g.restart > 0 {
			t.add(fmt.Sprintf("%s, %d targets: restart with caches <= gopls", small.short(), n), fmt.Sprintf("%s vs %s", dur(c.restart), dur(g.restart)), met(c.restart <= g.restart))
		}
		cr, gr := c.result.Peak.Tree, g.result.Peak.Tree
		t.add(fmt.Sprintf("%s, %d targets: peak RSS <= 1.5x gopls", small.short(), n), fmt.Sprintf("%s vs %s (%s)", mib(cr), mib(gr), ratio(float64(cr), float64(gr))), met(float64(cr) <= 1.5*float64(gr)))
	}
	// Size independence: the same edit in the small and the large module.
	for _, r := range editor {
		if r.scenario.Module == small || r.scenario.Server != "crossls" || len(r.scenario.Targets) != n {
			continue
		}
		c := find(small, "crossls", n)
		if c == nil {
			continue
		}
		sp, lp := percentile(c.result.Appear, 95), percentile(r.result.Appear, 95)
		if sp > 0 && lp > 0 {
			// "Independent" within a factor of 2: module size then adds
			// less than the small module's own latency.
			t.add(fmt.Sprintf("%d targets: p95 independent of module size (%s vs %s, within 2x)", n, r.scenario.Module.short(), small.short()),
				fmt.Sprintf("%s vs %s (%s)", dur(lp), dur(sp), ratio(lp.Seconds(), sp.Seconds())), met(lp <= 2*sp))
		}
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Goals (issue 7), as ratios within this run\n\n")
	t.write(w)
	fmt.Fprintf(w, "\nGenerated %s.\n", time.Now().Format(time.RFC3339))
}
