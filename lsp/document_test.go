package lsp

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestOffset(t *testing.T) {
	const text = "a𝄞b\r\nxé\rz\n"
	tests := []struct {
		line, char uint32
		want       int
		err        string
	}{
		{0, 0, 0, ""},
		{0, 1, 1, ""},
		{0, 2, 0, "splits a UTF-16 surrogate pair"},
		{0, 3, 5, ""},
		{0, 4, 6, ""},
		{0, 99, 6, ""}, // past the end of the line: the end of the line
		{1, 0, 8, ""},
		{1, 2, 11, ""},
		{2, 0, 12, ""},
		{2, 1, 13, ""},
		{3, 0, 14, ""}, // the empty last line
		{4, 0, 0, "beyond the last line"},
	}
	for _, tt := range tests {
		got, err := offset(text, protocol.Position{Line: tt.line, Character: tt.char})
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("offset(%d:%d) = %d, %v; want error containing %q", tt.line, tt.char, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("offset(%d:%d) = %d, %v; want %d", tt.line, tt.char, got, err, tt.want)
		}
		if p := position(text, got); p.Line != tt.line || (tt.char != 99 && p.Character != tt.char) {
			t.Errorf("position(%d) = %d:%d, want %d:%d", got, p.Line, p.Character, tt.line, tt.char)
		}
	}
}

func TestLineColPosition(t *testing.T) {
	const text = "package p\n\nvar s = \"é𝄞\" + x\n"
	// x is at byte column 1+len(`var s = "é𝄞" + `) = 19 on line 3.
	got := lineColPosition(text, 3, 19)
	if want := (protocol.Position{Line: 2, Character: 15}); got != want {
		t.Errorf("lineColPosition = %v, want %v", got, want)
	}
	if got := lineColPosition(text, 99, 1); got != position(text, len(text)) {
		t.Errorf("line past the end: %v", got)
	}
	if got := lineColPosition(text, 1, 999); got != (protocol.Position{Line: 0, Character: 9}) {
		t.Errorf("column past the end: %v", got)
	}
}

func TestDocumentsRejectBadChanges(t *testing.T) {
	ds := newDocuments()
	u := uri.File("/w/a.go")
	if _, err := ds.open(u, 1, "hello\n"); err != nil {
		t.Fatal(err)
	}
	edit := func(version int32, l0, c0, l1, c1 uint32, text string) changeResult {
		_, res, _ := ds.change(u, version, []protocol.TextDocumentContentChangeEvent{
			&protocol.TextDocumentContentChangePartial{Range: protocol.Range{
				Start: protocol.Position{Line: l0, Character: c0}, End: protocol.Position{Line: l1, Character: c1},
			}, Text: text},
		})
		return res
	}
	whole := func(version int32, text string) changeResult {
		_, res, _ := ds.change(u, version, []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}})
		return res
	}
	for _, tt := range []struct {
		what    string
		version int32
		l0, c0  uint32
		l1, c1  uint32
	}{
		{"edit past the last line", 2, 5, 0, 5, 0},
		{"edit with a version that is not newer", 1, 0, 0, 0, 0},
		{"edit with end before start", 2, 0, 3, 0, 1},
	} {
		if res := edit(tt.version, tt.l0, tt.c0, tt.l1, tt.c1, "x"); res != changeRejected {
			t.Errorf("%s: %v, want it rejected", tt.what, res)
		}
		if d := ds.get(u); d.text != "hello\n" || d.desync == "" {
			t.Errorf("after a rejected %s: %q, out of sync: %q; want the original text, out of sync", tt.what, d.text, d.desync)
		}
		// Later edits are based on a text the server does not have.
		if res := edit(3, 0, 5, 0, 5, ", world"); res != changeIgnored {
			t.Errorf("edit after a rejected %s: %v, want it ignored", tt.what, res)
		}
		if d := ds.get(u); d.text != "hello\n" || d.version != 3 {
			t.Errorf("after an ignored edit: %q v%d, want the original text at the editor's version 3", d.text, d.version)
		}
		// A full text brings it back.
		if res := whole(4, "hello\n"); res != changeResynced {
			t.Errorf("full text after a rejected %s: %v, want it resynchronised", tt.what, res)
		}
		if res := edit(5, 0, 0, 0, 0, ""); res != changeApplied {
			t.Errorf("edit after resynchronising: %v", res)
		}
		ds.open(u, 1, "hello\n")
	}
	if _, _, err := ds.change(uri.File("/w/unopened.go"), 2, nil); err == nil {
		t.Error("change of an unopened document accepted")
	}
	if res := edit(2, 0, 5, 0, 5, ", world"); res != changeApplied {
		t.Fatal(res)
	}
	if d := ds.get(u); d.text != "hello, world\n" || d.version != 2 {
		t.Errorf("got %q v%d", d.text, d.version)
	}
	// Spellings of one URI name one document.
	if d := ds.get(uri.URI("file:///w/%61.go")); d == nil {
		t.Error("percent-encoded URI does not find the document")
	}
	// Non-file URIs are kept, but name no file.
	d, err := ds.open(uri.URI("untitled:Untitled-1"), 1, "x")
	if err != nil || d.path != "" {
		t.Errorf("untitled: %v, path %q", err, d.path)
	}
}

// utf16Model is an independent model of an LSP document: the text as
// UTF-16 code units, with lines split on "\n", "\r\n" and "\r".
type utf16Model []uint16

func modelOf(s string) utf16Model { return utf16.Encode([]rune(s)) }

func (m utf16Model) String() string { return string(utf16.Decode(m)) }

// index returns the code unit index of pos, clamping the column to the
// line's end; ok is false for a line past the end or a position inside a
// surrogate pair.
func (m utf16Model) index(pos protocol.Position) (int, bool) {
	i, line := 0, uint32(0)
	for line < pos.Line {
		for i < len(m) && m[i] != '\n' && m[i] != '\r' {
			i++
		}
		if i == len(m) {
			return 0, false
		}
		if m[i] == '\r' && i+1 < len(m) && m[i+1] == '\n' {
			i++
		}
		i++
		line++
	}
	end := i
	for end < len(m) && m[end] != '\n' && m[end] != '\r' {
		end++
	}
	j := i + int(pos.Character)
	if j >= end {
		return end, true
	}
	if utf16.IsSurrogate(rune(m[j])) && m[j] >= 0xDC00 {
		return 0, false // low surrogate: the position splits a pair
	}
	return j, true
}

// FuzzEdits applies random edits to a document and to the UTF-16 model,
// and checks that the server's text always equals the client's.
func FuzzEdits(f *testing.F) {
	f.Add("package p\n\nfunc f() {}\n", []byte{0, 2, 0, 2, 5, 'x', 'y', 1, 0, 0, 3, 0, 0})
	f.Add("a𝄞b\r\nxé\rz", []byte{0, 1, 0, 1, 0, 0, 3, 0, 4, 0, 1, 'q', 2, 0, 0, 0, 9, 0})
	f.Add("", []byte{0, 0, 0, 0, 3, 'a', '\n', 'b'})
	f.Add("日本語\n\n", []byte{1, 0, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, initial string, script []byte) {
		if !utf8.ValidString(initial) {
			return // LSP text is JSON strings: valid Unicode
		}
		ds := newDocuments()
		u := uri.File("/w/f.go")
		if _, err := ds.open(u, 0, initial); err != nil {
			t.Fatal(err)
		}
		model := modelOf(initial)
		version := int32(0)
		for len(script) >= 5 {
			l0, c0, l1, c1, n := uint32(script[0]%8), uint32(script[1]%12), uint32(script[2]%8), uint32(script[3]%12), int(script[4]%8)
			script = script[5:]
			n = min(n, len(script))
			ins := string(script[:n])
			script = script[n:]
			if !utf8.ValidString(ins) {
				ins = strings.ToValidUTF8(ins, "é")
			}
			rng := protocol.Range{Start: protocol.Position{Line: l0, Character: c0}, End: protocol.Position{Line: l1, Character: c1}}
			version++
			_, _, err := ds.change(u, version, []protocol.TextDocumentContentChangeEvent{
				&protocol.TextDocumentContentChangePartial{Range: rng, Text: ins},
			})
			i, ok1 := model.index(rng.Start)
			j, ok2 := model.index(rng.End)
			valid := ok1 && ok2 && i <= j
			if valid != (err == nil) {
				t.Fatalf("edit %v %q of %q: server error %v, model valid %v", rng, ins, model.String(), err, valid)
			}
			if !valid {
				// The server is out of sync: the client resends its text.
				version++
				if _, res, _ := ds.change(u, version, []protocol.TextDocumentContentChangeEvent{
					&protocol.TextDocumentContentChangeWholeDocument{Text: model.String()},
				}); res != changeResynced {
					t.Fatalf("full text after a rejected edit: %v, want it resynchronised", res)
				}
				continue
			}
			model = append(append(append(utf16Model{}, model[:i]...), modelOf(ins)...), model[j:]...)
			if got, want := ds.get(u).text, model.String(); got != want {
				t.Fatalf("after edit %v %q: server has %q, client has %q", rng, ins, got, want)
			}
		}
		// Every offset round-trips through a position.
		text := ds.get(u).text
		for off := 0; off <= len(text); off++ {
			if off < len(text) && !utf8.RuneStart(text[off]) {
				continue
			}
			p := position(text, off)
			back, err := offset(text, p)
			// An offset between "\r" and "\n" has no position of its own.
			if err != nil || (back != off && !(off > 0 && text[off-1] == '\r' && off < len(text) && text[off] == '\n')) {
				t.Fatalf("offset %d -> %v -> %d, %v in %q", off, p, back, err, text)
			}
		}
	})
}
