package lsp

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcPolicy bounds the process's memory by the work it has: a soft memory
// limit of a multiple of the heap the last check left live, never below a
// floor, recomputed after every check, so that it falls when the work
// shrinks (files closed, a module closed) as it rises when it grows.
// Under that limit GOGC is raised: the first check of a matrix leaves a
// heap goal well above what the session keeps live, and with the default
// GOGC of 100 the edits after it would collect every few dozen checks,
// each collection slowing the checks it overlaps. A GOGC or GOMEMLIMIT
// set by the user is left alone.
type gcPolicy struct {
	mu       sync.Mutex
	disabled bool
	floor    int64 // the lowest limit: below it, GOGC alone paces collections
	limit    int64 // the limit set, 0 before the first check

	readLive   func() uint64 // live heap after the last collection
	setLimit   func(bytes int64)
	setPercent func(percent int)
}

const (
	// liveMultiple is the memory limit in live heaps: room for a check's
	// transient allocations, which are a few times what it keeps.
	liveMultiple = 4
	// minMemoryLimit is the floor of the limit: small workspaces are paced
	// by GOGC, never squeezed by a limit.
	minMemoryLimit = 512 << 20
	// gcPercent is the GOGC under the limit.
	gcPercent = 400
)

// processGC is the policy of the process: GOGC and the memory limit are
// process-wide.
var processGC = newGCPolicy()

func newGCPolicy() *gcPolicy {
	return &gcPolicy{
		disabled: os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "",
		floor:    minMemoryLimit,
		readLive: func() uint64 {
			s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
			metrics.Read(s)
			return s[0].Value.Uint64()
		},
		setLimit:   func(bytes int64) { debug.SetMemoryLimit(bytes) },
		setPercent: func(percent int) { debug.SetGCPercent(percent) },
	}
}

// afterCheck sets the memory limit for the work after a check.
func (p *gcPolicy) afterCheck() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disabled {
		return
	}
	live := p.readLive()
	if live == 0 {
		return
	}
	limit := max(p.floor, liveMultiple*int64(live))
	if p.limit == 0 {
		p.setPercent(gcPercent)
	}
	// The live heap varies a little from check to check: leave the limit
	// alone unless the work changed.
	if p.limit == 0 || limit > p.limit+p.limit/10 || limit < p.limit-p.limit/10 {
		p.setLimit(limit)
		p.limit = limit
	}
}
