// Package lspclient is a minimal language-server client for benchmarks: it
// speaks JSON-RPC 2.0 with LSP base-protocol framing over a pair of streams,
// answers the server's requests that a plain editor answers, and records
// every publishDiagnostics notification with its arrival time so that a
// benchmark can measure edit-to-diagnostic latency.
//
// It deliberately uses its own small message types instead of a protocol
// library, so that it can talk to any server (crossls, gopls) without
// depending on how either decodes optional fields.
package lspclient

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Position is an LSP position: 0-based line and UTF-16 character offset.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// Range is an LSP range.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Diagnostic holds the fields of an LSP diagnostic that benchmarks look at.
type Diagnostic struct {
	Range    Range  `json:"range"`
	Severity int    `json:"severity,omitempty"`
	Source   string `json:"source,omitempty"`
	Message  string `json:"message"`
}

// Publication is one textDocument/publishDiagnostics notification.
type Publication struct {
	Seq         int // position in the order of arrival, from 0
	URI         string
	Version     *int
	Diagnostics []Diagnostic
	At          time.Time // when it was read off the wire
}

// Change is one incremental content change of textDocument/didChange.
type Change struct {
	Range Range  `json:"range"`
	Text  string `json:"text"`
}

// Options configures how the client answers the server.
type Options struct {
	// Settings returns the configuration of a section for
	// workspace/configuration requests; nil answers null for every item.
	Settings func(section string) any
}

// Client is a connection to one language server.
type Client struct {
	w    io.Writer
	opts Options

	writeMu sync.Mutex

	mu       sync.Mutex
	nextID   int
	pending  map[int]chan response
	pubs     []Publication
	messages []string // window/showMessage and logMessage texts, most recent last
	changed  chan struct{}
	readErr  error
	closed   chan struct{}
}

type response struct {
	result json.RawMessage
	err    *ResponseError
}

// ResponseError is a JSON-RPC error returned by the server.
type ResponseError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *ResponseError) Error() string { return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message) }

type wireMessage struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   *ResponseError   `json:"error,omitempty"`
}

// New starts a client that reads server messages from r and writes client
// messages to w. It stops reading when r returns an error (EOF when the
// server exits).
func New(r io.Reader, w io.Writer, opts Options) *Client {
	c := &Client{
		w:       w,
		opts:    opts,
		pending: map[int]chan response{},
		changed: make(chan struct{}),
		closed:  make(chan struct{}),
	}
	go c.readLoop(bufio.NewReaderSize(r, 1<<16))
	return c
}

// maxMessage bounds one incoming message, so that a broken stream fails
// cleanly instead of allocating without limit.
const maxMessage = 256 << 20

// ReadMessage reads one base-protocol message body from r.
func ReadMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && length == -1 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 || n > maxMessage {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		}
	}
	if length < 0 {
		return nil, errors.New("message without Content-Length")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	return body, nil
}

// WriteMessage writes body to w with base-protocol framing.
func WriteMessage(w io.Writer, body []byte) error {
	if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func (c *Client) readLoop(r *bufio.Reader) {
	var err error
	for {
		var body []byte
		body, err = ReadMessage(r)
		if err != nil {
			break
		}
		at := time.Now()
		var m wireMessage
		if err = json.Unmarshal(body, &m); err != nil {
			err = fmt.Errorf("decoding message: %w", err)
			break
		}
		c.dispatch(&m, at)
	}
	c.mu.Lock()
	c.readErr = err
	for id, ch := range c.pending {
		ch <- response{err: &ResponseError{Code: -32099, Message: "connection closed: " + err.Error()}}
		delete(c.pending, id)
	}
	c.notifyLocked()
	c.mu.Unlock()
	close(c.closed)
}

func (c *Client) dispatch(m *wireMessage, at time.Time) {
	switch {
	case m.Method != "" && m.ID != nil:
		go c.answer(*m.ID, m.Method, m.Params)
	case m.Method != "":
		c.notification(m.Method, m.Params, at)
	case m.ID != nil:
		var id int
		if json.Unmarshal(*m.ID, &id) != nil {
			return
		}
		c.mu.Lock()
		ch, ok := c.pending[id]
		delete(c.pending, id)
		c.mu.Unlock()
		if ok {
			ch <- response{result: m.Result, err: m.Error}
		}
	}
}

func (c *Client) notification(method string, params json.RawMessage, at time.Time) {
	switch method {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI         string       `json:"uri"`
			Version     *int         `json:"version"`
			Diagnostics []Diagnostic `json:"diagnostics"`
		}
		if json.Unmarshal(params, &p) != nil {
			return
		}
		c.mu.Lock()
		c.pubs = append(c.pubs, Publication{Seq: len(c.pubs), URI: p.URI, Version: p.Version, Diagnostics: p.Diagnostics, At: at})
		c.notifyLocked()
		c.mu.Unlock()
	case "window/showMessage", "window/logMessage":
		var p struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(params, &p) != nil {
			return
		}
		c.mu.Lock()
		c.messages = append(c.messages, p.Message)
		if len(c.messages) > 200 {
			c.messages = c.messages[len(c.messages)-100:]
		}
		c.mu.Unlock()
	}
}

// notifyLocked wakes every waiter; c.mu must be held.
func (c *Client) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// answer replies to a request from the server the way a simple editor does.
func (c *Client) answer(id json.RawMessage, method string, params json.RawMessage) {
	var result any
	switch method {
	case "workspace/configuration":
		var p struct {
			Items []struct {
				Section string `json:"section"`
			} `json:"items"`
		}
		if err := json.Unmarshal(params, &p); err != nil {
			c.reply(id, nil, &ResponseError{Code: -32602, Message: err.Error()})
			return
		}
		items := make([]any, len(p.Items))
		for i, it := range p.Items {
			if c.opts.Settings != nil {
				items[i] = c.opts.Settings(it.Section)
			}
		}
		result = items
	case "workspace/workspaceFolders":
		result = nil
	default:
		// client/registerCapability, window/workDoneProgress/create,
		// window/showMessageRequest, workspace/diagnostic/refresh, ...:
		// accepting them with a null result is what editors do.
	}
	c.reply(id, result, nil)
}

func (c *Client) reply(id json.RawMessage, result any, rerr *ResponseError) {
	m := map[string]any{"jsonrpc": "2.0", "id": id}
	if rerr != nil {
		m["error"] = rerr
	} else {
		m["result"] = result
	}
	c.send(m)
}

func (c *Client) send(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return WriteMessage(c.w, body)
}

// Call sends a request and decodes its result into result (which may be nil).
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	c.mu.Lock()
	if c.readErr != nil {
		err := c.readErr
		c.mu.Unlock()
		return fmt.Errorf("%s: connection closed: %v", method, err)
	}
	c.nextID++
	id := c.nextID
	ch := make(chan response, 1)
	c.pending[id] = ch
	c.mu.Unlock()

	if err := c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.err != nil {
			return fmt.Errorf("%s: %w", method, r.err)
		}
		if result != nil && len(r.result) > 0 {
			return json.Unmarshal(r.result, result)
		}
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Notify sends a notification.
func (c *Client) Notify(method string, params any) error {
	m := map[string]any{"jsonrpc": "2.0", "method": method}
	if params != nil {
		m["params"] = params
	}
	if err := c.send(m); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// Mark returns the sequence number the next publication will get. Take it
// before sending the change whose diagnostics you wait for.
func (c *Client) Mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pubs)
}

// WaitDiagnostics waits for the first publication for uri, at or after
// mark, for which match returns true, and returns it.
func (c *Client) WaitDiagnostics(ctx context.Context, mark int, uri string, match func(Publication) bool) (Publication, error) {
	next := mark
	for {
		c.mu.Lock()
		pubs := c.pubs
		changed := c.changed
		readErr := c.readErr
		c.mu.Unlock()
		for ; next < len(pubs); next++ {
			if p := pubs[next]; SameURI(p.URI, uri) && match(p) {
				return p, nil
			}
		}
		if readErr != nil {
			return Publication{}, fmt.Errorf("server connection closed while waiting for diagnostics: %v", readErr)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Publication{}, ctx.Err()
		}
	}
}

// Publications returns every publication received so far.
func (c *Client) Publications() []Publication {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.pubs)
}

// SameURI reports whether two URIs name the same document. Servers escape
// file URIs differently ("@" or "%40"), so file URIs are compared by path.
func SameURI(a, b string) bool {
	if a == b {
		return true
	}
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Scheme == "file" && ub.Scheme == "file" && ua.Path == ub.Path
}

// Messages returns the most recent window/showMessage and logMessage texts.
func (c *Client) Messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.messages...)
}

// Done is closed when the server's output stream ends.
func (c *Client) Done() <-chan struct{} { return c.closed }
