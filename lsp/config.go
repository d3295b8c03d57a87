package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/config"
)

// settings is the client's "crossls" configuration section.
type settings struct {
	Targets   []string        `json:"targets"`
	Analyzers map[string]bool `json:"analyzers"`
	// Tests, unless false, checks test files for every target too.
	Tests *bool `json:"tests"`
	Build struct {
		OutputDir string `json:"outputDir"`
		Jobs      int    `json:"jobs"`
	} `json:"build"`
}

// clientCallTimeout bounds how long the server waits for the client to
// answer one of its requests.
const clientCallTimeout = 5 * time.Second

// pullSettings asks the client for the "crossls" section of dir.
func (s *Server) pullSettings(ctx context.Context, dir string) (settings, error) {
	var st settings
	if !s.clientSupportsConfiguration() {
		s.mu.Lock()
		st = s.settings
		s.mu.Unlock()
		return st, nil
	}
	scope := uri.File(dir)
	// A client that never answers must not keep the view unanalysed.
	ctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
	defer cancel()
	res, err := s.client.Configuration(ctx, &protocol.ConfigurationParams{
		Items: []protocol.ConfigurationItem{{ScopeURI: &scope, Section: ptr("crossls")}},
	})
	if err != nil {
		return st, fmt.Errorf("workspace/configuration: %v", err)
	}
	if len(res) == 0 || len(res[0]) == 0 || string(res[0]) == "null" {
		return st, nil
	}
	if err := json.Unmarshal(res[0], &st); err != nil {
		return settings{}, fmt.Errorf("invalid crossls settings: %v", err)
	}
	return st, nil
}

func (s *Server) DidChangeConfiguration(ctx context.Context, params *protocol.DidChangeConfigurationParams) error {
	// Clients without workspace/configuration push the settings instead.
	if len(params.Settings) > 0 {
		var pushed struct {
			Crossls *settings `json:"crossls"`
		}
		if err := json.Unmarshal(params.Settings, &pushed); err == nil && pushed.Crossls != nil {
			s.mu.Lock()
			s.settings = *pushed.Crossls
			s.mu.Unlock()
		}
	}
	s.reloadConfig("configuration change")
	return nil
}

// viewConfig is the resolved configuration of one view.
type viewConfig struct {
	targets   []target.Target
	source    config.Source
	file      string
	analyzers map[string]bool
	tests     bool // check test files too
	build     config.Build
	dist      *target.Dist
	// settings are the editor's, which override the files' for every
	// module of the view.
	settings settings
}

// reloadConfig makes every view resolve its configuration again and
// re-check everything: any configuration change may change every
// diagnostic. It does not wait: each view does it in its goroutine.
func (s *Server) reloadConfig(why string) {
	for _, f := range s.snapshotViews() {
		s.debugf("reloading the configuration of %s: %s", f.dir, why)
		f.reconfigure()
	}
}

// configure resolves the view's configuration. Until it completes (a
// panic, the view stopping), the view's next check tries again.
func (v *view) configure() {
	s := v.s
	done := false
	defer func() {
		if !done {
			v.mu.Lock()
			v.needConfig = true
			v.mu.Unlock()
		}
	}()
	panicPoint("configure")
	st, err := s.pullSettings(v.ctx, v.dir)
	if v.ctx.Err() != nil {
		return // the view is gone
	}
	if err != nil {
		s.logMessage(protocol.MessageTypeWarning, fmt.Sprintf("crossls: %v; using the project configuration", err))
	}
	cfg, err := s.resolveConfig(v.ctx, v.configDir, v.root, st)
	if v.ctx.Err() != nil {
		return
	}
	v.setConfig(cfg, err)
	done = true
	if err != nil {
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: configuration of %s: %v", v.dir, err))
	} else {
		s.logMessage(protocol.MessageTypeInfo, fmt.Sprintf("crossls: %s: checking %s (targets from %s)",
			v.dir, targetList(cfg.targets), describeSource(cfg)))
	}
}

func describeSource(cfg *viewConfig) string {
	if cfg.file != "" {
		return cfg.file
	}
	return string(cfg.source)
}

func targetList(ts []target.Target) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}

// resolveConfig combines the editor settings with the project's files
// that apply to dir, a module in the workspace rooted at root (see
// config.LoadIn). Without a usable go command the targets are still
// resolved, but not validated against the toolchain's platform list.
func (s *Server) resolveConfig(ctx context.Context, dir, root string, st settings) (*viewConfig, error) {
	dist, distErr := target.LoadDist(ctx, s.opts.GoCmd)
	if distErr != nil {
		if ctx.Err() == nil {
			s.showMessage(protocol.MessageTypeError, fmt.Sprintf("crossls: %v", distErr))
		}
		dist = nil
	}
	var explicit []string
	if len(st.Targets) > 0 {
		explicit = st.Targets
	}
	if dist == nil {
		// config.Load would look for "go" itself; fall back to parsing.
		return fallbackConfig(explicit)
	}
	cfg, err := config.LoadIn(dir, root, explicit, config.SourceSettings, dist)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		s.logMessage(protocol.MessageTypeWarning, "crossls: "+w)
	}
	analyzers := map[string]bool{}
	for k, v := range cfg.Analyzers {
		analyzers[k] = v
	}
	for k, v := range st.Analyzers {
		analyzers[k] = v
	}
	build := cfg.Build
	if st.Build.OutputDir != "" {
		build.OutputDir = st.Build.OutputDir
	}
	if st.Build.Jobs > 0 {
		build.Jobs = st.Build.Jobs
	}
	return &viewConfig{
		targets:   cfg.Targets,
		source:    cfg.Source,
		file:      cfg.File,
		analyzers: analyzers,
		tests:     st.Tests == nil || *st.Tests,
		build:     build,
		dist:      dist,
		settings:  st,
	}, nil
}

func fallbackConfig(explicit []string) (*viewConfig, error) {
	cfg := &viewConfig{targets: target.Default(), source: config.SourceDefault, tests: true}
	if explicit != nil {
		ts, err := target.ParseList(strings.Join(explicit, ","))
		if err != nil {
			return nil, err
		}
		cfg.targets, cfg.source = ts, config.SourceSettings
	}
	return cfg, nil
}

// configErrorDiagnostics turns a positioned configuration error into
// diagnostics on the configuration file, by file.
func configErrorDiagnostics(err error) map[string][]protocol.Diagnostic {
	var list config.ErrorList
	var one *config.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = config.ErrorList{one}
	default:
		return nil
	}
	out := map[string][]protocol.Diagnostic{}
	for _, e := range list {
		if e.File == "" {
			continue
		}
		line := uint32(max(e.Line-1, 0))
		col := uint32(max(e.Column-1, 0))
		out[e.File] = append(out[e.File], protocol.Diagnostic{
			Range:    protocol.Range{Start: protocol.Position{Line: line, Character: col}, End: protocol.Position{Line: line, Character: col}},
			Severity: protocol.DiagnosticSeverityError,
			Code:     protocol.String("config"),
			Source:   protocol.NewOptional(sourceCheck),
			Message:  protocol.String(e.Msg),
		})
	}
	return out
}
