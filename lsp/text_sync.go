package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.lsp.dev/protocol"
)

func (s *Server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	td := params.TextDocument
	d, err := s.docs.open(td.URI, td.Version, td.Text)
	if err != nil {
		return err
	}
	s.changed(d.path)
	return nil
}

func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	d, err := s.docs.change(params.TextDocument.URI, params.TextDocument.Version, params.ContentChanges)
	if err != nil {
		// The edit is rejected as a whole, so the server's text stays a
		// state the client had; tell the user how to resynchronise.
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: ignored an edit: %v (close and reopen the file to resynchronise)", err))
		return nil
	}
	s.changed(d.path)
	return nil
}

func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	// The analysis already saw the buffer; saving changes nothing for it.
	return nil
}

func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	d, err := s.docs.close(params.TextDocument.URI)
	if err != nil {
		return err
	}
	if f := s.folderOf(d.path); f != nil && f.isAuto() && len(s.docs.snapshot(f.dir)) == 0 {
		// The last file that needed the folder is gone.
		s.removeFolder(f.dir)
		return nil
	}
	// The file on disk replaces the buffer, which may not have been saved.
	s.changed(d.path)
	return nil
}

// changed schedules a check of the folder containing path. A Go file
// outside every workspace folder gets a folder for its module.
func (s *Server) changed(path string) {
	if path == "" {
		return // untitled: and other non-file buffers are not analysed
	}
	f := s.folderOf(path)
	if f == nil {
		root := moduleRoot(filepath.Dir(path))
		if root == "" {
			s.logMessage(protocol.MessageTypeWarning, fmt.Sprintf("crossls: %s is in no workspace folder and no module (no go.mod above it); not analysed", path))
			return
		}
		f = s.addFolder(root, true)
		return // addFolder loads its configuration and checks it
	}
	f.inputsChanged()
}

// moduleRoot returns the directory of the nearest go.work or go.mod at or
// above dir, or "".
func moduleRoot(dir string) string {
	for {
		for _, name := range []string{"go.work", "go.mod"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
