package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Command names (workspace/executeCommand).
const (
	cmdBuild       = "crossls.build"
	cmdBuildAll    = "crossls.buildAll"
	cmdCancelBuild = "crossls.cancelBuild"
	cmdListTargets = "crossls.listTargets"
	cmdRecheck     = "crossls.recheck"
	// cmdListPlatforms lists every target the toolchain can build for,
	// for target pickers.
	cmdListPlatforms = "crossls.listPlatforms"
)

// commands are those the server advertises; crossls.explainFile is not
// among them, since editors run it themselves (see cmdExplainFile).
var commands = []string{cmdBuild, cmdBuildAll, cmdCancelBuild, cmdListTargets, cmdRecheck, cmdListPlatforms}

// Code action kinds offered.
const kindBuild protocol.CodeActionKind = "source.crossls.build"

// initOptions are the client's initializationOptions.
type initOptions struct {
	// TrustedWorkspace says the user trusts the workspace (VS Code's
	// workspace trust, the Neovim plugin's trusted option): the programs
	// its configuration names (a cgo target's cc) may run during checks.
	// It is not a setting, which the workspace itself could set.
	TrustedWorkspace bool `json:"trustedWorkspace"`
}

// Version is reported in serverInfo.
var Version = "devel"

func (s *Server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	var dirs []string
	var uris []uri.URI
	if wf, ok := params.WorkspaceFolders.Get(); ok && len(wf) > 0 {
		for _, f := range wf {
			uris = append(uris, f.URI)
		}
	} else if params.RootURI != nil && *params.RootURI != "" {
		uris = append(uris, *params.RootURI)
	} else if p, ok := params.RootPath.Get(); ok && filepath.IsAbs(p) {
		dirs = append(dirs, filepath.Clean(p))
	}
	for _, u := range uris {
		if _, p, err := canonicalURI(u); err == nil && p != "" {
			dirs = append(dirs, p)
		} else {
			s.logf("ignoring workspace folder %s: not a local directory", u)
		}
	}

	var init initOptions
	if len(params.InitializationOptions) > 0 {
		if err := json.Unmarshal(params.InitializationOptions, &init); err != nil {
			s.logf("ignoring initializationOptions: %v", err)
		}
	}

	s.mu.Lock()
	s.state = stateInitialized
	s.caps = params.Capabilities
	s.trusted = init.TrustedWorkspace
	s.roots = dirs
	s.mu.Unlock()
	s.resolveViews() // checks start with the initialized notification

	sync := protocol.TextDocumentSyncKindIncremental
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: ptr(true),
				Change:    &sync,
				Save:      protocol.Boolean(true),
			},
			CodeActionProvider: &protocol.CodeActionOptions{
				CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, kindBuild},
				ResolveProvider: ptr(true),
			},
			ExecuteCommandProvider:     protocol.ExecuteCommandOptions{Commands: commands},
			DocumentFormattingProvider: protocol.Boolean(true),
			HoverProvider:              protocol.Boolean(true),
			CodeLensProvider:           &protocol.CodeLensOptions{},
			InlayHintProvider:          protocol.Boolean(true),
			Workspace: &protocol.WorkspaceOptions{
				WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
					Supported:           ptr(true),
					ChangeNotifications: protocol.Boolean(true),
				},
			},
		},
		ServerInfo: protocol.ServerInfo{Name: "crossls", Version: protocol.NewOptional(Version)},
	}, nil
}

func (s *Server) Initialized(ctx context.Context, params *protocol.InitializedParams) error {
	// Client calls (registration, configuration) wait for replies that the
	// read loop must deliver: never make them on an in-order notification.
	// Each view pulls its configuration in its own goroutine.
	s.goSafe("register watchers", s.registerWatchers)
	s.mu.Lock()
	s.initialized = true
	s.mu.Unlock()
	s.reloadConfig("initialize")
	if len(s.snapshotViews()) == 0 {
		// Nothing to check until a file of a module opens (a go.work root,
		// a folder of modules): say so rather than seem to be checking.
		s.sendStatus()
	}
	return nil
}

func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	s.builds.cancel()
	for _, f := range s.snapshotViews() {
		f.stop()
	}
	// A stopping view finishes writing its type cache, which checks
	// leave to the background: wait for that before the client's exit.
	deadline := time.After(shutdownWait)
	for _, f := range s.snapshotViews() {
		select {
		case <-f.exited:
		case <-deadline:
			s.logf("shutdown: %s has not stopped after %v", f.dir, shutdownWait)
			return nil
		}
	}
	return nil
}

// shutdownWait bounds how long shutdown waits for the views to stop.
const shutdownWait = 10 * time.Second

func (s *Server) Exit(ctx context.Context) error {
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}

func (s *Server) snapshotViews() []*view {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*view(nil), s.views...)
}

func (s *Server) clientSupportsProgress() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.caps.Window
	return w != nil && w.WorkDoneProgress != nil && *w.WorkDoneProgress
}

func (s *Server) clientSupportsConfiguration() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.caps.Workspace
	return w != nil && w.Configuration != nil && *w.Configuration
}

func (s *Server) clientSupportsWatchRegistration() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.caps.Workspace
	return w != nil && w.DidChangeWatchedFiles != nil && w.DidChangeWatchedFiles.DynamicRegistration != nil && *w.DidChangeWatchedFiles.DynamicRegistration
}

func ptr[T any](v T) *T { return &v }
