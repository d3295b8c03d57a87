package modgen

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for seed := int64(0); seed < 50; seed++ {
		a, b := Generate(seed), Generate(seed)
		if !maps.Equal(a.Files, b.Files) || a.Description != b.Description {
			t.Fatalf("seed %d: two modules differ", seed)
		}
	}
}

func TestGenerateVaries(t *testing.T) {
	kinds := map[string]bool{}
	for seed := int64(0); seed < 200; seed++ {
		m := Generate(seed)
		if _, ok := m.Files["go.mod"]; !ok {
			t.Fatalf("seed %d: no go.mod", seed)
		}
		for _, line := range strings.Split(m.Description, "\n") {
			if f := strings.Fields(line); len(f) >= 3 && f[2] == "by" {
				kinds[f[1]] = true
			}
		}
	}
	for _, k := range kindsList() {
		if !kinds[k] {
			t.Errorf("200 modules declare nothing of kind %s", k)
		}
	}
}

func kindsList() []string {
	var names []string
	for _, k := range kinds {
		names = append(names, k.name)
	}
	return names
}

// TestDump prints the module of seed MODGEN_DUMP in txtar form.
func TestDump(t *testing.T) {
	s := os.Getenv("MODGEN_DUMP")
	if s == "" {
		t.Skip("set MODGEN_DUMP=seed to print that seed's module")
	}
	seed, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	m := Generate(seed)
	fmt.Print(m.Description)
	for _, name := range slices.Sorted(maps.Keys(m.Files)) {
		fmt.Printf("-- %s --\n%s", name, m.Files[name])
	}
}
