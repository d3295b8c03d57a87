package taghygiene_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/crossls/crossls/analysis/taghygiene"
)

// runOnFile runs the analyzer on a package of one file with the given base
// name and content, placed as a parsed Go file, an ignored Go file or
// another file as the driver would, and returns its findings.
func runOnFile(t *testing.T, base, content string) (*token.FileSet, []analysis.Diagnostic) {
	t.Helper()
	name := "/p/" + base
	fset := token.NewFileSet()
	pass := &analysis.Pass{
		Analyzer: taghygiene.Analyzer,
		Fset:     fset,
		ReadFile: func(file string) ([]byte, error) {
			if file != name {
				t.Fatalf("ReadFile(%q): the analyzer asked for a file it was not given", file)
			}
			return []byte(content), nil
		},
	}
	var diags []analysis.Diagnostic
	pass.Report = func(d analysis.Diagnostic) { diags = append(diags, d) }
	switch {
	case strings.HasSuffix(base, ".go"):
		f, err := parser.ParseFile(fset, name, content, parser.ParseComments|parser.SkipObjectResolution)
		if err == nil {
			pass.Files = append(pass.Files, f)
		} else {
			pass.IgnoredFiles = append(pass.IgnoredFiles, name)
		}
	default:
		pass.OtherFiles = append(pass.OtherFiles, name)
	}
	if _, err := taghygiene.Analyzer.Run(pass); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return fset, diags
}

// FuzzAnalyzer runs the analyzer on arbitrary file names and headers: it
// must not panic, and every finding must point into the file, with fixes
// whose edits replace the reported word and renames to a different,
// plain file name.
func FuzzAnalyzer(f *testing.F) {
	for _, s := range []struct{ name, content string }{
		{"util_windwos.go", "package p\n"},
		{"x_linxu_amd64.go", "// Copyright\n\npackage p\n"},
		{"y_amd64_linux.go", "package p\n"},
		{"asm_amd46.s", "#include \"textflag.h\"\n"},
		{"x_windwos_test.go", "package p_test\n"},
		{"a.go", "//go:build linxu || darwni\n\npackage p\n"},
		{"a.go", "// +build linxu,!windwos\n\npackage p\n"},
		{"a.go", "/* block */ //go:build aarch64\n\npackage p\n"},
		{"a.go", "/*\n//go:build macos\n*/\n//go:build macos\npackage p\n"},
		{"a.go", "//go:build linxu\r\n\r\npackage p\r\n"},
		{"a.go", "//go:build élinux\n\npackage p\n"},
		{"a.go", "//go:build (((\n\npackage p\n"},
		{"a.go", "package p\n//go:build linxu\n"},
		{"a.go", "\xef\xbb\xbf//go:build linxu\n\npackage p\n"},
		{"a.go", "\xff\xfe//go:build linxu\npackage"},
		{"x_Linux.go", ""},
		{"x_macos.pb.go", "package p\n"},
		{"_x_windwos.go", "package p\n"},
		{".x_windwos.go", "package p\n"},
		{"x_mips64x.go", "package p\n"},
		{"x__.go", "package p\n"},
		{"_.go", ""},
		{"x_windwos", ""},
	} {
		f.Add(s.name, s.content)
	}
	f.Fuzz(func(t *testing.T, base, content string) {
		if base == "" || base == "." || base == ".." || strings.ContainsAny(base, "/\\\x00") {
			return // not a file name
		}
		fset, diags := runOnFile(t, base, content)
		for _, d := range diags {
			tf := fset.File(d.Pos)
			if tf == nil || tf.Name() != "/p/"+base {
				t.Fatalf("finding %q is not in the file", d.Message)
			}
			if d.End.IsValid() && (d.End < d.Pos || fset.File(d.End) != tf) {
				t.Errorf("finding %q: bad range [%d, %d)", d.Message, d.Pos, d.End)
			}
			if d.Message == "" {
				t.Errorf("empty message")
			}
			if newBase, ok := taghygiene.RenameTo(d); ok {
				if newBase == base || filepath.Base(newBase) != newBase {
					t.Errorf("RenameTo(%q) = %q", base, newBase)
				}
				continue
			}
			if d.Category == "rename" {
				t.Errorf("rename finding %q without a new name", d.Message)
			}
			for _, fix := range d.SuggestedFixes {
				if len(fix.TextEdits) == 0 {
					t.Errorf("fix %q of %q has no edits", fix.Message, d.Message)
				}
				last := -1
				for _, e := range fix.TextEdits {
					if fset.File(e.Pos) != tf || e.End < e.Pos {
						t.Fatalf("edit of %q outside the file", d.Message)
					}
					start, end := tf.Offset(e.Pos), tf.Offset(e.End)
					if start < last || end > len(content) {
						t.Fatalf("edit [%d,%d) of %q overlaps or leaves the content (%d bytes)", start, end, d.Message, len(content))
					}
					last = end
					if old := content[start:end]; !strings.Contains(d.Message, `"`+old+`"`) {
						t.Errorf("edit replaces %q, which %q does not name", old, d.Message)
					}
				}
			}
		}
	})
}
