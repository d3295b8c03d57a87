package main

import (
	"context"
	"os"
	"testing"
)

func TestRootCause(t *testing.T) {
	for _, c := range []struct {
		f    finding
		want string
	}{
		{finding{Analyzer: "cgo", Targets: []string{"darwin/arm64", "darwin/amd64"},
			Message: `[darwin/arm64 darwin/amd64] p needs cgo (via a -> b -> p): x.go imports "C"`},
			`cgo: p needs cgo: x.go imports "C" [darwin/amd64 darwin/arm64]`},
		{finding{Analyzer: "buildgap", Targets: []string{"js/wasm"},
			Message: "[js/wasm] example.com/a does not build for this target: example.com/z fails: undefined: f (/z/z.go:3:9)"},
			"buildgap: example.com/z fails: undefined: f (/z/z.go:3:9) [js/wasm]"},
		{finding{Analyzer: "buildgap", Targets: []string{"js/wasm"},
			Message: "[js/wasm] example.com/z does not build for this target: undefined: f"},
			"buildgap: example.com/z does not build for this target: undefined: f [js/wasm]"},
	} {
		if got := rootCause(c.f); got != c.want {
			t.Errorf("rootCause(%q) = %q, want %q", c.f.Message, got, c.want)
		}
	}
}

func TestMeasurePrecision(t *testing.T) {
	out := `{"targets":["linux/amd64","darwin/arm64"],
	"packages":[
	  {"path":"m/a","targets":{"linux/amd64":{"status":"ok"},"darwin/arm64":{"status":"ok"}}},
	  {"path":"m/b","targets":{"linux/amd64":{"status":"ok"},"darwin/arm64":{"status":"fail","class":"undefined-symbol"}}},
	  {"path":"m/lin","targets":{"linux/amd64":{"status":"ok"},"darwin/arm64":{"status":"fail","class":"no-go-files"}}}],
	"diagnostics":[
	  {"file":"/m/a/a.go","line":3,"severity":"warning","analyzer":"cgo","package":"m/a","targets":["darwin/arm64"],"message":"[darwin/arm64] d needs cgo: d.go imports \"C\""},
	  {"file":"/m/a/b.go","line":3,"severity":"warning","analyzer":"cgo","package":"m/a","targets":["darwin/arm64"],"message":"[darwin/arm64] d needs cgo (via m/a -> x -> d): d.go imports \"C\""},
	  {"file":"/m/b/b.go","line":3,"severity":"warning","analyzer":"cgo","package":"m/b","targets":["darwin/arm64"],"message":"[darwin/arm64] d needs cgo: d.go imports \"C\""},
	  {"file":"/m/b/b.go","line":9,"severity":"error","analyzer":"buildgap","package":"m/b","targets":["darwin/arm64"],"message":"[darwin/arm64] undefined: f"},
	  {"file":"/m/lin/l.go","line":1,"severity":"info","analyzer":"buildtag","package":"m/lin","targets":["linux/amd64","darwin/arm64"],"message":"[all targets] x"}]}`
	p, err := measurePrecision([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if p.Packages != 3 || p.BuildEverywhere != 2 {
		t.Errorf("packages %d, building everywhere %d; want 3, 2", p.Packages, p.BuildEverywhere)
	}
	if p.Findings != 5 || p.BySeverity["warning"] != 3 || p.BySeverity["error"] != 1 || p.BySeverity["info"] != 1 {
		t.Errorf("findings %d by severity %v", p.Findings, p.BySeverity)
	}
	if p.ByAnalyzer["cgo"] != 3 || p.ByAnalyzer["buildgap"] != 1 || p.ByAnalyzer["taghygiene"] != 1 {
		t.Errorf("by analyzer %v", p.ByAnalyzer)
	}
	if p.Causes != 3 || p.MaxPerCause != 3 || p.Repeated != 1 {
		t.Errorf("causes %d, max per cause %d, repeated in a package %d; want 3, 3, 1", p.Causes, p.MaxPerCause, p.Repeated)
	}
	if p.WhereBuilds["warning"] != 2 || p.WhereBuilds["info"] != 1 || p.WhereBuilds["error"] != 0 {
		t.Errorf("where every target builds: %v", p.WhereBuilds)
	}
}

// TestPrecisionOnRealModule measures a real module from the module proxy
// and checks the goal of one finding per root cause and package.
func TestPrecisionOnRealModule(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches a module and runs crossls check")
	}
	env := withEnv(os.Environ(), "GOTOOLCHAIN=local", "XDG_CACHE_HOME="+t.TempDir())
	m := fsnotify
	if err := m.fetch(context.Background(), "go", t.TempDir(), env); err != nil {
		t.Skipf("module proxy not reachable, so no real module to measure: %v", err)
	}
	data, err := checkOutput(context.Background(), buildCrossls(t), m.Dir, env, editorTargets[10])
	if err != nil {
		t.Fatal(err)
	}
	p, err := measurePrecision(data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Packages == 0 || p.Causes > p.Findings {
		t.Errorf("implausible measurement: %+v", p)
	}
	if p.Repeated != 0 {
		t.Errorf("%d root causes reported more than once in a package (most reported: %s)", p.Repeated, p.TopCause)
	}
}
