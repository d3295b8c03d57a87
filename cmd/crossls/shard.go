package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/matrix"
)

// A shard is the I-th of N disjoint slices of the target list, so that
// CI can fan a check or a build out over N jobs.
type shard struct {
	Index, Count int // 1 <= Index <= Count
}

// parseShard reads "I/N".
func parseShard(s string) (shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 1 || index > count {
		return shard{}, fmt.Errorf("invalid -shard %q: want I/N with 1 <= I <= N, e.g. 2/4", s)
	}
	return shard{index, count}, nil
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// bounds returns the slice [lo, hi) of n targets that s takes: contiguous
// runs in configuration order, whose sizes differ by one at most.
// Neighbouring targets (one GOOS's architectures, in GoReleaser's order)
// share packages, which a check shares work for.
func (s shard) bounds(n int) (lo, hi int) {
	return (s.Index - 1) * n / s.Count, s.Index * n / s.Count
}

func (s shard) targets(all []target.Target) []target.Target {
	lo, hi := s.bounds(len(all))
	return all[lo:hi]
}

// shardInfo is what the output of `crossls check -shard` adds to a check's
// result for `crossls merge`: which shard it is, what the whole check
// was, and the shard's part of it (matrix.Options.Partial).
//
// A check of modules with different configurations (at a go.work root, in
// a folder of modules) is several checks, one per configuration, whose
// results it merges; a shard takes the I-th slice of each one's targets,
// and has a part of each: Units. A check of one configuration has Part.
type shardInfo struct {
	Index   int      `json:"index"`
	Count   int      `json:"count"`
	Targets []string `json:"targets"` // every target of the check, in order
	Dir     string   `json:"dir"`
	Root    string   `json:"root"` // the directory SARIF locations are relative to
	// Patterns are the package patterns given.
	Patterns []string `json:"patterns"`
	// Tool is the crossls version that checked: SARIF names it.
	Tool  string         `json:"tool"`
	Part  *matrix.Result `json:"part,omitempty"`
	Units []shardUnit    `json:"units,omitempty"`
	// Modules are the modules of the whole check, as its output lists
	// them: each with every one of its targets.
	Modules []checkModule `json:"modules"`
}

// A shardUnit is a shard's part of one of the checks that a check of
// several configurations makes.
type shardUnit struct {
	Targets []string       `json:"targets"` // every target of that check, in order
	Part    *matrix.Result `json:"part"`
}

// hasParts reports whether s holds the parts that merging needs, one for
// each of the check's units, none missing.
func (s *shardInfo) hasParts() bool {
	units := s.units()
	for _, u := range units {
		if u.Part == nil {
			return false
		}
	}
	return len(units) > 0
}

// units returns the shard's parts, one per check, in the check's order.
func (s *shardInfo) units() []shardUnit {
	if s.Units != nil {
		return s.Units
	}
	if s.Part == nil {
		return nil
	}
	return []shardUnit{{Targets: s.Targets, Part: s.Part}}
}

// shardResult is the JSON output of a shard: the result of a check of its
// targets alone, and what merging needs.
type shardResult struct {
	checkOutput
	Shard *shardInfo `json:"shard"`
}

func targetNames(ts []target.Target) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return names
}

// withTargets returns copies of modules checked for targets alone.
func withTargets(modules []checkModule, targets []string) []checkModule {
	out := make([]checkModule, len(modules))
	for i, m := range modules {
		m.Targets = targets
		out[i] = m
	}
	return out
}
