package matrix

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// BenchmarkEdit measures a check after an edit inside a function body of
// a real module, the editor's hot path, for several matrix sizes.
//
//	go test -run '^$' -bench Edit ./internal/matrix
func BenchmarkEdit(b *testing.B) {
	dir := os.Getenv("CROSSLS_BENCH_MODULE")
	file := os.Getenv("CROSSLS_BENCH_FILE")
	if dir == "" || file == "" {
		b.Skip("set CROSSLS_BENCH_MODULE (a module directory) and CROSSLS_BENCH_FILE (a file in it)")
	}
	// The editor benchmark's matrices (bench/cmd/crossbench).
	all := []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64", "linux/arm/v7", "linux/386",
		"darwin/amd64", "windows/386", "freebsd/amd64", "js/wasm"}
	// CROSSLS_BENCH_LINE is appended on every other edit (by default a
	// function that changes nothing else); the edits in between remove it.
	line := os.Getenv("CROSSLS_BENCH_LINE")
	if line == "" {
		line = "func benchEdit() {}"
	}
	for _, n := range []int{1, 4, 10} {
		b.Run(fmt.Sprintf("targets=%d", n), func(b *testing.B) {
			var ts []target.Target
			for _, s := range all[:n] {
				t, _ := target.Parse(s)
				ts = append(ts, t)
			}
			path := filepath.Join(dir, file)
			src, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			s := NewSession()
			opts := Options{Dir: dir, Targets: ts, Patterns: []string{"./..."}}
			if _, err := s.Check(context.Background(), opts); err != nil {
				b.Fatal(err)
			}
			checks, derived, bodies := s.typeChecks.Load(), s.derived.Load(), s.bodiesDerived.Load()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				edited := src
				if i%2 == 0 {
					edited = append(append([]byte(nil), src...), "\n"+line+"\n"...)
				}
				opts.Overlay = map[string][]byte{path: edited}
				if _, err := s.Check(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
			// What an edit re-checks: type checks, how many of them were
			// derived, and how many of those from the bodies alone.
			n := float64(b.N)
			b.ReportMetric(float64(s.typeChecks.Load()-checks)/n, "checks/op")
			b.ReportMetric(float64(s.derived.Load()-derived)/n, "derived/op")
			b.ReportMetric(float64(s.bodiesDerived.Load()-bodies)/n, "bodies/op")
		})
	}
}
