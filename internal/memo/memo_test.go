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

func TestVersions(t *testing.T) {
	m := NewVersions[string, int](3, 2)
	calls := 0
	get := func(k string, content byte) int {
		return m.Get(k, [32]byte{content}, func() int { calls++; return int(content) })
	}
	for i := range 100 {
		get("edited.go", byte(i))
	}
	if len(m.m["edited.go"]) != 2 {
		t.Errorf("%d versions of one key kept, want 2", len(m.m["edited.go"]))
	}
	calls = 0
	if get("edited.go", 99) != 99 || get("edited.go", 98) != 98 || calls != 0 {
		t.Errorf("the latest versions were computed again: %d calls", calls)
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		get(k, 1)
	}
	if len(m.m) > 3 {
		t.Errorf("%d keys kept, want at most 3", len(m.m))
	}
}
