package target

import (
	"fmt"
	"slices"
	"strings"
)

// Parse reads a target in crossls's spelling ("linux/amd64",
// "linux/arm/v7", "linux/amd64/v3+cgo") or GoReleaser's ("linux_arm_7",
// "linux_amd64_v3"). It checks syntax only; use (*Dist).Validate to check
// the target against the toolchain.
func Parse(s string) (Target, error) {
	orig := s
	s = strings.TrimSpace(s)
	var t Target
	if rest, ok := strings.CutSuffix(s, "+cgo"); ok {
		t.Cgo = true
		s = rest
	}
	sep := "/"
	if !strings.Contains(s, "/") && strings.Contains(s, "_") {
		sep = "_" // GoReleaser's target spelling
	}
	parts := strings.Split(s, sep)
	if len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") || strings.ContainsAny(s, " \t+,") {
		return Target{}, fmt.Errorf("invalid target %q: want GOOS/GOARCH[/variant][+cgo], e.g. linux/amd64, linux/arm/v7, linux/amd64+cgo", orig)
	}
	t.GOOS, t.GOARCH = parts[0], parts[1]
	if len(parts) == 3 {
		t.Variant = parts[2]
		if t.GOARCH == "arm" {
			// GOARM is a bare number; "v7" is the docker-style spelling.
			t.Variant = strings.TrimPrefix(t.Variant, "v")
		}
	}
	return t, nil
}

// ParseList parses a comma- or space-separated list of targets, dropping
// duplicates.
func ParseList(s string) ([]Target, error) {
	var out []Target
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		t, err := Parse(f)
		if err != nil {
			return nil, err
		}
		if !seen[t.String()] {
			seen[t.String()] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty target list")
	}
	return out, nil
}

// Suggest returns the candidate closest to word by edit distance, if it is
// within 2 edits (or equal ignoring case), else "".
func Suggest(word string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if strings.EqualFold(c, word) && c != word {
			return c
		}
		if d := EditDistance(word, c); d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	if best == word {
		return ""
	}
	return best
}

// EditDistance is the Damerau-Levenshtein (optimal string alignment)
// distance, so that a swap of two letters ("windwos") counts as one edit.
func EditDistance(a, b string) int {
	// One row-major table; the words compared are short, so it usually
	// lives on the stack.
	w := len(b) + 1
	var buf [512]int
	d := buf[:0]
	if n := (len(a) + 1) * w; n <= len(buf) {
		d = buf[:n]
	} else {
		d = make([]int, n)
	}
	for i := 0; i <= len(a); i++ {
		d[i*w] = i
	}
	for j := 0; j <= len(b); j++ {
		d[j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(d[(i-1)*w+j]+1, d[i*w+j-1]+1, d[(i-1)*w+j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, d[(i-2)*w+j-2]+1)
			}
			d[i*w+j] = v
		}
	}
	return d[len(a)*w+len(b)]
}

// KnownOS and KnownArch are the GOOS and GOARCH words that go/build
// recognises in file names and build constraints (internal/syslist),
// including ones no current toolchain builds for.
var KnownOS = set("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
	"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")

var KnownArch = set("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64",
	"mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
	"riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")

// UnixOS are the GOOS values matched by the "unix" build constraint.
var UnixOS = set("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios",
	"linux", "netbsd", "openbsd", "solaris")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
