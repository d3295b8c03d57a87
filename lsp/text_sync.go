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
	if old := s.docs.get(td.URI); old != nil && old.desync != "" && old.path != "" {
		s.pub.setCheck(old.path, nil, nil) // the out-of-sync error
	}
	d, err := s.docs.open(td.URI, td.Version, td.Text)
	if err != nil {
		return err
	}
	if d.path != "" {
		s.pub.opened(d.path)
		// A file of a module no view checks yet starts one.
		s.resolveViews()
		s.warnOutsideModules(d.path)
	}
	s.changed(d.path)
	return nil
}

func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	d, res, err := s.docs.change(params.TextDocument.URI, params.TextDocument.Version, params.ContentChanges)
	switch {
	case d == nil:
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: ignored an edit: %v", err))
	case res == changeRejected:
		s.desynchronised(d)
	case res == changeIgnored:
		s.debugf("ignored an edit of %s, which is out of sync", d.uri)
	case res == changeResynced:
		s.resynchronised(d)
	default:
		s.changed(d.path)
	}
	return nil
}

// desynchronised tells the user that the server's text of d is no longer
// the editor's, and stops analysing it: its findings would be about a text
// nobody sees, and their fixes would edit the wrong places.
func (s *Server) desynchronised(d *document) {
	name := string(d.uri)
	if d.path != "" {
		name = filepath.Base(d.path)
	}
	s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: %s is out of sync with the editor: an edit could not be applied (%s). Its findings are paused: save the file, or close and reopen it, to resynchronise.", name, d.desync))
	if d.path == "" {
		return
	}
	s.pub.setCheck(d.path, &d.version, []protocol.Diagnostic{{
		Severity: protocol.DiagnosticSeverityError,
		Code:     protocol.String("sync"),
		Source:   protocol.NewOptional(sourceCheck),
		Message:  protocol.String("crossls is out of sync with this buffer, so its findings are paused: save the file, or close and reopen it (" + d.desync + ")"),
	}})
	// The view's other files are checked against the file on disk now.
	s.changed(d.path)
}

// resynchronised brings d, which has its editor's text again, back into
// the analysis.
func (s *Server) resynchronised(d *document) {
	s.logMessage(protocol.MessageTypeInfo, fmt.Sprintf("crossls: %s is in sync with the editor again", d.uri))
	if d.path != "" {
		s.pub.setCheck(d.path, &d.version, nil) // the out-of-sync error
	}
	s.changed(d.path)
}

func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	// The analysis already saw the buffer; saving changes nothing for it,
	// unless the server lost track of the buffer: the saved file is the
	// editor's text, which brings it back.
	d := s.docs.get(params.TextDocument.URI)
	if d != nil && (filepath.Base(d.path) == "go.mod" || filepath.Base(d.path) == "go.work") {
		// For clients that do not watch files: the go command reads
		// these from disk.
		s.layoutChanged()
		return nil
	}
	if d == nil || d.desync == "" || d.path == "" {
		return nil
	}
	text := ""
	if params.Text != nil {
		text = *params.Text
	} else {
		data, err := os.ReadFile(d.path)
		if err != nil {
			s.logf("reading %s after its save: %v", d.path, err)
			return nil
		}
		text = string(data)
	}
	if d := s.docs.resync(params.TextDocument.URI, text); d != nil {
		s.resynchronised(d)
	}
	return nil
}

func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	d, err := s.docs.close(params.TextDocument.URI)
	if err != nil {
		return err
	}
	if d.path != "" {
		s.pub.closed(d.path)
	}
	if d.desync != "" {
		s.pub.setCheck(d.path, nil, nil) // the out-of-sync error
	}
	if d.path == "" {
		return nil
	}
	s.mu.Lock()
	delete(s.noModuleWarned, d.path)
	s.mu.Unlock()
	// The last open file of a module may be gone: its view checks less,
	// or stops.
	s.resolveViews()
	// The file on disk replaces the buffer, which may not have been saved.
	s.changed(d.path)
	return nil
}

// changed schedules a check of the views that read path.
func (s *Server) changed(path string) {
	if path == "" {
		return // untitled: and other non-file buffers are not analysed
	}
	for _, v := range s.viewsReaching(path) {
		v.inputsChanged()
	}
}
