package buildgap_test

import (
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/crossls/crossls/analysis/buildgap"
	"github.com/crossls/crossls/analysis/target"
)

// oracleImplied lists the GOOS values go/build lets satisfy another GOOS
// word (go/build's matchTag).
var oracleImplied = map[string]string{"android": "linux", "illumos": "solaris", "ios": "darwin"}

// sortedWords returns the words of a set in order, so that oracle loops
// are deterministic.
func sortedWords(set map[string]bool) []string {
	var out []string
	for w := range set {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}

// oracleMatch asks go/build whether the file name with the given content
// builds for goos/goarch with exactly the custom tags given: no cgo, no
// compiler, release or tool tags, so that those words are as free as any
// custom tag.
func oracleMatch(t *testing.T, name, content, goos, goarch string, tags []string) bool {
	t.Helper()
	ctxt := build.Context{
		GOOS:      goos,
		GOARCH:    goarch,
		BuildTags: tags,
		OpenFile: func(string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(content)), nil
		},
	}
	if slices.Contains(tags, "boringcrypto") {
		// go/build reads "boringcrypto" as goexperiment.boringcrypto.
		ctxt.BuildTags = append(slices.Clone(tags), "goexperiment.boringcrypto")
	}
	ok, err := ctxt.MatchFile("/m", name)
	if err != nil {
		t.Skipf("go/build cannot read %q: %v", content, err)
	}
	return ok
}

// oracleName reports whether name is a file go/build would consider at all,
// so that its verdict says something about the name's suffixes.
func oracleName(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".") &&
		!strings.ContainsAny(name, "/\\\x00") && filepath.Base(name) == name
}

var fuzzConstraintSeeds = []struct{ name, line string }{
	{"a.go", ""},
	{"a_linux.go", "//go:build linux"},
	{"a_linux.go", "//go:build windows"},
	{"a_darwin.go", "//go:build ios"},
	{"a_linux_arm64.go", "//go:build !arm64"},
	{"a_windows_test.go", "//go:build !windows || cgo"},
	{"a_android.go", "//go:build linux && !android"},
	{"a.go", "//go:build linux && windows"},
	{"a.go", "//go:build unix && !(linux || darwin || aix || android || dragonfly || freebsd || hurd || illumos || ios || netbsd || openbsd || solaris)"},
	{"a.go", "//go:build integration && !integration"},
	{"a.go", "//go:build boringcrypto && !goexperiment.boringcrypto"},
	{"a.go", "//go:build go1.21 && !gc && gccgo"},
	{"a.pb_linux.go", "//go:build windows"},
	{"x_linux.pb.go", "//go:build windows"},
	{"x_linux.pb.go", ""},
	{"x_amd64_linux.go", "//go:build amd64"},
	{"x_nacl_amd64p32.go", ""},
	{"x_windwos.go", ""},
	{"x_test.go", "//go:build (a || b) && (!a || !b) && c"},
	{"linux.go", "//go:build !linux"},
	{"x_js_wasm.go", "//go:build !js"},
	{"a_solaris.go", "//go:build illumos"},
	{"a_plan9_test_test.go", "//go:build plan9"},
	{"a.go", "// +build linux,!linux"},
	{"a.go", "//go:build ((((linux"},
}

// FuzzConstraints compares FileNameTags and Satisfiable with go/build's own
// file matching, evaluated over every GOOS/GOARCH word it knows and every
// setting of the other tags in the constraint, and checks that BuildExpr,
// BuildsFor and MissingName never panic on whatever a file holds.
func FuzzConstraints(f *testing.F) {
	for _, s := range fuzzConstraintSeeds {
		f.Add(s.name, s.line)
	}
	oses, arches := sortedWords(target.KnownOS), sortedWords(target.KnownArch)
	f.Fuzz(func(t *testing.T, name, line string) {
		content := line + "\n\npackage p\n"
		goos, goarch := buildgap.FileNameTags(name)
		if goos != "" && !target.KnownOS[goos] || goarch != "" && !target.KnownArch[goarch] {
			t.Fatalf("FileNameTags(%q) = %q, %q: not known words", name, goos, goarch)
		}

		// Whatever the file holds, the helpers return.
		fset := token.NewFileSet()
		file, _ := parser.ParseFile(fset, "/m/"+name, content, parser.ParseComments|parser.SkipObjectResolution)
		if file != nil {
			_ = buildgap.BuildsFor("/m/"+name, file)
			_ = buildgap.IndexDecls(fset, []*ast.File{file})
			_ = buildgap.BuildOSes(fset, []*ast.File{file})
		}
		_, _ = buildgap.MissingName(types.Error{Msg: line})
		_, _ = buildgap.MissingName(types.Error{Msg: name})

		if !oracleName(name) {
			return
		}
		// The name alone: it builds exactly for the GOOS and GOARCH it names.
		for _, os := range oses {
			for _, arch := range arches {
				want := oracleMatch(t, name, "package p\n", os, arch, nil)
				got := (goos == "" || os == goos || oracleImplied[os] == goos) && (goarch == "" || arch == goarch)
				if got != want {
					t.Fatalf("FileNameTags(%q) = %q, %q, so built for %s/%s = %v; go/build says %v", name, goos, goarch, os, arch, got, want)
				}
			}
		}

		if !constraint.IsGoBuild(line) || strings.ContainsAny(line, "\r\n") {
			return
		}
		expr, err := constraint.Parse(line)
		if err != nil {
			return
		}
		if file != nil {
			if got := buildgap.BuildExpr(file); got == nil || got.String() != expr.String() {
				t.Errorf("BuildExpr = %v, want %v", got, expr)
			}
		}
		free := freeTags(expr)
		if len(free) > 4 {
			return // 2^n settings of each of ~400 pairs: keep each input fast
		}
		want := false
	search:
		for _, os := range oses {
			for _, arch := range arches {
				for mask := 0; mask < 1<<len(free); mask++ {
					var tags []string
					for i, tag := range free {
						if mask&(1<<i) != 0 {
							tags = append(tags, tag)
						}
					}
					if oracleMatch(t, name, content, os, arch, tags) {
						want = true
						break search
					}
				}
			}
		}
		if got := buildgap.Satisfiable(expr, goos, goarch); got != want {
			t.Errorf("Satisfiable(%q, %q, %q) = %v; go/build finds a configuration: %v", expr, goos, goarch, got, want)
		}
	})
}

// freeTags returns the tags of expr that are not GOOS or GOARCH words,
// which a build may set or not.
func freeTags(expr constraint.Expr) []string {
	var out []string
	expr.Eval(func(tag string) bool {
		if !target.KnownOS[tag] && !target.KnownArch[tag] && tag != "unix" && !slices.Contains(out, tag) {
			out = append(out, tag)
		}
		return false
	})
	return out
}

// TestIgnoredFileWithoutPackageClause runs the analyzer on a package whose
// files for other targets are empty or have no package clause: such files
// parse without a position for the clause, which once made it panic.
func TestIgnoredFileWithoutPackageClause(t *testing.T) {
	t.Setenv("GOOS", "linux")
	t.Setenv("GOARCH", "amd64")
	dir := t.TempDir()
	for name, content := range map[string]string{
		"src/e/e.go":         "package e\n\nfunc F() {}\n",
		"src/e/e_windows.go": "",
		"src/e/e_plan9.go":   "//go:build plan9 && windows\n\nfunc G() {}\n",
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	analysistest.Run(t, dir, buildgap.Analyzer, "e")
}
