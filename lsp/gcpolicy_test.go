package lsp

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestGCPolicy(t *testing.T) {
	var live uint64
	limit, percent := int64(-1), -1
	p := &gcPolicy{
		floor:      64 << 20,
		readLive:   func() uint64 { return live },
		setLimit:   func(n int64) { limit = n },
		setPercent: func(n int) { percent = n },
	}
	step := func(l uint64, wantLimit int64, wantPercent int) {
		t.Helper()
		live, limit, percent = l, -1, -1
		p.afterCheck()
		if limit != wantLimit || percent != wantPercent {
			t.Errorf("live %d MB: limit set to %d MB, GOGC to %d; want %d MB and %d (-1: unchanged)",
				l>>20, limit>>20, percent, wantLimit>>20, wantPercent)
		}
	}
	step(1<<30, 4<<30, gcPercent) // the first check: a multiple of its live heap
	step(1050<<20, -1, -1)        // within 10%: unchanged
	step(100<<20, 400<<20, -1)    // the work shrank: so does the limit
	step(1<<20, 64<<20, -1)       // never below the floor
	step(2<<30, 8<<30, -1)        // and up again

	p = &gcPolicy{disabled: true, floor: p.floor, readLive: p.readLive, setLimit: p.setLimit, setPercent: p.setPercent}
	step(1<<30, -1, -1) // the user's GOGC or GOMEMLIMIT
}

// TestMemoryLimitFollowsTheWork runs the process's policy on the real
// runtime: the memory limit must fall when the live heap does.
func TestMemoryLimitFollowsTheWork(t *testing.T) {
	oldLimit, oldPercent := debug.SetMemoryLimit(-1), debug.SetGCPercent(-1)
	debug.SetGCPercent(oldPercent)
	t.Cleanup(func() {
		debug.SetMemoryLimit(oldLimit)
		debug.SetGCPercent(oldPercent)
	})
	p := newGCPolicy()
	p.disabled = false // whatever this process's environment says
	p.floor = 16 << 20

	ballast := make([]byte, 128<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	runtime.GC()
	p.afterCheck()
	high := debug.SetMemoryLimit(-1)
	runtime.KeepAlive(ballast)
	ballast = nil

	runtime.GC()
	p.afterCheck()
	low := debug.SetMemoryLimit(-1)
	t.Logf("memory limit with 128 MB live: %d MB; after it is freed: %d MB", high>>20, low>>20)
	if high < 4*128<<20 || high > 1<<40 {
		t.Errorf("with 128 MB live the memory limit is %d MB, want a multiple of that", high>>20)
	}
	if low > high/2 {
		t.Errorf("the memory limit went from %d MB to %d MB when the live heap shrank by 128 MB", high>>20, low>>20)
	}
}
