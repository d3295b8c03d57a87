// Package target models a cross-compilation target: GOOS, GOARCH, an
// optional architecture variant (GOARM, GOAMD64, ...) and whether cgo is
// enabled, with the environment and build context that go with it.
package target

import (
	"fmt"
	"go/build"
	"slices"
	"strings"
)

// A Target is one build configuration of the matrix.
type Target struct {
	GOOS, GOARCH string
	// Variant is the value of the architecture's variant variable
	// (GOARM=7, GOAMD64=v3, ...); "" means the toolchain default.
	Variant string
	// Cgo sets CGO_ENABLED=1. Cross builds default to CGO_ENABLED=0, as
	// production release builds do.
	Cgo bool

	Tags []string // extra build tags from configuration
	Env  []string // extra KEY=VALUE settings from configuration
	CC   string   // C compiler for cgo builds, "" if none is configured
}

// variantVars maps a GOARCH to the environment variable holding its variant.
var variantVars = map[string]string{
	"386":      "GO386",
	"amd64":    "GOAMD64",
	"arm":      "GOARM",
	"arm64":    "GOARM64",
	"mips":     "GOMIPS",
	"mipsle":   "GOMIPS",
	"mips64":   "GOMIPS64",
	"mips64le": "GOMIPS64",
	"ppc64":    "GOPPC64",
	"ppc64le":  "GOPPC64",
	"riscv64":  "GORISCV64",
}

// VariantVar returns the name of the variable that selects t's
// architecture variant, or "" if its GOARCH has none.
func (t Target) VariantVar() string { return variantVars[t.GOARCH] }

// String returns the canonical spelling: "linux/arm/v7", "linux/amd64/v3+cgo".
func (t Target) String() string {
	var b strings.Builder
	b.WriteString(t.GOOS)
	b.WriteByte('/')
	b.WriteString(t.GOARCH)
	if t.Variant != "" {
		b.WriteByte('/')
		if t.GOARCH == "arm" {
			b.WriteByte('v') // GOARM=7 is spelled linux/arm/v7, as in docker platforms
		}
		b.WriteString(t.Variant)
	}
	if t.Cgo {
		b.WriteString("+cgo")
	}
	return b.String()
}

// Environ returns the environment settings that select t, to be appended
// to a base environment (later entries win in os/exec).
func (t Target) Environ() []string {
	cgo := "0"
	if t.Cgo {
		cgo = "1"
	}
	env := []string{"GOOS=" + t.GOOS, "GOARCH=" + t.GOARCH, "CGO_ENABLED=" + cgo}
	if v := t.VariantVar(); v != "" && t.Variant != "" {
		env = append(env, v+"="+t.Variant)
	}
	if t.CC != "" {
		env = append(env, "CC="+t.CC)
	}
	return append(env, t.Env...)
}

// Context returns a go/build context that matches files as the go command
// does for t.
func (t Target) Context() build.Context {
	ctxt := build.Default
	ctxt.GOOS = t.GOOS
	ctxt.GOARCH = t.GOARCH
	ctxt.CgoEnabled = t.Cgo
	ctxt.BuildTags = slices.Clone(t.Tags)
	ctxt.ToolTags = append(nonArchToolTags(build.Default.ToolTags), t.archFeatureTags()...)
	return ctxt
}

// nonArchToolTags keeps the GOEXPERIMENT tags of the host toolchain and
// drops its architecture feature tags (amd64.v1 ...), which belong to the
// host's GOARCH.
func nonArchToolTags(tags []string) []string {
	var out []string
	for _, tag := range tags {
		if strings.HasPrefix(tag, "goexperiment.") {
			out = append(out, tag)
		}
	}
	return out
}

// archFeatureTags mirrors internal/buildcfg's gogoarchTags: the feature
// tags implied by the architecture variant (e.g. amd64.v1, amd64.v2 for v2).
func (t Target) archFeatureTags() []string {
	v := t.Variant
	var tags []string
	switch t.GOARCH {
	case "386":
		if v == "" {
			v = "sse2"
		}
		tags = append(tags, "386."+v)
	case "amd64":
		n := 1
		if len(v) == 2 && v[0] == 'v' && v[1] >= '1' && v[1] <= '4' {
			n = int(v[1] - '0')
		}
		for i := 1; i <= n; i++ {
			tags = append(tags, fmt.Sprintf("amd64.v%d", i))
		}
	case "arm":
		n := 7 // the default GOARM for linux cross builds
		if v != "" && v[0] >= '5' && v[0] <= '7' {
			n = int(v[0] - '0')
		}
		for i := 5; i <= n; i++ {
			tags = append(tags, fmt.Sprintf("arm.%d", i))
		}
	case "arm64":
		major, minor := 8, 0
		if len(v) >= 4 && v[0] == 'v' && v[2] == '.' {
			major, minor = int(v[1]-'0'), int(v[3]-'0')
		}
		for i := 0; i <= minor; i++ {
			tags = append(tags, fmt.Sprintf("arm64.v%d.%d", major, i))
		}
		if major == 9 {
			for i := 0; i <= minor+5 && i <= 9; i++ {
				tags = append(tags, fmt.Sprintf("arm64.v8.%d", i))
			}
		}
	case "mips", "mipsle", "mips64", "mips64le":
		if v == "" {
			v = "hardfloat"
		}
		tags = append(tags, t.GOARCH+"."+v)
	case "ppc64", "ppc64le":
		n := 8
		if strings.HasPrefix(v, "power") && len(v) == 6 {
			n = int(v[5] - '0')
		} else if v == "power10" {
			n = 10
		}
		for i := 8; i <= n; i++ {
			tags = append(tags, fmt.Sprintf("%s.power%d", t.GOARCH, i))
		}
	case "riscv64":
		tags = append(tags, "riscv64.rva20u64")
		if v == "rva22u64" || v == "rva23u64" {
			tags = append(tags, "riscv64.rva22u64")
		}
		if v == "rva23u64" {
			tags = append(tags, "riscv64.rva23u64")
		}
	}
	return tags
}

// OutputSuffix returns the suffix of a binary built for t, following the
// convention <name>-<goos>-<goarch>[<variant>][.exe|.wasm]:
// "-linux-armv7", "-windows-amd64.exe", "-js-wasm.wasm".
func (t Target) OutputSuffix() string {
	s := "-" + t.GOOS + "-" + t.GOARCH
	if t.Variant != "" {
		if t.GOARCH == "arm" {
			s += "v"
		}
		s += t.Variant
	}
	switch {
	case t.GOOS == "windows":
		s += ".exe"
	case t.GOARCH == "wasm":
		s += ".wasm"
	}
	return s
}

// Default returns the matrix used when nothing is configured: the platforms
// most Go programs ship for.
func Default() []Target {
	return []Target{
		{GOOS: "linux", GOARCH: "amd64"},
		{GOOS: "linux", GOARCH: "arm64"},
		{GOOS: "darwin", GOARCH: "arm64"},
		{GOOS: "windows", GOARCH: "amd64"},
	}
}
