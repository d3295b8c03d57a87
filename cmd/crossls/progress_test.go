package main

import "testing"

// TestCheckProgressCounts follows the progress line of a check of two
// modules through the driver's reports: targets count as their checks
// end, and a module from the result cache, which reports none, counts
// whole when it ends.
func TestCheckProgressCounts(t *testing.T) {
	p := &checkProgress{units: 2, targets: 5}
	step := func(want string) {
		t.Helper()
		if got := p.String(); got != want {
			t.Errorf("progress %q, want %q", got, want)
		}
	}
	step("crossls check: targets 0/5 · modules 0/2 · packages checked 0")
	p.startUnit("app")
	step("crossls check: targets 0/5 · modules 0/2 · packages checked 0 · checking app")
	p.targetDone(4)
	p.targetDone(6)
	step("crossls check: targets 2/5 · modules 0/2 · packages checked 6 · checking app")
	p.targetDone(5)
	p.endUnit(3, 7)
	step("crossls check: targets 3/5 · modules 1/2 · packages checked 7")
	p.startUnit("tool") // from the result cache: no target reported
	p.endUnit(2, 1)
	step("crossls check: targets 5/5 · modules 2/2 · packages checked 8")
}
