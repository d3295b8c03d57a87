package syntax

import (
	"fmt"
	"go/token"
	"runtime"
	"slices"
	"testing"
	"time"
)

func TestParseIgnoredOncePerContent(t *testing.T) {
	fset := token.NewFileSet()
	src := []byte("//go:build linux\n\npackage p\n\nfunc F() {}\n")
	f1, err := ParseIgnored(fset, "/m/p/f_linux.go", src)
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := ParseIgnored(fset, "/m/p/f_linux.go", append([]byte(nil), src...))
	if f1 != f2 {
		t.Error("the same content was parsed twice")
	}
	if n := countFiles(fset); n != 1 {
		t.Errorf("FileSet holds %d files after two parses of one content, want 1", n)
	}
	if len(f1.Comments) == 0 {
		t.Error("comments not parsed")
	}
	f3, _ := ParseIgnored(fset, "/m/p/f_linux.go", []byte("package p\n\nfunc G() {}\n"))
	if f3 == f1 {
		t.Error("new content returned the old syntax")
	}
	other := token.NewFileSet()
	if f4, _ := ParseIgnored(other, "/m/p/f_linux.go", src); f4 == f1 || other.File(f4.FileStart) == nil {
		t.Error("a parse for another FileSet must be positioned in that FileSet")
	}
	if _, err := ParseIgnored(fset, "/m/p/bad.go", []byte("package p\nfunc (")); err == nil {
		t.Error("syntax error not returned")
	}
}

func TestParseMemoBounded(t *testing.T) {
	m := &parseMemo{entries: map[parseKey]*parseEntry{}, maxBytes: 100}
	for i := range 50 {
		m.add(parseKey{path: fmt.Sprint(i)}, &parseEntry{}, 10)
	}
	if m.bytes > 100 || len(m.entries) != 10 || len(m.order) != 10 {
		t.Errorf("memo holds %d bytes in %d entries (%d ordered), want at most 100 bytes", m.bytes, len(m.entries), len(m.order))
	}
	if _, ok := m.entries[parseKey{path: "49"}]; !ok {
		t.Error("newest entry evicted")
	}
}

func countFiles(fset *token.FileSet) int {
	n := 0
	fset.Iterate(func(*token.File) bool { n++; return true })
	return n
}

// TestMemosLiveWithTheirFileSet checks that a FileSet's memos go when it
// goes (a driver drops a whole session), and that Files lists the files
// they hold.
func TestMemosLiveWithTheirFileSet(t *testing.T) {
	countMemos := func() int {
		n := 0
		memos.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := countMemos()
	func() {
		fset := token.NewFileSet()
		f, _ := ParseIgnored(fset, "/m/p/a.go", []byte("package p\n"))
		tf := TokenFile(fset, "/m/p/b.s", []byte("TEXT ·f(SB)\n"))
		files := Files(fset)
		if len(files) != 2 || !slices.Contains(files, fset.File(f.FileStart)) || !slices.Contains(files, tf) {
			t.Errorf("Files = %v, want the two memoized files", files)
		}
	}()
	for range 20 {
		runtime.GC()
		if countMemos() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("memos of a dropped FileSet are kept: %d, want %d", countMemos(), before)
}

// TestContentSumBounded checks that the sums' entries keep a bounded amount
// of content alive.
func TestContentSumBounded(t *testing.T) {
	big := make([]byte, 1<<20)
	for i := range 200 {
		ContentSum(fmt.Sprintf("/m/f%d.go", i), append([]byte(nil), big...))
	}
	sums.Lock()
	defer sums.Unlock()
	if sums.bytes > maxSumBytes {
		t.Errorf("sums keep %d bytes alive, want at most %d", sums.bytes, maxSumBytes)
	}
}

// TestParseMemoKeepsLatestVersions checks that an edited file's earlier
// contents leave the memo: only the latest versions of a path stay.
func TestParseMemoKeepsLatestVersions(t *testing.T) {
	fset := token.NewFileSet()
	for i := range 100 {
		ParseIgnored(fset, "/m/p/edited_windows.go", []byte(fmt.Sprintf("package p\n\nconst N = %d\n", i)))
		ParseIgnored(fset, fmt.Sprintf("/m/p/other%d_windows.go", i%5), []byte("package p\n"))
	}
	m := memosFor(fset).ignored
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.versions["/m/p/edited_windows.go"]); n != keptVersions || len(m.entries) != keptVersions+5 {
		t.Errorf("memo holds %d versions of the edited file and %d entries, want %d and %d", n, len(m.entries), keptVersions, keptVersions+5)
	}
	if len(m.order) > 2*len(m.entries)+64 {
		t.Errorf("memo's order holds %d keys for %d entries", len(m.order), len(m.entries))
	}
}
