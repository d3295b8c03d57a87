package target

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/crossls/crossls/internal/proc"
)

// A Platform is one GOOS/GOARCH pair the toolchain can build for.
type Platform struct {
	GOOS         string
	GOARCH       string
	CgoSupported bool
	FirstClass   bool
}

// Dist is the list of platforms of one Go toolchain, as printed by
// `go tool dist list -json`. It is the source of truth for validation:
// ports come and go between Go versions.
type Dist struct {
	GoVersion string
	Platforms []Platform
}

// ErrGoNotFound reports that the go command is not installed or not on PATH.
var ErrGoNotFound = errors.New(`the "go" command was not found in PATH: install Go (https://go.dev/dl) or put it on PATH`)

var distCache sync.Map // go binary identity -> *Dist

// LoadDist returns the platform list of the go command goCmd ("" = "go"),
// cached in memory and in the user cache directory per toolchain binary.
func LoadDist(ctx context.Context, goCmd string) (*Dist, error) {
	if goCmd == "" {
		goCmd = "go"
	}
	path, err := exec.LookPath(goCmd)
	if err != nil {
		return nil, ErrGoNotFound
	}
	key := binaryKey(path)
	if d, ok := distCache.Load(key); ok {
		return d.(*Dist), nil
	}
	cacheFile := ""
	if dir, err := os.UserCacheDir(); err == nil && key != "" {
		cacheFile = filepath.Join(dir, "crossls", "dist", key+".json")
		if data, err := os.ReadFile(cacheFile); err == nil {
			var d Dist
			if json.Unmarshal(data, &d) == nil && len(d.Platforms) > 0 {
				distCache.Store(key, &d)
				return &d, nil
			}
		}
	}
	d, err := runDist(ctx, path)
	if err != nil {
		return nil, err
	}
	distCache.Store(key, d)
	if cacheFile != "" {
		writeFileAtomic(cacheFile, mustJSON(d))
	}
	return d, nil
}

// binaryKey identifies a go binary by path, size and modification time, so
// that an upgraded toolchain gets a fresh platform list.
func binaryKey(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d", path, fi.Size(), fi.ModTime().UnixNano()))
	return fmt.Sprintf("%x", sum[:12])
}

func runDist(ctx context.Context, goPath string) (*Dist, error) {
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, goPath, args...)
		proc.KillGroupOnCancel(cmd)
		// The platform list must not depend on the caller's target settings.
		cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOFLAGS=", "GOTOOLCHAIN=local")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	out, err := run("tool", "dist", "list", "-json")
	if err != nil {
		return nil, err
	}
	var d Dist
	if err := json.Unmarshal(out, &d.Platforms); err != nil {
		return nil, fmt.Errorf("reading go tool dist list -json: %v", err)
	}
	ver, err := run("env", "GOVERSION")
	if err != nil {
		return nil, err
	}
	d.GoVersion = strings.TrimSpace(string(ver))
	return &d, nil
}

func mustJSON(v any) []byte {
	data, _ := json.Marshal(v)
	return data
}

// writeFileAtomic writes data so that concurrent readers see the old file
// or the whole new one. Failures only cost a cache miss.
func writeFileAtomic(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), path) != nil {
		os.Remove(f.Name())
	}
}

// Lookup returns the platform goos/goarch.
func (d *Dist) Lookup(goos, goarch string) (Platform, bool) {
	for _, p := range d.Platforms {
		if p.GOOS == goos && p.GOARCH == goarch {
			return p, true
		}
	}
	return Platform{}, false
}

// Target sets name groups of the toolchain's platforms where a target list
// is expected: "all" is every port (go tool dist list), "first-class" the
// first-class ports; both without cgo.
const (
	SetAll        = "all"
	SetFirstClass = "first-class"
)

// Set returns the targets of the named target set, in the toolchain's
// order, and whether name is one.
func (d *Dist) Set(name string) ([]Target, bool) {
	if name != SetAll && name != SetFirstClass {
		return nil, false
	}
	var out []Target
	for _, p := range d.Platforms {
		if name == SetAll || p.FirstClass {
			out = append(out, Target{GOOS: p.GOOS, GOARCH: p.GOARCH})
		}
	}
	return out, true
}

// OSes and Arches list the distinct GOOS and GOARCH values, sorted.
func (d *Dist) OSes() []string   { return d.distinct(func(p Platform) string { return p.GOOS }) }
func (d *Dist) Arches() []string { return d.distinct(func(p Platform) string { return p.GOARCH }) }

func (d *Dist) distinct(f func(Platform) string) []string {
	var out []string
	for _, p := range d.Platforms {
		if v := f(p); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// Validate checks t against the toolchain's platforms and the variant
// rules of internal/buildcfg, with messages that say how to fix it.
func (d *Dist) Validate(t Target) error {
	oses, arches := d.OSes(), d.Arches()
	if !slices.Contains(oses, t.GOOS) {
		return unknownWord("GOOS", t.GOOS, oses)
	}
	if !slices.Contains(arches, t.GOARCH) {
		return unknownWord("GOARCH", t.GOARCH, arches)
	}
	p, ok := d.Lookup(t.GOOS, t.GOARCH)
	if !ok {
		return fmt.Errorf("unsupported GOOS/GOARCH pair %s/%s (%s; see crossls targets -all)", t.GOOS, t.GOARCH, d.GoVersion)
	}
	if err := validateVariant(t); err != nil {
		return err
	}
	for _, kv := range t.Env {
		name, _, _ := strings.Cut(kv, "=")
		if arch, ok := variantOwner[name]; ok && !slices.Contains(arch, t.GOARCH) {
			return fmt.Errorf("%s applies only to %s, not %s", name, strings.Join(arch, ", "), t.GOARCH)
		}
	}
	if t.Cgo && !p.CgoSupported {
		return fmt.Errorf("cgo is not supported on %s/%s", t.GOOS, t.GOARCH)
	}
	return nil
}

func unknownWord(kind, word string, known []string) error {
	if s := Suggest(word, known); s != "" {
		return fmt.Errorf("unknown %s %q (did you mean %q?)", kind, word, s)
	}
	return fmt.Errorf("unknown %s %q (known: %s)", kind, word, strings.Join(known, ", "))
}

// variantOwner maps each variant variable to the architectures it applies to.
var variantOwner = func() map[string][]string {
	m := map[string][]string{}
	for arch, v := range variantVars {
		m[v] = append(m[v], arch)
	}
	for _, a := range m {
		sort.Strings(a)
	}
	return m
}()

var variantRules = map[string]struct {
	re   *regexp.Regexp
	want string
}{
	"GOAMD64":   {regexp.MustCompile(`^v[1-4]$`), "v1..v4"},
	"GOARM":     {regexp.MustCompile(`^[567](,(softfloat|hardfloat))?$`), "5, 6 or 7 (optionally ,softfloat or ,hardfloat)"},
	"GO386":     {regexp.MustCompile(`^(sse2|softfloat)$`), "sse2 or softfloat"},
	"GOARM64":   {regexp.MustCompile(`^(v8\.[0-9]|v9\.[0-5])(,(lse|crypto))*$`), "v8.0..v8.9 or v9.0..v9.5 (optionally ,lse ,crypto)"},
	"GOMIPS":    {regexp.MustCompile(`^(hardfloat|softfloat)$`), "hardfloat or softfloat"},
	"GOMIPS64":  {regexp.MustCompile(`^(hardfloat|softfloat)$`), "hardfloat or softfloat"},
	"GOPPC64":   {regexp.MustCompile(`^power(8|9|10)$`), "power8, power9 or power10"},
	"GORISCV64": {regexp.MustCompile(`^rva2[023]u64$`), "rva20u64, rva22u64 or rva23u64"},
}

func validateVariant(t Target) error {
	if t.Variant == "" {
		return nil
	}
	v := t.VariantVar()
	if v == "" {
		return fmt.Errorf("%s/%s has no architecture variant (got %q)", t.GOOS, t.GOARCH, t.Variant)
	}
	if r := variantRules[v]; !r.re.MatchString(t.Variant) {
		return fmt.Errorf("%s must be %s (got %q)", v, r.want, t.Variant)
	}
	return nil
}
