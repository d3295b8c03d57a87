package matrix

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// A check can be split by targets into parts that run apart (shards on
// several machines) and merged afterwards. Merging finished results would
// lose what a check of all the targets knows: findings folded by
// position, or said once, fold differently when fewer targets share them,
// and a file that no target of one part builds may be built by another
// part. A part (Options.Partial) therefore stops before folding, and
// MergePartial finishes the merge as one check would have.

// partialOf records what MergePartial needs of a part's findings diags
// followed by dead, the findings about files no target of the part builds.
func partialOf(diags, dead []Diagnostic) *Partial {
	p := &Partial{Once: []int{}, Unbuilt: []int{}}
	for i, d := range diags {
		if d.once {
			p.Once = append(p.Once, i)
		}
	}
	for i := range dead {
		p.Unbuilt = append(p.Unbuilt, len(diags)+i)
	}
	return p
}

// MergePartial combines the results of checks with Options.Partial of
// disjoint parts of targets into the result of one check of all of them:
// the same verdicts and findings in the same order, identical once
// encoded. Each part lists its targets in their order in targets.
func MergePartial(targets []string, parts []*Result) (*Result, error) {
	index := make(map[string]int, len(targets))
	for i, t := range targets {
		if _, dup := index[t]; dup {
			return nil, fmt.Errorf("target %s is listed twice", t)
		}
		index[t] = i
	}
	owner := make([]int, len(targets)) // part of each target, +1
	goVersion := ""
	for k, p := range parts {
		if p.Partial == nil {
			return nil, fmt.Errorf("part %d is the result of a whole check, not of a part", k+1)
		}
		if goVersion == "" {
			goVersion = p.GoVersion
		} else if p.GoVersion != "" && p.GoVersion != goVersion {
			return nil, fmt.Errorf("parts were checked with different Go versions: %s and %s", goVersion, p.GoVersion)
		}
		last := -1
		for _, t := range p.Targets {
			i, ok := index[t]
			switch {
			case !ok:
				return nil, fmt.Errorf("part %d checked %s, which is not one of the targets", k+1, t)
			case owner[i] != 0:
				return nil, fmt.Errorf("target %s is in parts %d and %d", t, owner[i], k+1)
			case i < last:
				return nil, fmt.Errorf("part %d lists its targets in another order than the targets", k+1)
			}
			owner[i], last = k+1, i
		}
	}
	for i, o := range owner {
		if o == 0 {
			return nil, fmt.Errorf("no part checked %s", targets[i])
		}
	}

	res := &Result{GoVersion: goVersion, Targets: append([]string{}, targets...), Packages: []Package{}, Diagnostics: []Diagnostic{}}
	pkgs := map[string]*Package{}
	for _, p := range parts {
		for _, pkg := range p.Packages {
			m := pkgs[pkg.Path]
			if m == nil {
				m = &Package{Path: pkg.Path, Dir: pkg.Dir, Targets: make(map[string]Verdict, len(targets))}
				pkgs[pkg.Path] = m
			} else if m.Dir != pkg.Dir {
				return nil, fmt.Errorf("package %s is in %s in one part and in %s in another: the parts were checked in different directories", pkg.Path, m.Dir, pkg.Dir)
			}
			for t, v := range pkg.Targets {
				m.Targets[t] = v
			}
		}
	}
	for _, p := range pkgs {
		res.Packages = append(res.Packages, *p)
	}
	sort.Slice(res.Packages, func(i, j int) bool { return res.Packages[i].Path < res.Packages[j].Path })

	// Findings are grouped as merge groups them, and the groups made in
	// the order merge makes them: by the first target that has each, then
	// in that target's order, which its part kept.
	type group struct {
		d       Diagnostic
		targets []string
	}
	type entry struct {
		d    Diagnostic
		raw  string // the message without the part's label
		once bool
	}
	groupKey := func(e entry) string {
		d := e.d
		return fmt.Sprintf("%s\x00%s\x00%d:%d-%d:%d\x00%s\x00%s", d.Analyzer, d.File, d.Line, d.Column, d.EndLine, d.EndColumn, d.Severity, e.raw)
	}
	entries := make([][]entry, len(parts))
	unbuilt := make([]map[string]Diagnostic, len(parts)) // file and message -> finding
	for k, p := range parts {
		once := map[int]bool{}
		for _, i := range p.Partial.Once {
			once[i] = true
		}
		dead := map[int]bool{}
		for _, i := range p.Partial.Unbuilt {
			dead[i] = true
		}
		unbuilt[k] = map[string]Diagnostic{}
		for i, d := range p.Diagnostics {
			raw := unlabel(d.Message)
			if dead[i] {
				unbuilt[k][d.File+"\x00"+raw] = d
				continue
			}
			if len(d.Targets) == 0 {
				return nil, fmt.Errorf("part %d has a finding without targets at %s:%d", k+1, d.File, d.Line)
			}
			entries[k] = append(entries[k], entry{d: d, raw: raw, once: once[i]})
		}
	}
	groups := map[string]*group{}
	var order []*group
	for i, t := range targets {
		for _, e := range entries[owner[i]-1] {
			if e.d.Targets[0] != t {
				continue
			}
			if k := groupKey(e); groups[k] == nil {
				g := &group{d: e.d}
				g.d.Message, g.d.once = e.raw, e.once
				g.d.Related = slices.Clone(e.d.Related) // dedupe appends to it
				groups[k] = g
				order = append(order, g)
			}
		}
	}
	for _, part := range entries {
		for _, e := range part {
			g := groups[groupKey(e)]
			for _, t := range e.d.Targets {
				if !contains(g.targets, t) {
					g.targets = append(g.targets, t)
				}
			}
		}
	}
	for _, g := range order {
		sort.Slice(g.targets, func(i, j int) bool { return index[g.targets[i]] < index[g.targets[j]] })
		g.d.Targets = g.targets
		g.d.Message = label(g.targets, len(targets)) + " " + g.d.Message
		res.Diagnostics = append(res.Diagnostics, g.d)
	}

	// A file is unbuilt by all the targets if no part builds it. Parts
	// without targets know nothing of it.
	var first map[string]Diagnostic
	var others []map[string]Diagnostic
	for k, p := range parts {
		if len(p.Targets) == 0 {
			continue
		}
		if first == nil {
			first = unbuilt[k]
		} else {
			others = append(others, unbuilt[k])
		}
	}
	keys := make([]string, 0, len(first))
	for k := range first {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		everywhere := true
		for _, o := range others {
			_, ok := o[k]
			everywhere = everywhere && ok
		}
		if !everywhere {
			continue
		}
		d := first[k]
		d.Targets = slices.Clone(targets)
		d.Message = label(targets, len(targets)) + " " + unlabel(d.Message)
		res.Diagnostics = append(res.Diagnostics, d)
	}

	SortDiagnostics(res.Diagnostics)
	res.Diagnostics = dedupe(res.Diagnostics)
	return res, nil
}

// unlabel removes the label of targets that starts a merged message.
func unlabel(msg string) string {
	if strings.HasPrefix(msg, "[") {
		if i := strings.Index(msg, "] "); i >= 0 {
			return msg[i+2:]
		}
	}
	return msg
}
