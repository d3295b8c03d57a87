package buildgap

import (
	"go/build/constraint"
	"testing"
)

func TestSatisfiable(t *testing.T) {
	for _, tc := range []struct {
		expr         string
		goos, goarch string
		want         bool
	}{
		{"linux && windows", "", "", false},
		{"linux || windows", "", "", true},
		{"android && linux", "", "", true}, // android implies linux
		{"unix && windows", "", "", false},
		{"unix && !linux", "", "", true},
		{"amd64 && arm64", "", "", false},
		{"windows", "linux", "", false},
		{"!windows", "linux", "", true},
		{"arm64", "", "amd64", false},
		{"cgo && !cgo", "", "", false},
		{"integration", "", "", true},
		{"go1.21 && linux", "", "", true},
		{"", "linux", "amd64", true},
	} {
		var expr constraint.Expr
		if tc.expr != "" {
			var err error
			if expr, err = constraint.Parse("//go:build " + tc.expr); err != nil {
				t.Fatal(err)
			}
		}
		if got := Satisfiable(expr, tc.goos, tc.goarch); got != tc.want {
			t.Errorf("Satisfiable(%q, %q, %q) = %v, want %v", tc.expr, tc.goos, tc.goarch, got, tc.want)
		}
	}
}

func TestFileNameTags(t *testing.T) {
	for name, want := range map[string][2]string{
		"a_linux.go":        {"linux", ""},
		"a_linux_arm64.go":  {"linux", "arm64"},
		"a_arm64.go":        {"", "arm64"},
		"a_windows_test.go": {"windows", ""},
		"linux.go":          {"", ""},
		"a_windwos.go":      {"", ""},
		"x_string.go":       {"", ""},
	} {
		goos, goarch := FileNameTags(name)
		if goos != want[0] || goarch != want[1] {
			t.Errorf("FileNameTags(%q) = %q, %q, want %q, %q", name, goos, goarch, want[0], want[1])
		}
	}
}
