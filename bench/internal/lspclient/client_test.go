package lspclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestFraming(t *testing.T) {
	var buf bytes.Buffer
	for _, body := range []string{`{"a":1}`, `{}`, `{"text":"ünïcode\r\n"}`} {
		if err := WriteMessage(&buf, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	for _, want := range []string{`{"a":1}`, `{}`, `{"text":"ünïcode\r\n"}`} {
		got, err := ReadMessage(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("read %q, want %q", got, want)
		}
	}
	if _, err := ReadMessage(r); err != io.EOF {
		t.Errorf("after the last message: %v, want io.EOF", err)
	}
}

func TestFramingErrors(t *testing.T) {
	for _, in := range []string{
		"Content-Length: x\r\n\r\n{}",
		"Content-Length: -1\r\n\r\n",
		"Content-Length: 999999999999\r\n\r\n",
		"Content-Type: json\r\n\r\n{}",
		"no colon\r\n\r\n",
		"Content-Length: 10\r\n\r\n{}",
		"Content-Length: 2\r\n",
	} {
		if body, err := ReadMessage(bufio.NewReader(strings.NewReader(in))); err == nil || err == io.EOF {
			t.Errorf("ReadMessage(%q) = %q, %v; want an error other than EOF", in, body, err)
		}
	}
}

// fakeServer is the server end of a pipe pair: the test drives it message
// by message.
type fakeServer struct {
	t *testing.T
	r *bufio.Reader
	w io.Writer
}

func newPair(t *testing.T, opts Options) (*Client, *fakeServer, func()) {
	cr, sw := io.Pipe() // server -> client
	sr, cw := io.Pipe() // client -> server
	c := New(cr, cw, opts)
	return c, &fakeServer{t: t, r: bufio.NewReader(sr), w: sw}, func() { sw.Close(); sr.Close() }
}

func (s *fakeServer) read() map[string]json.RawMessage {
	s.t.Helper()
	body, err := ReadMessage(s.r)
	if err != nil {
		s.t.Fatalf("server read: %v", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		s.t.Fatalf("server decode %s: %v", body, err)
	}
	return m
}

func (s *fakeServer) send(v any) {
	s.t.Helper()
	body, _ := json.Marshal(v)
	if err := WriteMessage(s.w, body); err != nil {
		s.t.Fatalf("server write: %v", err)
	}
}

func TestCallAndServerRequests(t *testing.T) {
	c, srv, stop := newPair(t, Options{Settings: func(section string) any {
		if section == "crossls" {
			return map[string]any{"targets": []string{"linux/amd64", "windows/amd64"}}
		}
		return nil
	}})
	defer stop()

	done := make(chan error, 1)
	var result struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	go func() { done <- c.Call(context.Background(), "initialize", map[string]any{}, &result) }()

	req := srv.read()
	if string(req["method"]) != `"initialize"` {
		t.Fatalf("first request is %s, want initialize", req["method"])
	}
	// Before answering, the server asks for configuration: two sections.
	srv.send(map[string]any{"jsonrpc": "2.0", "id": "cfg-1", "method": "workspace/configuration",
		"params": map[string]any{"items": []any{map[string]any{"section": "crossls"}, map[string]any{"section": "gopls"}}}})
	answer := srv.read()
	if string(answer["id"]) != `"cfg-1"` {
		t.Fatalf("configuration answer has id %s, want \"cfg-1\"", answer["id"])
	}
	if got, want := string(answer["result"]), `[{"targets":["linux/amd64","windows/amd64"]},null]`; got != want {
		t.Errorf("configuration answer %s, want %s", got, want)
	}
	// Requests the client does not know are accepted with null.
	srv.send(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "window/workDoneProgress/create", "params": map[string]any{"token": "x"}})
	if ack := srv.read(); string(ack["id"]) != "7" || string(ack["result"]) != "null" {
		t.Errorf("progress/create answer %v, want id 7 and a null result", ack)
	}

	srv.send(map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(req["id"]), "result": map[string]any{"capabilities": map[string]any{"textDocumentSync": 2}}})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if result.Capabilities["textDocumentSync"] != float64(2) {
		t.Errorf("result not decoded: %v", result)
	}

	go func() { done <- c.Call(context.Background(), "shutdown", nil, nil) }()
	req = srv.read()
	srv.send(map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(req["id"]), "error": map[string]any{"code": -32603, "message": "boom"}})
	var rerr *ResponseError
	if err := <-done; !errors.As(err, &rerr) || rerr.Message != "boom" {
		t.Errorf("error response gave %v, want the server's error", err)
	}
}

func TestWaitDiagnostics(t *testing.T) {
	c, srv, stop := newPair(t, Options{})
	defer stop()
	publish := func(uri string, version int, msgs ...string) {
		diags := []map[string]any{}
		for _, m := range msgs {
			diags = append(diags, map[string]any{"range": map[string]any{}, "message": m})
		}
		srv.send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
			"params": map[string]any{"uri": uri, "version": version, "diagnostics": diags}})
	}
	hasBroken := func(p Publication) bool {
		for _, d := range p.Diagnostics {
			if strings.Contains(d.Message, "broken") {
				return true
			}
		}
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	publish("file:///a.go", 1, "[windows/amd64] broken")
	if _, err := c.WaitDiagnostics(ctx, 0, "file:///a.go", hasBroken); err != nil {
		t.Fatal(err)
	}
	// A publication from before the mark does not count.
	mark := c.Mark()
	if mark != 1 {
		t.Fatalf("Mark() = %d after one publication, want 1", mark)
	}
	got := make(chan Publication, 1)
	go func() {
		p, err := c.WaitDiagnostics(ctx, mark, "file:///a.go", hasBroken)
		if err != nil {
			t.Error(err)
		}
		got <- p
	}()
	publish("file:///b.go", 2, "broken elsewhere") // other file
	publish("file:///%61.go", 2)                   // a.go, escaped differently: cleared
	publish("file:///a.go", 2)                     // cleared
	publish("file:///a.go", 3, "[all targets] broken again")
	select {
	case p := <-got:
		if p.Seq != 4 || p.Version == nil || *p.Version != 3 || p.At.IsZero() {
			t.Errorf("matched publication %+v, want the fifth one (version 3) with a time", p)
		}
	case <-ctx.Done():
		t.Fatal("no match")
	}

	// When the server goes away, waiting fails instead of hanging.
	stop()
	if _, err := c.WaitDiagnostics(ctx, c.Mark(), "file:///a.go", hasBroken); err == nil || ctx.Err() != nil {
		t.Errorf("wait after the connection closed: %v, want a connection error", err)
	}
	if err := c.Call(ctx, "shutdown", nil, nil); err == nil {
		t.Error("call after the connection closed succeeded")
	}
}

func TestMalformedMessageEndsConnection(t *testing.T) {
	c, srv, stop := newPair(t, Options{})
	defer stop()
	io.WriteString(srv.w, "Content-Length: 5\r\n\r\n{nope")
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("client kept reading after a malformed message")
	}
	if _, err := c.WaitDiagnostics(context.Background(), 0, "file:///a.go", func(Publication) bool { return true }); err == nil {
		t.Error("wait on a broken connection succeeded")
	}
}

func TestFileURI(t *testing.T) {
	if got, want := FileURI("/tmp/a b/x#1.go"), "file:///tmp/a%20b/x%231.go"; got != want {
		t.Errorf("FileURI = %q, want %q", got, want)
	}
}

func TestSameURI(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"file:///m/x@v1.0/a.go", "file:///m/x%40v1.0/a.go", true},
		{"file:///m/a%20b.go", "file:///m/a b.go", true},
		{"file:///m/a.go", "file:///m/b.go", false},
		{"file:///m/a.go", "untitled:///m/a.go", false},
		{"%zz", "%zz", true},
		{"%zz", "file:///%zz", false},
	} {
		if got := SameURI(c.a, c.b); got != c.same {
			t.Errorf("SameURI(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}
