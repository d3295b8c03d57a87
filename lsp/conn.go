package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// codec encodes payloads with protocol's union-aware JSON functions; it is
// what protocol.NewServer installs, which we cannot use because its
// default wiring is unsafe for a real server (see handler).
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case json.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// handler builds the middleware chain around the protocol dispatcher:
//
//   - cancellation ($/cancelRequest) is outermost;
//   - requests run concurrently, notifications in wire order (the library
//     default runs both concurrently, which reorders didChange bursts);
//   - a panic is recovered and answered as an internal error;
//   - a failing notification is logged instead of ending the connection;
//   - the lifecycle guard answers requests before initialize and after
//     shutdown.
func (s *Server) handler() jsonrpc2.Handler {
	h := protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)
	h = s.resolveCommandLiteral(h)
	h = implementedOnly(h)
	h = s.customRequests(h)
	h = s.lifecycleGuard(h)
	h = s.quietNotifications(h)
	h = s.recoverPanics(h)
	h = asyncCalls(h)
	return protocol.CancelHandler(h)
}

func asyncCalls(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.IsCall() {
			jsonrpc2.Async(ctx)
		}
		return next(ctx, req)
	}
}

func (s *Server) recoverPanics(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
		method := req.Method()
		isCall := req.IsCall()
		defer func() {
			if r := recover(); r != nil {
				s.logf("panic in %s: %v\n%s", method, r, debug.Stack())
				result = nil
				err = nil
				if isCall {
					err = jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
				} else {
					// Nobody answers a notification: tell the user.
					s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: internal error in %s: %v (see the log)", method, r))
				}
			}
		}()
		panicPoint(method)
		return next(ctx, req)
	}
}

func (s *Server) quietNotifications(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.IsCall() {
			result, err := next(ctx, req)
			if err != nil && ctx.Err() != nil {
				return nil, protocol.ErrRequestCancelled
			}
			return result, err
		}
		method := req.Method()
		if _, err := next(ctx, req); err != nil {
			s.logf("%s: %v", method, err)
		}
		return nil, nil
	}
}

// implemented lists the methods the server handles; the protocol
// dispatcher would otherwise decode the params of any other method before
// answering, and answer a method without params with a parse error.
var implemented = map[string]bool{
	protocol.MethodInitialize:                         true,
	protocol.MethodInitialized:                        true,
	protocol.MethodShutdown:                           true,
	protocol.MethodExit:                               true,
	protocol.MethodTextDocumentDidOpen:                true,
	protocol.MethodTextDocumentDidChange:              true,
	protocol.MethodTextDocumentDidSave:                true,
	protocol.MethodTextDocumentDidClose:               true,
	protocol.MethodTextDocumentCodeAction:             true,
	protocol.MethodCodeActionResolve:                  true,
	protocol.MethodTextDocumentFormatting:             true,
	protocol.MethodTextDocumentHover:                  true,
	protocol.MethodTextDocumentCodeLens:               true,
	protocol.MethodTextDocumentInlayHint:              true,
	protocol.MethodWorkspaceExecuteCommand:            true,
	protocol.MethodWorkspaceDidChangeConfiguration:    true,
	protocol.MethodWorkspaceDidChangeWorkspaceFolders: true,
	protocol.MethodWorkspaceDidChangeWatchedFiles:     true,
	protocol.MethodWindowWorkDoneProgressCancel:       true,
}

func implementedOnly(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if !implemented[req.Method()] {
			if req.IsCall() {
				return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %q", req.Method())
			}
			return nil, nil // $/setTrace and other optional notifications
		}
		return next(ctx, req)
	}
}

// lifecycleGuard enforces the initialize/shutdown protocol.
func (s *Server) lifecycleGuard(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		if method == protocol.MethodExit {
			return next(ctx, req)
		}
		s.mu.Lock()
		state := s.state
		s.mu.Unlock()
		switch {
		case state == stateNew && method != protocol.MethodInitialize:
			if req.IsCall() {
				return nil, jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "%s before initialize", method)
			}
			return nil, nil // notifications before initialize are dropped
		case state != stateNew && method == protocol.MethodInitialize:
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "initialize sent twice")
		case state == stateShutdown:
			if req.IsCall() {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s after shutdown", method)
			}
			return nil, nil
		}
		return next(ctx, req)
	}
}

// resolveCommandLiteral answers codeAction/resolve for a bare Command
// literal by echoing it back: Neovim 0.7 resolves every item of a
// codeAction reply, and the protocol decoder rejects a Command as a
// CodeAction.
func (s *Server) resolveCommandLiteral(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() == protocol.MethodCodeActionResolve {
			var probe struct {
				Command json.RawMessage `json:"command"`
			}
			if json.Unmarshal(req.Params(), &probe) == nil && len(probe.Command) > 0 && probe.Command[0] == '"' {
				return jsonrpc2.RawMessage(append([]byte(nil), req.Params()...)), nil
			}
		}
		return next(ctx, req)
	}
}

// internalError wraps err so that it is sent with the InternalError code
// rather than the code 0 plain Go errors get.
func internalError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", jsonrpc2.ErrInternal, fmt.Sprintf(format, args...))
}

func invalidParams(format string, args ...any) error {
	return jsonrpc2.Errorf(jsonrpc2.InvalidParams, format, args...)
}

// errOutOfSync refuses a request about a document whose text the server
// has lost track of.
func errOutOfSync(d *document) error {
	return jsonrpc2.Errorf(jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed), "crossls is out of sync with %s: save it, or close and reopen it", d.uri)
}

var errInvalidRequest = jsonrpc2.NewError(jsonrpc2.InvalidRequest, "invalid request")

var errExitWithoutShutdown = errors.New("exit without shutdown")
