package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// buildCrossls builds the crossls binary once per test run.
func buildCrossls(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crossls")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type lspProcess struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	done  chan error
}

func startServe(t *testing.T, bin string, args ...string) *lspProcess {
	t.Helper()
	return startServeCmd(t, exec.Command(bin, args...), t.TempDir(), nil)
}

// startServeCmd starts cmd in dir with env (nil: this process's).
func startServeCmd(t *testing.T, cmd *exec.Cmd, dir string, env []string) *lspProcess {
	t.Helper()
	cmd.Dir = dir
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &lspProcess{t: t, cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout), done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

func (p *lspProcess) send(body string) {
	p.t.Helper()
	if _, err := fmt.Fprintf(p.stdin, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		p.t.Fatal(err)
	}
}

// response reads messages until the response with the given id.
func (p *lspProcess) response(id string) (result json.RawMessage, code int) {
	p.t.Helper()
	for {
		n := -1
		for {
			line, err := p.out.ReadString('\n')
			if err != nil {
				p.t.Fatalf("reading header: %v", err)
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ = strconv.Atoi(v)
			}
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(p.out, body); err != nil {
			p.t.Fatalf("reading body: %v", err)
		}
		var msg struct {
			ID     json.RawMessage
			Method string
			Result json.RawMessage
			Error  *struct{ Code int }
		}
		if err := json.Unmarshal(body, &msg); err != nil {
			p.t.Fatalf("invalid JSON from the server: %q", body)
		}
		if msg.Method != "" || string(msg.ID) != id {
			continue
		}
		if msg.Error != nil {
			return nil, msg.Error.Code
		}
		return msg.Result, 0
	}
}

func (p *lspProcess) exitCode() int {
	p.t.Helper()
	select {
	case err := <-p.done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			p.t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		p.t.Fatal("crossls serve did not exit")
		return -1
	}
}

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`

func TestServeSubprocess(t *testing.T) {
	bin := buildCrossls(t)

	t.Run("shutdown and exit", func(t *testing.T) {
		p := startServe(t, bin, "--stdio") // as vscode-languageclient starts it
		p.send(initialize)
		if res, code := p.response("1"); code != 0 || !strings.Contains(string(res), `"executeCommandProvider"`) {
			t.Fatalf("initialize: code %d, result %s", code, res)
		}
		p.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
		p.send(`{"jsonrpc":"2.0","id":2,"method":`) // well framed, not JSON
		if _, code := p.response("null"); code != -32700 {
			t.Fatalf("malformed JSON: code %d, want -32700", code)
		}
		p.send(`{"jsonrpc":"2.0","id":3,"method":"workspace/executeCommand","params":{"command":"crossls.listTargets"}}`)
		if res, code := p.response("3"); code != 0 || !strings.Contains(string(res), `"targets"`) {
			t.Fatalf("listTargets after a malformed message: code %d, result %s", code, res)
		}
		p.send(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`)
		if _, code := p.response("4"); code != 0 {
			t.Fatalf("shutdown: code %d", code)
		}
		p.send(`{"jsonrpc":"2.0","method":"exit"}`)
		if code := p.exitCode(); code != 0 {
			t.Errorf("exit after shutdown: exit code %d, want 0", code)
		}
	})

	t.Run("exit without shutdown", func(t *testing.T) {
		p := startServe(t, bin, "serve", "-v", "-logfile", filepath.Join(t.TempDir(), "log"))
		p.send(initialize)
		p.response("1")
		p.send(`{"jsonrpc":"2.0","method":"exit"}`)
		if code := p.exitCode(); code != 1 {
			t.Errorf("exit without shutdown: exit code %d, want 1", code)
		}
	})

	t.Run("stdin closed", func(t *testing.T) {
		p := startServe(t, bin, "serve")
		p.send(initialize)
		p.response("1")
		p.stdin.Close()
		if code := p.exitCode(); code != 1 {
			t.Errorf("client gone without shutdown: exit code %d, want 1", code)
		}
	})
}
