package build

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/proc"
)

// A CompileError is one compiler or linker error at a position in a file.
type CompileError struct {
	File    string   `json:"file"`   // absolute path
	Line    int      `json:"line"`   // 1-based
	Column  int      `json:"column"` // 1-based byte column; 0 if the tool gave none
	Message string   `json:"message"`
	Package string   `json:"package,omitempty"` // import path of the package that failed
	Targets []string `json:"targets"`           // canonical target strings this error occurs on
}

func (e CompileError) String() string {
	pos := e.File + ":" + strconv.Itoa(e.Line)
	if e.Column > 0 {
		pos += ":" + strconv.Itoa(e.Column)
	}
	return pos + ": " + e.Message
}

// MergeErrors merges identical errors (same position and message) found on
// several targets into one error listing all of them, sorted by position.
func MergeErrors(results []Result) []CompileError {
	type key struct {
		file         string
		line, column int
		message      string
	}
	index := map[key]int{}
	var merged []CompileError
	for _, res := range results {
		for _, e := range res.Errors {
			k := key{e.File, e.Line, e.Column, e.Message}
			i, ok := index[k]
			if !ok {
				i = len(merged)
				index[k] = i
				first := e
				first.Targets = nil
				merged = append(merged, first)
			}
			for _, t := range e.Targets {
				if !slices.Contains(merged[i].Targets, t) {
					merged[i].Targets = append(merged[i].Targets, t)
				}
			}
		}
	}
	slices.SortStableFunc(merged, func(a, b CompileError) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Message, b.Message))
	})
	return merged
}

// buildOutput is the go command's output, by package where it says so.
type buildOutput struct {
	log      string            // everything, verbatim, in order
	packages []string          // import paths with output, in order
	text     map[string]string // import path ("" for unattributed) -> output
	failed   []string          // import paths whose build failed
}

// parseOutput reads the `go build -json` event stream on stdout; anything
// that is not an event, and stderr, is kept as unattributed text.
func parseOutput(stdout, stderr []byte) *buildOutput {
	out := &buildOutput{text: map[string]string{}}
	var log strings.Builder
	add := func(pkg, s string) {
		if _, seen := out.text[pkg]; !seen {
			out.packages = append(out.packages, pkg)
		}
		out.text[pkg] += s
		log.WriteString(s)
	}
	for line := range bytes.Lines(stdout) {
		var ev struct{ ImportPath, Action, Output string }
		if len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &ev) == nil {
			switch ev.Action {
			case "build-output":
				add(ev.ImportPath, ev.Output)
			case "build-fail":
				out.failed = append(out.failed, ev.ImportPath)
			}
			continue
		}
		add("", string(line))
	}
	if len(stderr) > 0 {
		add("", string(stderr))
	}
	out.log = log.String()
	return out
}

// errorLineRE matches file:line[:col]: message, with an optional drive letter.
var errorLineRE = regexp.MustCompile(`^((?:[A-Za-z]:)?[^:\s][^:]*):([0-9]+)(?::([0-9]+))?: (.+)$`)

// parseErrors extracts positioned errors. Paths the go command printed
// relative to its directory are made absolute; positions in files that do
// not exist there (e.g. the C compiler's, relative to a toolchain package)
// stay in the log only. Indented lines continue the previous message.
func parseErrors(out *buildOutput, dir, tgt string) []CompileError {
	var errs []CompileError
	for _, pkg := range out.packages {
		last := -1
		for line := range strings.Lines(out.text[pkg]) {
			line = strings.TrimRight(line, "\r\n")
			if strings.HasPrefix(line, "\t") && last >= 0 {
				errs[last].Message += "\n" + strings.TrimSpace(line)
				continue
			}
			last = -1
			m := errorLineRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			file := m[1]
			if !filepath.IsAbs(file) {
				file = filepath.Join(dir, file)
			}
			if fi, err := os.Stat(file); err != nil || fi.IsDir() {
				continue
			}
			lineNo, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3]) // 0 if absent
			errs = append(errs, CompileError{
				File:    file,
				Line:    lineNo,
				Column:  col,
				Message: m[4],
				Package: pkg,
				Targets: []string{tgt},
			})
			last = len(errs) - 1
		}
	}
	return errs
}

// A CCompilerError reports a cgo target that has no working C compiler for
// its platform: the most common reason a +cgo cross build fails.
type CCompilerError struct {
	Target  string // canonical target
	CC      string // the compiler the go command tried
	Missing bool   // not found at all, rather than built for another platform
	Detail  string // the first line of the tool's complaint
}

func (e *CCompilerError) Error() string {
	if e.Missing {
		return fmt.Sprintf("%s needs a C compiler for its platform, but %q is not installed (%s); configure CC for this target (a cross compiler such as \"zig cc -target ...\") or build it without +cgo",
			e.Target, e.CC, e.Detail)
	}
	return fmt.Sprintf("%s: the C compiler %q does not build for this platform (%s); configure CC for this target with a cross compiler, or build it without +cgo",
		e.Target, e.CC, e.Detail)
}

var ccNotFoundRE = regexp.MustCompile(`C compiler "([^"]*)" not found: (.*)`)

// explain turns a failed go build into one error with a useful message.
func (r *runner) explain(ctx context.Context, t target.Target, out *buildOutput, errs []CompileError, runErr error) error {
	if m := ccNotFoundRE.FindStringSubmatch(out.log); m != nil && t.Cgo {
		return &CCompilerError{Target: t.String(), CC: m[1], Missing: true, Detail: strings.TrimSpace(m[2])}
	}
	if t.Cgo && slices.Contains(out.failed, "runtime/cgo") {
		cc := r.goEnv(ctx, t, "CC")
		foreign := t.GOOS != runtime.GOOS || t.GOARCH != runtime.GOARCH
		if foreign || t.CC != "" {
			return &CCompilerError{Target: t.String(), CC: cc, Detail: firstLine(out.text["runtime/cgo"])}
		}
	}
	if len(errs) > 0 {
		first := errs[0]
		if rel, err := filepath.Rel(r.dir, first.File); err == nil && !strings.HasPrefix(rel, "..") {
			first.File = rel
		}
		msg := "build failed: " + first.String()
		if len(errs) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
		return errors.New(msg)
	}
	if line := firstLine(out.log); line != "" {
		return errors.New("build failed: " + line)
	}
	var exit *exec.ExitError
	if errors.As(runErr, &exit) {
		return fmt.Errorf("build failed: go build %v", exit)
	}
	return fmt.Errorf("build failed: %v", runErr)
}

// firstLine returns the first line of s that is not a "# package" header.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "# ") {
			return line
		}
	}
	return ""
}

// goEnv asks the go command for a variable as t would see it, e.g. the
// default CC. `go env` runs no compiler.
func (r *runner) goEnv(ctx context.Context, t target.Target, name string) string {
	cmd := exec.CommandContext(ctx, r.goPath, "env", name)
	proc.KillGroupOnCancel(cmd)
	cmd.Dir = r.dir
	cmd.Env = r.environ(t)
	out, err := cmd.Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
