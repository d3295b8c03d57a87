package buildoracle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/crossls/crossls/analysis/target"
)

// VetVerdicts returns, for each of pkgs that has test files for t, the
// verdict of compiling its tests as `go vet` does with t's environment: the
// package with its _test.go files, then its external test package. Packages
// without test files for t have no entry.
//
// go vet runs with only its directive analyzer, which reports nothing on
// code without //go:debug lines, so that a failure is a failure to load or
// type-check, not a vet finding.
func VetVerdicts(ctx context.Context, dir string, pkgs []string, t target.Target) (map[string]Verdict, error) {
	r := &runner{dir: dir, t: t, env: append(os.Environ(), t.Environ()...)}
	if len(t.Tags) > 0 {
		r.tags = "-tags=" + strings.Join(t.Tags, ",")
	}
	if err := r.list(ctx, pkgs, true); err != nil {
		return nil, err
	}
	out := map[string]Verdict{}
	for _, p := range pkgs {
		lp := r.pkgs[p]
		if lp == nil || len(lp.TestGoFiles)+len(lp.XTestGoFiles) == 0 {
			continue
		}
		v, err := r.vet(ctx, p)
		if err != nil {
			return nil, err
		}
		out[p] = v
	}
	return out, nil
}

// vet runs go vet on p and reads its verdict from the output: the first
// failure of p's test packages (the internal one first), else of a
// dependency.
func (r *runner) vet(ctx context.Context, p string) (Verdict, error) {
	cmd := r.command(ctx, "vet", "-directive", p)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return Verdict{}, fmt.Errorf("go vet for %s: %v", r.t, err)
	}
	if err == nil {
		return Verdict{Status: "ok"}, nil
	}
	text := buf.String()
	blocks := vetBlocks(text)
	internal, external := p+" ["+p+".test]", p+"_test ["+p+".test]"
	if r.pkgs[internal] == nil {
		internal = p
	}
	own := func(header string) (string, bool) {
		switch base, _, _ := strings.Cut(header, " "); base {
		case p:
			return internal, true
		case p + "_test":
			return external, true
		}
		return "", false
	}
	for _, want := range []string{internal, external} {
		for _, b := range blocks {
			if id, ok := own(b.header); ok && id == want {
				return r.testOwn(id, b.body, text), nil
			}
		}
	}
	// A broken C toolchain, which shows as runtime/cgo failing, is not a
	// dependency's fault: it comes first, as for go build.
	if i := slices.IndexFunc(blocks, func(b vetBlock) bool { return b.header == "runtime/cgo" }); i > 0 {
		b := blocks[i]
		blocks = slices.Insert(slices.Delete(blocks, i, i+1), 0, b)
	}
	for _, b := range blocks {
		if b.header != "" {
			msg, pos := firstError(r.dir, b.body)
			dep, _, _ := strings.Cut(b.header, " ")
			class := ClassDependencyFails
			if dep == "runtime/cgo" {
				class = ClassOther
			} else {
				msg = fmt.Sprintf("dependency %s fails: %s", dep, msg)
			}
			return Verdict{Status: "fail", Class: class, Message: msg, Pos: pos, Output: text}, nil
		}
	}
	// No package block: a loading error of the package, its tests or a
	// dependency: "Q: msg", or "package P" then "imports Q: msg" lines.
	msg, pos := firstError(r.dir, text)
	v := Verdict{Status: "fail", Class: ClassOther, Message: msg, Pos: pos, Output: text}
	failed, reason := p, msg
	for _, line := range strings.Split(text, "\n") {
		q, m, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "imports "), ": ")
		if ok && r.pkgs[q] != nil {
			failed, reason = q, m
			break
		}
	}
	switch {
	case failed != p:
		v.Class, v.Message = ClassDependencyFails, fmt.Sprintf("dependency %s fails: %s", failed, reason)
	case strings.Contains(reason, "build constraints exclude all Go files in "):
		v.Class, v.Message = ClassNoGoFiles, reason
		if !r.t.Cgo && r.buildsWithCgo(p) {
			v.Class = ClassCgoRequired
		}
	case strings.Contains(reason, "no non-test Go files in ") || strings.Contains(reason, "no Go files in "):
		v.Class, v.Message = ClassNoGoFiles, reason
	}
	return v, nil
}

// testOwn classifies the failure of the test package id (a go list -test
// import path) from its block of go vet's output.
func (r *runner) testOwn(id, body, text string) Verdict {
	msg, pos := firstError(r.dir, body)
	return Verdict{Status: "fail", Class: r.classifyCompile(id, body, msg, pos), Message: msg, Pos: pos, Output: text}
}

type vetBlock struct {
	header string // the package of a "# P" line; "" before any
	body   string
}

// vetBlocks splits go vet's output into its "# P" blocks, without the
// "# [P]" lines the vet tool adds and the "vet: " prefix of its errors.
func vetBlocks(text string) []vetBlock {
	var blocks []vetBlock
	var cur *vetBlock
	var body strings.Builder
	flush := func() {
		if cur != nil {
			cur.body = body.String()
			blocks = append(blocks, *cur)
		}
		body.Reset()
	}
	for _, line := range strings.Split(text, "\n") {
		if h, ok := strings.CutPrefix(line, "# "); ok {
			if strings.HasPrefix(h, "[") {
				continue
			}
			flush()
			cur = &vetBlock{header: h}
			continue
		}
		if cur == nil {
			cur = &vetBlock{}
		}
		body.WriteString(strings.TrimPrefix(line, "vet: "))
		body.WriteByte('\n')
	}
	flush()
	return blocks
}
