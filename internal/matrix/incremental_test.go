package matrix

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/source"
)

// incrementalModule has errors in function bodies of files other than the
// edited one (carried over by deriveUnit), imports used only in bodies,
// per-target definitions, an importer and a package-level function value.
var incrementalModule = map[string]string{
	"go.mod": "module example.com/inc\n\ngo 1.22\n",
	"p/a.go": `package p

import (
	"fmt"
	"os"
	"strings"
)

// Exported is used by q.
func Exported(s string) string { return strings.ToUpper(s) }

var defaults = map[string]int{"a": 1}

var getenv = os.Getenv

type T struct{ N int }

func (t *T) Method() int {
	x := t.N
	return x + 1
}

func body1() {
	fmt.Println("a")
}

func body2(n int) int {
	if n > 0 {
		return n
	}
	return -n
}

func init() {
	_ = defaults
}
`,
	"p/b_linux.go": `package p

import "syscall"

func platform() string { return "linux" }

func linuxOnly() int { return syscall.Getpid() }
`,
	"p/b_windows.go": `package p

func platform() string { return "windows" }
`,
	"p/c.go": `package p

import (
	"errors"
	"io"
)

var ErrX = errors.New("x")

func usesLinux() int {
	return linuxOnly()
}

func copyAll(w io.Writer) error {
	_, err := io.WriteString(w, platform())
	return err
}

func Generic[E any](e E) E { return e }

func callers(t *T) int {
	return body2(3) + t.Method()
}
`,
	"q/q.go": `package q

import "example.com/inc/p"

var V = p.Exported("x")
`,
}

// incrementalEdits are edits of p/a.go: each replaces the first occurrence
// of old with new. Some keep the declarations (deriveUnit applies), some
// do not (it must decline); all must give a full check's result.
var incrementalEdits = []struct{ old, new string }{
	{"\tfmt.Println(\"a\")\n", "\tfmt.Println(\"a\")\n\t_ = linuxOnly()\n"},
	{"\tfmt.Println(\"a\")\n", "\tvar unused int\n"},
	{"\tfmt.Println(\"a\")\n", "\t_ = undefinedName\n\tfmt.Println(\"a\")\n"},
	{"\tfmt.Println(\"a\")\n", ""},
	{"\treturn x + 1\n", "\treturn x + \"s\"\n"},
	{"\treturn -n\n", "\treturn platform()\n"},
	{"\t_ = defaults\n", "\t_ = defaults\n\t_ = undefinedInInit\n"},
	{"type T struct{ N int }", "type T struct{ N int }\n\nvar _ = linuxOnly"},
	{"type T struct{ N int }", "type T struct{ N int }\n\nvar _ int = \"s\""},
	{"var getenv = os.Getenv", "var getenv = os.Getenv\n\nvar _ = T.Method"},
	{"func body2(n int) int {", "func body2(n int) string {"},
	{"func Exported(s string) string {", "func Exported(s string, n int) string {"},
	{"var defaults = map[string]int{\"a\": 1}", "var defaults = map[string]int{\"a\": body2(1)}"},
	{"var defaults = map[string]int{\"a\": 1}", "var defaults = map[string]int{\"a\": cyc()}\n\nfunc cyc() int { return len(defaults) }"},
	{"\t\"strings\"\n", "\t\"strings\"\n\t\"bytes\"\n"},
	{"\tx := t.N\n", "\tx := t.Missing\n"},
}

// cycleModule's variable initializer reaches a.go's function bodies through
// c.go's: an edit of a body in a.go can close an initialization cycle that
// runs through bodies deriveUnit would leave out.
var cycleModule = map[string]string{
	"go.mod": "module example.com/cyc\n\ngo 1.22\n",
	"r/a.go": "package r\n\nfunc helper() int {\n\treturn 0\n}\n\nfunc other() int {\n\treturn 1\n}\n",
	"r/c.go": "package r\n\nvar total = sum()\n\nfunc sum() int { return helper() }\n",
}

var cycleEdits = []struct{ old, new string }{
	{"\treturn 0\n", "\treturn total\n"},
	{"\treturn 1\n", "\treturn 2\n"},
	{"\treturn 1\n", "\treturn undefinedName\n"},
}

// bodiesModule's edited file has what deriveBodies turns into literals
// (unnamed receivers and parameters, named results, labels, variadic
// parameters, init), imports used only in declarations or only in
// bodies, and an error in a declaration that edits above it move.
var bodiesModule = map[string]string{
	"go.mod": "module example.com/bod\n\ngo 1.22\n",
	"p/a.go": `package p

import (
	"fmt"
	"io"
	"os"
	str "strings"
	"time"
)

// Clock uses time in a declaration only.
type Clock struct {
	Every time.Duration
}

var Bad int = "a declaration's error"

type R struct{ n int }

func (R) Unnamed(int, string) int {
	return 1
}

func (R) Mixed(a int) int {
	return a
}

func (r R) Skip(int) int {
	return r.n
}

func (r *R) Named(a, b int) (sum int) {
	sum = a + b + r.n
	return
}

func variadic(prefix string, rest ...string) string {
	return prefix + str.Join(rest, ",")
}

func usesFmt() {
	fmt.Println(os.Args)
}

func shadowsStr() string {
	str := struct{ Join string }{"local"}
	return str.Join
}

func loop() int {
	n := 0
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == 2 {
				continue outer
			}
			n++
		}
	}
	return n
}

func init() {
	_ = variadic
}

func (c Clock) Wait(w io.Writer) error {
	_, err := fmt.Fprint(w, c.Every)
	return err
}
`,
	"p/b_linux.go": "package p\n\nfunc linuxOnly() int { return 1 }\n",
	"p/c.go": `package p

import "errors"

func Gen[T any](v T) T { return v }

func otherBody() int {
	return "an error in another file's body"
}
`,
}

var bodiesEdits = []struct{ old, new string }{
	{"\treturn prefix + str.Join(rest, \",\")\n", "\treturn prefix\n"},
	{"\tfmt.Println(os.Args)\n", ""},
	{"\tfmt.Println(os.Args)\n", "\tfmt.Println(os.Args, time.Now())\n"},
	{"\tfmt.Println(os.Args)\n", "\tfmt := 3\n\t_ = fmt\n"},
	{"// Clock uses time in a declaration only.\n", "// Clock uses time in a declaration only.\n//\n// Two more lines.\n"},
	{"\t\t\tn++\n", "\t\t\tn += \"x\"\n"},
	{"\treturn n\n", ""},
	{"\t\t\t\tcontinue outer\n", "\t\t\t\tcontinue\n"},
	{"\tn := 0\n", "\tn := 0\n\tunusedVar := 1\n"},
	{"\treturn 1\n", "\treturn \"s\"\n"},
	{"\treturn 1\n", "\treturn len(\"x\") + linuxOnly()\n"},
	{"\treturn a\n", "\treturn a + 1\n"},
	{"\treturn r.n\n", "\treturn r.n + r.Mixed(1)\n"},
	{"\tsum = a + b + r.n\n", "\tf := func() int { return r.n + Bad }\n\tsum = a + b + f()\n"},
	{"type R struct{ n int }\n", "type R struct{ n int }\n\nvar _ = R.Unnamed\n\nvar _ = (*R).Named\n\nvar _ = Gen[int]\n"},
	{"type R struct{ n int }\n", "type R struct{ n int }\n\nvar _ int = R{}.Missing\n"},
	{"func variadic(prefix string, rest ...string) string {", "func variadic(prefix string, rest ...int) string {"},
	{"\t_ = variadic\n", "\t_ = variadic(\"a\", \"b\")\n\t_ = undefinedInInit\n"},
}

// shadowModule's declarations name a parameter like an import, so that a
// qualified identifier there is not the import's use: deriveBodies must
// decline rather than count it.
var shadowModule = map[string]string{
	"go.mod": "module example.com/sha\n\ngo 1.22\n",
	"s/a.go": "package s\n\nimport \"os\"\n\nvar hook = func(os struct{ Args int }) int { return os.Args }\n\nfunc args() []string {\n\treturn os.Args\n}\n",
}

var shadowEdits = []struct{ old, new string }{
	{"\treturn os.Args\n", "\treturn nil\n"},
	{"\treturn os.Args\n", "\treturn append(os.Args, \"x\")\n"},
}

// TestDeriveMatchesFullCheck applies random sequences of edits to a file
// and compares every result of a long-lived session, which derives what
// it can from earlier checks, with a new session's full check.
func TestDeriveMatchesFullCheck(t *testing.T) {
	for _, c := range []struct {
		name    string
		module  map[string]string
		file    string
		edits   []struct{ old, new string }
		derives bool
	}{
		{"bodies", incrementalModule, "p/a.go", incrementalEdits, true},
		{"init-cycle", cycleModule, "r/a.go", cycleEdits, false},
		{"literals", bodiesModule, "p/a.go", bodiesEdits, true},
		{"shadowed-import", shadowModule, "s/a.go", shadowEdits, true},
	} {
		// Also with the FileSet swept of unused files after every check:
		// a file removed while something still refers to it would show as
		// a lost position.
		for _, sweep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/sweep=%v", c.name, sweep), func(t *testing.T) {
				sweepAlways = sweep
				defer func() { sweepAlways = false }()
				derived := checkEditsAgainstFull(t, c.module, c.file, c.edits)
				// The short run's fewer edits may derive nothing.
				if c.derives && derived == 0 && !testing.Short() {
					t.Error("no check was derived: the test exercises nothing")
				}
				if !c.derives && derived > 0 {
					t.Errorf("%d checks derived; an initializer reaches the bodies", derived)
				}
			})
		}
	}
}

func checkEditsAgainstFull(t *testing.T, module map[string]string, file string, edits []struct{ old, new string }) int64 {
	dir := writeModule(t, module)
	targets, err := target.ParseList("linux/amd64,windows/amd64,linux/386")
	if err != nil {
		t.Fatal(err)
	}
	editPath := filepath.Join(dir, file)
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewSession()
	// The fresh sessions read the standard library's API from a type
	// cache: what is compared is the check of the module's packages.
	typeCache := t.TempDir()
	steps := 60
	if testing.Short() {
		steps = 20
	}
	for step := range steps {
		// One to three edits from the original file, so that sequences
		// go back and forth between error states.
		text := module[file]
		var applied []int
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(edits))
			e := edits[i]
			if strings.Contains(text, e.old) {
				text = strings.Replace(text, e.old, e.new, 1)
				applied = append(applied, i)
			}
		}
		overlay := map[string][]byte{editPath: []byte(text)}
		opts := Options{Dir: dir, Targets: targets, Overlay: overlay, TypeCacheDir: typeCache}
		got, err := s.Check(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		fresh := NewSession()
		want, err := fresh.Check(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		fresh.Flush()
		if g, w := describe(got), describe(want); g != w {
			t.Fatalf("step %d, edits %v: incremental check differs from a full one:\n--- incremental\n%s\n--- full\n%s\n--- %s\n%s", step, applied, g, w, file, text)
		}
	}
	s.Flush()
	t.Logf("%d of %d type checks derived, %d of them from bodies alone", s.derived.Load(), s.typeChecks.Load(), s.bodiesDerived.Load())
	return s.derived.Load()
}

func describe(res *Result) string {
	var b strings.Builder
	for _, d := range res.Diagnostics {
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d %s %s %s\n", filepath.Base(d.File), d.Line, d.Column, d.EndLine, d.EndColumn, d.Analyzer, d.Severity, d.Message)
		for _, r := range d.Related {
			fmt.Fprintf(&b, "\trelated %s:%d %s\n", filepath.Base(r.File), r.Line, r.Message)
		}
	}
	var pkgs []string
	for _, p := range res.Packages {
		var ts []string
		for tg, v := range p.Targets {
			ts = append(ts, fmt.Sprintf("%s=%s/%s/%s", tg, v.Status, v.Class, v.Message))
		}
		slices.Sort(ts)
		pkgs = append(pkgs, p.Path+" "+strings.Join(ts, " "))
	}
	slices.Sort(pkgs)
	b.WriteString(strings.Join(pkgs, "\n"))
	return b.String()
}

func TestSkeleton(t *testing.T) {
	s := NewSession()
	parse := func(src string) *ast.File {
		t.Helper()
		path := filepath.Join(t.TempDir(), "f.go")
		os.WriteFile(path, []byte(src), 0o644)
		s.files.BeginCheck(nil)
		f, _, err := s.files.Parse(path, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	base := "package p\n\nimport \"fmt\"\n\n// F prints.\nfunc F(x int) {\n\tfmt.Println(x)\n}\n\nvar V = 1\n"
	for _, c := range []struct {
		src  string
		same bool
	}{
		{base, true},
		{strings.Replace(base, "\tfmt.Println(x)\n", "\tfmt.Println(x)\n\tfmt.Println(x + 1)\n", 1), true},
		{strings.Replace(base, "// F prints.", "// F prints x.\n// More.", 1), true},
		{base + "\nvar _ = F\n", true},
		{base + "\nvar _, _ = F, V\n", true},
		{strings.Replace(base, "var V = 1", "var V = 2", 1), false},
		{strings.Replace(base, "func F(x int)", "func F(x int64)", 1), false},
		{base + "\nvar _, W = F, V\n", false},
		{base + "\nfunc G() {}\n", false},
		{strings.Replace(base, "import \"fmt\"", "import (\n\t\"fmt\"\n\t\"os\"\n)", 1), false},
	} {
		a, b := parse(base), parse(c.src)
		if got := s.sameSkeleton(a, b); got != c.same {
			t.Errorf("sameSkeleton(base, %q) = %v, want %v", c.src, got, c.same)
		}
	}
}

// TestLeftOutEditReanalyzes edits a file that one target leaves out: that
// target's units stay the same, but what buildgap says of its undefined
// names changes, in the file's package and in its importer, so their
// analyses must run again.
func TestLeftOutEditReanalyzes(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":         "module example.com/lo\n\ngo 1.22\n",
		"p/use.go":       "package p\n\nfunc Use() int { return helper() }\n",
		"p/h_linux.go":   "package p\n\nfunc helper() int { return 1 }\n\nfunc Helper() int { return 1 }\n",
		"p/h_windows.go": "package p\n",
		"q/q.go":         "package q\n\nimport \"example.com/lo/p\"\n\nvar V = p.Helper()\n",
	})
	targets, err := target.ParseList("linux/amd64,windows/amd64")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession()
	path := filepath.Join(dir, "p", "h_linux.go")
	for i, text := range []string{
		"package p\n\nfunc helper() int { return 1 }\n\nfunc Helper() int { return 1 }\n",
		"package p\n\nfunc helper2() int { return 1 }\n\nfunc helper() int { return helper2() }\n\nfunc Helper() int { return 1 }\n",
		"package p\n\nfunc other() int { return 1 }\n",
		"package p\n\nfunc helper() int { return 1 }\n\n\nfunc Helper() int { return 1 }\n",
	} {
		checkLikeFresh(t, s, Options{Dir: dir, Targets: targets, Overlay: map[string][]byte{path: []byte(text)}}, fmt.Sprintf("edit %d", i))
	}
}

// TestDiskEditsAreSeen changes files on disk behind the session's back: a
// check sees the change at once after Invalidate, and without it once
// the file's trust (source.StatInterval) has run out, also in a package that an
// earlier check carried over unchanged.
func TestDiskEditsAreSeen(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":   "module example.com/disk\n\ngo 1.22\n",
		"a/a.go":   "package a\n\nfunc A() int { return 1 }\n",
		"b/b.go":   "package b\n\nfunc B() int { return 2 }\n",
		"c/c.go":   "package c\n\nimport \"example.com/disk/a\"\n\nvar C int = a.A()\n",
		"d/doc.go": "package d\n",
	})
	targets, err := target.ParseList("linux/amd64,windows/amd64")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession()
	check := func(step string, overlay map[string][]byte) {
		t.Helper()
		checkLikeFresh(t, s, Options{Dir: dir, Targets: targets, Overlay: overlay}, step)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	buffer := func(text string) map[string][]byte {
		return map[string][]byte{filepath.Join(dir, "d", "doc.go"): []byte(text)}
	}
	check("first", nil)
	check("carried", buffer("package d\n\n// edited\n"))

	write("b/b.go", "package b\n\nfunc B() int { return \"not an int\" }\n")
	s.Invalidate()
	check("after Invalidate", buffer("package d\n\n// edited again\n"))

	write("a/a.go", "package a\n\nfunc A() string { return \"changed API\" }\n")
	time.Sleep(source.StatInterval + 50*time.Millisecond)
	check("after the trust ran out", buffer("package d\n\n// and again\n"))
}

// checkLikeFresh checks opts with s and with a new session and fails the
// test if the results differ: what s kept from earlier checks must not
// show.
func checkLikeFresh(t *testing.T, s *Session, opts Options, step string) {
	t.Helper()
	got, err := s.Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := NewSession().Check(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := describe(got), describe(want); g != w {
		t.Fatalf("%s: the session's check differs from a new one's:\n--- session\n%s\n--- new\n%s", step, g, w)
	}
}
