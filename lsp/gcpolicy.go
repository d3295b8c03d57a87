package lsp

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcPolicy lets a session's heap grow, between collections, up to the size
// its first check already needed. The first check of a matrix type-checks
// everything and leaves a heap goal well above what the session keeps
// live; with the default GOGC of 100 the edits after it would collect
// every few dozen checks, and every collection slows the checks it
// overlaps. Peak memory stays that of the first check (or twice the live
// heap, GOGC=100's own goal, if that is more). A GOGC set by the user is
// left alone.
type gcPolicy struct {
	mu       sync.Mutex
	disabled bool
	ceiling  uint64 // heap goal the session may use
	percent  int    // the GOGC set, 0 before the first check

	read func() (goal, live uint64)
	set  func(percent int)
}

const maxGCPercent = 400

// processGC is the policy of the process: GOGC is process-wide.
var processGC = newGCPolicy()

func newGCPolicy() *gcPolicy {
	return &gcPolicy{
		disabled: os.Getenv("GOGC") != "",
		read: func() (uint64, uint64) {
			s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}}
			metrics.Read(s)
			return s[0].Value.Uint64(), s[1].Value.Uint64()
		},
		set: func(percent int) { debug.SetGCPercent(percent) },
	}
}

// afterCheck adjusts GOGC once a check is done.
func (p *gcPolicy) afterCheck() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disabled {
		return
	}
	goal, live := p.read()
	if live == 0 {
		return
	}
	if p.percent == 0 {
		p.ceiling = goal // set with GOGC=100 by the first check
	}
	p.ceiling = max(p.ceiling, 2*live)
	percent := min(int(100*(float64(p.ceiling)/float64(live)-1)), maxGCPercent)
	if percent != p.percent && (p.percent == 0 || percent > p.percent+10 || percent < p.percent-10) {
		p.set(percent)
		p.percent = percent
	}
}
