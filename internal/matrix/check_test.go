package matrix

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

func checkFixture(t *testing.T, s *Session, fixture, targets string, overlay map[string][]byte) (*Result, string) {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("testdata", fixture))
	ts, err := target.ParseList(targets)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Check(context.Background(), Options{Dir: dir, Targets: ts, Overlay: overlay})
	if err != nil {
		t.Fatal(err)
	}
	return res, dir
}

// TestGapsFixture is the specification of the findings on the gaps
// fixture: one line per finding, file:line analyzer severity targets text.
func TestGapsFixture(t *testing.T) {
	res, dir := checkFixture(t, NewSession(), "gaps", "linux/amd64,windows/amd64,linux/386,linux/amd64+cgo", nil)
	var got []string
	for _, d := range res.Diagnostics {
		rel, _ := filepath.Rel(dir, d.File)
		got = append(got, fmt.Sprintf("%s:%d %s %s %s", rel, d.Line, d.Analyzer, d.Severity, d.Message))
	}
	want := []string{
		`asmpkg/asm.go:4 buildgap error [linux/386] missing function body: add has no Go body and no assembly provides it for this target`,
		`cgopkg/c.go:4 cgo warning [linux/amd64 windows/amd64 linux/386] this file imports "C" and is left out of the build when CGO_ENABLED=0, with nothing in its place: enable cgo for these targets or add a !cgo fallback`,
		`cgopkg/pure.go:4 cgo error [linux/amd64 windows/amd64 linux/386] cVersion is defined only in a cgo file (c.go), which is left out when CGO_ENABLED=0`,
		`cmd/usecgo/main.go:6 cgo error [linux/amd64 windows/amd64 linux/386] example.com/gaps/cgoonly cannot build without cgo: its Go files build only with cgo`,
		`cmd/usecgo/main.go:9 cgo error [linux/amd64 windows/amd64 linux/386] cgoonly.Two is defined only in a cgo file of example.com/gaps/cgoonly (only.go), which is left out when CGO_ENABLED=0`,
		`cmd/usewin/main.go:6 buildgap error [linux/amd64 linux/386 linux/amd64+cgo] example.com/gaps/winonly has no Go files for this target: build constraints exclude all of them (its files build for windows)`,
		`main.go:6 buildgap error [windows/amd64] undefined: platformName (defined for darwin, linux)`,
		`never.go:1 buildgap warning [all targets] build constraint "linux && windows" can never be satisfied: this file is never built`,
		`overflow/big.go:6 buildgap error [linux/386] cannot use big (untyped int constant 1099511627776) as int value in variable declaration (overflows)`,
		`p9only/note_plan9.go:1 buildgap info [all targets] no configured target builds this file (it builds for plan9), so it is never checked: add a target for it or remove it`,
		`plan9only.go:3 buildgap info [all targets] no configured target builds this file (it builds for plan9), so it is never checked: add a target for it or remove it`,
		`platform_darwin.go:1 buildgap info [all targets] no configured target builds this file (it builds for darwin), so it is never checked: add a target for it or remove it`,
		`sysfield/stat.go:10 buildgap error [windows/amd64] undefined: syscall.Stat_t`,
		`unformatted.go:3 format warning [all targets] file is not gofmt-formatted`,
		`util_windwos.go:1 taghygiene warning [all targets] file name suffix "windwos" is not a known GOOS: this file builds on every target; did you mean "windows"?`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	classes := map[string]map[string]string{}
	for _, p := range res.Packages {
		classes[p.Path] = map[string]string{}
		for tg, v := range p.Targets {
			if v.Status == "fail" {
				classes[p.Path][tg] = v.Class
			}
		}
	}
	for _, c := range []struct{ pkg, target, class string }{
		{"example.com/gaps", "windows/amd64", ClassUndefinedSymbol},
		{"example.com/gaps", "linux/amd64", ""},
		{"example.com/gaps/cgopkg", "linux/amd64", ClassCgoRequired},
		{"example.com/gaps/cgopkg", "linux/amd64+cgo", ""},
		{"example.com/gaps/cgoonly", "linux/amd64", ClassCgoRequired},
		{"example.com/gaps/winonly", "linux/amd64", ClassNoGoFiles},
		{"example.com/gaps/winonly", "windows/amd64", ""},
		{"example.com/gaps/p9only", "windows/amd64", ClassNoGoFiles},
		{"example.com/gaps/cgoonly", "linux/amd64+cgo", ""},
		{"example.com/gaps/cmd/usewin", "linux/386", ClassDependencyFails},
		{"example.com/gaps/overflow", "linux/386", ClassTypeError},
		{"example.com/gaps/overflow", "linux/amd64", ""},
		{"example.com/gaps/asmpkg", "linux/386", ClassTypeError},
		{"example.com/gaps/sysfield", "windows/amd64", ClassUndefinedSymbol}, // syscall.Stat_t: declared for other targets
	} {
		if got := classes[c.pkg][c.target]; got != c.class {
			t.Errorf("%s for %s: class %q, want %q", c.pkg, c.target, got, c.class)
		}
	}
}

// TestOverlayEdits checks that unsaved buffers are what is analyzed, and
// that a session follows a sequence of edits.
func TestOverlayEdits(t *testing.T) {
	s := NewSession()
	dir, _ := filepath.Abs("testdata/gaps")
	main := filepath.Join(dir, "main.go")
	count := func(res *Result, substr string) int {
		n := 0
		for _, d := range res.Diagnostics {
			if strings.Contains(d.Message, substr) {
				n++
			}
		}
		return n
	}
	const targets = "linux/amd64,windows/amd64"
	res, _ := checkFixture(t, s, "gaps", targets, nil)
	if count(res, "undefined: platformName") != 1 {
		t.Fatalf("want the platformName finding on disk contents")
	}
	fixed := []byte("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"portable\")\n}\n")
	res, _ = checkFixture(t, s, "gaps", targets, map[string][]byte{main: fixed})
	if count(res, "undefined: platformName") != 0 {
		t.Errorf("the overlay removed the call, but the finding is still there")
	}
	broken := []byte("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(platformName(), registryOnly())\n}\n")
	res, _ = checkFixture(t, s, "gaps", targets, map[string][]byte{main: broken})
	if count(res, "undefined: registryOnly") != 1 || count(res, "undefined: platformName") != 1 {
		t.Errorf("after the second edit: %v", res.Diagnostics)
	}
	// Back to the disk contents.
	res, _ = checkFixture(t, s, "gaps", targets, nil)
	if count(res, "undefined: registryOnly") != 0 || count(res, "undefined: platformName") != 1 {
		t.Errorf("after dropping the overlay: %v", res.Diagnostics)
	}
}

// TestCgoChainThroughDriver runs the cgo analyzer's dependency chains
// through the driver, whose type checks record less than go/packages: the
// uses of names and methods defined only in a dependency's cgo files must
// still be explained.
func TestCgoChainThroughDriver(t *testing.T) {
	dir := cgoChainModule(t)
	ts, _ := target.ParseList("linux/amd64")
	res, err := NewSession().Check(context.Background(), Options{Dir: dir, Targets: ts})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Diagnostics {
		if rel, _ := filepath.Rel(dir, d.File); rel == filepath.Join("user", "user.go") {
			got = append(got, fmt.Sprintf("%d %s", d.Line, d.Message))
		}
	}
	want := []string{
		`3 [linux/amd64] chain/c needs cgo: c.go imports "C" and nothing replaces it when CGO_ENABLED=0; enable cgo for these targets or use a package that works without it`,
		`7 [linux/amd64] db.Exec undefined (type c.DB has no field or method Exec)`,
		`7 [linux/amd64] method c.DB.Exec is defined only in a cgo file of chain/c (c.go), which is left out when CGO_ENABLED=0`,
		`8 [linux/amd64] c.Free is defined only in a cgo file of chain/c (c.go), which is left out when CGO_ENABLED=0`,
		`8 [linux/amd64] undefined: c.Free`,
		`9 [linux/amd64] c.Open is defined only in a cgo file of chain/c (c.go), which is left out when CGO_ENABLED=0`,
		`9 [linux/amd64] undefined: c.Open`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("user.go:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// cgoChainModule copies the cgo analyzer's chain fixture (a GOPATH tree
// for analysistest) into a module named chain.
func cgoChainModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "analysis", "cgo", "testdata", "src", "chain"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module chain\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCgoChainThroughDependencies checks the chain when the cgo package
// is a dependency rather than a checked package: its fact comes from a
// type check that records no syntax information. The package that
// imports it directly reports it; the one that reaches it through that
// package, in the same module, does not.
func TestCgoChainThroughDependencies(t *testing.T) {
	dir := cgoChainModule(t)
	ts, _ := target.ParseList("linux/amd64")
	s := NewSession()
	check := func(overlay map[string][]byte) {
		t.Helper()
		res, err := s.Check(context.Background(), Options{Dir: dir, Targets: ts, Patterns: []string{"./a", "./b"}, Overlay: overlay})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range res.Diagnostics {
			if d.Analyzer == "cgo" {
				got = append(got, fmt.Sprintf("%s:%d %s", filepath.Base(d.File), d.Line, d.Message))
			}
		}
		want := []string{`b.go:3 [linux/amd64] chain/c needs cgo: c.go imports "C" and nothing replaces it when CGO_ENABLED=0; enable cgo for these targets or use a package that works without it`}
		if !slices.Equal(got, want) {
			t.Errorf("cgo findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	check(nil)
	// A change to a file the target leaves out runs the cgo analyzer on
	// the dependencies again, after the session dropped their syntax.
	cgoFile := filepath.Join(dir, "c", "c.go")
	src, err := os.ReadFile(cgoFile)
	if err != nil {
		t.Fatal(err)
	}
	check(map[string][]byte{cgoFile: append(src, "\n// edited\n"...)})
}

// TestPackagesWithoutBuildableFiles checks packages that go list reports
// without an error although go build fails: every file left out because it
// imports "C" (the test files keep the package listed), and test files
// only; and their importers.
func TestPackagesWithoutBuildableFiles(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":      "module example.com/nofiles\n\ngo 1.22\n",
		"x/x.go":      "package x\n\nimport \"C\"\n\nfunc F() {}\n",
		"x/x_test.go": "package x\n",
		"y/y_test.go": "package y\n",
		"z/z.go":      "package z\n\nimport (\n\t_ \"example.com/nofiles/x\"\n\t_ \"example.com/nofiles/y\"\n)\n",
	})
	targets := []target.Target{{GOOS: "linux", GOARCH: "amd64"}}
	res, err := Check(context.Background(), Options{Dir: dir, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	for pkg, class := range map[string]string{"x": ClassCgoRequired, "y": ClassNoGoFiles, "z": ClassDependencyFails} {
		if v := verdictOf(res, "example.com/nofiles/"+pkg, "linux/amd64"); v.Status != "fail" || v.Class != class {
			t.Errorf("%s: %+v, want class %s", pkg, v, class)
		}
	}
	compareWithGoBuild(t, dir, targets, res, false)
}

// TestClassesFollowTheFirstError checks the documented classes where a
// name is missing for a target: a qualified name of the standard library,
// a method of another package's type, a name declared only in cgo files of
// an imported package; and that the class follows the compiler's first
// error when several hold.
func TestClassesFollowTheFirstError(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":       "module example.com/classes\n\ngo 1.22\n",
		"tty/tty.go":   "package tty\n\nimport \"syscall\"\n\nconst Req = syscall.TIOCGWINSZ\n",
		"a/a.go":       "package a\n\ntype T struct{}\n\nfunc New() T { return T{} }\n",
		"a/m_linux.go": "package a\n\nfunc (T) M() {}\n",
		"a/c.go":       "package a\n\nimport \"C\"\n\nfunc Native() {}\n",
		"b/b.go":       "package b\n\nimport \"example.com/classes/a\"\n\nfunc Get() a.T { return a.New() }\n",
		"c/c.go":       "package c\n\nimport \"example.com/classes/b\"\n\nfunc F() { b.Get().M() }\n",
		"d/d.go":       "package d\n\nimport \"example.com/classes/a\"\n\nfunc F() { a.Native() }\n",
		"e/e.go":       "package e\n\nvar X int = \"one\"\n\nvar Y = onlyLinux\n",
		"e/e_linux.go": "package e\n\nvar onlyLinux = 1\n",
		"f/f.go":       "package f\n\nvar Y = onlyLinux\n\nvar X int = \"one\"\n",
		"f/f_linux.go": "package f\n\nvar onlyLinux = 1\n",
	})
	targets, err := target.ParseList("linux/amd64,windows/amd64,plan9/amd64,linux/amd64+cgo")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), Options{Dir: dir, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ pkg, target, class string }{
		{"tty", "plan9/amd64", ClassUndefinedSymbol},
		{"tty", "windows/amd64", ClassUndefinedSymbol},
		{"c", "windows/amd64", ClassUndefinedSymbol},
		{"d", "linux/amd64", ClassCgoRequired},
		{"e", "windows/amd64", ClassTypeError},
		{"f", "windows/amd64", ClassUndefinedSymbol},
	} {
		if v := verdictOf(res, "example.com/classes/"+c.pkg, c.target); v.Status != "fail" || v.Class != c.class {
			t.Errorf("%s for %s: %+v, want class %s", c.pkg, c.target, v, c.class)
		}
	}
	compareWithGoBuild(t, dir, targets, res, false)
}

// TestCgoTargets checks that cgo targets run cgo as go build does: C
// declarations type-check (a struct field of C type), a missing header
// fails at its #include, a target whose C compiler does not work fails
// every package that needs cgo, and a C compiler the project configures
// runs only when the project is trusted: otherwise its packages are
// unchecked, never ok.
func TestCgoTargets(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc for cgo")
	}
	dir := writeModule(t, map[string]string{
		"go.mod": "module example.com/cgot\n\ngo 1.22\n",
		"ok/ok.go": `package ok

/*
struct pt { int x; int y; };
static int add(struct pt *p) { return p->x + p->y; }
*/
import "C"

type P struct{ c C.struct_pt }

func Sum(p *P) int { return int(C.add(&p.c)) + int(p.c.x) }
`,
		"header/h.go":  "package header\n\n// #include \"missing.h\"\nimport \"C\"\n\nfunc F() int { return int(C.f()) }\n",
		"user/user.go": "package user\n\nimport \"example.com/cgot/ok\"\n\nvar X = ok.Sum\n",
		"pure/pure.go": "package pure\n\nvar Y = 1\n",
		// net needs cgo when cgo is on: it builds exactly when the
		// target's C compiler does.
		"netuser/n.go": "package netuser\n\nimport \"net\"\n\nvar Z = net.ParseIP\n",
	})
	host := target.Target{GOOS: "linux", GOARCH: "amd64", Cgo: true}
	cross := target.Target{GOOS: "linux", GOARCH: "arm64", Cgo: true}
	targets := []target.Target{host, cross}
	res, err := Check(context.Background(), Options{Dir: dir, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ pkg, target, status, class string }{
		{"ok", "linux/amd64+cgo", "ok", ""},
		{"user", "linux/amd64+cgo", "ok", ""},
		{"header", "linux/amd64+cgo", "fail", ClassOther},
		{"ok", "linux/arm64+cgo", "fail", ClassOther},
		{"user", "linux/arm64+cgo", "fail", ClassOther},
		{"pure", "linux/arm64+cgo", "ok", ""},
		{"netuser", "linux/amd64+cgo", "ok", ""},
		{"netuser", "linux/arm64+cgo", "fail", ClassOther},
	} {
		if v := verdictOf(res, "example.com/cgot/"+c.pkg, c.target); v.Status != c.status || v.Class != c.class {
			t.Errorf("%s for %s: %+v, want %s %s", c.pkg, c.target, v, c.status, c.class)
		}
	}
	if v := verdictOf(res, "example.com/cgot/header", "linux/amd64+cgo"); !strings.HasSuffix(v.Pos, "header/h.go:3:11") || !strings.Contains(v.Message, "missing.h") {
		t.Errorf("missing header: %+v, want it at the #include", v)
	}
	compareWithGoBuild(t, dir, targets, res, false)

	// The same host target with a C compiler from the project's
	// configuration: unchecked unless the project is trusted.
	configured := host
	configured.CC = "gcc"
	for _, trust := range []bool{false, true} {
		res, err := Check(context.Background(), Options{Dir: dir, Targets: []target.Target{configured}, TrustProject: trust})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"ok": "unchecked", "user": "unchecked", "pure": "ok"}
		if trust {
			want = map[string]string{"ok": "ok", "user": "ok", "pure": "ok"}
		}
		for pkg, status := range want {
			if v := verdictOf(res, "example.com/cgot/"+pkg, "linux/amd64+cgo"); v.Status != status {
				t.Errorf("trusted=%v: %s: %+v, want %s", trust, pkg, v, status)
			}
		}
	}
}

// TestUntrustedProjectCCNeverRuns checks that a C compiler and cgo tools
// that the project's configuration chooses for a target (cc; CXX and
// PKG_CONFIG in its env) never run when the project is not trusted, for
// the target's listing nor any check after it, and that they do run once
// it is.
func TestUntrustedProjectCCNeverRuns(t *testing.T) {
	bin := t.TempDir()
	marker := filepath.Join(bin, "ran")
	for _, name := range []string{"cc", "cxx", "pkg-config"} {
		script := "#!/bin/sh\necho " + name + " \"$@\" >> '" + marker + "'\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := writeModule(t, map[string]string{
		"go.mod":           "module example.com/evilcc\n\ngo 1.22\n",
		"native/native.go": "package native\n\n/*\n#cgo pkg-config: zlib\nint twice(int x) { return 2 * x; }\n*/\nimport \"C\"\n\nfunc Twice(x int) int { return int(C.twice(C.int(x))) }\n",
		"native/extra.cc":  "extern \"C\" int extra() { return 0; }\n",
		"app/app.go":       "package app\n\nimport \"example.com/evilcc/native\"\n\nvar X = native.Twice(2)\n",
	})
	configured := []target.Target{
		{GOOS: "linux", GOARCH: "amd64", Cgo: true, CC: filepath.Join(bin, "cc")},
		{GOOS: "darwin", GOARCH: "arm64", Cgo: true, Env: []string{"CXX=" + filepath.Join(bin, "cxx"), "PKG_CONFIG=" + filepath.Join(bin, "pkg-config")}},
	}
	s := NewSession()
	for range 2 {
		res, err := s.Check(context.Background(), Options{Dir: dir, Targets: configured})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range configured {
			for _, pkg := range []string{"native", "app"} {
				if v := verdictOf(res, "example.com/evilcc/"+pkg, tg.String()); v.Status != "unchecked" {
					t.Errorf("untrusted: %s for %s: %+v, want unchecked", pkg, tg, v)
				}
			}
		}
	}
	if data, err := os.ReadFile(marker); err == nil {
		t.Fatalf("an untrusted project's C toolchain ran:\n%s", data)
	}
	if _, err := s.Check(context.Background(), Options{Dir: dir, Targets: configured, TrustProject: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("a trusted project's configured C compiler did not run")
	}
}

// TestProgress checks that a check tells its Progress hook of each
// target as its check ends, with the packages it checked.
func TestProgress(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "gaps"))
	ts, err := target.ParseList("linux/amd64,windows/amd64,linux/386")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string][]int{}
	res, err := NewSession().Check(context.Background(), Options{Dir: dir, Targets: ts, Progress: func(tg target.Target, packages int) {
		mu.Lock()
		defer mu.Unlock()
		got[tg.String()] = append(got[tg.String()], packages)
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range ts {
		// The packages with Go files for the target: not winonly on linux.
		want := 0
		for _, p := range res.Packages {
			if v, ok := p.Targets[tg.String()]; ok && !strings.HasPrefix(v.Message, "build constraints exclude all Go files") {
				want++
			}
		}
		if n := got[tg.String()]; len(n) != 1 || n[0] != want || want == 0 {
			t.Errorf("%s: reported %v, want once with its %d packages", tg, n, want)
		}
	}
	if got["windows/amd64"][0] != got["linux/amd64"][0]+1 {
		t.Errorf("windows/amd64 checks winonly, linux/amd64 does not: %v", got)
	}
	if len(got) != len(ts) {
		t.Errorf("reported %v", got)
	}
}
