package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/crossls/crossls/internal/matrix"
)

// rawClient speaks the base protocol byte by byte, to send what a real
// client library would refuse to.
type rawClient struct {
	t    *testing.T
	conn io.ReadWriteCloser
	in   *bufio.Reader
	done chan error
}

func startRaw(t *testing.T) *rawClient {
	t.Helper()
	sc, cc := bufPipe()
	srv := newServer(Options{Log: testLog{t}})
	srv.newSession = func() session {
		return checkFunc(func(context.Context, matrix.Options) (*matrix.Result, error) {
			t.Error("a protocol-only test ran an analysis")
			return nil, errors.New("no analysis here")
		})
	}
	c := &rawClient{t: t, conn: cc, in: bufio.NewReader(cc), done: make(chan error, 1)}
	go func() { c.done <- srv.serve(context.Background(), sc) }()
	t.Cleanup(func() {
		cc.Close()
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			t.Errorf("server did not exit")
		}
	})
	return c
}

func (c *rawClient) write(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *rawClient) send(body string) {
	c.t.Helper()
	c.write(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

type rawResponse struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// next reads the next response, skipping server notifications.
func (c *rawClient) next() rawResponse {
	c.t.Helper()
	for {
		n := -1
		for {
			line, err := c.in.ReadString('\n')
			if err != nil {
				c.t.Fatalf("reading header: %v", err)
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
		if _, err := io.ReadFull(c.in, body); err != nil {
			c.t.Fatalf("reading body: %v", err)
		}
		var r rawResponse
		if err := json.Unmarshal(body, &r); err != nil {
			c.t.Fatalf("server sent invalid JSON %q: %v", body, err)
		}
		if r.Method == "" {
			return r
		}
	}
}

func (c *rawClient) expectError(what string, code int, id string) {
	c.t.Helper()
	r := c.next()
	if r.Error == nil || r.Error.Code != code || string(r.ID) != id {
		c.t.Fatalf("%s: got id=%s error=%+v result=%s, want error %d with id %s", what, r.ID, r.Error, r.Result, code, id)
	}
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`

func TestStreamSurvivesMalformedInput(t *testing.T) {
	c := startRaw(t)
	c.send(`{"jsonrpc":"2.0","id":7,"method":"shutdown"}`)
	c.expectError("request before initialize", -32002, "7")

	c.send(initializeBody)
	if r := c.next(); r.Error != nil || !strings.Contains(string(r.Result), `"crossls"`) {
		t.Fatalf("initialize: %+v %s", r.Error, r.Result)
	}

	c.send(`{"jsonrpc":"2.0","id":2,"method":"initialize",`)
	c.expectError("truncated JSON", -32700, "null")

	c.send(`not json at all`)
	c.expectError("body that is not JSON", -32700, "null")

	c.send(`{"jsonrpc":"2.0","id":3,"method":"x","params":{"a":tru}}`)
	c.expectError("malformed JSON inside params", -32700, "null")

	c.send(`[{"jsonrpc":"2.0","id":4,"method":"shutdown"}]`)
	c.expectError("batch", -32600, "null")

	c.send(`{"jsonrpc":"1.0","id":5,"method":"shutdown"}`)
	c.expectError("wrong version", -32600, "5")

	c.send(`{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"shutdown"}`)
	c.expectError("huge id", -32600, "null")

	// After a malformed header the stream resynchronises on the next
	// Content-Length field: each case is followed by a valid request.
	c.write("garbage line\r\n")
	c.expectError("header line without colon", -32700, "null")
	c.send(`{"jsonrpc":"2.0","id":6,"method":"no/such/method"}`)
	c.expectError("unknown method", -32601, "6")

	c.write("Content-Type: application/json\r\n\r\n{}")
	c.expectError("header without Content-Length", -32700, "null")
	c.send(`{"jsonrpc":"2.0","id":11,"method":"no/such/method"}`)
	c.expectError("request after a header without Content-Length", -32601, "11")

	c.write("Content-Length: banana\r\n\r\n")
	c.expectError("non-numeric Content-Length", -32700, "null")
	c.send(`{"jsonrpc":"2.0","id":12,"method":"no/such/method"}`)
	c.expectError("request after a bad Content-Length", -32601, "12")

	c.send(`{"jsonrpc":"2.0","id":8,"method":"textDocument/codeAction","params":{"textDocument":7}}`)
	r := c.next()
	if r.Error == nil || string(r.ID) != "8" {
		t.Fatalf("params of the wrong type: got %+v", r)
	}

	// A notification method sent with an id is answered, not fatal.
	c.send(`{"jsonrpc":"2.0","id":30,"method":"workspace/didChangeWatchedFiles","params":{"changes":[]}}`)
	if r := c.next(); string(r.ID) != "30" {
		t.Fatalf("notification with an id: %+v", r)
	}
	// Duplicate ids each get their answer.
	c.send(`{"jsonrpc":"2.0","id":31,"method":"workspace/executeCommand","params":{"command":"crossls.listTargets"}}`)
	c.send(`{"jsonrpc":"2.0","id":31,"method":"workspace/executeCommand","params":{"command":"crossls.listTargets"}}`)
	for i := 0; i < 2; i++ {
		if r := c.next(); string(r.ID) != "31" {
			t.Fatalf("duplicate id, answer %d: %+v", i, r)
		}
	}
	// A string id, and a URI the library cannot parse in a notification.
	c.send(`{"jsonrpc":"2.0","id":"s-1","method":"no/such"}`)
	c.expectError("string id", -32601, `"s-1"`)
	c.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"::not a uri","languageId":"go","version":1,"text":""}}}`)
	c.send(`{"jsonrpc":"2.0","id":32,"method":"no/such"}`)
	c.expectError("request after a bad notification", -32601, "32")

	// Still serving, and the lifecycle completes normally.
	c.send(`{"jsonrpc":"2.0","id":9,"method":"shutdown"}`)
	if r := c.next(); r.Error != nil || string(r.ID) != "9" {
		t.Fatalf("shutdown: %+v", r)
	}
	c.send(`{"jsonrpc":"2.0","id":10,"method":"workspace/executeCommand","params":{"command":"crossls.recheck"}}`)
	c.expectError("request after shutdown", -32600, "10")
	c.send(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("exit after shutdown: %v, want nil", err)
		}
		c.done <- nil
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit")
	}
}

func TestExitWithoutShutdownFails(t *testing.T) {
	c := startRaw(t)
	c.send(initializeBody)
	c.next()
	c.send(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-c.done:
		if err == nil {
			t.Fatal("exit without shutdown: got nil error, want one (exit code 1)")
		}
		c.done <- err
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit")
	}
}

func TestClientDisappearing(t *testing.T) {
	c := startRaw(t)
	c.send(initializeBody)
	c.next()
	c.write("Content-Length: 100\r\n\r\n{\"jsonrpc\"") // truncated body, then EOF
	c.conn.Close()
	select {
	case err := <-c.done:
		if err == nil {
			t.Fatal("closed stream without shutdown: got nil error")
		}
		c.done <- err
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit when the client went away")
	}
}

type rwc struct {
	io.Reader
	out *strings.Builder
}

func (c rwc) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c rwc) Close() error                { return nil }

// FuzzStream feeds arbitrary bytes to the framer: it must never panic,
// every frame it passes on must be a JSON-RPC message, and every reply it
// writes itself must be a well-framed JSON error response.
func FuzzStream(f *testing.F) {
	f.Add([]byte("Content-Length: 2\r\n\r\n{}"))
	f.Add([]byte("Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}   "))
	f.Add([]byte("Content-Length: 5\r\n\r\n[1,2]garbage\r\nContent-Length: 3\r\n\r\nnul"))
	f.Add([]byte("content-length:7\n\n\"hello\""))
	f.Fuzz(func(t *testing.T, input []byte) {
		var out strings.Builder
		s := newStream(rwc{Reader: strings.NewReader(string(input)), out: &out}, nil)
		for {
			body, _, err := s.ReadFrame(context.Background())
			if err != nil {
				break
			}
			if _, err := jsonrpc2DecodeMessage(body); err != nil {
				t.Fatalf("passed on a frame that is not a message: %q: %v", body, err)
			}
		}
		rest := out.String()
		for rest != "" {
			var n int
			if _, err := fmt.Sscanf(rest, "Content-Length: %d\r\n\r\n", &n); err != nil {
				t.Fatalf("bad reply framing: %q", rest)
			}
			i := strings.Index(rest, "\r\n\r\n") + 4
			body := rest[i : i+n]
			var r rawResponse
			if err := json.Unmarshal([]byte(body), &r); err != nil || r.Error == nil {
				t.Fatalf("bad reply %q", body)
			}
			rest = rest[i+n:]
		}
	})
}

var jsonrpc2DecodeMessage = jsonrpc2.DecodeMessage
