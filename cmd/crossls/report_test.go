package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestCheckFormatFlag(t *testing.T) {
	for _, c := range []struct {
		format string
		json   bool
		want   string
		err    string
	}{
		{"", false, "text", ""},
		{"", true, "json", ""},
		{"json", true, "json", ""},
		{"html", false, "html", ""},
		{"sarif", false, "sarif", ""},
		{"text", false, "text", ""},
		{"html", true, "", "disagree"},
		{"sarif", true, "", "disagree"},
		{"pdf", false, "", `unknown -format "pdf": want text, json, sarif, html`},
	} {
		got, err := outputFormat(c.format, c.json)
		if got != c.want || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("outputFormat(%q, %v) = %q, %v; want %q, %q", c.format, c.json, got, err, c.want, c.err)
		}
	}
}

// reportModule fails for windows (a linux-only function) and for 386 (a
// constant that overflows int), and has a package without files for
// windows.
var reportModule = map[string]string{
	"big.go":              "package main\n\nconst big = 1 << 40\n\nvar _ = int(big)\n",
	"unix/unix_linux.go":  "package unix\n\nconst Name = \"linux\"\n",
	"unix/unix_darwin.go": "package unix\n\nconst Name = \"darwin\"\n",
}

func TestCheckHTMLReport(t *testing.T) {
	requireGoCommand(t)
	dir := writeBuildModule(t, reportModule)
	report := filepath.Join(dir, "report.html")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"check", "-C", dir, "-nocache", "-targets", "linux/amd64,windows/amd64,linux/386", "-format", "html", "-o", report, "./..."}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("-o wrote to stdout too: %q", out.String())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	for _, want := range []string{
		`<tr data-package="example.com/app"`,
		`<td class="fail undefined-symbol" data-target="windows/amd64" data-status="fail" title="windows/amd64: undefined: platformName (undefined-symbol)"><a href="#c0-1">✗</a></td>`,
		`<td class="fail type-error" data-target="linux/386" data-status="fail"`,
		`<td class="fail no-go-files" data-target="windows/amd64" data-status="fail"`,
		`<td class="ok" data-target="linux/amd64" data-status="ok" title="linux/amd64: builds">✓</td>`,
		`id="c0-1"`,
		`<span class="pos">main.go:3:23</span>`,
		`[windows/amd64] undefined: platformName (defined for linux)`,
		`<select id="target-filter">`,
		`3 failing</b> of 6 package/target pairs`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
	// Self-contained: nothing to fetch.
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:)?//|@import|url\(`).FindString(page); m != "" {
		t.Errorf("the report loads something from outside: %s", m)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".report.html.*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if dst := os.Getenv("CROSSLS_REPORT_OUT"); dst != "" {
		// The browser test of the page (editors/vscode/test/e2e.sh) loads it.
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func requireGoCommand(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	if testing.Short() {
		t.Skip("runs the go command")
	}
}

// runOnTerminal runs the crossls binary with stderr on a pseudo-terminal
// of the given width and stdout on a pipe, and returns both.
func runOnTerminal(t *testing.T, bin, dir string, cols uint16, args ...string) (stdout, terminal string, code int) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var screen bytes.Buffer
	copied := make(chan struct{})
	go func() {
		io.Copy(&screen, ptmx) // ends with EIO once the child has exited
		close(copied)
	}()
	err = cmd.Wait()
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal's output did not end")
	}
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), screen.String(), code
}

// lastFrame returns what a terminal shows on the progress line last: the
// text after the last carriage return, without escape sequences.
var escapes = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

func frames(terminal string) []string {
	var out []string
	for _, f := range strings.Split(terminal, "\r") {
		if f = strings.TrimSpace(escapes.ReplaceAllString(f, "")); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func TestProgressOnTerminal(t *testing.T) {
	requireGoCommand(t)
	bin := buildCrossls(t)
	dir := writeBuildModule(t, reportModule)

	t.Run("check", func(t *testing.T) {
		stdout, terminal, code := runOnTerminal(t, bin, dir, 200, "check", "-nocache", "-targets", "linux/amd64,windows/amd64,linux/386", "./...")
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		fs := frames(terminal)
		if len(fs) == 0 || !strings.Contains(fs[0], "crossls check: targets 0/3 · packages checked 0") {
			t.Errorf("no progress line on the terminal: %q", terminal)
		}
		if !strings.Contains(terminal, "crossls check: targets 3/3 · packages checked 2") {
			t.Errorf("the progress line never counts 3 targets and 2 packages done: %q", fs)
		}
		// Cleared at the end: the last thing on the terminal erases the line.
		if !strings.HasSuffix(terminal, "\x1b[2K\r") {
			t.Errorf("the progress line is not cleared at the end: %q", terminal[max(0, len(terminal)-80):])
		}
		if !strings.Contains(stdout, "does not build for windows/amd64") || strings.ContainsAny(stdout, "\r\x1b") {
			t.Errorf("stdout: %q", stdout)
		}
	})

	t.Run("a narrow terminal gets a line that fits", func(t *testing.T) {
		_, terminal, _ := runOnTerminal(t, bin, dir, 40, "check", "-nocache", "-targets", "linux/amd64,windows/amd64,linux/386", "./...")
		for _, f := range frames(terminal) {
			if n := len([]rune(f)); n > 40 {
				t.Errorf("a %d-column frame on a 40-column terminal: %q", n, f)
			}
		}
	})

	t.Run("-json and pipes get nothing extra", func(t *testing.T) {
		_, terminal, _ := runOnTerminal(t, bin, dir, 200, "check", "-json", "-targets", "linux/amd64", "./...")
		if strings.Contains(terminal, "crossls check:") {
			t.Errorf("-json shows progress: %q", terminal)
		}
		_, terminal, _ = runOnTerminal(t, bin, dir, 200, "check", "-format", "sarif", "-targets", "linux/amd64", "./...")
		if strings.Contains(terminal, "crossls check:") {
			t.Errorf("-format sarif shows progress: %q", terminal)
		}
		cmd := exec.Command(bin, "check", "-targets", "linux/amd64,windows/amd64", "./...")
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Run()
		if stderr.Len() != 0 {
			t.Errorf("a piped stderr gets %q", stderr.String())
		}
	})

	t.Run("JSON and SARIF written to a file show progress", func(t *testing.T) {
		for _, format := range []string{"json", "sarif"} {
			file := filepath.Join(t.TempDir(), "out."+format)
			stdout, terminal, _ := runOnTerminal(t, bin, dir, 200, "check", "-nocache", "-format", format, "-o", file, "-shard", "1/2", "-targets", "linux/amd64,windows/amd64,linux/386", "./...")
			if !strings.Contains(terminal, "crossls check: targets 1/1 · packages checked 2") {
				t.Errorf("-format %s -o -shard 1/2: no progress over the shard's one target of 3: %q", format, frames(terminal))
			}
			if stdout != "" {
				t.Errorf("-format %s -o: stdout %q", format, stdout)
			}
			if data, err := os.ReadFile(file); err != nil || !strings.Contains(string(data), `"shard"`) && !strings.Contains(string(data), "crossls/shard") {
				t.Errorf("-format %s -o: %v %.200q", format, err, data)
			}
		}
	})

	t.Run("build", func(t *testing.T) {
		stdout, terminal, code := runOnTerminal(t, bin, dir, 200, "build", "-targets", "linux/amd64,linux/arm64", "-j", "1", ".")
		if code != 0 {
			t.Fatalf("exit %d: %s %q", code, stdout, terminal)
		}
		for _, want := range []string{"crossls build: 2 targets · 0 running · 0 finished", "crossls build: 2 targets · 1 running · 0 finished · linux/", "crossls build: 2 targets · 0 running · 1 finished"} {
			if !strings.Contains(terminal, want) {
				t.Errorf("the terminal never shows %q: %q", want, frames(terminal))
			}
		}
		if !strings.HasSuffix(terminal, "\x1b[2K\r") {
			t.Errorf("the progress line is not cleared at the end: %q", terminal[max(0, len(terminal)-80):])
		}
		if !strings.Contains(stdout, "TARGET") {
			t.Errorf("stdout: %q", stdout)
		}
		_, terminal, _ = runOnTerminal(t, bin, dir, 200, "build", "-shard", "2/2", "-targets", "linux/amd64,linux/arm64", ".")
		if !strings.Contains(terminal, "crossls build: 1 targets · 0 running · 1 finished") {
			t.Errorf("-shard 2/2 of 2 targets: %q", frames(terminal))
		}
		_, terminal, _ = runOnTerminal(t, bin, dir, 200, "build", "-v", "-targets", "linux/amd64", ".")
		if strings.Contains(terminal, "crossls build: ") || !strings.Contains(terminal, "linux/amd64: building example.com/app") {
			t.Errorf("-v: %q", terminal)
		}
	})
}

// TestOutputFileFailedWrite checks that -o's file appears whole or not at
// all: an output whose writing failed leaves neither it nor its
// temporary file.
func TestOutputFileFailedWrite(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "report.html")
	for _, fail := range []bool{true, false} {
		w, commit, err := outputFile(name, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "<html>")
		var werr error
		if fail {
			werr = errors.New("write failed")
		}
		if err := commit(werr); err != werr {
			t.Errorf("commit(%v) = %v", werr, err)
		}
		_, err = os.Stat(name)
		if fail && err == nil || !fail && err != nil {
			t.Errorf("failed write %v: stat: %v", fail, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != map[bool]int{true: 0, false: 1}[fail] {
			t.Errorf("failed write %v: %d files in the directory", fail, len(entries))
		}
	}
}
