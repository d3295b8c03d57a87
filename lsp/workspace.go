package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"

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
	reload, layout := false, false
	touched := map[*view]bool{}
	for _, ev := range params.Changes {
		_, path, err := canonicalURI(ev.URI)
		if err != nil || path == "" {
			continue
		}
		base := filepath.Base(path)
		if isConfigName(base) {
			// Which modules share a configuration may change too.
			reload, layout = true, true
			continue
		}
		if base == "go.mod" || base == "go.work" {
			layout = true
			continue
		}
		if d := s.docs.byPath(path); d != nil {
			continue // the open buffer, not the disk, is what is analysed
		}
		for _, v := range s.viewsReaching(path) {
			touched[v] = true
		}
	}
	if layout {
		s.layoutChanged()
	}
	if reload {
		s.reloadConfig("configuration file changed")
		return nil
	}
	if layout {
		return nil // every view checks again
	}
	for v := range touched {
		// Files came, went or changed on disk (a branch switch, a
		// generator): their package metadata may have changed too.
		v.invalidate()
		v.inputsChanged()
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
	s.mu.Lock()
	for _, wf := range params.Event.Removed {
		if _, dir, err := canonicalURI(wf.URI); err == nil && dir != "" {
			s.roots = slices.DeleteFunc(s.roots, func(r string) bool { return r == dir })
		}
	}
	for _, wf := range params.Event.Added {
		_, dir, err := canonicalURI(wf.URI)
		if err != nil || dir == "" {
			s.logf("ignoring workspace folder %s: not a local directory", wf.URI)
			continue
		}
		if !slices.Contains(s.roots, dir) {
			s.roots = append(s.roots, dir)
		}
	}
	s.mu.Unlock()
	s.resolveViews()
	return nil
}
