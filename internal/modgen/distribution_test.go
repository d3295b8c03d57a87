package modgen

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/buildoracle"
)

// TestDistribution reports what go build says of generated modules, by
// package role (a, b, c, d) and class, to tune the generator: most
// packages should have verdicts that differ between targets, and few
// should fail only because a dependency does. MODGEN_DISTRIBUTION=N runs N
// seeds; MODGEN_MESSAGES=role also counts the first errors of that role's
// packages.
func TestDistribution(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MODGEN_DISTRIBUTION"))
	if n == 0 {
		t.Skip("set MODGEN_DISTRIBUTION=N to see the verdicts of N generated modules")
	}
	targets, err := target.ParseList("linux/amd64,linux/386,linux/arm/v7,windows/amd64,darwin/arm64,js/wasm,plan9/amd64,linux/amd64+cgo")
	if err != nil {
		t.Fatal(err)
	}
	counts, messages := map[string]int{}, map[string]int{}
	varying, total := 0, 0
	for seed := int64(1); seed <= int64(n); seed++ {
		m := Generate(seed)
		dir := t.TempDir()
		for name, content := range m.Files {
			path := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		classes := map[string]map[string]bool{}
		for _, tg := range targets {
			vs, err := buildoracle.Verdicts(context.Background(), dir, m.Packages(), tg)
			if err != nil {
				t.Fatal(err)
			}
			for p, v := range vs {
				role := p[strings.LastIndex(p, "/")+1:][:1]
				class := v.Class
				if v.Status == "ok" {
					class = "ok"
				}
				counts[role+" "+class]++
				if os.Getenv("MODGEN_MESSAGES") == role && v.Status == "fail" && v.Class != buildoracle.ClassDependencyFails {
					messages[v.Class+": "+v.Message]++
				}
				if classes[p] == nil {
					classes[p] = map[string]bool{}
				}
				classes[p][class] = true
			}
		}
		for p, cs := range classes {
			total++
			if len(cs) > 1 {
				varying++
				counts[p[strings.LastIndex(p, "/")+1:][:1]+" varies"]++
			}
		}
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&b, "%s: %d\n", k, counts[k])
	}
	for _, k := range slices.Sorted(maps.Keys(messages)) {
		fmt.Fprintf(&b, "%4d %s\n", messages[k], k)
	}
	t.Logf("%d of %d packages have verdicts that differ between targets\n%s", varying, total, b.String())
}
