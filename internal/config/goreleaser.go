package config

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/crossls/crossls/analysis/target"
)

// This file derives targets from a GoReleaser configuration the way
// GoReleaser v2 expands its builds: goos x goarch x the variant list of
// each architecture, minus ignore, or an explicit targets list; with
// CGO_ENABLED, CC and build tags from env, tags, flags and overrides.
// Only keys that decide targets are read; the rest belong to GoReleaser.

// grVariantKey maps a GOARCH to the GoReleaser key listing its variants.
var grVariantKey = map[string]string{
	"amd64": "goamd64", "386": "go386", "arm": "goarm", "arm64": "goarm64",
	"mips": "gomips", "mipsle": "gomips", "mips64": "gomips", "mips64le": "gomips",
	"ppc64": "goppc64", "ppc64le": "goppc64", "riscv64": "goriscv64",
}

// grVariantDefault is GoReleaser's default for each variant key.
var grVariantDefault = map[string]string{
	"goamd64": "v1", "go386": "sse2", "goarm": "6", "goarm64": "v8.0",
	"gomips": "hardfloat", "goppc64": "power8", "goriscv64": "rva20u64",
}

// goVariantDefault holds the variants that are also the go command's own
// default, which are left out of target names (linux/amd64, not
// linux/amd64/v1). GOARM is absent: Go's default (7 when cross-compiling)
// differs from GoReleaser's (6), so it is always spelled out.
var goVariantDefault = map[string]string{
	"goamd64": "v1", "go386": "sse2", "goarm64": "v8.0",
	"gomips": "hardfloat", "goppc64": "power8", "goriscv64": "rva20u64",
}

var grMatrixKeys = []string{"goos", "goarch", "goamd64", "go386", "goarm", "goarm64", "gomips", "goppc64", "goriscv64"}

// go118FirstClass is GoReleaser's go_118_first_class: the first-class
// ports of Go 1.18, with GoReleaser's default variants.
var go118FirstClass = []string{
	"darwin/amd64", "darwin/arm64", "linux/386", "linux/amd64",
	"linux/arm/v6", "linux/arm64", "windows/386", "windows/amd64",
}

// A grValue is a string from the file with the node it came from.
type grValue struct {
	s string
	n *yaml.Node
}

// grBuild is one entry of builds: with the keys that decide targets.
type grBuild struct {
	node      *yaml.Node
	matrix    map[string][]grValue // goos, goarch, goarm, ... as written
	targets   []grValue            // nil unless the targets key is set
	ignore    []map[string]string
	overrides []grOverride
	details   grDetails
}

type grOverride struct {
	match   map[string]string
	details grDetails
}

// grDetails is what a build (or override) says about how to build: its
// env, in order, and its build tags.
type grDetails struct {
	env     []grValue
	tags    []grValue
	hasTags bool
}

// parseGoReleaser reads the Go builds of a GoReleaser configuration and
// returns their targets in file order, without duplicates.
func parseGoReleaser(path string, dist *target.Dist) ([]target.Target, []string, error) {
	p := &fileParser{file: path}
	root, err := p.readYAML(path)
	if err != nil {
		return nil, nil, err
	}
	var builds []*grBuild
	var globalEnv []grValue
	if root != nil {
		entries, ok := p.mapping(root, "GoReleaser configuration")
		if !ok {
			return nil, nil, p.errs.Err()
		}
		for _, kv := range entries {
			switch kv.key {
			case "env":
				globalEnv = p.grStrings(kv.value, "env")
			case "builds":
				items, ok := p.sequence(kv.value, "builds")
				if !ok {
					continue
				}
				for _, it := range items {
					if b := p.grBuild(it); b != nil {
						builds = append(builds, b)
					}
				}
				if len(items) == 0 {
					builds = append(builds, &grBuild{node: kv.value}) // GoReleaser's default build
				}
			}
		}
	}
	if root == nil || !hasKey(root, "builds") {
		builds = append(builds, &grBuild{node: root})
	}

	var (
		out   []target.Target
		first = map[string]target.Target{}
	)
	for _, b := range builds {
		b.details.env = append(slices.Clone(globalEnv), b.details.env...)
		for _, t := range p.expand(b, dist) {
			key := t.String()
			if prev, dup := first[key]; dup {
				if !slices.Equal(prev.Tags, t.Tags) || !slices.Equal(prev.Env, t.Env) || prev.CC != t.CC {
					p.warnf(b.node, "%s is also built by an earlier build with different tags, env or CC; crossls checks it once, as the first build does", key)
				}
				continue
			}
			first[key] = t
			out = append(out, t)
		}
	}
	if err := p.errs.Err(); err != nil {
		return nil, p.warnings, err
	}
	return out, p.warnings, nil
}

func hasKey(n *yaml.Node, key string) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// grBuild reads one entry of builds, or returns nil if the build does not
// produce Go binaries (skip: true, or another builder).
func (p *fileParser) grBuild(n *yaml.Node) *grBuild {
	entries, ok := p.mapping(n, "build")
	if !ok {
		return nil
	}
	b := &grBuild{node: n, matrix: map[string][]grValue{}}
	for _, kv := range entries {
		switch kv.key {
		case "skip":
			v := resolve(kv.value)
			if v.Kind == yaml.ScalarNode && isTemplate(v.Value) {
				p.warnf(v, "skip is a template, which crossls does not evaluate; assuming the build is not skipped")
				continue
			}
			if skip, ok := p.boolean(v, "skip"); ok && skip {
				return nil
			}
		case "builder":
			if s, ok := p.str(kv.value, "builder"); ok && s != "go" && !isTemplate(s) {
				return nil // rust, zig, bun, deno, prebuilt, ...: not ours to check
			}
		case "goos", "goarch", "goamd64", "go386", "goarm", "goarm64", "gomips", "goppc64", "goriscv64":
			if v := resolve(kv.value); v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
				continue // an empty list means GoReleaser's default, as an absent one does
			}
			b.matrix[kv.key] = p.grStrings(kv.value, kv.key)
		case "targets":
			b.targets = p.grStrings(kv.value, "targets")
			if b.targets == nil {
				b.targets = []grValue{}
			}
		case "ignore":
			b.ignore = p.grMatches(kv.value, "ignore")
		case "overrides":
			items, ok := p.sequence(kv.value, "overrides")
			if !ok {
				continue
			}
			for _, it := range items {
				if o, ok := p.grOverride(it); ok {
					b.overrides = append(b.overrides, o)
				}
			}
		case "env", "tags", "flags":
			p.grDetail(&b.details, kv)
		}
	}
	return b
}

// grDetail reads an env, tags or flags key into d.
func (p *fileParser) grDetail(d *grDetails, kv keyValue) {
	switch kv.key {
	case "env":
		d.env = append(d.env, p.grStrings(kv.value, "env")...)
	case "tags":
		d.tags = append(d.tags, p.grStrings(kv.value, "tags")...)
		d.hasTags = true
	case "flags":
		for _, f := range p.grStrings(kv.value, "flags") {
			for _, prefix := range []string{"-tags=", "--tags="} {
				if list, ok := strings.CutPrefix(f.s, prefix); ok {
					d.tags = append(d.tags, grValue{list, f.n})
					d.hasTags = true
				}
			}
		}
	}
}

func (p *fileParser) grOverride(n *yaml.Node) (grOverride, bool) {
	entries, ok := p.mapping(n, "override")
	if !ok {
		return grOverride{}, false
	}
	o := grOverride{match: map[string]string{}}
	for _, kv := range entries {
		switch kv.key {
		case "goos", "goarch", "goamd64", "go386", "goarm", "goarm64", "gomips", "goppc64", "goriscv64":
			s, ok := p.str(kv.value, kv.key)
			if !ok {
				return grOverride{}, false
			}
			if isTemplate(s) {
				p.warnf(kv.value, "override %s is a template, which crossls does not evaluate; skipping the override", kv.key)
				return grOverride{}, false
			}
			o.match[kv.key] = s
		case "env", "tags", "flags":
			p.grDetail(&o.details, kv)
		}
	}
	if o.match["goos"] == "" || o.match["goarch"] == "" {
		return grOverride{}, false // GoReleaser ignores these too
	}
	return o, true
}

// grStrings reads a list of strings, dropping templated items with a
// warning: their value is only known when GoReleaser runs.
func (p *fileParser) grStrings(n *yaml.Node, what string) []grValue {
	vals, nodes := p.strings(n, what)
	var out []grValue
	for i, s := range vals {
		if isTemplate(s) {
			p.warnf(nodes[i], "skipping templated %s value %q: crossls does not evaluate GoReleaser templates", what, s)
			continue
		}
		out = append(out, grValue{s, nodes[i]})
	}
	return out
}

// grMatches reads the entries of ignore: mappings of matrix keys.
func (p *fileParser) grMatches(n *yaml.Node, what string) []map[string]string {
	items, ok := p.sequence(n, what)
	if !ok {
		return nil
	}
	var out []map[string]string
items:
	for _, it := range items {
		entries, ok := p.mapping(it, what+" entry")
		if !ok {
			continue
		}
		m := map[string]string{}
		for _, kv := range entries {
			if !slices.Contains(grMatrixKeys, kv.key) {
				continue
			}
			s, ok := p.str(kv.value, what+"."+kv.key)
			if !ok {
				continue items
			}
			if isTemplate(s) {
				p.warnf(kv.value, "skipping %s entry: %s is a template, which crossls does not evaluate", what, kv.key)
				continue items
			}
			m[kv.key] = s
		}
		out = append(out, m)
	}
	return out
}

// A grPlatform is one element of a build's expansion, before details.
type grPlatform struct {
	goos, goarch string
	variant      string     // GoReleaser's value for the arch's variant key, "" if it has none
	pos          *yaml.Node // where errors about this platform point
}

// expand returns the targets of one build.
func (p *fileParser) expand(b *grBuild, dist *target.Dist) []target.Target {
	var plats []grPlatform
	if b.targets != nil {
		plats = p.listedPlatforms(b, dist)
	} else {
		plats = p.matrixPlatforms(b, dist)
	}
	var out []target.Target
	for _, pl := range plats {
		details := b.details
		for _, o := range b.overrides {
			if o.matches(pl) {
				details.env = append(slices.Clone(details.env), o.details.env...)
				if o.details.hasTags {
					details.tags, details.hasTags = o.details.tags, true
				}
				break // GoReleaser applies the first matching override
			}
		}
		t := target.Target{GOOS: pl.goos, GOARCH: pl.goarch, Variant: pl.variant}
		if key := grVariantKey[pl.goarch]; goVariantDefault[key] == pl.variant {
			t.Variant = ""
		}
		if err := dist.Validate(t); err != nil {
			p.errorf(pl.pos, "%v", err)
			continue
		}
		cgoNode, ok := p.applyDetails(&t, details)
		if !ok {
			continue
		}
		if err := dist.Validate(t); err != nil {
			if cgoNode == nil {
				cgoNode = pl.pos
			}
			p.errorf(cgoNode, "%s: %v", t, err)
			continue
		}
		out = append(out, t)
	}
	return out
}

// matrixPlatforms expands goos x goarch x variants, minus pairs the
// toolchain does not support (as GoReleaser skips them) and ignore.
func (p *fileParser) matrixPlatforms(b *grBuild, dist *target.Dist) []grPlatform {
	list := func(key string, defaults ...string) []grValue {
		if vals, ok := b.matrix[key]; ok {
			return uniqueValues(vals)
		}
		var out []grValue
		for _, d := range defaults {
			out = append(out, grValue{d, b.node})
		}
		return out
	}
	oses, arches := dist.OSes(), dist.Arches()
	var out []grPlatform
	for _, goos := range list("goos", "linux", "darwin", "windows") {
		if !slices.Contains(oses, goos.s) {
			p.errorf(goos.n, "goos: %v", dist.Validate(target.Target{GOOS: goos.s, GOARCH: "amd64"}))
			continue
		}
		for _, arch := range list("goarch", "amd64", "arm64", "386") {
			if !slices.Contains(arches, arch.s) {
				p.errorf(arch.n, "goarch: %v", dist.Validate(target.Target{GOOS: "linux", GOARCH: arch.s}))
				continue
			}
			if _, ok := dist.Lookup(goos.s, arch.s); !ok {
				continue // GoReleaser skips invalid pairs too, e.g. darwin/386 in its defaults
			}
			variants := []grValue{{"", arch.n}}
			if key := grVariantKey[arch.s]; key != "" {
				variants = list(key, grVariantDefault[key])
			}
			for _, v := range variants {
				pl := grPlatform{goos: goos.s, goarch: arch.s, variant: v.s, pos: v.n}
				if pl.variant == "" {
					pl.pos = arch.n
				}
				if !b.ignored(pl) {
					out = append(out, pl)
				}
			}
		}
	}
	return out
}

// uniqueValues drops repeated values, keeping the first of each, so that
// a list with repeats cannot multiply the size of the matrix.
func uniqueValues(vals []grValue) []grValue {
	var out []grValue
	seen := map[string]bool{}
	for _, v := range vals {
		if !seen[v.s] {
			seen[v.s] = true
			out = append(out, v)
		}
	}
	return out
}

// listedPlatforms expands a build's targets list.
func (p *fileParser) listedPlatforms(b *grBuild, dist *target.Dist) []grPlatform {
	if len(b.targets) == 0 {
		return nil
	}
	var out []grPlatform
	add := func(goos, goarch, variant string, n *yaml.Node) {
		if key := grVariantKey[goarch]; key != "" && variant == "" {
			variant = grVariantDefault[key]
		}
		out = append(out, grPlatform{goos, goarch, variant, n})
	}
	for _, v := range b.targets {
		switch v.s {
		case "go_first_class":
			for _, pl := range dist.Platforms {
				if pl.FirstClass {
					add(pl.GOOS, pl.GOARCH, "", v.n)
				}
			}
		case "go_118_first_class":
			for _, s := range go118FirstClass {
				t, _ := target.Parse(s)
				add(t.GOOS, t.GOARCH, t.Variant, v.n)
			}
		default:
			t, err := target.Parse(v.s)
			if err != nil {
				p.errorf(v.n, "%v", err)
				continue
			}
			add(t.GOOS, t.GOARCH, t.Variant, v.n)
		}
	}
	return out
}

// ignored reports whether an ignore entry matches pl: every key the entry
// sets must equal pl's value for it, which is "" for the variant keys of
// other architectures.
func (b *grBuild) ignored(pl grPlatform) bool {
	for _, m := range b.ignore {
		if matchesPlatform(m, pl, false) {
			return true
		}
	}
	return false
}

// matches reports whether the override applies to pl. Like GoReleaser, an
// override that names no variant means the default one.
func (o grOverride) matches(pl grPlatform) bool { return matchesPlatform(o.match, pl, true) }

func matchesPlatform(m map[string]string, pl grPlatform, defaultVariant bool) bool {
	own := grVariantKey[pl.goarch]
	for _, key := range grMatrixKeys {
		want, set := m[key]
		var have string
		switch key {
		case "goos":
			have = pl.goos
		case "goarch":
			have = pl.goarch
		case own:
			have = pl.variant
			if !set && defaultVariant {
				want, set = grVariantDefault[own], true
			}
		}
		if set && want != have {
			return false
		}
	}
	return true
}

// applyDetails sets t's cgo, C compiler, environment and tags from the
// build's env (later entries win) and tags. It returns the node of the
// CGO_ENABLED setting, for errors about cgo.
func (p *fileParser) applyDetails(t *target.Target, d grDetails) (cgoNode *yaml.Node, ok bool) {
	ok = true
	var (
		names []string
		vals  = map[string]grValue{}
	)
	for _, e := range d.env {
		name, val, hasEq := strings.Cut(e.s, "=")
		if !hasEq || !envNameRE.MatchString(name) {
			p.errorf(e.n, "env entry %q must have the form KEY=VALUE", e.s)
			ok = false
			continue
		}
		if _, seen := vals[name]; !seen {
			names = append(names, name)
		}
		vals[name] = grValue{val, e.n}
	}
	if cc, ok := vals["CC"]; ok {
		if _, set := vals["CGO_ENABLED"]; !set {
			p.warnf(cc.n, "CC is set but CGO_ENABLED is not; cross builds default to CGO_ENABLED=0, so crossls checks without cgo (add CGO_ENABLED=1 to check with it)")
		}
	}
	for _, name := range names {
		v := vals[name]
		switch name {
		case "CGO_ENABLED":
			switch v.s {
			case "1":
				t.Cgo = true
			case "0", "":
				t.Cgo = false
			default:
				p.errorf(v.n, "CGO_ENABLED must be 0 or 1, not %q", v.s)
				ok = false
			}
			cgoNode = v.n
		case "CC":
			t.CC = v.s
		case "GOOS", "GOARCH", "GOAMD64", "GO386", "GOARM", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64":
			// GoReleaser sets these for each target, overriding env.
		default:
			t.Env = append(t.Env, name+"="+v.s)
		}
	}
	for _, tv := range d.tags {
		for _, tag := range strings.FieldsFunc(tv.s, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !buildTagRE.MatchString(tag) {
				p.errorf(tv.n, "invalid build tag %q: tags are letters, digits, _ and .", tag)
				ok = false
				continue
			}
			if !slices.Contains(t.Tags, tag) {
				t.Tags = append(t.Tags, tag)
			}
		}
	}
	return cgoNode, ok
}
