package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// TestMergePartialIsOneCheck checks that the parts of a check split by
// targets, in every contiguous split and in an interleaved one, merge into
// the result of one check of all the targets, byte for byte. The modules
// have what merging finished results would get wrong: information said
// once whose imports affect different targets, findings that some targets
// report as errors and others as warnings, and files that only some parts
// build.
func TestMergePartialIsOneCheck(t *testing.T) {
	gaps, _ := filepath.Abs(filepath.Join("testdata", "gaps"))
	fallback := writeModule(t, map[string]string{
		"go.mod": "module example.com/fb\n\ngo 1.22\n",
		"metrics/metrics.go": "package metrics\n\nimport \"errors\"\n\nvar errNotImplemented = errors.New(\"not implemented\")\n\n" +
			"func RSS() uint64 {\n\tif v, err := getMemory(); err == nil {\n\t\treturn v\n\t} else if errors.Is(err, errNotImplemented) {\n\t\treturn 0\n\t}\n\treturn 1\n}\n",
		"metrics/mem_cgo.go":   "//go:build cgo\n\npackage metrics\n\n// static unsigned long long rss(void) { return 1; }\nimport \"C\"\n\nfunc getMemory() (uint64, error) { return uint64(C.rss()), nil }\n",
		"metrics/mem_nocgo.go": "//go:build !cgo\n\npackage metrics\n\nfunc getMemory() (uint64, error) { return 0, errNotImplemented }\n",
		"a/a.go":               "package a\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
		"a2/a2.go":             "package a2\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
		"b/b_linux.go":         "package b\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
		"c/c_windows.go":       "package c\n\nimport \"example.com/fb/metrics\"\n\nvar _ = metrics.RSS\n",
		"d/d.go":               "package d\n\nfunc F() int { return g() }\n",
		"d/g_linux.go":         "package d\n\nfunc g() int { return 1 }\n",
		"e/e_darwin.go":        "package e\n\nconst E = 1\n",
	})
	for _, tc := range []struct {
		dir     string
		targets string
	}{
		{gaps, "linux/amd64,windows/amd64,linux/386,linux/amd64+cgo,darwin/arm64"},
		{fallback, "linux/amd64,windows/amd64,linux/arm64,darwin/arm64,windows/386"},
	} {
		ts, err := target.ParseList(tc.targets)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, len(ts))
		for i, tg := range ts {
			names[i] = tg.String()
		}
		s := NewSession()
		whole, err := s.Check(context.Background(), Options{Dir: tc.dir, Targets: ts})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.MarshalIndent(whole, "", "  ")

		var splits [][][]target.Target
		for n := 1; n <= len(ts); n++ {
			var parts [][]target.Target
			for i := range n {
				parts = append(parts, ts[i*len(ts)/n:(i+1)*len(ts)/n])
			}
			splits = append(splits, parts)
		}
		var even, odd []target.Target
		for i, tg := range ts {
			if i%2 == 0 {
				even = append(even, tg)
			} else {
				odd = append(odd, tg)
			}
		}
		splits = append(splits, [][]target.Target{odd, even})

		for _, split := range splits {
			name := fmt.Sprint(split)
			var parts []*Result
			for _, p := range split {
				res, err := s.Check(context.Background(), Options{Dir: tc.dir, Targets: p, Partial: true})
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, res)
			}
			merged, err := MergePartial(names, parts)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, _ := json.MarshalIndent(merged, "", "  ")
			if !bytes.Equal(got, want) {
				t.Errorf("%s: merged parts differ from one check:\n%s\nwant:\n%s", name, got, want)
			}
		}
	}
}

func TestMergePartialRefusesMismatchedParts(t *testing.T) {
	part := func(targets ...string) *Result {
		return &Result{GoVersion: "go1.26", Targets: targets, Packages: []Package{}, Diagnostics: []Diagnostic{}, Partial: &Partial{}}
	}
	for _, tc := range []struct {
		targets []string
		parts   []*Result
		want    string
	}{
		{[]string{"a/b", "c/d"}, []*Result{part("a/b")}, "no part checked c/d"},
		{[]string{"a/b"}, []*Result{part("a/b"), part("a/b")}, "target a/b is in parts 1 and 2"},
		{[]string{"a/b"}, []*Result{part("x/y")}, "part 1 checked x/y, which is not one of the targets"},
		{[]string{"a/b", "c/d"}, []*Result{part("c/d", "a/b")}, "part 1 lists its targets in another order"},
		{[]string{"a/b"}, []*Result{{GoVersion: "go1.26", Targets: []string{"a/b"}}}, "part 1 is the result of a whole check"},
	} {
		_, err := MergePartial(tc.targets, tc.parts)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("MergePartial(%v): %v, want %q", tc.targets, err, tc.want)
		}
	}
}
