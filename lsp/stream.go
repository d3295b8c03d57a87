package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// maxFrameSize bounds a message body. A generated Go file of several
// megabytes must fit in a didOpen; a corrupt length must not allocate
// gigabytes.
const maxFrameSize = 256 << 20

// maxHeaderLine bounds one header line, so that garbage without newlines
// cannot grow the read buffer without limit.
const maxHeaderLine = 4096

// stream is an LSP base-protocol (Content-Length) framer that survives bad
// input. jsonrpc2's own framer ends the connection on a body that is not
// a JSON-RPC message, and on any malformed header; this one answers such
// frames with an error response (id null) and reads on. After a malformed
// header it resynchronises on the next "Content-Length:" field.
//
// It implements jsonrpc2.Stream plus the ReadFrame/WriteFrame extension
// the connection uses for raw frames.
type stream struct {
	rwc io.ReadWriteCloser
	in  *bufio.Reader

	writeMu sync.Mutex
	body    []byte // reusable body buffer; valid until the next ReadFrame

	logf func(format string, args ...any)

	readDone chan struct{} // closed when reading has ended (EOF or a fatal error)
	doneOnce sync.Once
}

func newStream(rwc io.ReadWriteCloser, logf func(string, ...any)) *stream {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &stream{
		rwc:      rwc,
		in:       bufio.NewReaderSize(rwc, maxHeaderLine),
		logf:     logf,
		readDone: make(chan struct{}),
	}
}

var errBadHeader = errors.New("malformed header")

// ReadFrame returns the body of the next well-formed JSON-RPC message.
// Frames that cannot be one are answered and skipped.
func (s *stream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	resync := false
	for {
		if err := ctx.Err(); err != nil {
			s.finish()
			return nil, 0, err
		}
		n, headerLen, err := s.readHeader(resync)
		if errors.Is(err, errBadHeader) {
			s.logf("jsonrpc: %v; skipping to the next Content-Length header", err)
			s.replyError(ctx, nil, jsonrpc2.ParseError, err.Error())
			resync = true
			continue
		}
		if err != nil {
			s.finish()
			return nil, 0, err
		}
		resync = false
		if cap(s.body) < n {
			s.body = make([]byte, n)
		}
		body := s.body[:n]
		if _, err := io.ReadFull(s.in, body); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			s.finish()
			return nil, 0, err
		}
		if code, msg, id := checkMessage(body); code != 0 {
			s.logf("jsonrpc: rejected message: %s", msg)
			s.replyError(ctx, id, code, msg)
			continue
		}
		return body, int64(headerLen + n), nil
	}
}

// readHeader reads one header block and returns its Content-Length. In
// resync mode it first discards input up to a line that contains a
// Content-Length field.
func (s *stream) readHeader(resync bool) (length, consumed int, err error) {
	have := false
	for {
		line, err := s.readLine()
		if err != nil {
			if err == io.EOF && consumed > 0 {
				err = io.ErrUnexpectedEOF
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				return 0, 0, fmt.Errorf("%w: header line longer than %d bytes", errBadHeader, maxHeaderLine)
			}
			return 0, 0, err
		}
		consumed += len(line)
		if resync {
			i := bytes.Index(bytes.ToLower(line), []byte("content-length:"))
			if i < 0 {
				continue
			}
			line, resync = line[i:], false
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			if consumed == len(line) {
				continue // stray blank line between frames
			}
			break
		}
		name, value, ok := bytes.Cut(trimmed, []byte(":"))
		if !ok {
			return 0, 0, fmt.Errorf("%w: %q is not a header field", errBadHeader, truncate(trimmed, 40))
		}
		if !bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")) {
			continue // Content-Type and unknown fields are ignored
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
		if err != nil || n <= 0 || n > maxFrameSize {
			return 0, 0, fmt.Errorf("%w: invalid Content-Length %q", errBadHeader, truncate(bytes.TrimSpace(value), 40))
		}
		length, have = n, true
	}
	if !have {
		return 0, 0, fmt.Errorf("%w: no Content-Length", errBadHeader)
	}
	return length, consumed, nil
}

func (s *stream) readLine() ([]byte, error) {
	line, err := s.in.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// Discard the rest of the overlong line so the caller can resync.
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = s.in.ReadSlice('\n')
		}
		if err != nil {
			return nil, err
		}
		return nil, bufio.ErrBufferFull
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return line, nil
}

// checkMessage reports why body cannot be handed to the connection, whose
// scanner would otherwise end the connection or accept malformed JSON: a
// JSON-RPC error code, a message and the request id if one can be found.
func checkMessage(body []byte) (code jsonrpc2.Code, msg string, id json.RawMessage) {
	if !json.Valid(body) {
		return jsonrpc2.ParseError, "message is not valid JSON", nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return jsonrpc2.InvalidRequest, "batch requests are not supported by the Language Server Protocol", nil
	}
	if _, err := jsonrpc2.DecodeMessage(body); err != nil {
		var env struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(body, &env) == nil && validID(env.ID) {
			id = env.ID
		}
		return jsonrpc2.InvalidRequest, "not a valid JSON-RPC 2.0 message", id
	}
	return 0, "", nil
}

// validID reports whether raw is an id the peer can correlate: a string or
// an integer that fits in 64 bits.
func validID(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return true
	}
	_, err := strconv.ParseInt(string(raw), 10, 64)
	return err == nil
}

// replyError writes an error response. A nil id is sent as null.
func (s *stream) replyError(ctx context.Context, id json.RawMessage, code jsonrpc2.Code, msg string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	resp, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", id, &jsonrpc2.Error{Code: code, Message: msg}})
	if err != nil {
		return
	}
	if _, err := s.WriteFrame(ctx, resp); err != nil {
		s.logf("jsonrpc: writing error response: %v", err)
	}
}

func (s *stream) finish() { s.doneOnce.Do(func() { close(s.readDone) }) }

// Read implements jsonrpc2.Stream.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	body, n, err := s.ReadFrame(ctx)
	if err != nil {
		return nil, 0, err
	}
	msg, err := jsonrpc2.DecodeMessage(bytes.Clone(body))
	return msg, n, err
}

// Write implements jsonrpc2.Stream.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	data, err := jsonrpc2.EncodeMessage(msg)
	if err != nil {
		return 0, err
	}
	return s.WriteFrame(ctx, data)
}

// WriteFrame writes one framed body in a single write.
func (s *stream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	buf := make([]byte, 0, len(data)+32)
	buf = append(buf, "Content-Length: "...)
	buf = strconv.AppendInt(buf, int64(len(data)), 10)
	buf = append(buf, "\r\n\r\n"...)
	buf = append(buf, data...)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := s.rwc.Write(buf)
	return int64(n), err
}

// Close implements jsonrpc2.Stream.
func (s *stream) Close() error {
	s.finish()
	return s.rwc.Close()
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
