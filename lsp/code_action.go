package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/matrix"
)

// stubRequestRef describes a stub file to generate for the symbols one
// target lacks. It travels in the diagnostic's data; the file is
// generated only when the user picks the action (codeAction/resolve).
type stubRequestRef struct {
	Dir      string   `json:"dir"`
	Package  string   `json:"package"`
	GOOS     string   `json:"goos"`
	GOARCH   string   `json:"goarch,omitempty"`
	Names    []string `json:"names"`
	DefFiles []string `json:"defFiles,omitempty"`
}

func (r *stubRequestRef) title() string {
	return fmt.Sprintf("Create a %s file with stubs for %s", r.GOOS, strings.Join(r.Names, ", "))
}

var undefinedRE = regexp.MustCompile(`undefined: ([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)?)`)

// stubFor returns the stub generation request for a build-tag gap: a
// symbol undefined on some targets but defined in files for others.
func stubFor(f *view, d matrix.Diagnostic) *stubRequestRef {
	if f.s.generateStub == nil || d.Analyzer != "buildgap" || len(d.Targets) == 0 || len(d.Related) == 0 {
		return nil
	}
	m := undefinedRE.FindStringSubmatch(d.Message)
	if m == nil || strings.Contains(m[1], ".") {
		return nil
	}
	t, err := target.Parse(d.Targets[0])
	if err != nil {
		return nil
	}
	file := f.absPath(d.File)
	name, err := packageName(file)
	if err != nil {
		return nil
	}
	req := &stubRequestRef{Dir: filepath.Dir(file), Package: name, GOOS: t.GOOS, GOARCH: t.GOARCH, Names: []string{m[1]}}
	for _, r := range d.Related {
		if p := f.absPath(r.File); filepath.Dir(p) == req.Dir && !slices.Contains(req.DefFiles, p) {
			req.DefFiles = append(req.DefFiles, p)
		}
	}
	if len(req.DefFiles) == 0 {
		return nil
	}
	return req
}

// packageName reads the package clause of a Go file.
func packageName(file string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.PackageClauseOnly)
	if err != nil {
		return "", err
	}
	return f.Name.Name, nil
}

// stubFile predicts the name stubgen gives the file: the first defining
// file with its GOOS/GOARCH/unix suffix replaced by the GOOS. The action
// is not offered when that file exists.
func stubFile(r *stubRequestRef) string {
	stem := strings.TrimSuffix(filepath.Base(r.DefFiles[0]), ".go")
	words := strings.Split(stem, "_")
	n := len(words)
	if n > 1 && (target.KnownArch[words[n-1]] || target.KnownOS[words[n-1]] || words[n-1] == "unix") {
		n--
		if n > 1 && target.KnownOS[words[n-1]] && target.KnownArch[words[n]] {
			n--
		}
	}
	return filepath.Join(r.Dir, strings.Join(words[:n], "_")+"_"+r.GOOS+".go")
}

// CodeAction offers the fixes of the findings at the requested range and
// the build source actions.
func (s *Server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	_, path, err := canonicalURI(params.TextDocument.URI)
	if err != nil {
		return nil, invalidParams("%v", err)
	}
	want := func(kind protocol.CodeActionKind) bool {
		if len(params.Context.Only) == 0 {
			return true
		}
		for _, only := range params.Context.Only {
			if kind == only || strings.HasPrefix(string(kind), string(only)+".") {
				return true
			}
		}
		return false
	}
	var out []protocol.CommandOrCodeAction
	if path != "" && want(protocol.CodeActionKindQuickFix) {
		diags := params.Context.Diagnostics
		if !hasOwn(diags) {
			diags = s.pub.checkDiagnostics(path)
		}
		for _, d := range diags {
			if src, _ := d.Source.Get(); src != sourceCheck || len(d.Data) == 0 || !overlaps(d.Range, params.Range) {
				continue
			}
			var data diagData
			if json.Unmarshal(d.Data, &data) != nil {
				continue
			}
			for i, fx := range data.Fixes {
				if a := s.fixAction(d, i, fx); a != nil {
					out = append(out, a)
				}
			}
		}
	}
	if path != "" && want(kindBuild) {
		if f := s.viewOf(path); f != nil {
			if cfg, _ := f.config(); cfg != nil {
				kind := kindBuild
				// A build asked from a file builds the file's module.
				for _, t := range cfg.targets {
					arg, _ := json.Marshal(buildArgs{Targets: []string{t.String()}, URI: string(uri.File(path))})
					out = append(out, &protocol.CodeAction{
						Title:   "Build for " + t.String(),
						Kind:    &kind,
						Command: protocol.Command{Title: "Build for " + t.String(), Command: cmdBuild, Arguments: []protocol.LSPAny{arg}},
					})
				}
				all, _ := json.Marshal(buildArgs{URI: string(uri.File(path))})
				out = append(out, &protocol.CodeAction{
					Title:   "Build all targets",
					Kind:    &kind,
					Command: protocol.Command{Title: "Build all targets", Command: cmdBuildAll, Arguments: []protocol.LSPAny{all}},
				})
			}
		}
	}
	if ctx.Err() != nil {
		return nil, protocol.ErrRequestCancelled
	}
	return out, nil
}

func hasOwn(diags []protocol.Diagnostic) bool {
	for _, d := range diags {
		if src, _ := d.Source.Get(); src == sourceCheck && len(d.Data) > 0 {
			return true
		}
	}
	return false
}

func overlaps(a, b protocol.Range) bool {
	before := func(p, q protocol.Position) bool {
		return p.Line < q.Line || (p.Line == q.Line && p.Character < q.Character)
	}
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

// fixAction turns one fix into a quick fix. Edits, renames and creations
// are complete; a stub file is left to resolve, since generating it
// type-checks the package.
func (s *Server) fixAction(d protocol.Diagnostic, i int, fx fixData) *protocol.CodeAction {
	kind := protocol.CodeActionKindQuickFix
	a := &protocol.CodeAction{Title: fx.Title, Kind: &kind, Diagnostics: []protocol.Diagnostic{d}}
	if fx.Stub != nil {
		if len(fx.Stub.Names) == 0 || len(fx.Stub.DefFiles) == 0 || exists(stubFile(fx.Stub)) {
			return nil
		}
		raw, err := json.Marshal(fx)
		if err != nil {
			return nil
		}
		a.Data = raw
		return a
	}
	edit, err := s.workspaceEdit(fx)
	if err != nil {
		s.debugf("fix %q not offered: %v", fx.Title, err)
		return nil
	}
	a.Edit = edit
	return a
}

// workspaceEdit builds the edit of a fix. Files are created only where
// none exists (without ignoreIfExists, which some clients mishandle: the
// action is simply not offered), and a rename never replaces a file.
func (s *Server) workspaceEdit(fx fixData) (*protocol.WorkspaceEdit, error) {
	var changes []protocol.DocumentChange
	byFile := map[string]int{}
	for _, e := range fx.Edits {
		if err := s.checkVersion(e.File, e.Version); err != nil {
			return nil, err
		}
		idx, ok := byFile[e.File]
		if !ok {
			idx = len(changes)
			byFile[e.File] = idx
			changes = append(changes, &protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
					TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri.File(e.File)},
					Version:                e.Version,
				},
			})
		}
		tde := changes[idx].(*protocol.TextDocumentEdit)
		tde.Edits = append(tde.Edits, &protocol.TextEdit{Range: e.Range, NewText: e.NewText})
	}
	if r := fx.Rename; r != nil {
		if _, err := os.Stat(r.From); err != nil {
			return nil, fmt.Errorf("rename source: %v", err)
		}
		if exists(r.To) {
			return nil, fmt.Errorf("rename target %s exists", r.To)
		}
		changes = append(changes, &protocol.RenameFile{Kind: "rename", OldURI: uri.File(r.From), NewURI: uri.File(r.To)})
	}
	if c := fx.Create; c != nil {
		changes = append(changes, createFile(c.File, c.Content)...)
	}
	if len(changes) == 0 {
		return nil, fmt.Errorf("fix has no changes")
	}
	for _, c := range changes {
		if cf, ok := c.(*protocol.CreateFile); ok {
			if p := cf.URI.FsPath(); exists(p) {
				return nil, fmt.Errorf("%s exists", p)
			}
		}
	}
	return &protocol.WorkspaceEdit{DocumentChanges: changes}, nil
}

// createFile returns the operations creating path with content: the
// CreateFile and an insertion into the new, empty file.
func createFile(path, content string) []protocol.DocumentChange {
	u := uri.File(path)
	return []protocol.DocumentChange{
		&protocol.CreateFile{Kind: "create", URI: u},
		&protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u},
			},
			Edits: []protocol.TextDocumentEditElement{&protocol.TextEdit{NewText: content}},
		},
	}
}

// checkVersion refuses an edit computed for another version of the buffer.
func (s *Server) checkVersion(path string, version *int32) error {
	d := s.docs.byPath(path)
	switch {
	case d == nil && version == nil:
		return nil
	case d == nil:
		return nil // closed since; the client checks the file's state
	case d.desync != "":
		return errOutOfSync(d)
	case version == nil || *version != d.version:
		return fmt.Errorf("%s has changed since it was analysed", path)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// CodeActionResolve computes the edit of a stub action.
func (s *Server) CodeActionResolve(ctx context.Context, a *protocol.CodeAction) (*protocol.CodeAction, error) {
	if a.Edit != nil || len(a.Data) == 0 {
		return a, nil
	}
	var fx fixData
	if err := json.Unmarshal(a.Data, &fx); err != nil || fx.Stub == nil {
		return a, nil
	}
	if s.generateStub == nil {
		return nil, internalError("stub generation is not available")
	}
	file, content, err := s.generateStub(ctx, fx.Stub)
	if ctx.Err() != nil {
		return nil, protocol.ErrRequestCancelled
	}
	if err != nil {
		return nil, internalError("generating stubs: %v", err)
	}
	if exists(file) {
		return nil, invalidParams("%s already exists; not overwriting it", file)
	}
	a.Edit = &protocol.WorkspaceEdit{DocumentChanges: createFile(file, string(content))}
	return a, nil
}
