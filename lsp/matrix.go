package lsp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/internal/matrix"
)

// The matrix of the workspace, for editors that draw it (a tree of
// targets and packages, a grid): the crossls/matrix request returns it,
// and crossls/matrixChanged sends it again whenever it changes, so that
// nobody has to rebuild it from published diagnostics. It holds the data
// of `crossls check -json` for every view, with locations converted for
// the client. See docs/lsp.md.
const (
	methodMatrix        = "crossls/matrix"
	methodMatrixChanged = "crossls/matrixChanged"
)

// matrixReport is the result of crossls/matrix and the params of
// crossls/matrixChanged.
type matrixReport struct {
	// Version grows with every change the server sends.
	Version   int64  `json:"version"`
	GoVersion string `json:"go_version,omitempty"`
	// Targets are those of every view, in order of appearance; a
	// package has verdicts for its own view's targets only.
	Targets     []string        `json:"targets"`
	Packages    []matrixPackage `json:"packages"`
	Diagnostics []matrixFinding `json:"diagnostics"`
}

type matrixPackage struct {
	Path string `json:"path"`
	Dir  string `json:"dir"`
	// Module is the root of the package's module.
	Module  string                   `json:"module"`
	Targets map[string]matrixVerdict `json:"targets"`
}

// matrixVerdict is a verdict of check -json with the location of its
// first error, when it has one.
type matrixVerdict struct {
	matrix.Verdict
	Location *protocol.Location `json:"location,omitempty"`
}

// matrixFinding is a finding of check -json without its fixes (code
// actions offer them), with its file absolute and its location converted.
type matrixFinding struct {
	matrix.Diagnostic
	Location protocol.Location `json:"location"`
}

// viewMatrix converts a view's check result; t converts positions
// against the texts the check analysed.
func (v *view) viewMatrix(res *matrix.Result, t *texts) *matrixReport {
	out := &matrixReport{GoVersion: res.GoVersion, Targets: slices.Clone(res.Targets), Packages: []matrixPackage{}, Diagnostics: []matrixFinding{}}
	for _, p := range res.Packages {
		dir := v.absPath(p.Dir)
		mp := matrixPackage{Path: p.Path, Dir: dir, Module: v.s.moduleRoot(dir), Targets: map[string]matrixVerdict{}}
		for tgt, verdict := range p.Targets {
			mv := matrixVerdict{Verdict: verdict}
			if file, line, col, ok := splitPos(verdict.Pos); ok {
				file = resolvePosFile(file, dir, v.dir)
				mv.Pos = file + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
				mv.Location = &protocol.Location{URI: uri.File(file), Range: t.rng(file, line, col, 0, 0)}
			}
			mp.Targets[tgt] = mv
		}
		out.Packages = append(out.Packages, mp)
	}
	for _, d := range res.Diagnostics {
		file := v.absPath(d.File)
		if file == "" {
			continue
		}
		f := matrixFinding{Diagnostic: d}
		f.File, f.Fixes = file, nil
		f.Related = nil
		for _, r := range d.Related {
			r.File = v.absPath(r.File)
			f.Related = append(f.Related, r)
		}
		f.Location = protocol.Location{URI: uri.File(file), Range: t.rng(file, d.Line, d.Column, d.EndLine, d.EndColumn)}
		out.Diagnostics = append(out.Diagnostics, f)
	}
	return out
}

// splitPos splits "file:line:col" (or "file:line") as the go command and
// go/token print positions.
func splitPos(pos string) (file string, line, col int, ok bool) {
	if pos == "" || pos == "-" {
		return "", 0, 0, false
	}
	rest := pos
	nums := []int{}
	for len(nums) < 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append(nums, n)
		rest = rest[:i]
	}
	switch len(nums) {
	case 2:
		return rest, nums[1], nums[0], rest != ""
	case 1:
		return rest, nums[0], 1, rest != ""
	}
	return "", 0, 0, false
}

// resolvePosFile makes a position's file absolute: the go command prints
// paths relative to the package's directory or to where it ran.
func resolvePosFile(file, pkgDir, runDir string) string {
	if filepath.IsAbs(file) {
		return filepath.Clean(file)
	}
	for _, dir := range []string{pkgDir, runDir} {
		p := filepath.Join(dir, file)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join(runDir, file)
}

// workspaceMatrix merges the last matrix of every view.
func (s *Server) workspaceMatrix() *matrixReport {
	out := &matrixReport{Targets: []string{}, Packages: []matrixPackage{}, Diagnostics: []matrixFinding{}}
	for _, v := range s.snapshotViews() {
		v.mu.Lock()
		m := v.matrix
		v.mu.Unlock()
		if m == nil {
			continue
		}
		if out.GoVersion == "" {
			out.GoVersion = m.GoVersion
		}
		for _, t := range m.Targets {
			if !slices.Contains(out.Targets, t) {
				out.Targets = append(out.Targets, t)
			}
		}
		out.Packages = append(out.Packages, m.Packages...)
		out.Diagnostics = append(out.Diagnostics, m.Diagnostics...)
	}
	sort.SliceStable(out.Packages, func(i, j int) bool { return out.Packages[i].Path < out.Packages[j].Path })
	return out
}

// sendMatrix sends crossls/matrixChanged if the workspace's matrix
// differs from what the client was last sent.
func (s *Server) sendMatrix() {
	s.matrixMu.Lock()
	defer s.matrixMu.Unlock()
	m := s.workspaceMatrix()
	if s.matrixSent != nil && reflect.DeepEqual(withVersion(m, 0), withVersion(s.matrixSent, 0)) {
		return
	}
	s.matrixVersion++
	m.Version = s.matrixVersion
	s.matrixSent = m
	if err := s.notify(methodMatrixChanged, m); err != nil {
		s.logf("sending the matrix: %v", err)
	}
}

func withVersion(m *matrixReport, version int64) matrixReport {
	c := *m
	c.Version = version
	return c
}

// currentMatrix answers crossls/matrix: what was last sent, so that the
// answer and the notifications agree on versions.
func (s *Server) currentMatrix() *matrixReport {
	s.matrixMu.Lock()
	defer s.matrixMu.Unlock()
	if s.matrixSent == nil {
		m := s.workspaceMatrix()
		return m
	}
	return s.matrixSent
}

// customRequests answers the methods of crossls's own protocol, which the
// protocol dispatcher does not know.
func (s *Server) customRequests(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		switch req.Method() {
		case methodMatrix:
			if !req.IsCall() {
				return nil, nil
			}
			b, err := json.Marshal(s.currentMatrix())
			if err != nil {
				return nil, internalError("encoding the matrix: %v", err)
			}
			return jsonrpc2.RawMessage(b), nil
		}
		return next(ctx, req)
	}
}
