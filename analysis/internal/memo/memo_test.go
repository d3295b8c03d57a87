package memo

import "testing"

func TestMap(t *testing.T) {
	m := New[int, int](3)
	calls := 0
	square := func(k int) func() int { return func() int { calls++; return k * k } }
	if v := m.Get(2, square(2)); v != 4 || calls != 1 {
		t.Fatalf("Get(2) = %d after %d calls", v, calls)
	}
	if v := m.Get(2, square(2)); v != 4 || calls != 1 {
		t.Errorf("a known key was computed again: %d calls", calls)
	}
	for k := range 10 {
		m.Get(k, square(k))
	}
	if len(m.m) > 3 {
		t.Errorf("memo holds %d entries, want at most 3", len(m.m))
	}
}

func TestMapWeighed(t *testing.T) {
	m := NewWeighed(100, func(_ int, v []byte) int { return len(v) })
	for k := range 50 {
		m.Get(k, func() []byte { return make([]byte, 30) })
		if m.total > 100 {
			t.Fatalf("memo weighs %d, want at most 100", m.total)
		}
	}
	if len(m.m) == 0 {
		t.Error("memo keeps nothing")
	}
}
