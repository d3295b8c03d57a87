package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/modproxy"
)

func TestParseShard(t *testing.T) {
	for _, s := range []string{"", "1", "0/3", "4/3", "a/b", "1/0", "-1/2", "1/2/3"} {
		if _, err := parseShard(s); err == nil {
			t.Errorf("parseShard(%q) accepted", s)
		}
	}
	if sh, err := parseShard("2/5"); err != nil || sh != (shard{2, 5}) {
		t.Errorf("parseShard(2/5) = %v, %v", sh, err)
	}
}

// TestShardsCoverTargets checks that the shards of a list are disjoint,
// cover it in order, and differ in size by one at most.
func TestShardsCoverTargets(t *testing.T) {
	for n := 0; n <= 50; n++ {
		for count := 1; count <= 21; count++ {
			next, smallest, largest := 0, n, 0
			for i := 1; i <= count; i++ {
				lo, hi := shard{i, count}.bounds(n)
				if lo != next || hi < lo {
					t.Fatalf("%d targets, shard %d/%d: [%d,%d) after %d", n, i, count, lo, hi, next)
				}
				next = hi
				smallest, largest = min(smallest, hi-lo), max(largest, hi-lo)
			}
			if next != n || largest-smallest > 1 {
				t.Fatalf("%d targets in %d shards: cover %d, sizes %d..%d", n, count, next, smallest, largest)
			}
		}
	}
}

// shardsEqualOneRun checks dir with every shard of count, merges the
// outputs, and compares the merge with one check of all the targets, for
// JSON and SARIF. It returns the single run's outputs by format. The
// checks share caches of their own, as CI's jobs do. targets "" checks
// each module for its configured targets.
func shardsEqualOneRun(t *testing.T, dir, targets string, counts ...int) map[string]string {
	t.Helper()
	isolateCaches(t)
	tmp := t.TempDir()
	whole := map[string]string{}
	var flags []string
	if targets != "" {
		flags = []string{"-targets", targets}
	}
	for _, format := range []string{formatJSON, formatSARIF} {
		code, out, errs := runCLI(t, append([]string{"check", "-format", format, "-C", dir}, flags...)...)
		if code != 0 && code != 1 {
			t.Fatalf("check -format %s: exit %d\n%s", format, code, errs)
		}
		whole[format] = out
		for _, count := range counts {
			var files []string
			for i := count; i >= 1; i-- { // merge takes shards in any order
				c, out, errs := runCLI(t, append([]string{"check", "-format", format, "-C", dir, "-shard", fmt.Sprintf("%d/%d", i, count)}, flags...)...)
				if c != 0 && c != 1 {
					t.Fatalf("check -shard %d/%d: exit %d\n%s", i, count, c, errs)
				}
				file := filepath.Join(tmp, fmt.Sprintf("%s-%d-of-%d", format, i, count))
				if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, file)
			}
			mc, merged, errs := runCLI(t, append([]string{"merge"}, files...)...)
			if mc != code {
				t.Errorf("%s, %d shards: merge exit %d, check exit %d\n%s", format, count, mc, code, errs)
			}
			if merged != whole[format] {
				t.Errorf("%s, %d shards: the merge differs from one check\n%s", format, count, firstDifference(merged, whole[format]))
			}
		}
	}
	return whole
}

// firstDifference shows where two outputs part.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  merge: %s\n  check: %s", i+1, a, b)
		}
	}
	return "(equal)"
}

// TestShardMergeEqualsOneRun splits the gaps fixture's five targets in
// every number of shards, one more than targets included.
func TestShardMergeEqualsOneRun(t *testing.T) {
	shardsEqualOneRun(t, copyGaps(t), gapsTargets, 1, 2, 3, 4, 5, 6)
}

// goWorkShards is a go.work workspace whose modules have configurations of
// their own: app takes the workspace's targets and uses tool's library,
// which is missing a function on windows; tool has targets of its own.
var goWorkShards = map[string]string{
	".git/HEAD":                 "ref: refs/heads/main\n",
	"go.work":                   "go 1.22\n\nuse (\n\t./app\n\t./tool\n)\n",
	".crossls.yaml":             "targets: [linux/amd64, darwin/arm64, windows/amd64]\n",
	"app/go.mod":                "module example.com/app\n\ngo 1.22\n",
	"app/main.go":               "package main\n\nimport \"example.com/tool/lib\"\n\nfunc main() { lib.Hello() }\n",
	"app/util/util.go":          "package util\n\nfunc Name() string { return name }\n",
	"app/util/name_unix.go":     "//go:build unix\n\npackage util\n\nconst name = \"unix\"\n",
	"tool/go.mod":               "module example.com/tool\n\ngo 1.22\n",
	"tool/.crossls.yaml":        "targets: [linux/amd64, linux/386, windows/amd64, freebsd/amd64, linux/arm64]\n",
	"tool/lib/lib.go":           "package lib\n\nfunc Hello() { hello() }\n",
	"tool/lib/hello_linux.go":   "package lib\n\nfunc hello() {}\n",
	"tool/lib/hello_darwin.go":  "package lib\n\nfunc hello() {}\n",
	"tool/lib/hello_freebsd.go": "package lib\n\nfunc hello() {}\n",
}

// writeGoWork writes goWorkShards, with files added or replaced, in a
// fresh repository.
func writeGoWork(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, fs := range []map[string]string{goWorkShards, files} {
		for name, content := range fs {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestShardMergeGoWork splits a check at a go.work root whose modules have
// different targets, which makes it two checks: each shard takes a slice
// of each one's targets, and the merge prints the bytes of one check. The
// SARIF names the files of both modules relative to the repository.
func TestShardMergeGoWork(t *testing.T) {
	dir := writeGoWork(t, nil)
	out := shardsEqualOneRun(t, dir, "", 1, 2, 3, 5, 6)
	var res checkOutput
	if err := json.Unmarshal([]byte(out[formatJSON]), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Modules) != 2 || res.Modules[0].Path != "example.com/app" || len(res.Modules[0].Targets) != 3 ||
		res.Modules[1].Path != "example.com/tool" || len(res.Modules[1].Targets) != 5 {
		t.Errorf("modules: %+v", res.Modules)
	}
	if !strings.Contains(out[formatJSON], `"status": "fail"`) {
		t.Errorf("no failing verdict: app does not build for windows/amd64\n%s", out[formatJSON])
	}

	var log sarifLog
	if err := json.Unmarshal([]byte(out[formatSARIF]), &log); err != nil {
		t.Fatal(err)
	}
	uris := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		for _, l := range r.Locations {
			uris[l.PhysicalLocation.ArtifactLocation.URI] = true
		}
	}
	for _, want := range []string{"app/util/util.go", "tool/lib/lib.go"} {
		if !uris[want] {
			t.Errorf("SARIF has no result in %s: %v", want, uris)
		}
	}
	if os.Getenv("CROSSLS_SARIF_TOOLS") != "" {
		file := filepath.Join(t.TempDir(), "check.sarif")
		os.WriteFile(file, []byte(out[formatSARIF]), 0o644)
		for _, v := range sarifViolations(t, sarifTools(t), file) {
			t.Errorf("SARIF: %s", v)
		}
	}
}

// TestShardsOfBuildGoWork builds a go.work workspace in two shards, each
// a slice of each module's targets: together they build app, into its own
// dist, and compile tool's library, each for every target of its module.
func TestShardsOfBuildGoWork(t *testing.T) {
	dir := writeGoWork(t, map[string]string{".crossls.yaml": "targets: [linux/amd64, darwin/arm64, linux/arm64]\n"})
	built := map[string][]string{}
	for i := 1; i <= 2; i++ {
		code, out, errs := runBuildCLI(t, "-C", dir, "-json", "-shard", fmt.Sprintf("%d/2", i), "./...")
		var res struct {
			Results []struct{ Target, Package, Output, Status string }
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("build -shard %d/2: exit %d, %v\n%s%s", i, code, err, out, errs)
		}
		for _, r := range res.Results {
			built[r.Package] = append(built[r.Package], r.Target)
			if r.Package != "example.com/app" {
				continue
			}
			if rel, err := filepath.Rel(filepath.Join(dir, "app", "dist"), r.Output); r.Status != "ok" || err != nil || !filepath.IsLocal(rel) {
				t.Errorf("shard %d/2 built %s into %q (%s), want app/dist", i, r.Target, r.Output, r.Status)
			}
		}
	}
	for pkg, want := range map[string][]string{
		"example.com/app":      {"darwin/arm64", "linux/amd64", "linux/arm64"},
		"example.com/tool/lib": {"freebsd/amd64", "linux/386", "linux/amd64", "linux/arm64", "windows/amd64"},
	} {
		got := built[pkg]
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("the shards built %s for %v, want %v (all: %v)", pkg, got, want, built)
		}
	}
}

// TestShardMergeRealModules splits real modules' checks of many targets.
func TestShardMergeRealModules(t *testing.T) {
	if testing.Short() {
		t.Skip("checks real modules many times")
	}
	targets := "linux/amd64,linux/386,linux/arm/v7,linux/arm64,linux/riscv64,linux/mips64le,linux/amd64+cgo," +
		"darwin/amd64,darwin/arm64,freebsd/amd64,openbsd/arm64,netbsd/amd64,dragonfly/amd64,illumos/amd64,solaris/amd64," +
		"windows/amd64,windows/386,windows/arm64,js/wasm,wasip1/wasm,plan9/amd64,aix/ppc64"
	for _, mod := range []string{"github.com/fsnotify/fsnotify@v1.9.0", "github.com/creack/pty@v1.1.24"} {
		t.Run(mod, func(t *testing.T) {
			dir := modproxy.Copy(t, mod)
			out := shardsEqualOneRun(t, dir, targets, 2, 3, 7)
			if !strings.Contains(out[formatJSON], `"status": "fail"`) || !strings.Contains(out[formatJSON], `"status": "ok"`) {
				t.Errorf("%s builds for every target or for none; the test wants verdicts that differ", mod)
			}
			if os.Getenv("CROSSLS_SARIF_TOOLS") != "" {
				file := filepath.Join(t.TempDir(), "check.sarif")
				os.WriteFile(file, []byte(out[formatSARIF]), 0o644)
				for _, v := range sarifViolations(t, sarifTools(t), file) {
					t.Errorf("SARIF of %s: %s", mod, v)
				}
			}
		})
	}
}

// TestMergeRefusesIncompleteShards checks that merge names what is wrong
// with its inputs.
func TestMergeRefusesIncompleteShards(t *testing.T) {
	dir := copyGaps(t)
	tmp := t.TempDir()
	shardFile := func(spec, targets string) string {
		_, out, errs := runCLI(t, "check", "-nocache", "-json", "-C", dir, "-targets", targets, "-shard", spec)
		if out == "" {
			t.Fatalf("check -shard %s printed nothing\n%s", spec, errs)
		}
		file := filepath.Join(tmp, strings.ReplaceAll(spec, "/", "-of-")+"-"+strings.ReplaceAll(targets, "/", "_"))
		os.WriteFile(file, []byte(out), 0o644)
		return file
	}
	one := shardFile("1/3", gapsTargets)
	two := shardFile("2/3", gapsTargets)
	otherList := shardFile("3/3", "linux/amd64,windows/amd64")
	whole := filepath.Join(tmp, "whole.json")
	_, out, _ := runCLI(t, "check", "-nocache", "-json", "-C", dir, "-targets", gapsTargets)
	os.WriteFile(whole, []byte(out), 0o644)

	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{one, two}, "missing shards: 3/3"},
		{[]string{one, one, two}, "shard 1/3 is given twice"},
		{[]string{one, two, otherList}, "cut from different target lists"},
		{[]string{one, whole}, "not the output of crossls check -shard"},
		{[]string{filepath.Join(tmp, "nonexistent")}, "no such file"},
	} {
		code, _, errs := runCLI(t, append([]string{"merge"}, tc.files...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("merge %v: exit %d, %q; want 2 and %q", tc.files, code, errs, tc.want)
		}
	}
}

// TestShardsOfBuildKeepNames builds a module in two shards and checks that
// together they build every target, each binary under its usual name.
func TestShardsOfBuildKeepNames(t *testing.T) {
	dir := writeBuildModule(t, map[string]string{"name_other.go": "//go:build !linux\n\npackage main\n\nfunc platformName() string { return \"other\" }\n"})
	targets := "linux/amd64,linux/arm64,windows/amd64,darwin/arm64,linux/arm/v7"
	ts, _ := target.ParseList(targets)
	var names []string
	for i := 1; i <= 2; i++ {
		code, out, errs := runBuildCLI(t, "-C", dir, "-targets", targets, "-shard", fmt.Sprintf("%d/2", i), "-j", "2")
		if code != 0 {
			t.Fatalf("build -shard %d/2: exit %d\n%s%s", i, code, out, errs)
		}
		for _, tg := range (shard{i, 2}).targets(ts) {
			if !strings.Contains(out, tg.String()) {
				t.Errorf("shard %d/2 did not build %s:\n%s", i, tg, out)
			}
			names = append(names, "app"+tg.OutputSuffix())
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(ts) {
		t.Errorf("dist holds %v, want the %d binaries %v", got, len(ts), names)
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, "dist", n)); err != nil {
			t.Error(err)
		}
	}
}

// TestBuildHonoursGOCACHEPROG builds two shards with a GOCACHEPROG
// program in the environment, as CI jobs that share a remote build cache
// do: the go command uses it as it is, and the second shard's build reads
// what the first one put.
func TestBuildHonoursGOCACHEPROG(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the standard library twice")
	}
	cache := t.TempDir()
	prog := filepath.Join(t.TempDir(), "cacheprog")
	if out, err := exec.Command("go", "build", "-o", prog, "./testdata/cacheprog").CombinedOutput(); err != nil {
		t.Fatalf("building the cache program: %v\n%s", err, out)
	}
	t.Setenv("GOCACHEPROG", prog)
	t.Setenv("CACHEPROG_DIR", cache)
	dir := writeBuildModule(t, nil)
	// Two shards of one platform: the default GOAMD64 is v1, so the
	// second shard compiles what the first did.
	hitsBefore := 0
	for i := 1; i <= 2; i++ {
		code, out, errs := runBuildCLI(t, "-C", dir, "-targets", "linux/amd64,linux/amd64/v1", "-shard", fmt.Sprintf("%d/2", i))
		if code != 0 {
			t.Fatalf("build -shard %d/2: exit %d\n%s%s", i, code, out, errs)
		}
		log, _ := os.ReadFile(filepath.Join(cache, "log"))
		puts, hits := strings.Count(string(log), "put\n"), strings.Count(string(log), "get hit\n")
		switch {
		case i == 1 && puts == 0:
			t.Fatalf("the first shard put nothing in the GOCACHEPROG cache:\n%s", log)
		case i == 2 && hits <= hitsBefore:
			t.Errorf("the second shard did not read the first shard's builds from the GOCACHEPROG cache (%d puts)", puts)
		}
		hitsBefore = hits
	}
}

// TestShardOutputFiles writes each shard of a check in every format with
// -o: the file holds what standard output would have held, standard
// output stays empty, and the files merge as standard output's do; merged
// as HTML they are the report of one check of all the targets.
func TestShardOutputFiles(t *testing.T) {
	dir := copyGaps(t)
	isolateCaches(t)
	tmp := t.TempDir()
	check := func(args ...string) (int, string) {
		t.Helper()
		code, out, errs := runCLI(t, append([]string{"check", "-C", dir, "-targets", gapsTargets}, args...)...)
		if code != 0 && code != 1 {
			t.Fatalf("check %q: exit %d\n%s", args, code, errs)
		}
		return code, out
	}
	written := func(file string) string {
		t.Helper()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	shardFiles := map[string][]string{}
	for _, format := range outputFormats {
		for _, spec := range []string{"1/2", "2/2"} {
			wantCode, want := check("-format", format, "-shard", spec)
			file := filepath.Join(tmp, format+"-"+strings.ReplaceAll(spec, "/", "-of-"))
			code, out := check("-format", format, "-shard", spec, "-o", file)
			if out != "" {
				t.Errorf("-format %s -shard %s -o: %q on stdout", format, spec, out)
			}
			if code != wantCode {
				t.Errorf("-format %s -shard %s -o: exit %d, without -o %d", format, spec, code, wantCode)
			}
			if got := written(file); got != want {
				t.Errorf("-format %s -shard %s: the file differs from stdout\n%s", format, spec, firstDifference(got, want))
			}
			shardFiles[format] = append(shardFiles[format], file)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(tmp, ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	for _, format := range []string{formatJSON, formatSARIF} {
		_, whole := check("-format", format)
		if _, merged, errs := runCLI(t, append([]string{"merge"}, shardFiles[format]...)...); merged != whole {
			t.Errorf("%s: the merged -o files differ from one check\n%s\n%s", format, firstDifference(merged, whole), errs)
		}
	}
	wholeHTML := filepath.Join(tmp, "whole.html")
	check("-format", "html", "-o", wholeHTML)
	_, merged, errs := runCLI(t, append([]string{"merge", "-format", "html"}, shardFiles[formatJSON]...)...)
	if want := written(wholeHTML); merged != want || !strings.Contains(merged, "<html") {
		t.Errorf("merge -format html differs from check -format html -o\n%s\n%s", firstDifference(merged, want), errs)
	}
}
