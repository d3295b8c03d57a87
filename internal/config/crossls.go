package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/crossls/crossls/analysis/target"
)

// crosslsFile is what a .crossls.yaml sets. Nil fields were not set.
type crosslsFile struct {
	dir       string
	targets   []target.Target
	analyzers map[string]bool
	build     map[string]any // key -> value, only the keys present
	matrix    string         // absolute path of the matrix file named, "" if none
}

// apply overlays the settings of f on cfg's defaults.
func (f *crosslsFile) apply(cfg *Config) {
	for name, on := range f.analyzers {
		cfg.Analyzers[name] = on
	}
	b := &cfg.Build
	for key, v := range f.build {
		switch key {
		case "output_dir":
			dir := v.(string)
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(f.dir, dir)
			}
			b.OutputDir = filepath.Clean(dir)
		case "jobs":
			b.Jobs = v.(int)
		case "ldflags":
			b.Ldflags = v.(string)
		case "trimpath":
			b.Trimpath = v.(bool)
		case "tags":
			b.Tags = v.([]string)
		case "name":
			b.Name = v.(string)
		}
	}
}

var (
	topKeys    = []string{"analyzers", "build", "matrix", "targets"}
	targetKeys = []string{"cc", "env", "tags", "target"}
	buildKeys  = []string{"jobs", "ldflags", "name", "output_dir", "tags", "trimpath"}
)

// parseCrossls reads a .crossls.yaml file.
func parseCrossls(path string, dist *target.Dist) (*crosslsFile, []string, error) {
	p := &fileParser{file: path}
	root, err := p.readYAML(path)
	if err != nil {
		return nil, nil, err
	}
	f := &crosslsFile{dir: filepath.Dir(path)}
	if root == nil {
		return f, nil, nil
	}
	entries, ok := p.mapping(root, "configuration")
	if !ok {
		return nil, nil, p.errs.Err()
	}
	var targetsKey, matrixKey *yaml.Node
	for _, kv := range entries {
		switch kv.key {
		case "matrix":
			matrixKey = kv.keyNode
			if s, ok := p.str(kv.value, "matrix"); ok {
				if !filepath.IsLocal(filepath.FromSlash(s)) {
					p.errorf(kv.value, "matrix must be a path relative to this file's directory, inside it (got %q)", s)
					continue
				}
				f.matrix = filepath.Join(f.dir, filepath.FromSlash(s))
				if _, err := os.Stat(f.matrix); err != nil {
					p.errorf(kv.value, "cannot read matrix file %s: %s", s, errText(err))
				}
			}
		case "targets":
			targetsKey = kv.keyNode
			f.targets = p.crosslsTargets(kv.value, dist)
			if f.targets == nil {
				f.targets = []target.Target{} // present but broken: never fall through to other sources
			}
		case "analyzers":
			f.analyzers = p.analyzers(kv.value)
		case "build":
			f.build = p.build(kv.value)
		default:
			p.unknownKey(kv.keyNode, "configuration", topKeys)
		}
	}
	if targetsKey != nil && matrixKey != nil {
		p.errorf(matrixKey, "both targets (line %d) and matrix name the targets: keep one", targetsKey.Line)
	}
	if err := p.errs.Err(); err != nil {
		return nil, p.warnings, err
	}
	return f, p.warnings, nil
}

func (p *fileParser) unknownKey(k *yaml.Node, what string, known []string) {
	if s := target.Suggest(k.Value, known); s != "" {
		p.errorf(k, "unknown key %q in %s (did you mean %q?)", k.Value, what, s)
		return
	}
	p.errorf(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
}

// crosslsTargets reads the targets list: each item is a target string or a
// mapping {target, tags, env, cc}.
func (p *fileParser) crosslsTargets(n *yaml.Node, dist *target.Dist) []target.Target {
	items, ok := p.sequence(n, "targets")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.errorf(n, "targets is empty; list at least one target, or remove the key to use the defaults")
		return nil
	}
	var out []target.Target
	seen := map[string]int{} // canonical target -> line
	for _, it := range items {
		t, pos, ok := p.crosslsTarget(it)
		if !ok {
			continue
		}
		if err := dist.Validate(t); err != nil {
			p.errorf(pos, "target %s: %v", t, err)
			continue
		}
		if line, dup := seen[t.String()]; dup {
			p.errorf(pos, "duplicate target %s (first at line %d)", t, line)
			continue
		}
		seen[t.String()] = pos.Line
		out = append(out, t)
	}
	return out
}

// crosslsTarget reads one item of targets. pos is the node that errors
// about the target as a whole should point at.
func (p *fileParser) crosslsTarget(n *yaml.Node) (t target.Target, pos *yaml.Node, ok bool) {
	if n.Kind == yaml.ScalarNode {
		s, ok := p.str(n, "target")
		if !ok {
			return t, n, false
		}
		t, err := target.Parse(s)
		if err != nil {
			p.errorf(n, "%v", err)
			return t, n, false
		}
		return t, n, true
	}
	entries, ok := p.mapping(n, "target entry")
	if !ok {
		return t, n, false
	}
	pos = n
	var (
		found  bool
		failed bool
		cc     *yaml.Node
	)
	for _, kv := range entries {
		switch kv.key {
		case "target":
			s, ok := p.str(kv.value, "target")
			if !ok {
				failed = true
				continue
			}
			parsed, err := target.Parse(s)
			if err != nil {
				p.errorf(kv.value, "%v", err)
				failed = true
				continue
			}
			found, pos = true, kv.value
			t.GOOS, t.GOARCH, t.Variant, t.Cgo = parsed.GOOS, parsed.GOARCH, parsed.Variant, parsed.Cgo
		case "tags":
			tags, ok := p.buildTags(kv.value, "tags")
			failed = failed || !ok
			t.Tags = tags
		case "env":
			env, ok := p.env(kv.value)
			failed = failed || !ok
			t.Env = env
		case "cc":
			s, ok := p.str(kv.value, "cc")
			if ok && strings.TrimSpace(s) == "" {
				p.errorf(kv.value, "cc is empty")
				ok = false
			}
			failed = failed || !ok
			t.CC, cc = s, kv.value
		default:
			p.unknownKey(kv.keyNode, "target entry", targetKeys)
			failed = true
		}
	}
	if !found && !failed {
		p.errorf(n, "target entry has no target: key (e.g. target: linux/arm64)")
	}
	if found && cc != nil && !t.Cgo {
		p.warnf(cc, "cc has no effect on %s: cgo is off (spell the target %s+cgo to enable it)", t, t)
	}
	return t, pos, found && !failed
}

// buildTagRE matches what the go command accepts in -tags.
var buildTagRE = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// buildTags reads a list of build tags. Tags that the target itself
// decides (GOOS, GOARCH, cgo) are rejected: setting them by hand would
// make files for one platform build on another.
func (p *fileParser) buildTags(n *yaml.Node, what string) ([]string, bool) {
	vals, nodes := p.strings(n, what)
	if nodes == nil && resolve(n).Kind != yaml.SequenceNode {
		return nil, false
	}
	ok := true
	tags := []string{}
	for i, tag := range vals {
		switch {
		case !buildTagRE.MatchString(tag):
			p.errorf(nodes[i], "invalid build tag %q: tags are letters, digits, _ and .", tag)
			ok = false
		case target.KnownOS[tag] || target.KnownArch[tag] || tag == "cgo" || tag == "unix":
			p.errorf(nodes[i], "build tag %q is set by the target; choose it with the target instead (e.g. linux/amd64, +cgo)", tag)
			ok = false
		default:
			tags = append(tags, tag)
		}
	}
	return tags, ok
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// targetEnvVars are the variables a target's spelling decides; setting
// them in env would make the target's name lie about what is built.
var targetEnvVars = map[string]string{
	"GOOS":        "the target's GOOS (linux/amd64)",
	"GOARCH":      "the target's GOARCH (linux/amd64)",
	"CGO_ENABLED": "the +cgo suffix (linux/amd64+cgo)",
	"CC":          "the cc: key",
	"GOARM":       "the target's variant (linux/arm/v7)",
	"GOAMD64":     "the target's variant (linux/amd64/v3)",
	"GO386":       "the target's variant (linux/386/softfloat)",
	"GOARM64":     "the target's variant (linux/arm64/v9.0)",
	"GOMIPS":      "the target's variant (linux/mips/softfloat)",
	"GOMIPS64":    "the target's variant (linux/mips64/softfloat)",
	"GOPPC64":     "the target's variant (linux/ppc64le/power9)",
	"GORISCV64":   "the target's variant (linux/riscv64/rva22u64)",
}

// env reads a list of KEY=VALUE settings.
func (p *fileParser) env(n *yaml.Node) ([]string, bool) {
	vals, nodes := p.strings(n, "env")
	if nodes == nil && resolve(n).Kind != yaml.SequenceNode {
		return nil, false
	}
	ok := true
	env := []string{}
	for i, kv := range vals {
		name, _, hasEq := strings.Cut(kv, "=")
		switch {
		case !hasEq || !envNameRE.MatchString(name):
			p.errorf(nodes[i], "env entry %q must have the form KEY=VALUE", kv)
			ok = false
		case targetEnvVars[name] != "":
			p.errorf(nodes[i], "env cannot set %s; use %s", name, targetEnvVars[name])
			ok = false
		default:
			env = append(env, kv)
		}
	}
	return env, ok
}

func (p *fileParser) analyzers(n *yaml.Node) map[string]bool {
	entries, ok := p.mapping(n, "analyzers")
	if !ok {
		return nil
	}
	m := map[string]bool{}
	for _, kv := range entries {
		if !slices.Contains(AnalyzerNames, kv.key) {
			if s := target.Suggest(kv.key, AnalyzerNames); s != "" {
				p.errorf(kv.keyNode, "unknown analyzer %q (did you mean %q?)", kv.key, s)
			} else {
				p.errorf(kv.keyNode, "unknown analyzer %q (known: %s)", kv.key, strings.Join(AnalyzerNames, ", "))
			}
			continue
		}
		if on, ok := p.boolean(kv.value, fmt.Sprintf("analyzers.%s", kv.key)); ok {
			m[kv.key] = on
		}
	}
	return m
}

func (p *fileParser) build(n *yaml.Node) map[string]any {
	entries, ok := p.mapping(n, "build")
	if !ok {
		return nil
	}
	m := map[string]any{}
	for _, kv := range entries {
		what := "build." + kv.key
		switch kv.key {
		case "output_dir":
			if s, ok := p.str(kv.value, what); ok {
				if strings.TrimSpace(s) == "" {
					p.errorf(kv.value, "%s is empty", what)
					continue
				}
				m[kv.key] = s
			}
		case "ldflags":
			if s, ok := p.str(kv.value, what); ok {
				m[kv.key] = s
			}
		case "name":
			if s, ok := p.str(kv.value, what); ok {
				if s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
					p.errorf(kv.value, "%s must be a file name, not a path (got %q)", what, s)
					continue
				}
				m[kv.key] = s
			}
		case "jobs":
			if i, ok := p.integer(kv.value, what); ok {
				if i < 0 {
					p.errorf(kv.value, "%s must be 0 (one per CPU) or more, not %d", what, i)
					continue
				}
				m[kv.key] = i
			}
		case "trimpath":
			if b, ok := p.boolean(kv.value, what); ok {
				m[kv.key] = b
			}
		case "tags":
			if tags, ok := p.buildTags(kv.value, what); ok {
				m[kv.key] = tags
			}
		default:
			p.unknownKey(kv.keyNode, "build", buildKeys)
		}
	}
	return m
}
