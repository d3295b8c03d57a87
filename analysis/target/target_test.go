package target

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		variant  string
		cgo      bool
	}{
		{"linux/amd64", "linux/amd64", "", false},
		{" linux/arm/v7 ", "linux/arm/v7", "7", false},
		{"linux/arm/7", "linux/arm/v7", "7", false},
		{"linux/amd64/v3+cgo", "linux/amd64/v3+cgo", "v3", true},
		{"linux_arm_7", "linux/arm/v7", "7", false},
		{"linux_amd64_v3", "linux/amd64/v3", "v3", false},
		{"darwin_arm64", "darwin/arm64", "", false},
		{"linux_arm64_v8.0", "linux/arm64/v8.0", "v8.0", false},
		{"windows/amd64+cgo", "windows/amd64+cgo", "", true},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got.String() != tc.want || got.Variant != tc.variant || got.Cgo != tc.cgo {
			t.Errorf("Parse(%q) = %q (variant %q, cgo %v), want %q (variant %q, cgo %v)", tc.in, got, got.Variant, got.Cgo, tc.want, tc.variant, tc.cgo)
		}
		again, err := Parse(got.String())
		if err != nil || again.String() != got.String() {
			t.Errorf("round trip of %q: %q, %v", got, again, err)
		}
	}
	for _, bad := range []string{"", "linux", "linux/", "/amd64", "linux/amd64/v3/x", "linux amd64", "linux/amd64+cgo+cgo", "+cgo"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", bad)
		}
	}
}

func TestParseList(t *testing.T) {
	got, err := ParseList("linux/amd64, windows/amd64 linux/amd64,darwin/arm64")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, t := range got {
		names = append(names, t.String())
	}
	if want := []string{"linux/amd64", "windows/amd64", "darwin/arm64"}; !slices.Equal(names, want) {
		t.Errorf("ParseList = %v, want %v", names, want)
	}
	if _, err := ParseList(" , "); err == nil {
		t.Error("ParseList of an empty list succeeded")
	}
}

func TestValidate(t *testing.T) {
	d, err := LoadDist(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, wantErr string }{
		{"linux/amd64", ""},
		{"linux/arm/v7", ""},
		{"linux/amd64/v3+cgo", ""},
		{"windows/arm64", ""},
		{"js/wasm", ""},
		{"darwinx/amd64", `unknown GOOS "darwinx" (did you mean "darwin"?)`},
		{"windwos/amd64", `unknown GOOS "windwos" (did you mean "windows"?)`},
		{"linux/amd46", `unknown GOARCH "amd46" (did you mean "amd64"?)`},
		{"darwin/386", "unsupported GOOS/GOARCH pair darwin/386"},
		{"linux/amd64/v7", "GOAMD64 must be v1..v4"},
		{"linux/arm/v8", "GOARM must be 5, 6 or 7"},
		{"linux/s390x/v2", "linux/s390x has no architecture variant"},
		{"js/wasm+cgo", "cgo is not supported on js/wasm"},
	} {
		tg, err := Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		err = d.Validate(tg)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("Validate(%s): %v", tc.in, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("Validate(%s) = %v, want %q", tc.in, err, tc.wantErr)
		}
	}
	amd := Target{GOOS: "linux", GOARCH: "amd64", Env: []string{"GOARM=7"}}
	if err := d.Validate(amd); err == nil || !strings.Contains(err.Error(), "GOARM applies only to arm") {
		t.Errorf("Validate(GOARM on amd64) = %v", err)
	}
	if d.GoVersion == "" || len(d.Platforms) < 40 {
		t.Errorf("dist list looks wrong: %s, %d platforms", d.GoVersion, len(d.Platforms))
	}
}

// TestContextMatchesGoList checks that Context selects exactly the files
// the go command selects for the same target, variants and cgo included.
func TestContextMatchesGoList(t *testing.T) {
	dir, _ := filepath.Abs("testdata/variants")
	for _, s := range []string{"linux/amd64", "linux/amd64/v2", "linux/amd64/v3+cgo", "linux/arm/v6", "linux/arm/v7",
		"linux/arm64", "linux/arm64/v8.1", "windows/arm64", "darwin/arm64", "js/wasm", "wasip1/wasm", "plan9/386"} {
		tg, _ := Parse(s)
		cmd := exec.Command("go", "list", "-e", "-json=GoFiles,CgoFiles")
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), tg.Environ()...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: go list: %v", s, err)
		}
		var p struct{ GoFiles, CgoFiles []string }
		if err := json.Unmarshal(out, &p); err != nil {
			t.Fatal(err)
		}
		want := append(p.GoFiles, p.CgoFiles...)
		slices.Sort(want)

		ctxt := tg.Context()
		bp, err := ctxt.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		got := append(bp.GoFiles, bp.CgoFiles...)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: Context selects %v, go list selects %v", s, got, want)
		}
	}
}

func TestOutputSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"linux/arm64":    "-linux-arm64",
		"linux/arm/v7":   "-linux-armv7",
		"windows/amd64":  "-windows-amd64.exe",
		"js/wasm":        "-js-wasm.wasm",
		"linux/amd64/v3": "-linux-amd64v3",
	} {
		tg, _ := Parse(in)
		if got := tg.OutputSuffix(); got != want {
			t.Errorf("%s: OutputSuffix = %q, want %q", in, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for word, want := range map[string]string{"windwos": "windows", "Linux": "linux", "darwn": "darwin", "integration": "", "linux": ""} {
		if got := Suggest(word, []string{"linux", "windows", "darwin"}); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", word, got, want)
		}
	}
}
