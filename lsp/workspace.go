package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"

	"go.lsp.dev/protocol"
)

// watchedGlobs are the files whose changes on disk may change findings.
var watchedGlobs = []string{"**/*.go", "**/go.mod", "**/go.work", "**/.crossls.yaml", "**/.crossls.yml", "**/.goreleaser.yaml", "**/.goreleaser.yml"}

func (s *Server) registerWatchers() {
	panicPoint("watch")
	if !s.clientSupportsWatchRegistration() {
		s.debugf("client cannot register file watchers; relying on buffer events")
		return
	}
	var watchers []map[string]any
	for _, g := range watchedGlobs {
		watchers = append(watchers, map[string]any{"globPattern": g})
	}
	opts, err := json.Marshal(map[string]any{"watchers": watchers})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, clientCallTimeout)
	defer cancel()
	err = s.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:              "crossls-watch",
		Method:          protocol.MethodWorkspaceDidChangeWatchedFiles,
		RegisterOptions: opts,
	}}})
	if err != nil {
		s.logf("registering file watchers: %v", err)
	}
}

func (s *Server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	reload := false
	touched := map[*folder]bool{}
	for _, ev := range params.Changes {
		_, path, err := canonicalURI(ev.URI)
		if err != nil || path == "" {
			continue
		}
		if isConfigName(filepath.Base(path)) {
			reload = true
			continue
		}
		if d := s.docs.byPath(path); d != nil {
			continue // the open buffer, not the disk, is what is analysed
		}
		if f := s.folderOf(path); f != nil {
			touched[f] = true
		}
	}
	if reload {
		s.reloadConfig("configuration file changed")
		return nil
	}
	for f := range touched {
		// Files came, went or changed on disk (a branch switch, a
		// generator): their package metadata may have changed too.
		f.invalidate()
		f.inputsChanged()
	}
	return nil
}

func isConfigName(base string) bool {
	switch base {
	case ".crossls.yaml", ".crossls.yml", ".goreleaser.yaml", ".goreleaser.yml":
		return true
	}
	return false
}

func (s *Server) DidChangeWorkspaceFolders(ctx context.Context, params *protocol.DidChangeWorkspaceFoldersParams) error {
	for _, wf := range params.Event.Removed {
		_, dir, err := canonicalURI(wf.URI)
		if err != nil || dir == "" {
			continue
		}
		s.removeFolder(dir)
	}
	for _, wf := range params.Event.Added {
		_, dir, err := canonicalURI(wf.URI)
		if err != nil || dir == "" {
			s.logf("ignoring workspace folder %s: not a local directory", wf.URI)
			continue
		}
		s.addFolder(dir, false)
	}
	return nil
}

// addFolder starts analysing dir (if it is not already a folder) and
// returns its folder. An auto folder is one for files outside the
// workspace folders.
func (s *Server) addFolder(dir string, auto bool) *folder {
	s.mu.Lock()
	for _, f := range s.folders {
		if f.dir == dir {
			if !auto {
				f.auto = false // the user made it a workspace folder
			}
			s.mu.Unlock()
			return f
		}
	}
	f := newFolder(s, dir)
	f.auto = auto
	s.folders = append(s.folders, f)
	s.mu.Unlock()
	f.schedule(0) // configures the folder, then checks it
	return f
}

func (s *Server) removeFolder(dir string) {
	s.mu.Lock()
	var gone *folder
	for i, f := range s.folders {
		if f.dir == dir {
			gone = f
			s.folders = append(s.folders[:i], s.folders[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if gone == nil {
		return
	}
	gone.stop()
	for _, path := range s.pub.checkFiles(dir) {
		if s.folderOf(path) == nil {
			s.pub.setCheck(path, nil, nil)
		}
	}
}
