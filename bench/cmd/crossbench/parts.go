package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// cliRow is what the CLI part measured on one module.
type cliRow struct {
	module               *module
	checkCold, checkWarm *checkRun
	naiveCold, naiveWarm *naiveRun
	compared             int
	diffs                []disagreement
	warmDiffs            []disagreement // warm crossls vs cold crossls
	err                  error
}

func cliPart(ctx context.Context, cfg *config, base []string, mods []*module, targets []string, w io.Writer) ([]cliRow, error) {
	var rows []cliRow
	for _, m := range mods {
		row := cliRow{module: m}
		cacheDir := filepath.Join(cfg.work, "cache", m.short())
		crossEnv := withEnv(base, "GOCACHE="+filepath.Join(cacheDir, "crossls-gocache"), "XDG_CACHE_HOME="+filepath.Join(cacheDir, "crossls-xdg"))
		naiveEnv := withEnv(base, "GOCACHE="+filepath.Join(cacheDir, "naive-gocache"))
		steps := []struct {
			what string
			do   func() error
		}{
			{"crossls check, cold", func() (err error) { row.checkCold, err = runCheck(ctx, cfg.crossls, m.Dir, crossEnv, targets); return }},
			{"go build loop, cold", func() (err error) { row.naiveCold, err = runNaive(ctx, cfg.goCmd, m.Dir, naiveEnv, targets); return }},
			{"crossls check, warm", func() (err error) { row.checkWarm, err = runCheck(ctx, cfg.crossls, m.Dir, crossEnv, targets); return }},
			{"go build loop, warm", func() (err error) { row.naiveWarm, err = runNaive(ctx, cfg.goCmd, m.Dir, naiveEnv, targets); return }},
		}
		for _, s := range steps {
			progress("%s: %s (%d targets)", m.short(), s.what, len(targets))
			if err := s.do(); err != nil {
				if ctx.Err() != nil {
					return rows, ctx.Err()
				}
				row.err = fmt.Errorf("%s: %v", s.what, err)
				break
			}
		}
		if row.checkCold != nil && row.naiveCold != nil {
			row.compared, row.diffs = compareVerdicts(row.checkCold.Verdicts, row.naiveCold.Verdicts)
		}
		if row.checkCold != nil && row.checkWarm != nil {
			_, row.warmDiffs = compareVerdicts(row.checkWarm.Verdicts, row.checkCold.Verdicts)
		}
		os.RemoveAll(cacheDir) // cold caches of 21 targets take gigabytes
		rows = append(rows, row)
	}

	t := table{header: []string{"module", "pkgs", "crossls cold", "go build cold", "speed-up", "crossls warm", "go build warm", "speed-up", "verdicts", "crossls RSS"}}
	for _, r := range rows {
		cells := []string{r.module.String()}
		if r.checkCold != nil {
			cells = append(cells, fmt.Sprint(r.checkCold.Packages), dur(r.checkCold.Elapsed))
		} else {
			cells = append(cells, "-", "-")
		}
		var coldNaive, warmNaive, warmCheck time.Duration
		if r.naiveCold != nil {
			coldNaive = r.naiveCold.Elapsed
		}
		if r.naiveWarm != nil {
			warmNaive = r.naiveWarm.Elapsed
		}
		if r.checkWarm != nil {
			warmCheck = r.checkWarm.Elapsed
		}
		var coldCheck time.Duration
		var rss int64
		if r.checkCold != nil {
			coldCheck, rss = r.checkCold.Elapsed, max(r.checkCold.MaxRSS, rssOf(r.checkWarm))
		}
		verdict := "-"
		if r.compared > 0 {
			verdict = fmt.Sprintf("%d/%d agree", r.compared-len(r.diffs), r.compared)
		}
		cells = append(cells, dur(coldNaive), ratio(coldNaive.Seconds(), coldCheck.Seconds()),
			dur(warmCheck), dur(warmNaive), ratio(warmNaive.Seconds(), warmCheck.Seconds()), verdict, mib(rss))
		t.add(cells...)
	}
	t.write(w)
	fmt.Fprintln(w, "\nspeed-up = go build time / crossls time (higher is better). Cold: empty GOCACHE (and crossls cache dir) for each side; warm: the same caches again.")
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(w, "\n- %s: stopped: %v\n", r.module, firstLines(r.err.Error(), 5))
		}
		if r.naiveCold != nil && len(r.naiveCold.PerPackage) > 0 {
			fmt.Fprintf(w, "\n- %s: `go build ./...` failed for %s; those targets were built package by package.\n", r.module, strings.Join(r.naiveCold.PerPackage, ", "))
		}
		if len(r.diffs) > 0 {
			fmt.Fprintf(w, "\n- %s: %d verdicts differ from `go build`:\n", r.module, len(r.diffs))
			for i, d := range r.diffs {
				if i == 20 {
					fmt.Fprintf(w, "  - ... and %d more\n", len(r.diffs)-i)
					break
				}
				fmt.Fprintf(w, "  - %s\n", d)
			}
		}
		if len(r.warmDiffs) > 0 {
			fmt.Fprintf(w, "\n- %s: the warm crossls run gave %d verdicts different from the cold one, e.g. %s\n", r.module, len(r.warmDiffs), r.warmDiffs[0])
		}
	}
	return rows, nil
}

func rssOf(r *checkRun) int64 {
	if r == nil {
		return 0
	}
	return r.MaxRSS
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n  ")
}

// editorRow is one editor scenario and its result.
type editorRow struct {
	scenario *editorScenario
	result   editorResult
	// restart is the cold start of a second server started with the caches
	// the first one left, as after an editor restart.
	restart time.Duration
}

func editorPart(ctx context.Context, cfg *config, base []string, mods []*module, counts []int, logDir string, w io.Writer) ([]editorRow, error) {
	var rows []editorRow
	n := 0
	for _, m := range mods {
		var scenarios []*editorScenario
		common := editorScenario{Module: m, Broken: m.Broken, Word: m.EditWord, Edits: cfg.edits, Budget: cfg.budget, Timeout: cfg.timeout, LogDir: logDir}
		if cfg.gopls != "" {
			s := common
			goos, goarch, _ := strings.Cut(m.Broken, "/")
			s.Server, s.Argv = "gopls", []string{cfg.gopls}
			s.Env = withEnv(base, "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
			scenarios = append(scenarios, &s)
		}
		for _, c := range counts {
			s := common
			s.Server, s.Argv = "crossls", []string{cfg.crossls, "serve"}
			s.Targets = targetsFor(c, m)
			s.Env = base
			scenarios = append(scenarios, &s)
		}
		for _, s := range scenarios {
			// Each server starts with an empty cache of its own (crossls
			// and gopls both keep theirs under the user cache directory).
			n++
			s.Env = withEnv(s.Env, "XDG_CACHE_HOME="+filepath.Join(cfg.work, "cache", fmt.Sprintf("editor-%d", n)))
			progress("%s: %s, %d edit pairs", m.short(), s.name(), s.Edits)
			res := s.run(ctx)
			if ctx.Err() != nil {
				return rows, ctx.Err()
			}
			if res.Err != nil {
				progress("  stopped: %v", res.Err)
			}
			again := *s
			again.Edits = 1
			again.LogSuffix = "-restart"
			restart := again.run(ctx)
			if ctx.Err() != nil {
				return rows, ctx.Err()
			}
			progress("  cold start %s (restart %s), appear %s, clear %s, peak RSS %s (with children %s)",
				dur(res.ColdStart), dur(restart.ColdStart), spread(res.Appear), spread(res.Clear), mib(res.Peak.Self), mib(res.Peak.Tree))
			rows = append(rows, editorRow{s, res, restart.ColdStart})
		}
	}

	fmt.Fprintf(w, "\n## 2, 3. Editor: edit -> diagnostic latency, cold start, peak RSS\n\n")
	fmt.Fprintf(w, "Edit: append the line below to the file (a reference to a function only some targets define), then remove it, %d times. "+
		"Latency: from sending didChange to the publishDiagnostics of that version that shows the error (crossls: naming the broken target) or no longer shows it. "+
		"Cold start: from spawning the server to the first diagnostics of the file, opened with the error in it; restart: the same for a second server started with the caches the first one left (an editor restart). "+
		"Peak RSS: VmHWM of the server, and the largest sum of VmHWM over the server and its live children (go list), polled every 50 ms. "+
		"Every server starts with an empty cache directory of its own; GOCACHE is the caller's. gopls runs with GOOS/GOARCH of the broken target.\n\n", cfg.edits)
	for _, m := range mods {
		fmt.Fprintf(w, "- %s: `%s` appended to %s breaks %s\n", m, m.EditLine, m.EditFile, m.Broken)
	}
	fmt.Fprintln(w)
	t := table{header: []string{"module", "server", "cold start", "restart", "appear p50 / p95 / max", "clear p50 / p95 / max", "edits", "RSS server", "RSS +children"}}
	for _, r := range rows {
		s, res := r.scenario, r.result
		t.add(s.Module.String()+" "+s.Module.EditFile, s.name(), dur(res.ColdStart), dur(r.restart), spread(res.Appear), spread(res.Clear),
			fmt.Sprint(len(res.Appear)), mib(res.Peak.Self), mib(res.Peak.Tree))
	}
	t.write(w)
	for _, r := range rows {
		if r.result.Err != nil {
			fmt.Fprintf(w, "\n- %s, %s: stopped: %v\n", r.scenario.Module, r.scenario.name(), firstLines(r.result.Err.Error(), 5))
		} else if len(r.result.Appear) < r.scenario.Edits {
			fmt.Fprintf(w, "\n- %s, %s: %d of %d edit pairs within the %v budget\n", r.scenario.Module, r.scenario.name(), len(r.result.Appear), r.scenario.Edits, r.scenario.Budget)
		}
	}

	// Scaling: crossls p95 and memory by target count, one column pair per module.
	fmt.Fprintf(w, "\n## 4. Scaling of crossls serve (appear p95 | RSS with children)\n\n")
	header := []string{"targets"}
	for _, m := range mods {
		header = append(header, m.short()+" p95", m.short()+" RSS")
	}
	st := table{header: header}
	for _, c := range append([]int{0}, counts...) {
		label := fmt.Sprint(c)
		if c == 0 {
			label = "gopls (1 GOOS)"
			if cfg.gopls == "" {
				continue
			}
		}
		cells := []string{label}
		for _, m := range mods {
			i := slices.IndexFunc(rows, func(r editorRow) bool {
				if r.scenario.Module != m {
					return false
				}
				if c == 0 {
					return r.scenario.Server == "gopls"
				}
				return r.scenario.Server == "crossls" && len(r.scenario.Targets) == c
			})
			if i < 0 {
				cells = append(cells, "-", "-")
				continue
			}
			cells = append(cells, dur(percentile(rows[i].result.Appear, 95)), mib(rows[i].result.Peak.Tree))
		}
		st.add(cells...)
	}
	st.write(w)
	return rows, nil
}
