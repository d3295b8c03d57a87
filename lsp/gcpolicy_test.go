package lsp

import "testing"

func TestGCPolicy(t *testing.T) {
	var goal, live uint64
	set := -1
	p := &gcPolicy{read: func() (uint64, uint64) { return goal, live }, set: func(percent int) { set = percent }}
	step := func(g, l uint64, want int) {
		t.Helper()
		goal, live, set = g, l, -1
		p.afterCheck()
		if set != want {
			t.Errorf("goal %d, live %d: GOGC set to %d, want %d (-1: unchanged)", g, l, set, want)
		}
	}
	step(300, 100, 200) // the first check's goal is the ceiling: 3x live
	step(320, 102, -1)  // 194: within 10 of 200
	step(600, 150, 100) // live grew: the ceiling is what GOGC=100 gives
	step(400, 40, 400)  // little live: capped
	step(420, 400, 100) // more live than ever: twice that

	p = &gcPolicy{disabled: true, read: p.read, set: p.set}
	step(300, 100, -1) // the user's GOGC
}
