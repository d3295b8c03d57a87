package lsp

import (
	"io"
	"sync"
)

// bufPipe returns two connected ends of an in-memory, buffered duplex
// pipe. Unlike net.Pipe, a write never waits for the peer to read, as
// with an OS pipe, so two peers writing at once cannot deadlock.
func bufPipe() (io.ReadWriteCloser, io.ReadWriteCloser) {
	a, b := newHalf(), newHalf()
	return &pipeEnd{r: a, w: b}, &pipeEnd{r: b, w: a}
}

type half struct {
	mu     sync.Mutex
	cond   *sync.Cond
	buf    []byte
	closed bool
}

func newHalf() *half {
	h := &half{}
	h.cond = sync.NewCond(&h.mu)
	return h
}

func (h *half) read(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.buf) == 0 && !h.closed {
		h.cond.Wait()
	}
	if len(h.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, h.buf)
	h.buf = h.buf[n:]
	return n, nil
}

func (h *half) write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return 0, io.ErrClosedPipe
	}
	h.buf = append(h.buf, p...)
	h.cond.Broadcast()
	return len(p), nil
}

func (h *half) close() {
	h.mu.Lock()
	h.closed = true
	h.cond.Broadcast()
	h.mu.Unlock()
}

type pipeEnd struct{ r, w *half }

func (e *pipeEnd) Read(p []byte) (int, error)  { return e.r.read(p) }
func (e *pipeEnd) Write(p []byte) (int, error) { return e.w.write(p) }
func (e *pipeEnd) Close() error {
	e.r.close()
	e.w.close()
	return nil
}
