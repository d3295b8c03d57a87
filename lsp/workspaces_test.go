package lsp

// The server on repositories of several modules, with the real driver:
// a go.work workspace, a module with a nested module, a folder of modules
// without go.work, and a go.work whose use directives change.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/internal/matrix"
)

// checkRecord is one check a view ran.
type checkRecord struct {
	dir       string
	patterns  []string
	goworkOff bool
}

// checkRecorder records the checks of every view's session, which is a
// real one.
type checkRecorder struct {
	mu     sync.Mutex
	checks []checkRecord
}

type recordingSession struct {
	*matrix.Session
	rec *checkRecorder
}

func (r *recordingSession) Check(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
	rec := checkRecord{dir: opts.Dir, patterns: slices.Clone(opts.Patterns), goworkOff: slices.Contains(opts.Env, "GOWORK=off")}
	r.rec.mu.Lock()
	r.rec.checks = append(r.rec.checks, rec)
	r.rec.mu.Unlock()
	return r.Session.Check(ctx, opts)
}

func withRecorder(rec *checkRecorder) editorOption {
	return func(_ *editor, s *Server) {
		s.newSession = func() session { return &recordingSession{Session: matrix.NewSession(), rec: rec} }
	}
}

// since returns the checks recorded after the first n.
func (r *checkRecorder) since(n int) []checkRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.checks[min(n, len(r.checks)):])
}

func (r *checkRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.checks)
}

// typeChecks returns the type checks so far of the view running in dir
// whose patterns include pattern.
func (e *editor) typeChecks(dir, pattern string) int64 {
	e.t.Helper()
	for _, v := range e.server.snapshotViews() {
		if v.dir == dir && slices.Contains(v.patterns(), pattern) {
			if rs, ok := v.currentSession().(*recordingSession); ok {
				return rs.TypeChecks()
			}
		}
	}
	e.t.Fatalf("no view in %s checks %s", dir, pattern)
	return 0
}

// viewDirs lists the views as "dir: patterns", relative to the workspace.
func (e *editor) viewDirs() []string {
	var out []string
	for _, v := range e.server.snapshotViews() {
		rel, _ := filepath.Rel(e.dir, v.dir)
		out = append(out, filepath.ToSlash(rel)+": "+strings.Join(v.patterns(), " "))
	}
	slices.Sort(out)
	return out
}

// close closes an open buffer.
func (e *editor) close(name string) {
	e.t.Helper()
	e.notify(protocol.MethodTextDocumentDidClose, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri.File(e.path(name))}})
}

// writeFile writes a file on disk and tells the server, as a watcher does.
func (e *editor) writeFile(name, content string) {
	e.t.Helper()
	if err := os.WriteFile(e.path(name), []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
		{URI: uri.File(e.path(name)), Type: protocol.FileChangeTypeChanged},
	}})
}

const goWorkWorkspace = `
-- .git/HEAD --
ref: refs/heads/main
-- go.work --
go 1.22

use (
	./app
	./tool
)
-- .crossls.yaml --
targets: [linux/amd64, windows/amd64]
-- app/go.mod --
module example.com/app

go 1.22
-- app/main.go --
package main

import "example.com/tool/lib"

func main() {
	lib.Hello()
	println(platformName())
}
-- app/name_linux.go --
package main

func platformName() string { return "linux" }
-- tool/go.mod --
module example.com/tool

go 1.22
-- tool/.crossls.yaml --
targets: [linux/amd64, linux/386]
-- tool/lib/lib.go --
package lib

func Hello() {}
-- tool/main.go --
package main

const big = 1 << 40

var x int = big

func main() { _ = x }
`

// TestGoWorkWorkspace: the workspace folder is a go.work root that is no
// module. Each open file's module is checked in the workspace, with its
// own configuration; nothing else is; an edit in one module re-checks
// what depends on it and nothing more; a build from a file builds its
// module.
func TestGoWorkWorkspace(t *testing.T) {
	requireGo(t)
	rec := &checkRecorder{}
	e := startEditor(t, goWorkWorkspace, withRecorder(rec))
	e.settle()
	if n := rec.count(); n != 0 {
		t.Errorf("%d checks with no file open: a go.work root that is no module checks only what is opened", n)
	}

	e.open("app/main.go")
	e.await("app's finding for windows", func() bool { return e.hasDiag("app/main.go", "[windows/amd64] undefined: platformName") })
	for _, c := range rec.since(0) {
		if c.dir != e.dir || !slices.Equal(c.patterns, []string{"./app/..."}) || c.goworkOff {
			t.Errorf("check %+v, want ./app/... in the workspace (tool is not open)", c)
		}
	}

	// tool has its own targets: it is checked for linux/386, app is not.
	e.open("tool/main.go")
	e.await("tool's finding for 386", func() bool { return e.hasDiag("tool/main.go", "[linux/386]") })
	e.settle()
	e.mu.Lock()
	if e.hasDiag("app/main.go", "386") || e.hasDiag("tool/main.go", "windows") {
		t.Errorf("a module checked for the other's targets: %v", e.summary())
	}
	e.mu.Unlock()
	if got, want := e.viewDirs(), []string{".: ./app/...", ".: ./tool/..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q: one per configuration of the workspace", got, want)
	}
	var listed struct {
		Targets []listedTarget `json:"targets"`
	}
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: cmdListTargets}, &listed)
	where := map[string]string{}
	for _, lt := range listed.Targets {
		rel, _ := filepath.Rel(e.dir, lt.File)
		where[lt.Target] += filepath.ToSlash(rel) + " " + strings.Join(lt.Modules, ",") + ";"
	}
	if want := ".crossls.yaml " + e.path("app") + ";"; where["windows/amd64"] != want {
		t.Errorf("windows/amd64 listed as %q, want %q", where["windows/amd64"], want)
	}
	if want := "tool/.crossls.yaml " + e.path("tool") + ";"; where["linux/386"] != want {
		t.Errorf("linux/386 listed as %q, want %q", where["linux/386"], want)
	}

	// An edit of the body of app's main re-checks app's package alone.
	appChecks, toolChecks := e.typeChecks(e.dir, "./app/..."), e.typeChecks(e.dir, "./tool/...")
	e.replace("app/main.go", "lib.Hello()", "lib.Hello()\n\t_ = 1")
	e.awaitPublished([]string{"app/main.go"})
	e.settle()
	t.Logf("an edit of app's main: %d type checks in app's view, %d in tool's", e.typeChecks(e.dir, "./app/...")-appChecks, e.typeChecks(e.dir, "./tool/...")-toolChecks)
	if d := e.typeChecks(e.dir, "./app/..."); d-appChecks > 2 || d == appChecks {
		t.Errorf("an edit of app's main type-checked %d packages in app's view, want app's for each target (1 or 2)", d-appChecks)
	}
	if d := e.typeChecks(e.dir, "./tool/..."); d != toolChecks {
		t.Errorf("an edit of app's main type-checked %d packages in tool's view, want none", d-toolChecks)
	}

	// An edit of tool's library reaches app, which imports it.
	e.open("tool/lib/lib.go")
	e.replace("tool/lib/lib.go", "func Hello() {}", "func Hello(n int) {}")
	e.await("app's error from tool's edit", func() bool { return e.hasDiag("app/main.go", "not enough arguments in call to lib.Hello") })
	e.replace("tool/lib/lib.go", "func Hello(n int) {}", "func Hello() {}")
	e.await("the error to go", func() bool { return !e.hasDiag("app/main.go", "not enough arguments") })

	// A build asked from a file of tool builds tool, in tool.
	d := e.diag("tool/main.go", "[linux/386]")
	var build *protocol.CodeAction
	for _, a := range e.codeActions("tool/main.go", d, kindBuild) {
		if a.Title == "Build for linux/amd64" {
			build = a
		}
	}
	if build == nil {
		t.Fatal("no build action on tool/main.go")
	}
	var res map[string]any
	e.call(protocol.MethodWorkspaceExecuteCommand, &protocol.ExecuteCommandParams{Command: build.Command.Command, Arguments: build.Command.Arguments}, &res)
	if res["started"] != true {
		t.Fatalf("build: %v", res)
	}
	e.await("the build to succeed", func() bool {
		return len(e.statuses) > 0 && e.statuses[len(e.statuses)-1].Build.State == "succeeded"
	})
	if _, err := os.Stat(e.path("tool/dist/tool-linux-amd64")); err != nil {
		t.Errorf("tool's binary: %v", err)
	}
	if _, err := os.Stat(e.path("app/dist")); err == nil {
		t.Errorf("a build from tool built app")
	}

	// Closing tool's files stops its view and withdraws its findings.
	e.close("tool/main.go")
	e.close("tool/lib/lib.go")
	e.await("tool's findings to go", func() bool { return len(e.diagnosticsLocked("tool/main.go")) == 0 })
	if got, want := e.viewDirs(), []string{".: ./app/..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q", got, want)
	}
}

const nestedModules = `
-- .git/HEAD --
ref: refs/heads/main
-- go.mod --
module example.com/root

go 1.22
-- main.go --
package main

func main() { println(rootName()) }
-- root_linux.go --
package main

func rootName() string { return "linux" }
-- tools/go.mod --
module example.com/tools

go 1.22
-- tools/main.go --
package main

func main() { println(toolName()) }
-- tools/tool_darwin.go --
package main

func toolName() string { return "darwin" }
`

// TestNestedModule: a file of a module nested in the workspace folder's
// module is checked in its own module, which the outer module's ./...
// leaves out; an edit in it re-checks it alone.
func TestNestedModule(t *testing.T) {
	requireGo(t)
	rec := &checkRecorder{}
	e := startEditor(t, nestedModules, withRecorder(rec), withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`))
	e.open("main.go")
	e.await("the root module's finding", func() bool { return e.hasDiag("main.go", "[windows/amd64] undefined: rootName") })
	e.open("tools/main.go")
	e.await("the nested module's findings", func() bool {
		return e.hasDiag("tools/main.go", "[all targets] undefined: toolName") || e.hasDiag("tools/main.go", "undefined: toolName")
	})
	if got, want := e.viewDirs(), []string{".: ./...", "tools: ./..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q", got, want)
	}
	e.settle()
	n := rec.count()
	e.replace("tools/main.go", "func main() {", "func main() {\n\t_ = 2")
	e.awaitPublished([]string{"tools/main.go"})
	e.settle()
	for _, c := range rec.since(n) {
		if c.dir != e.path("tools") || !c.goworkOff {
			t.Errorf("an edit in tools ran check %+v, want tools' alone, without go.work", c)
		}
	}
}

const moduleFolderWorkspace = `
-- a/go.mod --
module example.com/a

go 1.22
-- a/a.go --
package a

func A() int { return aValue }
-- a/value_linux.go --
package a

const aValue = 1
-- b/go.mod --
module example.com/b

go 1.22
-- b/main.go --
package main

func main() { println(bName()) }
-- b/name_windows.go --
package main

func bName() string { return "windows" }
`

// TestFolderOfModules: a workspace folder holding modules and no go.work
// is no module, and says nothing about it; each open file's module is
// checked, and only while a file of it is open.
func TestFolderOfModules(t *testing.T) {
	requireGo(t)
	rec := &checkRecorder{}
	e := startEditor(t, moduleFolderWorkspace, withRecorder(rec), withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`))
	e.open("b/main.go")
	e.await("b's finding", func() bool { return e.hasDiag("b/main.go", "[linux/amd64] undefined: bName") })
	for _, c := range rec.since(0) {
		if c.dir != e.path("b") {
			t.Errorf("check %+v with only b open", c)
		}
	}
	e.open("a/a.go")
	e.await("a's finding", func() bool { return e.hasDiag("a/a.go", "[windows/amd64] undefined: aValue") })
	e.settle()
	n := rec.count()
	e.replace("a/a.go", "return aValue", "return aValue + 0")
	e.awaitPublished([]string{"a/a.go"})
	e.settle()
	for _, c := range rec.since(n) {
		if c.dir != e.path("a") {
			t.Errorf("an edit in a ran check %+v, want a's alone", c)
		}
	}
	e.close("a/a.go")
	e.await("a's findings to go", func() bool { return len(e.diagnosticsLocked("a/a.go")) == 0 })
	if got, want := e.viewDirs(), []string{"b: ./..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q: a's view must go with its last file", got, want)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range e.shown {
		if strings.Contains(m, "not in a Go module") {
			t.Errorf("told %q, of a folder of modules", m)
		}
	}
}

const goWorkUseWorkspace = `
-- go.work --
go 1.22

use ./app
-- app/go.mod --
module example.com/app

go 1.22
-- app/greet/greet.go --
package greet

func Hello() string { return hello }
-- app/greet/hello_linux.go --
package greet

const hello = "hi"
-- tool/go.mod --
module example.com/tool

go 1.22
-- tool/main.go --
package main

import "example.com/app/greet"

func main() { println(greet.Hello()) }
`

// TestGoWorkUseChanges: a module a go.work does not use is checked on its
// own; once the go.work uses it, in the workspace (where its import of
// another workspace module resolves); and on its own again when the use
// is removed.
func TestGoWorkUseChanges(t *testing.T) {
	requireGo(t)
	rec := &checkRecorder{}
	e := startEditor(t, goWorkUseWorkspace, withRecorder(rec), withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`))
	e.open("tool/main.go")
	const unresolved = "no required module provides package example.com/app/greet"
	e.await("tool's findings on its own", func() bool { return e.hasDiag("tool/main.go", unresolved) })
	e.settle()
	if got, want := e.viewDirs(), []string{"tool: ./..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q", got, want)
	}
	for _, c := range rec.since(0) {
		if !c.goworkOff {
			t.Errorf("check %+v of a module the go.work does not use, with the go.work", c)
		}
	}

	n := rec.count()
	e.writeFile("go.work", "go 1.22\n\nuse (\n\t./app\n\t./tool\n)\n")
	e.await("tool's dependency finding in the workspace", func() bool {
		return e.hasDiag("tool/main.go", "[windows/amd64]") && !e.hasDiag("tool/main.go", unresolved)
	})
	if got, want := e.viewDirs(), []string{".: ./tool/..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q", got, want)
	}
	for _, c := range rec.since(n) {
		if c.dir != e.dir || c.goworkOff {
			t.Errorf("check %+v after the use was added, want the workspace's", c)
		}
	}

	e.writeFile("go.work", "go 1.22\n\nuse ./app\n")
	e.await("tool on its own again", func() bool { return e.hasDiag("tool/main.go", unresolved) })
	if got, want := e.viewDirs(), []string{"tool: ./..."}; !slices.Equal(got, want) {
		t.Errorf("views %q, want %q", got, want)
	}
}

// TestWorkspaceFolderInGoWork: a workspace folder below a go.work is
// checked in the workspace, as the go command in it would.
func TestWorkspaceFolderInGoWork(t *testing.T) {
	fc := &fakeCheck{}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeTxtar(t, dir, goWorkWorkspace)
	var seen []matrix.Options
	var mu sync.Mutex
	e := newEditorIn(t, filepath.Join(dir, "app"), withCheck(func(ctx context.Context, opts matrix.Options) (*matrix.Result, error) {
		mu.Lock()
		seen = append(seen, opts)
		mu.Unlock()
		return fc.check(ctx, opts)
	}))
	e.initialize()
	e.await("a check", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) > 0
	})
	mu.Lock()
	defer mu.Unlock()
	if o := seen[0]; o.Dir != dir || !slices.Equal(o.Patterns, []string{"./app/..."}) || slices.Contains(o.Env, "GOWORK=off") {
		b, _ := json.Marshal(map[string]any{"dir": o.Dir, "patterns": o.Patterns})
		t.Errorf("check %s, want ./app/... in the go.work's directory %s", b, dir)
	}
}

// manyModules writes a go.work workspace of n modules, m00 to m(n-1), each
// with a main package and packages that import one another and the
// standard library; every main calls a function defined for linux only.
func manyModules(n int) string {
	var b strings.Builder
	b.WriteString("-- go.work --\ngo 1.22\n\nuse (\n")
	for i := range n {
		fmt.Fprintf(&b, "\t./m%02d\n", i)
	}
	b.WriteString(")\n")
	for i := range n {
		m := fmt.Sprintf("m%02d", i)
		fmt.Fprintf(&b, "-- %s/go.mod --\nmodule example.com/%s\n\ngo 1.22\n", m, m)
		fmt.Fprintf(&b, "-- %s/main.go --\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/%s/store\"\n)\n\nfunc main() { fmt.Println(store.Open(), name()) }\n", m, m)
		fmt.Fprintf(&b, "-- %s/name_linux.go --\npackage main\n\nfunc name() string { return \"linux\" }\n", m)
		fmt.Fprintf(&b, "-- %s/store/store.go --\npackage store\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n\n\t\"example.com/%s/codec\"\n)\n\nfunc Open() string { b, _ := json.Marshal(codec.Pair{}); _ = http.StatusOK; return string(b) }\n", m, m)
		fmt.Fprintf(&b, "-- %s/codec/codec.go --\npackage codec\n\nimport \"strings\"\n\ntype Pair struct{ K, V string }\n\nfunc (p Pair) String() string { return strings.Join([]string{p.K, p.V}, \"=\") }\n", m)
	}
	return b.String()
}

// TestOneFileOfManyModules: opening one file of a workspace of thirty
// modules checks that file's module, not the thirty.
func TestOneFileOfManyModules(t *testing.T) {
	requireGo(t)
	const n = 30
	rec := &checkRecorder{}
	e := startEditor(t, manyModules(n), withRecorder(rec), withSettings(`{"targets": ["linux/amd64", "windows/amd64"]}`))
	heap := liveHeap()
	start := time.Now()
	e.open("m07/main.go")
	e.await("m07's finding", func() bool { return e.hasDiag("m07/main.go", "[windows/amd64] undefined: name") })
	took := time.Since(start)
	e.settle()
	for _, c := range rec.since(0) {
		if !slices.Equal(c.patterns, []string{"./m07/..."}) {
			t.Errorf("check of %q, want ./m07/... alone", c.patterns)
		}
	}
	var pkgs int
	for _, v := range e.server.snapshotViews() {
		if rs, ok := v.currentSession().(*recordingSession); ok {
			pkgs += int(rs.TypeChecks())
		}
	}
	t.Logf("one file of %d modules: first findings after %v; %d type checks; live heap %.1f MB -> %.1f MB",
		n, took.Round(time.Millisecond), pkgs, float64(heap)/1e6, float64(liveHeap())/1e6)
}
