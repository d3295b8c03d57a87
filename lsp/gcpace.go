package lsp

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcPacer moves garbage collection out of checks and into the moments
// between them. The session's live heap (type information for every
// target) takes the collector tens of milliseconds to mark on a 2-core
// machine; a cycle that starts during checks slows each check it overlaps
// two- or threefold, and at the default GOGC one starts every few edits.
// Instead, after a check, when the heap has used most of its headroom,
// the server collects at once: the next edit waits for one collection
// rather than several edits running beside one. The headroom is raised
// for small heaps (so collections are rare) and left at GOGC=100 for large
// ones (so memory stays at most twice the live heap).
type gcPacer struct {
	mu      sync.Mutex
	samples []metrics.Sample
}

const (
	// gcHeadroom is the allocation between collections the pacer aims
	// for on small heaps: about 30 edits of a 10-target check.
	gcHeadroom = 192 << 20
	// gcEarly is the share of the headroom after which a collection is
	// started between checks rather than left to start within one.
	gcEarly = 0.6
)

func newGCPacer() *gcPacer {
	return &gcPacer{samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
	}}
}

// afterCheck is called when a check has finished and its results are out.
func (p *gcPacer) afterCheck() {
	p.mu.Lock()
	defer p.mu.Unlock()
	metrics.Read(p.samples)
	live, goal, inUse := p.samples[0].Value.Uint64(), p.samples[1].Value.Uint64(), p.samples[2].Value.Uint64()
	if live == 0 || goal <= live {
		return
	}
	// GOGC giving gcHeadroom of allocation over the live heap, between the
	// default and 4x.
	percent := max(100, min(400, int(100*gcHeadroom/live)))
	debug.SetGCPercent(percent)
	if float64(inUse-min(inUse, live)) > gcEarly*float64(uint64(percent)*live/100) {
		runtime.GC()
	}
}
