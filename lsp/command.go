package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/crossls/crossls/analysis/target"
)

// buildArgs are the arguments of crossls.build.
type buildArgs struct {
	Targets  []string `json:"targets,omitempty"`
	Packages []string `json:"packages,omitempty"` // relative to the module's root
	// URI is the document the build was asked from: the build is of its
	// module. Without it, every module that crossls checks is built.
	URI string `json:"uri,omitempty"`
}

type listedTarget struct {
	Target string `json:"target"`
	Source string `json:"source"`
	File   string `json:"file,omitempty"`
	// Folder is where the view that checks for it runs the go command:
	// a module's root or a go.work's directory.
	Folder string `json:"folder"`
	// Modules are the roots of the modules checked for it by that view.
	Modules []string `json:"modules,omitempty"`
}

func (s *Server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	var result any
	var err error
	switch params.Command {
	case cmdBuild, cmdBuildAll:
		var args buildArgs
		if len(params.Arguments) > 0 {
			if len(params.Arguments) > 1 {
				return nil, invalidParams("%s takes one argument, {targets, packages, uri}", params.Command)
			}
			if err := json.Unmarshal(params.Arguments[0], &args); err != nil && params.Command == cmdBuild {
				return nil, invalidParams("%s: invalid argument: %v", params.Command, err)
			}
		}
		if params.Command == cmdBuildAll {
			// Every target and package of the module asked from, if any.
			args = buildArgs{URI: args.URI}
		}
		var r *buildRun
		if r, err = s.builds.start(args, params.WorkDoneToken); err != nil {
			break
		}
		if params.WorkDoneToken == nil {
			result = map[string]any{"started": true, "targets": r.targets}
			break
		}
		// The client's token is valid while its request runs: the
		// request lasts as long as the build, and cancelling it cancels
		// the build.
		if err = r.wait(ctx); err != nil {
			break
		}
		st := s.builds.snapshot()
		result = map[string]any{"started": true, "targets": r.targets, "state": st.State, "built": st.Built, "outputs": st.Outputs}
	case cmdCancelBuild:
		result = map[string]bool{"cancelled": s.builds.cancel()}
	case cmdListTargets:
		result = map[string]any{"targets": s.listTargets()}
	case cmdListPlatforms:
		result, err = s.listPlatforms(ctx)
	case cmdExplainFile:
		var args explainArgs
		if len(params.Arguments) != 1 || json.Unmarshal(params.Arguments[0], &args) != nil {
			return nil, invalidParams("%s takes one argument, {uri, position}", params.Command)
		}
		result, err = s.explainCommand(args)
	case cmdRecheck:
		for _, f := range s.snapshotViews() {
			f.invalidate()
			f.schedule(0)
		}
		result = map[string]bool{"scheduled": true}
	default:
		return nil, invalidParams("unknown command %q", params.Command)
	}
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(result)
	if err != nil {
		return nil, internalError("encoding result: %v", err)
	}
	return protocol.LSPAny(b), nil
}

// listTargets lists the targets of every view, once per target and
// configuration: modules that share a configuration are listed together.
func (s *Server) listTargets() []listedTarget {
	out := []listedTarget{}
	index := map[string]int{}
	for _, v := range s.snapshotViews() {
		cfg, _ := v.config()
		if cfg == nil {
			continue
		}
		modules := v.modules()
		for _, t := range cfg.targets {
			key := t.String() + "\x00" + string(cfg.source) + "\x00" + cfg.file
			if i, ok := index[key]; ok {
				out[i].Modules = append(out[i].Modules, modules...)
				continue
			}
			index[key] = len(out)
			out = append(out, listedTarget{Target: t.String(), Source: describeSourceName(cfg), File: cfg.file, Folder: v.dir, Modules: slices.Clone(modules)})
		}
	}
	return out
}

// platform is one entry of crossls.listPlatforms.
type platform struct {
	Target       string `json:"target"`
	FirstClass   bool   `json:"firstClass"`
	CgoSupported bool   `json:"cgoSupported"`
}

// listPlatforms lists every GOOS/GOARCH of the toolchain and the targets
// checked now, which a picker shows selected.
func (s *Server) listPlatforms(ctx context.Context) (any, error) {
	dist, err := target.LoadDist(ctx, s.opts.GoCmd)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed), "%v", err)
	}
	platforms := make([]platform, 0, len(dist.Platforms))
	for _, p := range dist.Platforms {
		platforms = append(platforms, platform{Target: p.GOOS + "/" + p.GOARCH, FirstClass: p.FirstClass, CgoSupported: p.CgoSupported})
	}
	current := []string{}
	for _, v := range s.snapshotViews() {
		if cfg, _ := v.config(); cfg != nil {
			for _, t := range cfg.targets {
				if !slices.Contains(current, t.String()) {
					current = append(current, t.String())
				}
			}
		}
	}
	return map[string]any{"goVersion": dist.GoVersion, "platforms": platforms, "current": current}, nil
}

func describeSourceName(cfg *viewConfig) string { return string(cfg.source) }

// status is the crossls/status notification, sent after every check and
// build step so that an editor can show the state of the matrix.
type status struct {
	Targets []string    `json:"targets"`
	Failing []string    `json:"failing"`
	Build   buildStatus `json:"build"`
}

type buildStatus struct {
	State   string   `json:"state"` // idle, running, succeeded, failed, cancelled
	Built   int      `json:"built"`
	Total   int      `json:"total"`
	Outputs []string `json:"outputs"`
}

const methodStatus = "crossls/status"

func (s *Server) sendStatus() {
	st := status{Targets: []string{}, Failing: []string{}}
	for _, f := range s.snapshotViews() {
		cfg, _ := f.config()
		if cfg != nil {
			for _, t := range cfg.targets {
				if !slices.Contains(st.Targets, t.String()) {
					st.Targets = append(st.Targets, t.String())
				}
			}
		}
		f.mu.Lock()
		for _, t := range f.failing {
			if !slices.Contains(st.Failing, t) {
				st.Failing = append(st.Failing, t)
			}
		}
		f.mu.Unlock()
	}
	slices.Sort(st.Failing)
	st.Build = s.builds.snapshot()
	if st.Build.Outputs == nil {
		st.Build.Outputs = []string{}
	}
	if err := s.notify(methodStatus, st); err != nil {
		s.logf("sending status: %v", err)
	}
}

func (s *Server) notify(method string, params any) error {
	if s.conn == nil {
		return fmt.Errorf("no connection")
	}
	b, err := json.Marshal(params)
	if err != nil {
		return err
	}
	return s.conn.Notify(s.ctx, method, json.RawMessage(b))
}
