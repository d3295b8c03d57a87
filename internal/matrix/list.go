package matrix

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/golist"
	"github.com/crossls/crossls/internal/source"
)

// listedPackage is a package of a target's listing: what go list says of
// it, and what the driver derives from that once per listing.
type listedPackage struct {
	golist.Package

	// Derived once per listing, as checks reuse a listing for many edits.
	files   []string // compiledFiles
	ignored []string // IgnoredGoFiles, absolute
	other   []string // non-Go source files, absolute
	fixed   bool     // immutable
	// cgoProcessed: files holds cgo's output for the CgoFiles; the type
	// check sees the C declarations as the compiler does.
	cgoProcessed bool
	// vetOnly: a test package that go vet type-checks but does not
	// compile, as nothing imports it (the external test package, and the
	// package under test with its _test.go files when no other test
	// package imports it). The compiler's own checks do not apply.
	vetOnly bool
	// toolchainErr is runtime/cgo's failure to build with the target's C
	// compiler: every package that needs cgo fails with it.
	toolchainErr string
	// cgoUnchecked says why the package's cgo step was not run: it would
	// run a program the project configures, outside a trusted workspace.
	cgoUnchecked string
	// fixedKey is the unit key of an immutable package whose dependencies
	// are all immutable: the same for every check of this listing.
	fixedKey atomic.Pointer[string]
	// Memos of Session.buildsFor and Session.cgoOnly for immutable packages.
	buildsForOnce, cgoOnlyOnce sync.Once
	buildsFor                  string
	cgoOnly                    bool
	// empty is the unit of a package without files (emptyUnit).
	emptyOnce sync.Once
	empty     *unit
	// excluded memoizes Session.excludedNames of an immutable package.
	excludedOnce sync.Once
	excluded     map[string]bool
	// mutableKeys remembers the last unit key of a package the user may
	// edit, for the same file contents and dependencies.
	mutableKeys keyMemo
	filesMemo   [2]keyMemo // Session.filesKey of a mutable package
	// filesKeys are Session.filesKey of an immutable package, whose files
	// are identified by path.
	filesKeys [2]string
}

// derive fills in the fields computed from go list's output.
func (p *listedPackage) derive() {
	p.files = compiledFiles(p)
	if len(p.CgoFiles) > 0 && len(p.CompiledGoFiles) > 0 {
		p.files, p.cgoProcessed = absFiles(p.Dir, p.CompiledGoFiles), true
	}
	p.ignored = absFiles(p.Dir, p.IgnoredGoFiles)
	p.other = absFiles(p.Dir, concat(p.CFiles, p.CXXFiles, p.MFiles, p.FFiles, p.SFiles, p.SysoFiles))
	p.fixed = immutable(p)
	if p.fixed {
		p.filesKeys = [2]string{hashFiles(p, false, nil), hashFiles(p, true, nil)}
	}
}

// listTarget runs `go list -deps` for one target. For a target without
// cgo it lists metadata only: neither the compiler nor a C compiler runs.
// For a cgo target it then runs cgo as go build does (runCgoStep), so that
// C declarations are type-checked as the compiler sees them and C errors
// are found. When that would run a program the project configures (a
// target's cc) and the project is not trusted, it lists metadata only and
// marks the packages that need cgo as unchecked.
func listTarget(ctx context.Context, opts *Options, t target.Target, overlayFile string) ([]*listedPackage, error) {
	runCgo := t.Cgo && (opts.TrustProject || !projectConfiguresCgo(t))
	var pkgs []*listedPackage
	args := []string{"list", "-e", "-json=" + golist.Fields, "-deps"}
	if opts.Tests {
		args = append(args, "-test")
	}
	err := goList(ctx, opts, t, overlayFile, append(args, opts.Patterns...), func(p *listedPackage) {
		if !isTestMain(p) {
			pkgs = append(pkgs, p)
		}
	})
	if err == nil && runCgo {
		err = runCgoStep(ctx, opts, t, overlayFile, pkgs)
	}
	if err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		p.derive()
	}
	markVetOnly(pkgs)
	if t.Cgo && !runCgo {
		reason := fmt.Sprintf("not checked for %s: its cgo step would run the C compiler this project configures, which runs only from the command line or in a trusted workspace", t)
		for _, p := range pkgs {
			if len(p.CgoFiles) > 0 {
				p.cgoUnchecked = reason
			}
		}
	}
	return pkgs, nil
}

// markVetOnly sets vetOnly on the test packages that nothing imports (the
// generated test main, which imports them all, is not in pkgs).
func markVetOnly(pkgs []*listedPackage) {
	imported := map[string]bool{}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			imported[imp] = true
		}
	}
	for _, p := range pkgs {
		path := p.typesPath()
		p.vetOnly = p.isTestVariant() && !imported[p.ImportPath] && (path == p.ForTest || path == p.ForTest+"_test")
	}
}

// isTestMain reports whether p is the generated main package of a test
// binary ("p.test"), which go vet does not check either.
func isTestMain(p *listedPackage) bool {
	return p.ForTest == "" && p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test") &&
		len(p.GoFiles) > 0 && filepath.IsAbs(p.GoFiles[0])
}

// isTestVariant reports whether p is compiled only into a test binary.
func (p *listedPackage) isTestVariant() bool { return p.ForTest != "" }

// typesPath is the path of p's types.Package: its import path, without the
// test binary a test variant is compiled for.
func (p *listedPackage) typesPath() string { return typesPathOf(p.ImportPath) }

func typesPathOf(importPath string) string {
	path, _, _ := strings.Cut(importPath, " ")
	return path
}

// runCgoStep runs cgo (go list -compiled) on the packages of a cgo
// target's listing whose type check needs its output: those outside the
// standard library with cgo files, and runtime/cgo, whose build tells
// whether the target's C compiler works at all. The standard library's
// other cgo packages (net, os/user) build whenever runtime/cgo does, and
// their API does not depend on cgo: running cgo on them would only cost
// time, most of a cold check's.
func runCgoStep(ctx context.Context, opts *Options, t target.Target, overlayFile string, pkgs []*listedPackage) error {
	byPath := map[string]*listedPackage{}
	var paths []string
	fileArgs := false // packages named by files are not listable by path
	// Test variants are listed through the package under test (-test);
	// those that only import it, with -deps too.
	tests, testDeps := false, false
	for _, p := range pkgs {
		if len(p.CgoFiles) == 0 {
			continue
		}
		addCgoImports(p)
		byPath[p.ImportPath] = p
		fileArgs = fileArgs || p.ImportPath == "command-line-arguments"
		if p.Error != nil || p.Standard && p.ImportPath != "runtime/cgo" {
			continue
		}
		path := p.ImportPath
		if p.isTestVariant() {
			path, tests = p.ForTest, true
			testDeps = testDeps || p.DepOnly
		}
		if !slices.Contains(paths, path) {
			paths = append(paths, path)
		}
	}
	args := []string{"list", "-e", "-json=" + golist.Fields, "-compiled"}
	if tests {
		args = append(args, "-test")
	}
	switch {
	case fileArgs || testDeps:
		args = append(append(args, "-deps"), opts.Patterns...)
	case len(paths) > 0:
		args = append(args, paths...)
	default:
		return nil
	}
	return goList(ctx, opts, t, overlayFile, args, func(c *listedPackage) {
		p := byPath[c.ImportPath]
		if p == nil {
			return
		}
		p.CompiledGoFiles = c.CompiledGoFiles
		if len(c.CompiledGoFiles) > 0 {
			p.Imports, p.ImportMap = c.Imports, c.ImportMap
		}
		if c.Error != nil && p.Error == nil {
			p.Error = c.Error
			if p.ImportPath == "runtime/cgo" && cToolchainError(p.Error.Err) {
				p.toolchainErr, p.Error = p.Error.Err, nil
			}
		}
	})
}

// addCgoImports adds to the imports of a package with cgo files those its
// cgo step adds, as the go command's loader does: a listing without
// -compiled leaves them out, yet they make the package fail with
// runtime/cgo when the target's C compiler does not work.
func addCgoImports(p *listedPackage) {
	for _, imp := range []string{"unsafe", "runtime/cgo", "syscall"} {
		switch {
		case slices.Contains(p.Imports, imp),
			p.Standard && imp == "runtime/cgo" && p.ImportPath == "runtime/cgo",
			p.Standard && imp == "syscall" && cgoSyscallExclude[p.ImportPath]:
			continue
		}
		p.Imports = append(p.Imports, imp)
	}
}

// cgoSyscallExclude are the standard packages whose cgo step does not
// import syscall (cmd/go/internal/load).
var cgoSyscallExclude = map[string]bool{"runtime/cgo": true, "runtime/race": true, "runtime/msan": true, "runtime/asan": true}

// projectConfiguresCgo reports whether t's cgo step would run a program or
// flags that the project's configuration chooses.
func projectConfiguresCgo(t target.Target) bool {
	if t.CC != "" {
		return true
	}
	for _, kv := range t.Env {
		if key, _, _ := strings.Cut(kv, "="); cgoEnvKey(key) {
			return true
		}
	}
	return false
}

// cToolchainError reports whether go command output reports a failure of
// the C toolchain (a C compiler's "error:", a missing compiler) rather than
// of the Go compiler, whose messages are "file.go:line:col: message".
func cToolchainError(out string) bool {
	for _, line := range strings.Split(out, "\n") {
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		m := goErrorLineRE.FindStringSubmatch(line)
		return m == nil || strings.HasPrefix(m[1], "error:") || strings.HasPrefix(m[1], "fatal error:")
	}
	return false
}

var goErrorLineRE = regexp.MustCompile(`^\S+\.go:\d+:\d+: (.*)$`)

// goList runs go list with t's environment (and the overlay), one
// listed package at a time.
func goList(ctx context.Context, opts *Options, t target.Target, overlayFile string, args []string, each func(*listedPackage)) error {
	inv := golist.Invocation{GoCmd: opts.GoCmd, Dir: opts.Dir, Env: opts.Env, Target: t, OverlayFile: overlayFile}
	return golist.Run(ctx, inv, args, func(p *golist.Package) { each(&listedPackage{Package: *p}) })
}

// keyMemo remembers a mutable package's last unit key and shape. The file
// cache keeps one *source.Content per unchanged content, so comparing them
// and the dependencies' keys costs less than hashing again: most packages
// of a large module are untouched by an edit, for every target.
type keyMemo struct {
	mu       sync.Mutex
	contents []*source.Content
	depKeys  []string // in Imports order
	key      string
	shapeDep []string
	shape    string
}

func (m *keyMemo) lookup(contents []*source.Content, depKeys []string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key == "" || !slices.Equal(m.contents, contents) || !slices.Equal(m.depKeys, depKeys) {
		return "", false
	}
	return m.key, true
}

func (m *keyMemo) store(contents []*source.Content, depKeys []string, key string) {
	m.mu.Lock()
	m.contents, m.depKeys, m.key = contents, depKeys, key
	m.mu.Unlock()
}

// shapeFor returns the shape for depKeys, computing it if they changed.
func (m *keyMemo) shapeFor(depKeys []string, compute func() string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shape == "" || !slices.Equal(m.shapeDep, depKeys) {
		m.shapeDep, m.shape = depKeys, compute()
	}
	return m.shape
}
