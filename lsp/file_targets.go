package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Which targets build a file, shown where the user looks at the file:
// a hover on its package clause, its build constraint or a file name, and
// a code lens (or inlay hint) at the top of a file some targets exclude.

// cmdExplainFile is the command of the code lens: editors show the file's
// explanation (the hover of its package clause). Editors run it
// themselves; the server answers it with the explanation for those that
// send it on.
const cmdExplainFile = "crossls.explainFile"

// explainArgs are the arguments of crossls.explainFile.
type explainArgs struct {
	URI string `json:"uri"`
	// Position is that of the package clause, where the hover is.
	Position protocol.Position `json:"position"`
}

// sourceOf returns the text of a Go file: its open buffer, else the disk.
func (s *Server) sourceOf(path string) (string, bool) {
	if d := s.docs.byPath(path); d != nil {
		return d.text, true
	}
	data, err := os.ReadFile(path)
	return string(data), err == nil
}

// explainPath explains a file for the targets of the view that checks
// it; nil if no configured view does.
func (s *Server) explainPath(path, text string) (*fileExplanation, *view) {
	v := s.viewOf(path)
	if v == nil {
		return nil, nil
	}
	cfg, _ := v.config()
	if cfg == nil || len(cfg.targets) == 0 {
		return nil, nil
	}
	return explainFile(path, text, cfg.targets, cfg.dist), v
}

// openGoFile returns the path and text of an open Go file.
func (s *Server) openGoFile(u uri.URI) (string, string, bool) {
	d := s.docs.get(u)
	if d == nil || d.path == "" || !strings.HasSuffix(d.path, ".go") {
		return "", "", false
	}
	return d.path, d.text, true
}

// packageClause returns the range of a file's package clause.
func packageClause(path, text string) (protocol.Range, bool) {
	f, err := parser.ParseFile(token.NewFileSet(), path, text, parser.PackageClauseOnly)
	if f == nil || !f.Package.IsValid() || f.Name == nil || (err != nil && !f.Name.End().IsValid()) {
		return protocol.Range{}, false
	}
	return protocol.Range{Start: position(text, int(f.Package)-1), End: position(text, int(f.Name.End())-1)}, true
}

func (s *Server) Hover(ctx context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	path, text, ok := s.openGoFile(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	pos := params.Position
	clause, hasClause := packageClause(path, text)
	line := lineAt(text, pos.Line)

	var target string // the file explained
	var rng protocol.Range
	switch {
	case hasClause && pos.Line == clause.Start.Line:
		target, rng = path, clause
	case (!hasClause || pos.Line < clause.Start.Line) && isConstraintLine(line):
		target = path
		rng = protocol.Range{Start: protocol.Position{Line: pos.Line}, End: protocol.Position{Line: pos.Line, Character: utf16Len(line)}}
	default:
		name, start, end := fileNameAt(line, pos.Character)
		if name == "" {
			return nil, nil
		}
		p := filepath.Join(filepath.Dir(path), name)
		if p != path {
			if _, err := os.Stat(p); err != nil && s.docs.byPath(p) == nil {
				return nil, nil
			}
		}
		target = p
		rng = protocol.Range{Start: protocol.Position{Line: pos.Line, Character: start}, End: protocol.Position{Line: pos.Line, Character: end}}
	}
	src, ok := s.sourceOf(target)
	if !ok {
		return nil, nil
	}
	e, v := s.explainPath(target, src)
	if e == nil {
		return nil, nil
	}
	md := e.markdown()
	if target == path && hasClause && pos.Line == clause.Start.Line {
		md += v.packageVerdicts(filepath.Dir(path))
	}
	return &protocol.Hover{
		Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: md},
		Range:    &rng,
	}, nil
}

// packageVerdicts describes the last check's verdicts for the package in
// dir, for the hover of a package clause.
func (v *view) packageVerdicts(dir string) string {
	v.mu.Lock()
	m := v.matrix
	v.mu.Unlock()
	if m == nil {
		return ""
	}
	for _, p := range m.Packages {
		if p.Dir != dir {
			continue
		}
		type reason struct{ class, message string }
		var reasons []reason
		byReason := map[reason][]string{}
		ok := 0
		for _, t := range m.Targets {
			vd, has := p.Targets[t]
			switch {
			case !has:
			case vd.Status == "ok":
				ok++
			default:
				r := reason{vd.Class, vd.Message}
				if vd.Status != "fail" {
					r.class = vd.Status
				}
				if byReason[r] == nil {
					reasons = append(reasons, r)
				}
				byReason[r] = append(byReason[r], t)
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "\n\n---\n\nPackage `%s` builds for %d of %d targets", p.Path, ok, len(p.Targets))
		for _, r := range reasons {
			fmt.Fprintf(&b, "\n\n✗ %s: %s (%s)", codeList(byReason[r]), r.message, r.class)
		}
		return b.String()
	}
	return ""
}

// lineAt returns line n of text, without its terminator.
func lineAt(text string, n uint32) string {
	for l := range strings.Lines(text) {
		if n == 0 {
			return strings.TrimRight(l, "\r\n")
		}
		n--
	}
	return ""
}

func isConstraintLine(line string) bool {
	line = strings.TrimSpace(line)
	return strings.HasPrefix(line, "//go:build") || strings.HasPrefix(line, "// +build")
}

// fileNameAt returns the Go file name under the UTF-16 column col of line
// ("name_linux.go" in a comment or a string), and its columns.
func fileNameAt(line string, col uint32) (string, uint32, uint32) {
	isNameByte := func(c byte) bool {
		return c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	off, err := offset(line, protocol.Position{Character: col})
	if err != nil {
		return "", 0, 0
	}
	start, end := off, off
	for start > 0 && isNameByte(line[start-1]) {
		start--
	}
	for end < len(line) && isNameByte(line[end]) {
		end++
	}
	name := strings.TrimRight(line[start:end], ".")
	if !strings.HasSuffix(name, ".go") || len(name) <= len(".go") {
		return "", 0, 0
	}
	return name, utf16Len(line[:start]), utf16Len(line[:start+len(name)])
}

// CodeLens offers, at the top of a file that some targets exclude, a
// lens saying which: "builds for 3 of 4 targets — not windows/amd64".
func (s *Server) CodeLens(ctx context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	path, text, ok := s.openGoFile(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	e, _ := s.explainPath(path, text)
	if e == nil || len(e.excluded) == 0 {
		return nil, nil
	}
	clause, _ := packageClause(path, text)
	arg, err := json.Marshal(explainArgs{URI: string(uri.File(path)), Position: clause.Start})
	if err != nil {
		return nil, internalError("encoding the lens: %v", err)
	}
	return []protocol.CodeLens{{
		Range:   protocol.Range{},
		Command: protocol.Command{Title: e.title(), Command: cmdExplainFile, Arguments: []protocol.LSPAny{arg}},
	}}, nil
}

// InlayHint is the code lens for editors that show lenses no more (VS
// Code's editor.codeLens off): a hint after the package clause, with the
// explanation as its tooltip.
func (s *Server) InlayHint(ctx context.Context, params *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	path, text, ok := s.openGoFile(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	clause, ok := packageClause(path, text)
	if !ok || clause.End.Line < params.Range.Start.Line || clause.End.Line > params.Range.End.Line {
		return nil, nil
	}
	e, _ := s.explainPath(path, text)
	if e == nil || len(e.excluded) == 0 {
		return nil, nil
	}
	return []protocol.InlayHint{{
		Position:    clause.End,
		Label:       protocol.String(e.title()),
		Tooltip:     &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: e.markdown()},
		PaddingLeft: ptr(true),
	}}, nil
}

// explainCommand answers crossls.explainFile with the explanation as
// markdown.
func (s *Server) explainCommand(args explainArgs) (any, error) {
	u, err := uri.Parse(args.URI)
	if err != nil {
		return nil, invalidParams("%s: invalid uri %q", cmdExplainFile, args.URI)
	}
	_, path, err := canonicalURI(u)
	if err != nil || path == "" {
		return nil, invalidParams("%s: %q is not a file", cmdExplainFile, args.URI)
	}
	src, ok := s.sourceOf(path)
	if !ok {
		return nil, invalidParams("%s: cannot read %s", cmdExplainFile, path)
	}
	e, _ := s.explainPath(path, src)
	if e == nil {
		return map[string]any{"markdown": ""}, nil
	}
	return map[string]any{"markdown": e.markdown(), "title": e.title(), "builds": e.builds, "excluded": e.excludedTargets()}, nil
}

// refreshFileTargets asks the client to request code lenses and inlay
// hints again when the targets they are computed for changed.
func (s *Server) refreshFileTargets() {
	var all []string
	for _, v := range s.snapshotViews() {
		if cfg, _ := v.config(); cfg != nil {
			all = append(all, v.key+"="+targetList(cfg.targets))
		}
	}
	slices.Sort(all)
	key := strings.Join(all, "\n")
	s.mu.Lock()
	changed := key != s.lensTargets
	s.lensTargets = key
	caps := s.caps.Workspace
	s.mu.Unlock()
	if !changed || caps == nil {
		return
	}
	lens := caps.CodeLens != nil && caps.CodeLens.RefreshSupport != nil && *caps.CodeLens.RefreshSupport
	hints := caps.InlayHint != nil && caps.InlayHint.RefreshSupport != nil && *caps.InlayHint.RefreshSupport
	if !lens && !hints {
		return
	}
	// Client requests wait for the read loop: never on the caller's.
	s.goSafe("refresh code lenses", func() {
		ctx, cancel := context.WithTimeout(s.ctx, clientCallTimeout)
		defer cancel()
		if lens {
			if err := s.client.CodeLensRefresh(ctx); err != nil {
				s.debugf("workspace/codeLens/refresh: %v", err)
			}
		}
		if hints {
			if err := s.client.InlayHintRefresh(ctx); err != nil {
				s.debugf("workspace/inlayHint/refresh: %v", err)
			}
		}
	})
}
