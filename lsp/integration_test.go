package lsp

// Integration tests: the real server with the real analysis driver and
// build runner, driven by the fake editor, on a fixture module.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

const appModule = `
-- go.mod --
module example.com/app

go 1.22
-- main.go --
package main

import "fmt"

func main() {
	fmt.Println(platformName())
}
-- name_linux.go --
package main

func platformName() string { return "linux" }
-- name_darwin.go --
package main

func platformName() string { return "darwin" }
-- util_windwos.go --
package main

func utilName() string { return "util" }
-- never.go --
//go:build linux && windows

package main
-- native.go --
package main

// #include <stdlib.h>
import "C"

func nativeOK() bool { return true }
-- ugly.go --
package main

func  ugly( ) int {
return 1
}
`

const appSettings = `{"targets": ["linux/amd64", "windows/amd64", "linux/arm64"]}`

func requireGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	if testing.Short() {
		t.Skip("runs the go command")
	}
}

// goBuild runs `go build` for one target in dir and returns its output.
func goBuild(t *testing.T, dir, goos, goarch string) (string, bool) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

type diagLine struct {
	File, Code, Severity, Message string
	Line                          uint32
}

func (e *editor) diagLines() []diagLine {
	var out []diagLine
	for path, ds := range e.diags {
		for _, d := range ds {
			code, _ := d.Code.(protocol.String)
			sev := map[protocol.DiagnosticSeverity]string{1: "error", 2: "warning", 3: "info", 4: "hint"}[d.Severity]
			out = append(out, diagLine{File: filepath.Base(path), Code: string(code), Severity: sev, Message: diagMessage(d), Line: d.Range.Start.Line + 1})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Message < out[j].Message
	})
	return out
}

func (e *editor) hasDiag(file, substr string) bool {
	for _, d := range e.diags[e.path(file)] {
		if strings.Contains(diagMessage(d), substr) {
			return true
		}
	}
	return false
}

func (e *editor) diag(file, substr string) protocol.Diagnostic {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.diags[e.path(file)] {
		if strings.Contains(diagMessage(d), substr) {
			return d
		}
	}
	e.t.Fatalf("no diagnostic %q on %s", substr, file)
	return protocol.Diagnostic{}
}

// codeActions requests the actions at a diagnostic.
func (e *editor) codeActions(file string, d protocol.Diagnostic, only ...protocol.CodeActionKind) []*protocol.CodeAction {
	e.t.Helper()
	var res []protocol.CommandOrCodeAction
	e.call(protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path(file))},
		Range:        d.Range,
		Context:      protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{d}, Only: only},
	}, &res)
	var out []*protocol.CodeAction
	for _, r := range res {
		if a, ok := r.(*protocol.CodeAction); ok {
			out = append(out, a)
		}
	}
	return out
}

// applyEdit applies a workspace edit to the files on disk, as an editor
// does for files it has not opened, and reports the changes.
func (e *editor) applyEdit(we *protocol.WorkspaceEdit) {
	e.t.Helper()
	var events []protocol.FileEvent
	for _, ch := range we.DocumentChanges {
		switch ch := ch.(type) {
		case *protocol.CreateFile:
			if ch.Kind != "create" {
				e.t.Fatalf("CreateFile with kind %q", ch.Kind)
			}
			p := ch.URI.FsPath()
			if _, err := os.Stat(p); err == nil {
				e.t.Fatalf("CreateFile of existing %s", p)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				e.t.Fatal(err)
			}
			events = append(events, protocol.FileEvent{URI: ch.URI, Type: protocol.FileChangeTypeCreated})
		case *protocol.RenameFile:
			if ch.Kind != "rename" {
				e.t.Fatalf("RenameFile with kind %q", ch.Kind)
			}
			if err := os.Rename(ch.OldURI.FsPath(), ch.NewURI.FsPath()); err != nil {
				e.t.Fatal(err)
			}
			events = append(events,
				protocol.FileEvent{URI: ch.OldURI, Type: protocol.FileChangeTypeDeleted},
				protocol.FileEvent{URI: ch.NewURI, Type: protocol.FileChangeTypeCreated})
		case *protocol.TextDocumentEdit:
			p := ch.TextDocument.URI.FsPath()
			data, err := os.ReadFile(p)
			if err != nil {
				e.t.Fatal(err)
			}
			text := string(data)
			edits := slices.Clone(ch.Edits)
			for i := len(edits) - 1; i >= 0; i-- {
				te := edits[i].(*protocol.TextEdit)
				start, err1 := offset(text, te.Range.Start)
				end, err2 := offset(text, te.Range.End)
				if err1 != nil || err2 != nil {
					e.t.Fatalf("edit out of range: %v", te.Range)
				}
				text = text[:start] + te.NewText + text[end:]
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				e.t.Fatal(err)
			}
			events = append(events, protocol.FileEvent{URI: ch.TextDocument.URI, Type: protocol.FileChangeTypeChanged})
		default:
			e.t.Fatalf("unexpected change %T", ch)
		}
	}
	e.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, &protocol.DidChangeWatchedFilesParams{Changes: events})
}

func TestIntegrationDiagnosticsAndFixes(t *testing.T) {
	requireGo(t)
	e := startEditor(t, appModule, withSettings(appSettings))

	// Findings arrive for files nobody opened.
	want := []diagLine{
		{"main.go", "buildgap", "error", "[windows/amd64] undefined: platformName (defined for darwin, linux)", 6},
		{"name_darwin.go", "buildgap", "info", "[all targets] no configured target builds this file (it builds for darwin), so it is never checked: add a target for it or remove it", 1},
		{"native.go", "cgo", "warning", `[all targets] this file imports "C" and is left out of the build when CGO_ENABLED=0, with nothing in its place: enable cgo for these targets or add a !cgo fallback`, 4},
		{"never.go", "buildgap", "warning", `[all targets] build constraint "linux && windows" can never be satisfied: this file is never built`, 1},
		{"ugly.go", "format", "warning", "[all targets] file is not gofmt-formatted", 3},
		{"util_windwos.go", "taghygiene", "warning", `[all targets] file name suffix "windwos" is not a known GOOS: this file builds on every target; did you mean "windows"?`, 1},
	}
	e.await("the findings of every file", func() bool { return len(e.diagLines()) >= len(want) })
	e.mu.Lock()
	got := e.diagLines()
	e.mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %v\nwant %v", got, want)
	}
	main := e.diag("main.go", "undefined: platformName")
	if len(main.RelatedInformation) != 2 || filepath.Base(main.RelatedInformation[0].Location.URI.FsPath()) != "name_darwin.go" {
		t.Errorf("relatedInformation: %+v", main.RelatedInformation)
	}
	if want := (protocol.Range{Start: protocol.Position{Line: 5, Character: 13}, End: protocol.Position{Line: 5, Character: 25}}); main.Range != want {
		t.Errorf("range of the undefined call: %v, want %v", main.Range, want)
	}
	e.await("a status naming windows/amd64 as failing", func() bool {
		return len(e.statuses) > 0 && slices.Equal(e.statuses[len(e.statuses)-1].Failing, []string{"windows/amd64"})
	})

	// Editing the buffer updates the findings; undoing brings them back.
	e.open("main.go")
	e.replace("main.go", "platformName()", `"x"`)
	e.await("the undefined error to clear", func() bool { return !e.hasDiag("main.go", "undefined") })
	e.replace("main.go", `"x"`, "platformName()")
	e.await("the undefined error to return", func() bool { return e.hasDiag("main.go", "undefined: platformName") })
	main = e.diag("main.go", "undefined: platformName")

	// Stub generator: create name_windows.go.
	actions := e.codeActions("main.go", main, protocol.CodeActionKindQuickFix)
	if len(actions) != 1 || actions[0].Edit != nil {
		t.Fatalf("actions for the undefined symbol: %+v, want one stub action to resolve", actions)
	}
	var resolved protocol.CodeAction
	e.call(protocol.MethodCodeActionResolve, actions[0], &resolved)
	if resolved.Edit == nil || len(resolved.Edit.DocumentChanges) != 2 {
		t.Fatalf("resolved stub action: %+v", resolved.Edit)
	}
	if cf, ok := resolved.Edit.DocumentChanges[0].(*protocol.CreateFile); !ok || filepath.Base(cf.URI.FsPath()) != "name_windows.go" || cf.Options != nil {
		t.Fatalf("stub action does not create name_windows.go without options: %+v", resolved.Edit.DocumentChanges[0])
	}
	e.applyEdit(resolved.Edit)
	e.await("the undefined error to clear after the stub", func() bool { return !e.hasDiag("main.go", "undefined") })
	for _, goos := range []string{"linux", "windows"} {
		if out, ok := goBuild(t, e.dir, goos, "amd64"); !ok {
			t.Errorf("after the stub fix, go build for %s/amd64 fails:\n%s", goos, out)
		}
	}
	// The file exists now: the action is no longer offered anywhere.
	if got := stubFile(&stubRequestRef{Dir: e.dir, GOOS: "windows", DefFiles: []string{e.path("name_darwin.go")}}); got != e.path("name_windows.go") {
		t.Errorf("stub file name %s", got)
	}

	// Typo'd suffix: rename, or keep the name and add the constraint.
	typo := e.diag("util_windwos.go", "windwos")
	actions = e.codeActions("util_windwos.go", typo, protocol.CodeActionKindQuickFix)
	if len(actions) != 2 || actions[0].Edit == nil || actions[1].Edit == nil {
		t.Fatalf("suffix actions: %+v", actions)
	}
	if actions[1].Title != "Add //go:build windows" {
		t.Errorf("second suffix action: %q, want the constraint line", actions[1].Title)
	}
	rf, ok := actions[0].Edit.DocumentChanges[0].(*protocol.RenameFile)
	if !ok || filepath.Base(rf.NewURI.FsPath()) != "util_windows.go" {
		t.Fatalf("rename action: %+v", actions[0].Edit.DocumentChanges)
	}
	e.applyEdit(actions[0].Edit)
	e.await("the suffix warning to clear", func() bool { return len(e.diags[e.path("util_windwos.go")]) == 0 })
	if out, ok := goBuild(t, e.dir, "windows", "amd64"); !ok {
		t.Errorf("after the rename, go build for windows fails:\n%s", out)
	}

	// gofmt quick fix.
	ugly := e.diag("ugly.go", "gofmt")
	actions = e.codeActions("ugly.go", ugly, protocol.CodeActionKindQuickFix)
	if len(actions) != 1 || actions[0].Edit == nil {
		t.Fatalf("format actions: %+v", actions)
	}
	e.applyEdit(actions[0].Edit)
	e.await("the format warning to clear", func() bool { return !e.hasDiag("ugly.go", "gofmt") })
	if data, _ := os.ReadFile(e.path("ugly.go")); string(data) != "package main\n\nfunc ugly() int {\n\treturn 1\n}\n" {
		t.Errorf("ugly.go after the fix:\n%s", data)
	}
	if out, ok := goBuild(t, e.dir, "linux", "arm64"); !ok {
		t.Errorf("after all fixes, go build for linux/arm64 fails:\n%s", out)
	}
}

func TestIntegrationBuild(t *testing.T) {
	requireGo(t)
	e := startEditor(t, appModule, withSettings(appSettings))
	e.await("the first check", func() bool { return e.hasDiag("main.go", "undefined: platformName") })

	// The build source actions.
	var res []protocol.CommandOrCodeAction
	e.call(protocol.MethodTextDocumentCodeAction, &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("main.go"))},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{kindBuild}},
	}, &res)
	var titles []string
	for _, r := range res {
		titles = append(titles, r.(*protocol.CodeAction).Title)
	}
	if want := []string{"Build for linux/amd64", "Build for windows/amd64", "Build for linux/arm64", "Build all targets"}; !slices.Equal(titles, want) {
		t.Errorf("build actions %q, want %q", titles, want)
	}

	var started map[string]any
	arg, _ := json.Marshal(buildArgs{Targets: []string{"linux/arm64", "windows/amd64"}})
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuild, Arguments: []protocol.LSPAny{arg}}, &started)
	if started["started"] != true {
		t.Fatalf("crossls.build returned %v", started)
	}
	e.await("the build to end", func() bool {
		for _, p := range e.progress {
			if v, _ := p["value"].(map[string]any); v["kind"] == "end" {
				return true
			}
		}
		return false
	})
	e.mu.Lock()
	var kinds, messages []string
	for _, p := range e.progress {
		v, _ := p["value"].(map[string]any)
		kinds = append(kinds, v["kind"].(string))
		if m, ok := v["message"].(string); ok {
			messages = append(messages, m)
		}
		if v["kind"] == "begin" && v["title"] != "crossls: building 2 targets" {
			t.Errorf("progress title %q", v["title"])
		}
	}
	st := e.statuses[len(e.statuses)-1]
	shown := slices.Clone(e.shown)
	e.mu.Unlock()
	if !slices.Equal(kinds, []string{"begin", "report", "report", "end"}) {
		t.Errorf("progress kinds %v, want begin, one report per target, end", kinds)
	}
	joined := strings.Join(messages, "\n")
	if !strings.Contains(joined, "linux/arm64 ok (dist/app-linux-arm64, ") || !strings.Contains(joined, "windows/amd64 failed: undefined: platformName") {
		t.Errorf("progress messages:\n%s", joined)
	}
	if last := messages[len(messages)-1]; last != "built 1 of 2 targets: dist/app-linux-arm64" {
		t.Errorf("summary %q", last)
	}
	if !slices.ContainsFunc(shown, func(s string) bool { return strings.Contains(s, "built 1 of 2 targets") }) {
		t.Errorf("summary not shown: %q", shown)
	}
	if st.Build.State != "failed" || st.Build.Built != 1 || st.Build.Total != 2 || !slices.Equal(st.Build.Outputs, []string{"dist/app-linux-arm64"}) {
		t.Errorf("status after the build: %+v", st.Build)
	}
	if _, err := os.Stat(e.path("dist/app-linux-arm64")); err != nil {
		t.Errorf("output: %v", err)
	}

	// The compile error is inline, labelled with its target.
	e.mu.Lock()
	var buildDiag *protocol.Diagnostic
	for _, d := range e.diags[e.path("main.go")] {
		if src, _ := d.Source.Get(); src == sourceBuild {
			buildDiag = &d
		}
	}
	e.mu.Unlock()
	if buildDiag == nil || diagMessage(*buildDiag) != "[windows/amd64] undefined: platformName" || buildDiag.Range.Start.Line != 5 {
		t.Fatalf("build diagnostic: %+v", buildDiag)
	}

	// Fix it on disk; the next windows build replaces the error.
	writeTxtar(t, e.dir, "-- name_windows.go --\npackage main\n\nfunc platformName() string { return \"windows\" }\n")
	arg, _ = json.Marshal(buildArgs{Targets: []string{"windows/amd64"}})
	e.mu.Lock()
	e.progress = nil
	e.mu.Unlock()
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuild, Arguments: []protocol.LSPAny{arg}}, &started)
	e.await("the second build to end", func() bool {
		for _, p := range e.progress {
			if v, _ := p["value"].(map[string]any); v["kind"] == "end" {
				return true
			}
		}
		return false
	})
	e.await("the build error to clear", func() bool {
		for _, d := range e.diags[e.path("main.go")] {
			if src, _ := d.Source.Get(); src == sourceBuild {
				return false
			}
		}
		return true
	})

	// Invalid requests get clear errors.
	arg, _ = json.Marshal(buildArgs{Targets: []string{"plan10/amd64"}})
	if err := e.callErr(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuild, Arguments: []protocol.LSPAny{arg}}, nil); err == nil {
		t.Error("build for an unknown GOOS accepted")
	}
	arg, _ = json.Marshal(buildArgs{Packages: []string{"-toolexec=/bin/sh"}})
	if err := e.callErr(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdBuild, Arguments: []protocol.LSPAny{arg}}, nil); err == nil {
		t.Error("package pattern that is a flag accepted")
	}

	var listed struct {
		Targets []listedTarget `json:"targets"`
	}
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, &listed)
	if len(listed.Targets) != 3 || listed.Targets[0].Target != "linux/amd64" || listed.Targets[0].Source != "settings" {
		t.Errorf("listTargets: %+v", listed.Targets)
	}
}

const testFilesModule = `
-- go.mod --
module example.com/tf

go 1.22
-- lib.go --
package tf

func Double(x int) int { return 2 * x }
-- ugly.go --
package tf

func  ugly() {}
-- helper_linux_test.go --
package tf

func helper() int { return 21 }
-- lib_test.go --
package tf

import "testing"

func TestDouble(t *testing.T) {
	if Double(helper()) != 42 {
		t.Fatal("wrong")
	}
}
`

// TestIntegrationTestFiles: a test file that calls a helper defined only
// in a Linux test file shows the Windows error while it is edited, as
// go vet with GOOS=windows reports it; with "tests": false it does not.
func TestIntegrationTestFiles(t *testing.T) {
	requireGo(t)
	e := startEditor(t, testFilesModule, withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`))
	e.await("the error in lib_test.go", func() bool { return e.hasDiag("lib_test.go", "[windows/amd64] undefined: helper") })
	for goos, wantOK := range map[string]bool{"linux": true, "windows": false} {
		cmd := exec.Command("go", "vet", ".")
		cmd.Dir = e.dir
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if (err == nil) != wantOK || !wantOK && !strings.Contains(string(out), "undefined: helper") {
			t.Errorf("go vet for %s/amd64 (ok=%v, want %v):\n%s", goos, err == nil, wantOK, out)
		}
	}
	e.open("lib_test.go")
	e.replace("lib_test.go", "Double(helper())", "Double(21)")
	e.await("the error to clear", func() bool { return !e.hasDiag("lib_test.go", "undefined") })
	e.replace("lib_test.go", "Double(21)", "Double(helper())")
	e.await("the error to return", func() bool { return e.hasDiag("lib_test.go", "[windows/amd64] undefined: helper") })

	off := startEditor(t, testFilesModule, withSettings(`{"targets": ["linux/amd64", "windows/amd64"], "tests": false}`))
	off.await("the check (its format finding)", func() bool { return off.hasDiag("ugly.go", "gofmt") })
	off.mu.Lock()
	defer off.mu.Unlock()
	if ds := off.diagnosticsLocked("lib_test.go"); len(ds) > 0 {
		t.Errorf(`with "tests": false, lib_test.go has diagnostics: %v`, off.summary())
	}
}
