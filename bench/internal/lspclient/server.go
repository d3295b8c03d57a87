package lspclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"path/filepath"
	"time"
)

// Server is a language server process with a client connected to its stdio.
type Server struct {
	*Client
	Cmd     *exec.Cmd
	Started time.Time // just before the process was spawned
	stdin   io.WriteCloser
	waited  chan error
}

// Start spawns argv in dir with env (nil = inherit) and connects a client
// to its stdin and stdout. The server's stderr goes to stderr (may be nil).
func Start(argv []string, dir string, env []string, stderr io.Writer, opts Options) (*Server, error) {
	if len(argv) == 0 {
		return nil, errors.New("no server command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", argv[0], err)
	}
	s := &Server{Client: New(stdout, stdin, opts), Cmd: cmd, Started: started, stdin: stdin, waited: make(chan error, 1)}
	go func() {
		// Wait only after the client has read all output: Wait closes
		// the stdout pipe.
		<-s.Client.Done()
		s.waited <- cmd.Wait()
	}()
	return s, nil
}

// FileURI returns the file URI of an absolute path.
func FileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// Initialize performs the initialize/initialized handshake for a single
// workspace folder, announcing the capabilities a plain editor has:
// pull configuration, incremental sync, diagnostics with related
// information and versions.
func (s *Server) Initialize(ctx context.Context, root string, initOptions any) error {
	uri := FileURI(root)
	params := map[string]any{
		"processId":             nil,
		"rootUri":               uri,
		"workspaceFolders":      []any{map[string]any{"uri": uri, "name": filepath.Base(root)}},
		"initializationOptions": initOptions,
		"capabilities": map[string]any{
			"workspace": map[string]any{
				"configuration":          true,
				"workspaceFolders":       true,
				"didChangeConfiguration": map[string]any{"dynamicRegistration": true},
			},
			"textDocument": map[string]any{
				"synchronization":    map[string]any{"dynamicRegistration": true, "didSave": true},
				"publishDiagnostics": map[string]any{"relatedInformation": true, "versionSupport": true},
			},
		},
	}
	if err := s.Call(ctx, "initialize", params, nil); err != nil {
		return err
	}
	return s.Notify("initialized", map[string]any{})
}

// Open sends textDocument/didOpen for a Go file at version 1.
func (s *Server) Open(uri, text string) error {
	return s.Notify("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": text},
	})
}

// Change sends textDocument/didChange with incremental changes.
func (s *Server) Change(uri string, version int, changes []Change) error {
	return s.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": changes,
	})
}

// Close shuts the server down politely (shutdown, exit) and kills it if it
// has not exited within the grace period.
func (s *Server) Close(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	shutdownErr := s.Call(ctx, "shutdown", nil, nil)
	if shutdownErr == nil {
		s.Notify("exit", nil)
	}
	s.stdin.Close()
	if shutdownErr != nil {
		// It had its grace period to answer.
		s.Cmd.Process.Kill()
		<-s.waited
		return shutdownErr
	}
	select {
	case err := <-s.waited:
		return err
	case <-time.After(grace):
		s.Cmd.Process.Kill()
		<-s.waited
		return fmt.Errorf("%s did not exit within %v after shutdown; killed", s.Cmd.Path, grace)
	}
}
