package lsp

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// A module whose main package fails for windows (platformName is linux
// only) and for 386 (a constant overflows int), with a file for each
// reason a target leaves a file out.
const matrixModule = `
-- go.mod --
module example.com/app

go 1.22
-- main.go --
// Command app; see name_linux.go.
package main

import "fmt"

func main() {
	fmt.Println(platformName(), big)
}
-- name_linux.go --
package main

func platformName() string { return "linux" }
-- big.go --
package main

const big = 1 << 40
-- tagged.go --
//go:build !windows

package main
-- native.go --
package main

import "C"
`

func (e *editor) hover(name string, line, char uint32) string {
	e.t.Helper()
	var h struct {
		Contents struct {
			Value string `json:"value"`
		} `json:"contents"`
	}
	var raw json.RawMessage
	e.call(protocol.MethodTextDocumentHover, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path(name))},
		Position:     protocol.Position{Line: line, Character: char},
	}}, &raw)
	if string(raw) == "null" || len(raw) == 0 {
		return ""
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		e.t.Fatalf("hover: %v: %s", err, raw)
	}
	return h.Contents.Value
}

func (e *editor) lensTitles(name string) []string {
	e.t.Helper()
	var lenses []protocol.CodeLens
	e.call(protocol.MethodTextDocumentCodeLens, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path(name))}}, &lenses)
	var out []string
	for _, l := range lenses {
		if l.Command.Command != cmdExplainFile {
			e.t.Errorf("lens command %q, want %s", l.Command.Command, cmdExplainFile)
		}
		out = append(out, l.Command.Title)
	}
	return out
}

func (e *editor) matrix() matrixReport {
	e.t.Helper()
	var m matrixReport
	e.call(methodMatrix, struct{}{}, &m)
	return m
}

func TestMatrixHoverLens(t *testing.T) {
	requireGo(t)
	e := startEditor(t, matrixModule, withSettings(`{"targets": ["linux/amd64", "windows/amd64", "linux/386"]}`))
	for _, f := range []string{"main.go", "name_linux.go", "tagged.go", "native.go"} {
		e.open(f)
	}
	e.await("the matrix of the first check", func() bool { return len(e.matrices) > 0 && len(e.matrices[len(e.matrices)-1].Packages) == 1 })

	t.Run("request and notification", func(t *testing.T) {
		m := e.matrix()
		e.mu.Lock()
		last := e.matrices[len(e.matrices)-1]
		e.mu.Unlock()
		if m.Version != last.Version || m.Version == 0 {
			t.Errorf("crossls/matrix version %d, last notification %d", m.Version, last.Version)
		}
		if strings.Join(m.Targets, " ") != "linux/amd64 windows/amd64 linux/386" {
			t.Errorf("targets %v", m.Targets)
		}
		p := m.Packages[0]
		if p.Path != "example.com/app" || p.Dir != e.dir || p.Module != e.dir {
			t.Errorf("package %s in %s (module %s)", p.Path, p.Dir, p.Module)
		}
		if v := p.Targets["linux/amd64"]; v.Status != "ok" || v.Location != nil {
			t.Errorf("linux/amd64: %+v", v)
		}
		win := p.Targets["windows/amd64"]
		if win.Status != "fail" || win.Class != "undefined-symbol" || !strings.Contains(win.Message, "platformName") {
			t.Errorf("windows/amd64: %+v", win)
		}
		if win.Location == nil || win.Location.URI != uri.File(e.path("main.go")) || win.Location.Range.Start.Line != 6 {
			t.Errorf("windows/amd64 location: %+v", win.Location)
		}
		if v := p.Targets["linux/386"]; v.Status != "fail" || !strings.Contains(v.Message, "overflows") || v.Location == nil || v.Location.URI != uri.File(e.path("main.go")) {
			t.Errorf("linux/386: %+v", v)
		}
		found := false
		for _, d := range m.Diagnostics {
			if d.File == e.path("main.go") && strings.Join(d.Targets, " ") == "windows/amd64" && d.Location.Range.Start.Line == 6 {
				found = true
			}
			if d.Fixes != nil {
				t.Errorf("finding with fixes in the matrix: %+v", d)
			}
		}
		if !found {
			t.Errorf("no windows/amd64 finding on main.go:7 in %+v", m.Diagnostics)
		}
	})

	t.Run("hover", func(t *testing.T) {
		h := e.hover("name_linux.go", 0, 3)
		for _, want := range []string{"`name_linux.go` builds for 2 of 3 targets", "✓ builds for `linux/amd64`, `linux/386`", "✗ not for `windows/amd64`: file name suffix `_linux`", "Package `example.com/app` builds for 1 of 3 targets", "✗ `linux/386`: cannot use big"} {
			if !strings.Contains(h, want) {
				t.Errorf("hover on the package clause of name_linux.go lacks %q:\n%s", want, h)
			}
		}
		h = e.hover("tagged.go", 0, 5)
		if !strings.Contains(h, "✗ not for `windows/amd64`: constraint `//go:build !windows`") {
			t.Errorf("hover on //go:build:\n%s", h)
		}
		h = e.hover("native.go", 0, 1)
		if !strings.Contains(h, "builds for 0 of 3 targets") || !strings.Contains(h, "imports `\"C\"` and cgo is off") {
			t.Errorf("hover on a cgo file:\n%s", h)
		}
		// A file name in a comment: the file it names.
		h = e.hover("main.go", 0, 20)
		if !strings.Contains(h, "`name_linux.go` builds for 2 of 3 targets") {
			t.Errorf("hover on a file name:\n%s", h)
		}
		if h := e.hover("main.go", 6, 2); h != "" {
			t.Errorf("hover inside a function: %q", h)
		}
	})

	t.Run("code lens and inlay hint", func(t *testing.T) {
		if got := e.lensTitles("name_linux.go"); len(got) != 1 || got[0] != "builds for 2 of 3 targets — not windows/amd64" {
			t.Errorf("lens of name_linux.go: %q", got)
		}
		if got := e.lensTitles("main.go"); len(got) != 0 {
			t.Errorf("lens of main.go, which every target builds: %q", got)
		}
		if got := e.lensTitles("native.go"); len(got) != 1 || got[0] != "builds for none of the 3 targets" {
			t.Errorf("lens of native.go: %q", got)
		}
		var hints []protocol.InlayHint
		e.call(protocol.MethodTextDocumentInlayHint, &protocol.InlayHintParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path("tagged.go"))},
			Range:        protocol.Range{End: protocol.Position{Line: 10}},
		}, &hints)
		if len(hints) != 1 || hints[0].Position.Line != 2 {
			t.Fatalf("inlay hints of tagged.go: %+v", hints)
		}
		if l, _ := hints[0].Label.(protocol.String); string(l) != "builds for 2 of 3 targets — not windows/amd64" {
			t.Errorf("inlay hint label %q", l)
		}
		var res struct {
			Markdown string `json:"markdown"`
		}
		arg, _ := json.Marshal(explainArgs{URI: string(uri.File(e.path("tagged.go")))})
		e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdExplainFile, Arguments: []protocol.LSPAny{arg}}, &res)
		if !strings.Contains(res.Markdown, "constraint `//go:build !windows`") {
			t.Errorf("%s: %q", cmdExplainFile, res.Markdown)
		}
	})

	t.Run("platforms", func(t *testing.T) {
		var res struct {
			Platforms []platform `json:"platforms"`
			Current   []string   `json:"current"`
		}
		e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListPlatforms}, &res)
		if strings.Join(res.Current, " ") != "linux/amd64 windows/amd64 linux/386" {
			t.Errorf("current %v", res.Current)
		}
		first := map[string]bool{}
		for _, p := range res.Platforms {
			first[p.Target] = p.FirstClass
		}
		if len(res.Platforms) < 30 || !first["linux/386"] || !first["windows/amd64"] || first["plan9/386"] {
			t.Errorf("platforms: %d, first class: %v", len(res.Platforms), first)
		}
	})

	t.Run("a change of targets is notified", func(t *testing.T) {
		e.mu.Lock()
		n := e.nMatrix
		e.settings = json.RawMessage(`{"targets": ["linux/amd64"]}`)
		e.mu.Unlock()
		e.notify(protocol.MethodWorkspaceDidChangeConfiguration, &protocol.DidChangeConfigurationParams{})
		e.await("a matrix for linux/amd64 alone", func() bool {
			return e.nMatrix > n && strings.Join(e.matrices[len(e.matrices)-1].Targets, " ") == "linux/amd64"
		})
		if got := e.lensTitles("name_linux.go"); len(got) != 0 {
			t.Errorf("lens of name_linux.go built by the one target: %q", got)
		}
	})
}
