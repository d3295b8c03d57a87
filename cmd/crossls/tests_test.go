package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// testsModule builds for linux and windows; its tests compile only for
// linux (a helper in a Linux test file).
var testsModule = map[string]string{
	"main.go":                  "package main\n\nfunc main() {}\n",
	"name_linux.go":            "package main\n",
	"lib/lib.go":               "package lib\n\nfunc Double(x int) int { return 2 * x }\n",
	"lib/helper_linux_test.go": "package lib\n\nfunc helper() int { return 21 }\n",
	"lib/lib_test.go":          "package lib\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) { _ = Double(helper()) }\n",
}

// TestCheckTests: the tests' verdicts in every output, and -tests=false.
func TestCheckTests(t *testing.T) {
	requireGoCommand(t)
	dir := writeBuildModule(t, testsModule)
	check := func(args ...string) (int, string) {
		t.Helper()
		var out, errb bytes.Buffer
		args = append([]string{"check", "-C", dir, "-nocache", "-targets", "linux/amd64,windows/amd64"}, args...)
		code := run(context.Background(), append(args, "./..."), &out, &errb)
		if errb.Len() > 0 && code == 2 {
			t.Fatalf("crossls %s: %s", strings.Join(args, " "), errb.String())
		}
		return code, out.String()
	}

	code, text := check()
	want := "example.com/app/lib: tests do not compile for windows/amd64: undefined: helper (undefined-symbol)"
	if code != 1 || !strings.Contains(text, want) || !strings.Contains(text, "lib/lib_test.go:5:") {
		t.Errorf("check: exit %d, want 1, with %q and the finding in lib_test.go:\n%s", code, want, text)
	}

	code, text = check("-tests=false")
	if code != 0 || strings.Contains(text, "tests") || strings.Contains(text, "lib_test.go") {
		t.Errorf("check -tests=false: exit %d, want 0 and nothing of the tests:\n%s", code, text)
	}

	_, js := check("-json")
	var res struct {
		Packages []struct {
			Path    string
			Targets map[string]struct {
				Status string
				Tests  *struct{ Status, Class, Message, Pos string }
			}
		}
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Packages {
		for tg, v := range p.Targets {
			switch {
			case p.Path == "example.com/app":
				if v.Tests != nil {
					t.Errorf("%s has no test files, yet tests for %s: %+v", p.Path, tg, v.Tests)
				}
			case tg == "linux/amd64":
				if v.Tests == nil || v.Tests.Status != "ok" {
					t.Errorf("lib's tests for linux: %+v, want ok", v.Tests)
				}
			default:
				if v.Status != "ok" || v.Tests == nil || v.Tests.Class != "undefined-symbol" || !strings.HasSuffix(v.Tests.Pos, "lib_test.go:5:44") {
					t.Errorf("lib for windows: %+v, tests %+v; want ok and tests failing in lib_test.go:5:44", v, v.Tests)
				}
			}
		}
	}

	_, page := check("-format", "html")
	for _, want := range []string{`1 whose tests do not compile`, `title="its tests do not compile">t</a>`, `<span class="sev fail">tests do not compile</span> <span class="targets"><code>windows/amd64</code></span> undefined: helper (undefined-symbol)`} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report lacks %s", want)
		}
	}

	_, sarif := check("-format", "sarif")
	for _, want := range []string{`"ruleId": "tests/undefined-symbol"`, "the tests of example.com/app/lib do not compile"} {
		if !strings.Contains(sarif, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
}
