package lsp

import (
	"context"
	"go/format"
	"strings"

	"go.lsp.dev/protocol"
)

// Formatting returns gofmt's result as minimal line edits, and nothing for
// a file with syntax errors (the format analyzer reports those).
func (s *Server) Formatting(ctx context.Context, params *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	d := s.docs.get(params.TextDocument.URI)
	if d == nil {
		return nil, invalidParams("formatting %s, which is not open", params.TextDocument.URI)
	}
	if !strings.HasSuffix(d.path, ".go") {
		return nil, nil
	}
	if d.desync != "" {
		// Edits computed on a text the editor does not have would corrupt
		// the buffer.
		return nil, errOutOfSync(d)
	}
	out, err := format.Source([]byte(d.text))
	if err != nil {
		return nil, nil
	}
	if ctx.Err() != nil {
		return nil, protocol.ErrRequestCancelled
	}
	return lineEdits(d.text, string(out)), nil
}

// lineEdits returns edits turning a into b, replacing only the runs of
// lines that differ (a Myers diff over lines).
func lineEdits(a, b string) []protocol.TextEdit {
	if a == b {
		return nil
	}
	al, bl := splitLines(a), splitLines(b)
	var edits []protocol.TextEdit
	offsets := make([]int, len(al)+1) // byte offset of each line of a
	for i, l := range al {
		offsets[i+1] = offsets[i] + len(l)
	}
	for _, h := range diffLines(al, bl) {
		edits = append(edits, protocol.TextEdit{
			Range: protocol.Range{
				Start: position(a, offsets[h.a0]),
				End:   position(a, offsets[h.a1]),
			},
			NewText: strings.Join(bl[h.b0:h.b1], ""),
		})
	}
	return edits
}

// splitLines splits s after each "\n", keeping the terminators.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// hunk replaces a[a0:a1] by b[b0:b1].
type hunk struct{ a0, a1, b0, b1 int }

// maxDiffCost bounds the Myers search; beyond it, the differing middle
// is replaced as one hunk, which is still correct.
const maxDiffCost = 1000

// diffLines returns the hunks of a line diff of a and b.
func diffLines(a, b []string) []hunk {
	// Common prefix and suffix first: gofmt changes are usually local.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am) == 0 && len(bm) == 0 {
		return nil
	}
	pairs, ok := myers(am, bm)
	if !ok {
		return []hunk{{pre, pre + len(am), pre, pre + len(bm)}}
	}
	// Turn the matched pairs into the gaps between them.
	var hunks []hunk
	i, j := 0, 0
	for _, p := range append(pairs, [2]int{len(am), len(bm)}) {
		if p[0] > i || p[1] > j {
			hunks = append(hunks, hunk{pre + i, pre + p[0], pre + j, pre + p[1]})
		}
		i, j = p[0]+1, p[1]+1
	}
	return hunks
}

// myers returns the matching line pairs (i, j) of a longest common
// subsequence of a and b, in order, or ok=false if the edit distance
// exceeds maxDiffCost.
func myers(a, b []string) (pairs [][2]int, ok bool) {
	n, m := len(a), len(b)
	maxD := min(n+m, maxDiffCost)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, d, off), true
			}
		}
	}
	return nil, false
}

func backtrack(trace [][]int, a, b []string, d, off int) [][2]int {
	x, y := len(a), len(b)
	var pairs [][2]int
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var prevK int
		if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := v[off+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			pairs = append(pairs, [2]int{x, y})
		}
		x, y = prevX, prevY
	}
	for x > 0 && y > 0 {
		x--
		y--
		pairs = append(pairs, [2]int{x, y})
	}
	for i, j := 0, len(pairs)-1; i < j; i, j = i+1, j-1 {
		pairs[i], pairs[j] = pairs[j], pairs[i]
	}
	return pairs
}
