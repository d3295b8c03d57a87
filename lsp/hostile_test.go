package lsp

import (
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestURISpellingsNameOneDocument(t *testing.T) {
	for _, pair := range [][2]uri.URI{
		{"file:///C:/x/a.go", "file:///c%3A/x/a.go"},
		{"file:///w/a%40b.go", "file:///w/a@b.go"},
		{"file:///w/./a.go", "file:///w/a.go"},
	} {
		a, pa, err1 := canonicalURI(pair[0])
		b, pb, err2 := canonicalURI(pair[1])
		if err1 != nil || err2 != nil || a != b || pa != pb {
			t.Errorf("%s and %s: %s (%q, %v) vs %s (%q, %v)", pair[0], pair[1], a, pa, err1, b, pb, err2)
		}
	}
	for _, u := range []uri.URI{"untitled:Untitled-1", "vscode-notebook-cell:/w/nb.ipynb#cell1"} {
		if _, p, err := canonicalURI(u); err != nil || p != "" {
			t.Errorf("%s: path %q, err %v; want no file and no error", u, p, err)
		}
	}
	if _, _, err := canonicalURI(""); err == nil {
		t.Error("empty URI accepted")
	}
}

func TestBadConfigurationIsReported(t *testing.T) {
	requireGo(t)
	e := startEditor(t, appModule+"-- .crossls.yaml --\ntargets: [linux/amd64, darwinx/arm64]\n")
	// The diagnostic and the message are two notifications: wait for both.
	e.await("a diagnostic on .crossls.yaml and a message", func() bool {
		return len(e.diags[e.path(".crossls.yaml")]) > 0 && strings.Contains(strings.Join(e.shown, "\n"), "darwinx")
	})
	e.mu.Lock()
	d := e.diags[e.path(".crossls.yaml")][0]
	shown := strings.Join(e.shown, "\n")
	e.mu.Unlock()
	if code, _ := d.Code.(protocol.String); code != "config" || !strings.Contains(diagMessage(d), `"darwinx"`) || d.Range.Start.Line != 0 {
		t.Errorf("config diagnostic: code %v, %q at %v", d.Code, diagMessage(d), d.Range)
	}
	if !strings.Contains(shown, ".crossls.yaml") {
		t.Errorf("the message does not name the file: %q", shown)
	}
	// Fixing the file on disk clears it and the analysis runs.
	writeTxtar(t, e.dir, "-- .crossls.yaml --\ntargets: [linux/amd64, windows/amd64]\n")
	e.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
		{URI: uri.File(e.path(".crossls.yaml")), Type: protocol.FileChangeTypeChanged},
	}})
	e.await("the config error to clear and the check to run", func() bool {
		return len(e.diags[e.path(".crossls.yaml")]) == 0 && e.hasDiag("main.go", "[windows/amd64] undefined: platformName")
	})
	var listed struct {
		Targets []listedTarget `json:"targets"`
	}
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, &listed)
	if len(listed.Targets) != 2 || listed.Targets[1].Source != ".crossls.yaml" || listed.Targets[1].File != e.path(".crossls.yaml") {
		t.Errorf("listTargets: %+v", listed.Targets)
	}
}

func TestGoMissing(t *testing.T) {
	e := startEditor(t, appModule, func(_ *editor, s *Server) { s.opts.GoCmd = filepath.Join(t.TempDir(), "no-go") })
	e.await("a message that go is missing", func() bool {
		return strings.Contains(strings.Join(e.shown, "\n"), "not found")
	})
	// Still serving.
	e.open("ugly.go")
	var edits []protocol.TextEdit
	e.call(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("ugly.go"))}}, &edits)
	if len(edits) == 0 {
		t.Error("no formatting without go")
	}
}

func TestConfigurationChangeRechecks(t *testing.T) {
	requireGo(t)
	e := startEditor(t, appModule, withSettings(`{"targets": ["linux/amd64"]}`))
	e.await("the first check", func() bool { return e.hasDiag("ugly.go", "gofmt") })
	e.mu.Lock()
	hasWindows := e.hasDiag("main.go", "windows")
	e.settings = []byte(`{"targets": ["linux/amd64", "windows/amd64"], "analyzers": {"format": false}}`)
	e.mu.Unlock()
	if hasWindows {
		t.Error("windows finding with only linux configured")
	}
	e.notify(protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{Settings: []byte(`{}`)})
	e.await("windows findings, and no format findings", func() bool {
		return e.hasDiag("main.go", "[windows/amd64] undefined: platformName") && !e.hasDiag("ugly.go", "gofmt")
	})
}

func TestModuleWithoutGoMod(t *testing.T) {
	requireGo(t)
	e := startEditor(t, "-- a.go --\npackage a\n\nfunc  f() {}\n-- b.go --\npackage a\n\nfunc g( {\n")
	e.open("a.go")
	e.open("b.go")
	e.open("a.go") // again: the user hears once per file
	e.await("a message about each file", func() bool {
		all := strings.Join(e.shown, "\n")
		return strings.Contains(all, "not checking "+e.path("a.go")+": it is not in a Go module") &&
			strings.Contains(all, "not checking "+e.path("b.go")+": it is not in a Go module")
	})
	// Still serving: formatting works, and not on the file with syntax errors.
	var edits []protocol.TextEdit
	e.call(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("a.go"))}}, &edits)
	if len(edits) != 1 {
		t.Errorf("formatting a.go: %d edits", len(edits))
	}
	edits = nil
	e.call(protocol.MethodTextDocumentFormatting, &protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("b.go"))}}, &edits)
	if len(edits) != 0 {
		t.Errorf("formatting a file with syntax errors: %d edits", len(edits))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if n := strings.Count(strings.Join(e.shown, "\n"), "not checking "+e.path("a.go")); n != 1 {
		t.Errorf("told %d times about a.go, want once", n)
	}
	// Nothing else: no diagnostics for files nobody checks.
	if len(e.diags) != 0 {
		t.Errorf("diagnostics published: %v", e.summary())
	}
}
