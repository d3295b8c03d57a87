package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crossls/crossls/internal/matrix"
)

// checkSARIF runs crossls check -format sarif in dir and decodes the log.
func checkSARIF(t *testing.T, dir string, args ...string) (*sarifLog, string) {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"check", "-nocache", "-format", "sarif", "-C", dir}, args...)...)
	if code != 0 && code != 1 {
		t.Fatalf("check: exit %d\n%s", code, errs)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("check -format sarif printed no SARIF: %v\n%s", err, out)
	}
	return &log, out
}

// TestSARIFOutput checks the shape of the SARIF log of the gaps fixture
// against its JSON result: one run, a rule per analyzer and verdict class,
// every finding and every failing verdict a result with its targets,
// locations relative to the repository, fixes, and unique fingerprints.
func TestSARIFOutput(t *testing.T) {
	dir := copyGaps(t)
	// A finding after a non-ASCII character, whose SARIF column counts
	// UTF-16 code units where the JSON counts bytes.
	if err := os.WriteFile(filepath.Join(dir, "accent.go"), []byte("package main\n\nvar _ = \"h\u00e9llo\" + platformName()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "check", "-nocache", "-json", "-C", dir, "-targets", gapsTargets)
	if code != 1 {
		t.Fatalf("check -json: exit %d\n%s", code, errs)
	}
	var res matrix.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	log, _ := checkSARIF(t, dir, "-targets", gapsTargets)

	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs; want 2.1.0 and one run for all targets", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	var ids []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
		if r.Help.Text == "" || r.Help.Markdown == "" || r.FullDescription.Text == "" || r.DefaultConfiguration.Level == "" {
			t.Errorf("rule %s lacks help, a description or a default level: %+v", r.ID, r)
		}
	}
	for _, want := range []string{"buildgap", "cgo", "taghygiene", "buildtag", "format",
		"verdict/no-go-files", "verdict/cgo-required", "verdict/undefined-symbol", "verdict/type-error", "verdict/dependency-fails", "verdict/other"} {
		if !slices.Contains(ids, want) {
			t.Errorf("no rule %s in %v", want, ids)
		}
	}

	failing := 0
	for _, p := range res.Packages {
		// A result per package and reason, for its build and its tests.
		type reason struct{ class, msg string }
		seen := map[reason]bool{}
		tests := map[reason]bool{}
		for _, v := range p.Targets {
			if r := (reason{v.Class, v.Message}); v.Status == "fail" && !seen[r] {
				seen[r] = true
				failing++
			}
			if tv := v.Tests; tv != nil && tv.Status == "fail" && !tests[reason{tv.Class, tv.Message}] {
				tests[reason{tv.Class, tv.Message}] = true
				failing++
			}
		}
	}
	if want := len(res.Diagnostics) + failing; len(run.Results) != want {
		t.Errorf("%d results, want %d: %d findings and %d failing verdicts", len(run.Results), want, len(res.Diagnostics), failing)
	}
	fingerprints := map[string]bool{}
	var fixes, related int
	for i, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(ids) || ids[r.RuleIndex] != r.RuleID {
			t.Errorf("result %d: ruleIndex %d does not name rule %s", i, r.RuleIndex, r.RuleID)
		}
		if !slices.Contains([]string{"error", "warning", "note"}, r.Level) {
			t.Errorf("result %d: level %q", i, r.Level)
		}
		if len(r.Properties.Targets) == 0 {
			t.Errorf("result %d (%s) has no targets", i, r.Message.Text)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d has %d locations", i, len(r.Locations))
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URIBaseID != srcRoot || strings.HasPrefix(loc.ArtifactLocation.URI, "/") || loc.Region == nil || loc.Region.StartLine < 1 {
			t.Errorf("result %d (%s): location %+v %+v, want a region of a file relative to %s", i, r.Message.Text, loc.ArtifactLocation, loc.Region, srcRoot)
		}
		fp := r.PartialFingerprints[fingerprintK]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %d: fingerprint %q missing or not unique", i, fp)
		}
		fingerprints[fp] = true
		fixes += len(r.Fixes)
		related += len(r.RelatedLocations)
	}
	if fixes == 0 || related == 0 {
		t.Errorf("%d fixes and %d related locations; the fixture has gofmt's fix and definitions for other targets", fixes, related)
	}

	find := func(rule, uri string) *sarifResult {
		for i, r := range run.Results {
			if r.RuleID == rule && r.Locations[0].PhysicalLocation.ArtifactLocation.URI == uri {
				return &run.Results[i]
			}
		}
		t.Fatalf("no %s result in %s", rule, uri)
		return nil
	}
	// The first error of package example.com/gaps for windows/amd64 is
	// now in accent.go.
	accent := find("verdict/undefined-symbol", "accent.go")
	if !slices.Equal(accent.Properties.Targets, []string{"windows/amd64"}) || accent.Level != "error" || accent.Properties.Package != "example.com/gaps" ||
		accent.Locations[0].PhysicalLocation.Region.StartLine != 3 || !strings.Contains(accent.Message.Text, "undefined: platformName") {
		t.Errorf("verdict of example.com/gaps: %+v", accent)
	}
	accent = find("buildgap", "accent.go")
	var jsonCol int
	for _, d := range res.Diagnostics {
		if filepath.Base(d.File) == "accent.go" && d.Analyzer == "buildgap" {
			jsonCol = d.Column
		}
	}
	if got := accent.Locations[0].PhysicalLocation.Region.StartColumn; got != jsonCol-1 {
		t.Errorf("accent.go: SARIF column %d, want %d (the byte column %d less the second byte of é)", got, jsonCol-1, jsonCol)
	}
}

// TestSARIFValidates validates the SARIF of the gaps fixture, whole and
// as a shard, against the SARIF 2.1.0 schema and the SARIF Multitool's
// rules (GitHub's included), after checking on a broken log that the
// validators do report errors.
func TestSARIFValidates(t *testing.T) {
	modules := sarifTools(t)
	dir := copyGaps(t)
	tmp := t.TempDir()

	broken := filepath.Join(tmp, "broken.sarif")
	os.WriteFile(broken, []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a","level":"fatal","message":{"text":"m"},`+
		`"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.go"},"region":{"startLine":0}}}]}]}]}`), 0o644)
	if v := sarifViolations(t, modules, broken); len(v) < 2 {
		t.Fatalf("the validators found %v in a log with a bad level and line 0", v)
	}

	_, whole := checkSARIF(t, dir, "-targets", gapsTargets)
	_, shard := checkSARIF(t, dir, "-targets", gapsTargets, "-shard", "2/3")
	for name, content := range map[string]string{"whole.sarif": whole, "shard.sarif": shard} {
		file := filepath.Join(tmp, name)
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, v := range sarifViolations(t, modules, file) {
			t.Errorf("%s: %s", name, v)
		}
	}
}

// TestSARIFFingerprintsFollowMovedCode checks that a finding keeps its
// fingerprint when lines are added above it, so that code scanning sees
// the same alert, while its region moves.
func TestSARIFFingerprintsFollowMovedCode(t *testing.T) {
	dir := copyGaps(t)
	before, _ := checkSARIF(t, dir, "-targets", gapsTargets)

	const added = 4
	for _, name := range []string{"main.go", "sysfield/stat.go", "overflow/big.go"} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		src := strings.Replace(string(data), "\n", "\n\n// Lines added above the findings\n// move them down,\n// as any edit there does.\n", 1)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := checkSARIF(t, dir, "-targets", gapsTargets)

	type place struct {
		uri  string
		line int
	}
	where := func(log *sarifLog) map[string]place {
		m := map[string]place{}
		for _, r := range log.Runs[0].Results {
			loc := r.Locations[0].PhysicalLocation
			m[r.PartialFingerprints[fingerprintK]] = place{loc.ArtifactLocation.URI, loc.Region.StartLine}
		}
		return m
	}
	was, now := where(before), where(after)
	if len(was) != len(now) {
		t.Fatalf("%d results before the edit, %d after", len(was), len(now))
	}
	moved := 0
	for fp, p := range was {
		q, ok := now[fp]
		switch {
		case !ok:
			t.Errorf("the finding at %s:%d has a new fingerprint after lines were added above it", p.uri, p.line)
		case q.uri != p.uri:
			t.Errorf("fingerprint %s moved from %s to %s", fp, p.uri, q.uri)
		case p.uri == "main.go" || p.uri == "sysfield/stat.go" || p.uri == "overflow/big.go":
			if p.line > 1 && q.line != p.line+added {
				t.Errorf("%s:%d is at line %d after the edit, want %d", p.uri, p.line, q.line, p.line+added)
			}
			if q.line != p.line {
				moved++
			}
		}
	}
	if moved < 4 {
		t.Errorf("%d findings moved; the edit moves the findings and verdicts of three files", moved)
	}
}
