package lsp

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// A document is an open editor buffer: the text the user sees, which the
// analysis uses instead of the file on disk.
type document struct {
	uri     uri.URI
	path    string // absolute file path; "" for non-file URIs (untitled:, ...)
	version int32
	text    string
	// desync says why text is no longer the editor's, "" while it is: an
	// edit could not be applied, so none after it can be. Only a full
	// text brings the document back.
	desync string
}

// documents is the set of open buffers, keyed by canonical URI.
type documents struct {
	mu   sync.Mutex
	docs map[uri.URI]*document
}

func newDocuments() *documents { return &documents{docs: map[uri.URI]*document{}} }

// canonicalURI parses u again so that spellings of one file compare equal
// (file:///C:/x and file:///c%3A/x). It reports the file path, or "" for a
// URI that names no local file.
func canonicalURI(u uri.URI) (uri.URI, string, error) {
	if u == "" {
		return "", "", fmt.Errorf("empty document URI")
	}
	c, err := uri.Parse(string(u))
	if err != nil {
		return "", "", fmt.Errorf("invalid document URI %q: %v", u, err)
	}
	if !c.IsFile() {
		return c, "", nil
	}
	p := c.FsPath()
	if p == "" || !filepath.IsAbs(p) {
		return c, "", nil
	}
	p = filepath.Clean(p)
	return uri.File(p), p, nil
}

func (ds *documents) open(u uri.URI, version int32, text string) (*document, error) {
	c, path, err := canonicalURI(u)
	if err != nil {
		return nil, err
	}
	d := &document{uri: c, path: path, version: version, text: text}
	ds.mu.Lock()
	ds.docs[c] = d
	ds.mu.Unlock()
	return d, nil
}

// changeResult says what a didChange did to its document.
type changeResult int

const (
	changeApplied  changeResult = iota
	changeRejected              // it could not be applied: the document is out of sync from now on
	changeIgnored               // the document was out of sync and still is
	changeResynced              // a full text brought an out-of-sync document back
)

// change applies a didChange atomically: either every change applies, or
// the document keeps its text and is marked out of sync (changeRejected,
// with the error saying why). The edits that follow a rejected one are
// based on a text the server does not have: they are ignored until one
// carries the whole text. A nil document means no open document changed.
func (ds *documents) change(u uri.URI, version int32, changes []protocol.TextDocumentContentChangeEvent) (*document, changeResult, error) {
	c, _, err := canonicalURI(u)
	if err != nil {
		return nil, 0, err
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d, ok := ds.docs[c]
	if !ok {
		return nil, 0, fmt.Errorf("change to %s, which is not open", c)
	}
	nd := *d
	nd.version = max(version, d.version)
	if d.desync != "" {
		res := changeIgnored
		if i := lastWholeText(changes); i >= 0 {
			if text, err := applyChanges("", changes[i:]); err == nil {
				nd.text, nd.desync, res = text, "", changeResynced
			}
		}
		ds.docs[c] = &nd
		return &nd, res, nil
	}
	if version <= d.version {
		err = fmt.Errorf("change to %s has version %d, not newer than %d", c, version, d.version)
	} else if nd.text, err = applyChanges(d.text, changes); err != nil {
		err = fmt.Errorf("change to %s (version %d): %v", c, version, err)
	}
	if err != nil {
		nd.text, nd.desync = d.text, err.Error()
		ds.docs[c] = &nd
		return &nd, changeRejected, err
	}
	ds.docs[c] = &nd
	return &nd, changeApplied, nil
}

// lastWholeText returns the index of the last change that replaces the
// whole text, or -1.
func lastWholeText(changes []protocol.TextDocumentContentChangeEvent) int {
	for i := len(changes) - 1; i >= 0; i-- {
		if _, ok := changes[i].(*protocol.TextDocumentContentChangeWholeDocument); ok {
			return i
		}
	}
	return -1
}

// resync replaces the text of an out-of-sync document with text, which is
// the editor's (a saved file). It returns the document if it was out of
// sync, nil otherwise.
func (ds *documents) resync(u uri.URI, text string) *document {
	c, _, err := canonicalURI(u)
	if err != nil {
		return nil
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d, ok := ds.docs[c]
	if !ok || d.desync == "" {
		return nil
	}
	nd := *d
	nd.text, nd.desync = text, ""
	ds.docs[c] = &nd
	return &nd
}

func (ds *documents) close(u uri.URI) (*document, error) {
	c, _, err := canonicalURI(u)
	if err != nil {
		return nil, err
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d, ok := ds.docs[c]
	if !ok {
		return nil, fmt.Errorf("close of %s, which is not open", c)
	}
	delete(ds.docs, c)
	return d, nil
}

// get returns the open document for u, or nil.
func (ds *documents) get(u uri.URI) *document {
	c, _, err := canonicalURI(u)
	if err != nil {
		return nil
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return ds.docs[c]
}

// byPath returns the open document of an absolute file path, or nil.
func (ds *documents) byPath(path string) *document {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	for _, d := range ds.docs {
		if d.path == path {
			return d
		}
	}
	return nil
}

// snapshot returns the open file documents under dir (all of them if dir
// is "") that are in sync with the editor: the analysis reads the others
// from disk. Documents are immutable once stored, so the result is a
// consistent view.
func (ds *documents) snapshot(dir string) []*document {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	var out []*document
	for _, d := range ds.docs {
		if d.path != "" && d.desync == "" && (dir == "" || within(dir, d.path)) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *document) int { return strings.Compare(a.path, b.path) })
	return out
}

// paths returns the paths of the open file documents, sorted.
func (ds *documents) paths() []string {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	var out []string
	for _, d := range ds.docs {
		if d.path != "" {
			out = append(out, d.path)
		}
	}
	slices.Sort(out)
	return out
}

// within reports whether path is dir or lies below it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// applyChanges applies LSP content changes in order.
func applyChanges(text string, changes []protocol.TextDocumentContentChangeEvent) (string, error) {
	for i, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = ch.Text
		case *protocol.TextDocumentContentChangePartial:
			start, err := offset(text, ch.Range.Start)
			if err != nil {
				return "", fmt.Errorf("change %d: start: %v", i, err)
			}
			end, err := offset(text, ch.Range.End)
			if err != nil {
				return "", fmt.Errorf("change %d: end: %v", i, err)
			}
			if end < start {
				return "", fmt.Errorf("change %d: range end %s is before its start %s", i, fmtPos(ch.Range.End), fmtPos(ch.Range.Start))
			}
			text = text[:start] + ch.Text + text[end:]
		default:
			return "", fmt.Errorf("change %d: unknown kind of content change %T", i, ch)
		}
	}
	return text, nil
}

func fmtPos(p protocol.Position) string { return fmt.Sprintf("%d:%d", p.Line, p.Character) }

// offset converts an LSP position (zero-based line, UTF-16 column) to a
// byte offset in text. Lines end at "\n", "\r\n" or "\r". A column past
// the end of its line means the end of the line, as the specification
// says; a line past the end of the text, or a column that splits a
// surrogate pair, is an error.
func offset(text string, pos protocol.Position) (int, error) {
	start := 0
	for line := uint32(0); line < pos.Line; line++ {
		i := strings.IndexAny(text[start:], "\r\n")
		if i < 0 {
			return 0, fmt.Errorf("position %s is beyond the last line (%d)", fmtPos(pos), line)
		}
		start += i + 1
		if text[start-1] == '\r' && start < len(text) && text[start] == '\n' {
			start++
		}
	}
	end := len(text)
	if i := strings.IndexAny(text[start:], "\r\n"); i >= 0 {
		end = start + i
	}
	col := uint32(0)
	for i := start; i < end; {
		if col == pos.Character {
			return i, nil
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		units := uint32(1)
		if r >= 0x10000 {
			units = 2
		}
		if col+units > pos.Character {
			return 0, fmt.Errorf("position %s splits a UTF-16 surrogate pair", fmtPos(pos))
		}
		col += units
		i += size
	}
	return end, nil
}

// position converts a byte offset in text to an LSP position. An offset
// inside a UTF-8 sequence is moved back to the start of its rune.
func position(text string, off int) protocol.Position {
	off = max(0, min(off, len(text)))
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	var line uint32
	lineStart := 0
	for i := 0; i < off; i++ {
		switch text[i] {
		case '\n':
			line++
			lineStart = i + 1
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				continue // the '\n' ends the line
			}
			line++
			lineStart = i + 1
		}
	}
	return protocol.Position{Line: line, Character: utf16Len(text[lineStart:off])}
}

func utf16Len(s string) uint32 {
	var n uint32
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// lineColPosition converts a go/token style position (1-based line,
// 1-based byte column) in text to an LSP position. Out-of-range values are
// clamped: diagnostics may be computed for an older state of the file.
func lineColPosition(text string, line, col int) protocol.Position {
	if line <= 0 {
		return protocol.Position{}
	}
	start := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			return position(text, len(text))
		}
		start += i + 1
	}
	end := len(text)
	if i := strings.IndexByte(text[start:], '\n'); i >= 0 {
		end = start + i
	}
	off := start + max(col-1, 0)
	return position(text, min(off, end))
}
