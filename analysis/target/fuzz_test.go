package target_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

var fuzzTargetSeeds = []string{
	"linux/amd64",
	"linux/arm/v7",
	"linux/arm/7",
	"linux/amd64/v3+cgo",
	"linux_arm_7",
	"linux_amd64_v3",
	"darwin_arm64",
	"windows/amd64+cgo",
	"js/wasm+cgo",
	"darwinx/arm64",
	"darwin/386",
	"linux/arm64/v8.0",
	"linux/arm64/v9.5,lse,crypto",
	"linux/arm/v5,softfloat",
	"linux/mips/softfloat",
	"linux/ppc64le/power10",
	"linux/riscv64/rva23u64",
	"linux/386/sse2",
	"linux/amd64/v5",
	"linux/arm/v",
	"linux/arm/vv7",
	"a/b/c/d",
	"a_b_c_d",
	"/",
	"_",
	"+cgo",
	"linux/amd64+cgo+cgo",
	" linux/amd64 ",
	"linux/amd64\x00",
	"linux/\xffamd64",
	"linux/amd64\u00a0+cgo",
	"Linux/AMD64",
	"linux/amd64, darwin/arm64 windows_amd64",
	",,,",
}

// FuzzParse checks that Parse and ParseList never panic, that what Parse
// accepts has a canonical spelling that parses back to the same target,
// and that validation of any parsed target returns rather than panics.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzTargetSeeds {
		f.Add(s)
	}
	dist, err := target.LoadDist(context.Background(), "go")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := target.Parse(s)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("Parse(%q): empty error", s)
			}
		} else {
			if tg.GOOS == "" || tg.GOARCH == "" {
				t.Errorf("Parse(%q) = %+v: empty GOOS or GOARCH", s, tg)
			}
			back, err := target.Parse(tg.String())
			if err != nil {
				t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, tg.String(), err)
			}
			if !equalTargets(back, tg) {
				t.Errorf("Parse(%q) = %+v, but its String %q parses as %+v", s, tg, tg.String(), back)
			}
			verr := dist.Validate(tg)
			if verr == nil {
				if _, ok := dist.Lookup(tg.GOOS, tg.GOARCH); !ok {
					t.Errorf("Validate accepted %s, which is not in the dist list", tg)
				}
				checkValidTarget(t, tg)
			} else if verr.Error() == "" {
				t.Errorf("Validate(%s): empty error", tg)
			}
		}

		list, err := target.ParseList(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, tg := range list {
			if seen[tg.String()] {
				t.Errorf("ParseList(%q) repeats %s", s, tg)
			}
			seen[tg.String()] = true
			if _, err := target.Parse(tg.String()); err != nil {
				t.Errorf("ParseList(%q) returned %s, which does not parse: %v", s, tg, err)
			}
		}
	})
}

// checkValidTarget checks the derived forms of a target that passed
// validation: its environment names the target, and its build context
// matches it.
func checkValidTarget(t *testing.T, tg target.Target) {
	t.Helper()
	env := tg.Environ()
	for _, want := range []string{"GOOS=" + tg.GOOS, "GOARCH=" + tg.GOARCH} {
		if !slices.Contains(env, want) {
			t.Errorf("%s: Environ() = %q lacks %s", tg, env, want)
		}
	}
	if v := tg.VariantVar(); tg.Variant != "" && !slices.Contains(env, v+"="+tg.Variant) {
		t.Errorf("%s: Environ() = %q lacks %s=%s", tg, env, v, tg.Variant)
	}
	ctxt := tg.Context()
	if ctxt.GOOS != tg.GOOS || ctxt.GOARCH != tg.GOARCH || ctxt.CgoEnabled != tg.Cgo {
		t.Errorf("%s: Context() = %s/%s cgo=%v", tg, ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled)
	}
	if suffix := tg.OutputSuffix(); !strings.HasPrefix(suffix, "-"+tg.GOOS+"-"+tg.GOARCH) {
		t.Errorf("%s: OutputSuffix() = %q", tg, suffix)
	}
}

func equalTargets(a, b target.Target) bool {
	return a.GOOS == b.GOOS && a.GOARCH == b.GOARCH && a.Variant == b.Variant && a.Cgo == b.Cgo
}

// FuzzSuggest checks that Suggest never panics and only ever returns one of
// its candidates, within the promised distance.
func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"darwinx", "windwos", "LINUX", "", "aarch64", "\xff\xfe", "amd46"} {
		f.Add(s)
	}
	var candidates []string
	for w := range target.KnownOS {
		candidates = append(candidates, w)
	}
	for w := range target.KnownArch {
		candidates = append(candidates, w)
	}
	slices.Sort(candidates)
	f.Fuzz(func(t *testing.T, word string) {
		got := target.Suggest(word, candidates)
		if got == "" {
			return
		}
		if !slices.Contains(candidates, got) {
			t.Fatalf("Suggest(%q) = %q, not a candidate", word, got)
		}
		if got == word {
			t.Errorf("Suggest(%q) suggested the word itself", word)
		}
		if d := len(got) - len(word); !strings.EqualFold(got, word) && (d > 2 || d < -2) {
			t.Errorf("Suggest(%q) = %q, more than 2 edits away", word, got)
		}
	})
}
