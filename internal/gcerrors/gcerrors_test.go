package gcerrors

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestAgainstCompiler checks each case's errors against the compiler's:
// the same messages at the same lines and columns, and none else. The
// compiler reports the late errors only when it found none while parsing
// and type checking; none of these files has a type error. Functions
// without a body are the driver's (their assembly depends on the target).
func TestAgainstCompiler(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	cases := map[string]string{
		"clean": `package p

import _ "unsafe"

//go:noinline
func f() {}

//go:linkname g runtime.g
func g()
`,
		"trailing":             "package p\n\nvar x = 1 //go:noinline\n",
		"trailing-before-func": "package p\n\nvar x = 1 //go:noinline\nfunc f() {}\n",
		"unattached":           "package p\n\n//go:noinline\n\nvar y = 2\n\nfunc z() {}\n",
		"linkname-no-unsafe":   "package p\n\n//go:linkname f runtime.f\nfunc f() {}\n",
		"linkname-undeclared":  "package p\n\nimport _ \"unsafe\"\n\n//go:linkname nothing runtime.nothing\n",
		"linkname-usage":       "package p\n\nimport _ \"unsafe\"\n\n//go:linkname\nfunc f() {}\n",
		"noescape-body":        "package p\n\n//go:noescape\nfunc f(p *int) {}\n",
		"runtime-only":         "package p\n\n//go:systemstack\nfunc f() {}\n",
		"std-only":             "package p\n\n//go:uintptrkeepalive\nfunc f(uintptr) {}\n",
		"cgo-only":             "package p\n\n//go:cgo_ldflag \"-lm\"\n",
		"embed-no-import":      "package p\n\n//go:embed a.txt\nvar s string\n",
		"embed-initializer":    "package p\n\nimport _ \"embed\"\n\n//go:embed a.txt\nvar s string = \"x\"\n",
		"embed-usage":          "package p\n\nimport _ \"embed\"\n\n//go:embed\nvar s string\n",
		"embed-on-func":        "package p\n\nimport _ \"embed\"\n\n//go:embed a.txt\nfunc f() {}\n",
		"nosplit-type":         "package p\n\n//go:nosplit\ntype T int\n",
		"too-large":            "package p\n\nvar big [3 << 30]byte\n",
		"methods": `package p

type T struct{}

//go:noescape
func (T) m(p *int) {}
`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			files := map[string]string{
				"go.mod": "module example.com/p\n\ngo 1.22\n",
				"p.go":   src,
				"a.txt":  "embedded\n",
			}
			for n, data := range files {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := compilerErrors(t, dir)
			got := predicted(t, dir, src)
			if !slices.Equal(got, want) {
				t.Errorf("for\n%s\ngcerrors: %q\ncompiler: %q", src, got, want)
			}
		})
	}
}

// compilerErrors returns the compiler's errors for the package in dir, as
// "line:col: message", sorted.
func compilerErrors(t *testing.T, dir string) []string {
	cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=", "GOWORK=off")
	out, _ := cmd.CombinedOutput()
	re := regexp.MustCompile(`(?m)^\./p\.go:(\d+:\d+): (.*)$`)
	var errs []string
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		errs = append(errs, m[1]+": "+m[2])
	}
	if len(errs) == 0 && strings.Contains(string(out), "error") {
		t.Fatalf("go build: %s", out)
	}
	slices.Sort(errs)
	return errs
}

// predicted returns what Check says the compiler reports, in the same form.
func predicted(t *testing.T, dir, src string) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(dir, "p.go"), src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			pkg := types.NewPackage(path, path)
			pkg.MarkComplete()
			return pkg, nil
		}),
		Sizes:     types.SizesFor("gc", "amd64"),
		GoVersion: "go1.22",
		Error:     func(error) {},
	}
	pkg, _ := conf.Check("example.com/p", fset, []*ast.File{f}, nil)
	early, late := Check(fset, []File{{Syntax: f, Src: []byte(src)}}, pkg, conf.Sizes, "example.com/p", "go1.22")
	errs := early
	if len(errs) == 0 {
		errs = late
	}
	var out []string
	for _, e := range errs {
		p := fset.Position(e.Pos)
		out = append(out, fmt.Sprintf("%d:%d: %s", p.Line, p.Column, e.Msg))
	}
	slices.Sort(out)
	return out
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
