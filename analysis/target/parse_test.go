package target

import (
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"linux", "linux", 0},
		{"", "abc", 3},
		{"windwos", "windows", 1}, // transposition
		{"darwn", "darwin", 1},
		{"lnux", "linux", 1},
		{"freebsdx", "freebsd", 1},
		{"amd46", "amd64", 1},
		{"plan9", "linux", 4},
		{strings.Repeat("a", 40), strings.Repeat("b", 40), 40}, // beyond the stack buffer
	} {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := EditDistance(c.b, c.a); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}
