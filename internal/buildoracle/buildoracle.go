// Package buildoracle is the ground truth crossls's verdicts are tested
// against: it runs the real go command for a target and turns what it
// prints into a verdict per package, with the classes of docs/check-json.md.
//
// It deliberately shares no code with crossls's own classification
// (internal/matrix, analysis/buildgap): it reads only go build's and go
// list's output and the package sources, so that a mistake in crossls
// cannot hide behind the same mistake here.
package buildoracle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crossls/crossls/analysis/target"
)

// Classes, as in docs/check-json.md.
const (
	ClassNoGoFiles       = "no-go-files"
	ClassCgoRequired     = "cgo-required"
	ClassUndefinedSymbol = "undefined-symbol"
	ClassTypeError       = "type-error"
	ClassDependencyFails = "dependency-fails"
	ClassOther           = "other"
)

// Verdict is what `go build <package>` does for one target.
type Verdict struct {
	Status  string // "ok" or "fail"
	Class   string
	Message string // the first error
	Pos     string // file:line:col of the first error (absolute path), if it has one
	// Output is go build's output for the failing package (P's own, or
	// the dependency's that made P fail), to show when a verdict is
	// questioned.
	Output string
}

// Verdicts returns the verdict of `go build` for each of pkgs (import
// paths) with t's environment, run in dir.
//
// It builds all the packages that load cleanly in one go command (which
// compiles and discards them, and goes on after a package fails), and
// builds the others one by one: a loading error aborts the whole command.
// When the batch says anything it cannot attribute to a package, every
// package is built on its own.
func Verdicts(ctx context.Context, dir string, pkgs []string, t target.Target) (map[string]Verdict, error) {
	r := &runner{dir: dir, t: t, env: append(os.Environ(), t.Environ()...)}
	if len(t.Tags) > 0 {
		r.tags = "-tags=" + strings.Join(t.Tags, ",")
	}
	if err := r.list(ctx, pkgs, false); err != nil {
		return nil, err
	}
	var batch, single []string
	for _, p := range pkgs {
		lp := r.pkgs[p]
		if lp == nil || lp.Error != nil || len(lp.DepsErrors) > 0 {
			single = append(single, p)
		} else {
			batch = append(batch, p)
		}
	}
	out := map[string]Verdict{}
	if len(batch) > 0 {
		failed, err := r.build(ctx, batch)
		if err != nil {
			return nil, err
		}
		if failed == nil {
			single = pkgs
		} else {
			for _, p := range batch {
				out[p] = r.batchVerdict(p, failed)
			}
		}
	}
	for _, p := range single {
		v, err := r.buildOne(ctx, p)
		if err != nil {
			return nil, err
		}
		out[p] = v
	}
	return out, nil
}

type runner struct {
	dir, tags string
	t         target.Target
	env       []string
	pkgs      map[string]*listPackage
	decls     map[string]map[string][]decl // package dir -> excluded declarations
}

type listPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	Imports    []string
	ImportMap  map[string]string
	Deps       []string
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
	// Listed with -test only.
	ForTest                   string
	TestGoFiles, XTestGoFiles []string
}

func (r *runner) command(ctx context.Context, args ...string) *exec.Cmd {
	if r.tags != "" {
		args = append(args[:1:1], append([]string{r.tags}, args[1:]...)...)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	return cmd
}

// list loads the import graph of pkgs with the target's environment, and
// with tests, that of their tests too (go list -test).
func (r *runner) list(ctx context.Context, pkgs []string, tests bool) error {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Name,Dir,Standard,Imports,ImportMap,Deps,Error,DepsErrors,ForTest,TestGoFiles,XTestGoFiles"}
	if tests {
		args = append(args, "-test")
	}
	cmd := r.command(ctx, append(args, pkgs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list for %s: %v\n%s", r.t, err, stderr.Bytes())
	}
	r.pkgs = map[string]*listPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listPackage)
		if err := dec.Decode(p); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("go list for %s: %v", r.t, err)
		}
		r.pkgs[p.ImportPath] = p
	}
}

// buildEvent is one line of `go build -json`.
type buildEvent struct {
	ImportPath string
	Action     string
	Output     string
}

// failures maps each package go build reported as failed to its output.
type failures map[string]string

// runBuild runs go build -json and collects the failures it reports. ok
// is false if the output is not only such events.
func (r *runner) runBuild(ctx context.Context, pkgs []string) (fails failures, rc int, stderr string, ok bool, err error) {
	cmd := r.command(ctx, append([]string{"build", "-json", "-o", os.DevNull}, pkgs...)...)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, runErr := cmd.Output()
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return nil, 0, "", false, fmt.Errorf("go build for %s: %v", r.t, runErr)
	}
	if exit != nil {
		rc = exit.ExitCode()
	}
	fails = failures{}
	outputs := map[string]*strings.Builder{}
	ok = true
	for _, line := range bytes.Split(out, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var ev buildEvent
		if json.Unmarshal(line, &ev) != nil {
			ok = false
			continue
		}
		switch ev.Action {
		case "build-output":
			b := outputs[ev.ImportPath]
			if b == nil {
				b = new(strings.Builder)
				outputs[ev.ImportPath] = b
			}
			b.WriteString(ev.Output)
		case "build-fail":
			text := ""
			if b := outputs[ev.ImportPath]; b != nil {
				text = b.String()
			}
			fails[ev.ImportPath] = text
		default:
			ok = false
		}
	}
	if errBuf.Len() > 0 || (rc == 0) != (len(fails) == 0) {
		ok = false
	}
	return fails, rc, errBuf.String(), ok, nil
}

// build builds the batch. It returns nil failures when the output cannot
// be attributed: something other than compile failures (a "# P" block)
// of the batch's packages and their dependencies.
func (r *runner) build(ctx context.Context, batch []string) (failures, error) {
	fails, _, _, ok, err := r.runBuild(ctx, batch)
	if err != nil || !ok {
		return nil, err
	}
	closure := map[string]bool{}
	for _, p := range batch {
		closure[p] = true
		for _, d := range r.pkgs[p].Deps {
			closure[d] = true
		}
	}
	for p, text := range fails {
		if p == "" || !closure[p] || !strings.HasPrefix(text, "# "+p+"\n") {
			return nil, nil
		}
	}
	return fails, nil
}

// batchVerdict is p's verdict from the batch's failures: its own, or its
// dependencies' (go build would have reported those and not compiled p).
func (r *runner) batchVerdict(p string, fails failures) Verdict {
	if text, ok := fails[p]; ok {
		return r.own(p, text)
	}
	var failedDeps []string
	for _, d := range r.pkgs[p].Deps {
		if _, ok := fails[d]; ok {
			failedDeps = append(failedDeps, d)
		}
	}
	if len(failedDeps) == 0 {
		return Verdict{Status: "ok"}
	}
	return r.dependency(failedDeps, fails)
}

// buildOne builds p on its own.
func (r *runner) buildOne(ctx context.Context, p string) (Verdict, error) {
	fails, rc, stderr, _, err := r.runBuild(ctx, []string{p})
	if err != nil {
		return Verdict{}, err
	}
	if rc == 0 {
		return Verdict{Status: "ok"}, nil
	}
	if text, ok := fails[p]; ok {
		return r.own(p, text), nil
	}
	var failed []string
	for q := range fails {
		if q != "" {
			failed = append(failed, q)
		}
	}
	if len(failed) == 0 {
		// Nothing names a package: a failure of the go command itself.
		text := fails[""] + stderr
		msg, pos := firstError(r.dir, text)
		return Verdict{Status: "fail", Class: ClassOther, Message: msg, Pos: pos, Output: text}, nil
	}
	slices.Sort(failed)
	return r.dependency(failed, fails), nil
}

// dependency is the verdict of a package that go build did not compile
// because the packages failed did. A broken C toolchain, which shows as
// runtime/cgo failing, is not a dependency's fault.
func (r *runner) dependency(failed []string, fails failures) Verdict {
	dep, class := failed[0], ClassDependencyFails
	if slices.Contains(failed, "runtime/cgo") {
		dep, class = "runtime/cgo", ClassOther
	}
	text := fails[dep]
	msg, pos := firstError(r.dir, strings.TrimPrefix(text, "# "+dep+"\n"))
	if class == ClassDependencyFails {
		msg = fmt.Sprintf("dependency %s fails: %s", dep, msg)
	}
	return Verdict{Status: "fail", Class: class, Message: msg, Pos: pos, Output: text}
}

// own is the verdict of a package whose own build failed with text: a
// compile failure (a "# P" block) or a loading error.
func (r *runner) own(p, text string) Verdict {
	v := Verdict{Status: "fail", Output: text}
	body, compiled := strings.CutPrefix(text, "# "+p+"\n")
	v.Message, v.Pos = firstError(r.dir, body)
	if !compiled {
		v.Message = strings.TrimPrefix(v.Message, "package "+p+": ")
		switch {
		case strings.Contains(v.Message, "build constraints exclude all Go files in "):
			v.Class = ClassNoGoFiles
			if !r.t.Cgo && r.buildsWithCgo(p) {
				v.Class = ClassCgoRequired
			}
		case strings.Contains(v.Message, "no non-test Go files in "):
			v.Class = ClassNoGoFiles
		default:
			v.Class = ClassOther
		}
		return v
	}
	v.Class = r.classifyCompile(p, body, v.Message, v.Pos)
	return v
}

// buildsWithCgo reports whether some non-test Go file of p would be in
// the build if cgo were enabled.
func (r *runner) buildsWithCgo(p string) bool {
	lp := r.pkgs[p]
	if lp == nil || lp.Dir == "" {
		return false
	}
	ctxt := r.t.Context()
	ctxt.CgoEnabled = true
	for _, name := range goFiles(lp.Dir) {
		if ok, err := ctxt.MatchFile(lp.Dir, name); err == nil && ok {
			return true
		}
	}
	return false
}

// goFiles returns the names of the non-test Go files in dir.
func goFiles(dir string) []string { return goFilesTests(dir, false) }

// goFilesTests returns the names of the Go files in dir, the test files
// too if tests.
func goFilesTests(dir string, tests bool) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && strings.HasSuffix(name, ".go") && (tests || !strings.HasSuffix(name, "_test.go")) {
			names = append(names, name)
		}
	}
	return names
}

// firstError returns the first line of text that is an error, without
// and with its position ("file:line:col", made absolute against dir).
func firstError(dir, text string) (msg, pos string) {
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if loc, ok := parseLine(line); ok {
			if strings.HasPrefix(loc.file, "<") {
				return loc.msg, "" // <autogenerated>: no file to point at
			}
			file := loc.file
			if !filepath.IsAbs(file) {
				file = filepath.Join(dir, file)
			}
			pos = fmt.Sprintf("%s:%d", file, loc.line)
			if loc.col > 0 {
				pos += fmt.Sprintf(":%d", loc.col)
			}
			return loc.msg, pos
		}
		return line, ""
	}
	return "", ""
}
