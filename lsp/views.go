package lsp

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/crossls/crossls/internal/config"
	"github.com/crossls/crossls/internal/workspace"
)

// How views are chosen, as gopls chooses its zero-config views: a file
// belongs to the module of the nearest go.mod above it. A module that the
// go.work at or above it uses is checked in that workspace, with the
// workspace's other modules that share its configuration files (one view
// per go.work and configuration); any other module is a view of its own,
// checked with GOWORK=off. A view checks only the modules that something
// asks for: a workspace folder's own module, and the modules of open
// files. Opening one file of a repository of thirty modules checks one.

// viewSpec is a view that resolveViews wants to exist.
type viewSpec struct {
	key, dir, root, configDir string
	work                      *workspace.Work
	scopes                    []scope
}

// addScope adds sc unless a scope of the same module already covers
// path (a file being opened, "" for a workspace folder).
func (sp *viewSpec) addScope(sc scope, path string) {
	for _, old := range sp.scopes {
		if old.module == sc.module && (old == sc || path != "" && workspace.Within(old.dir, path)) {
			return
		}
	}
	sp.scopes = append(sp.scopes, sc)
}

// normalize drops the scopes that a module's whole scope includes, and
// sorts them.
func (sp *viewSpec) normalize() {
	whole := map[string]bool{}
	for _, sc := range sp.scopes {
		if sc.dir == sc.module {
			whole[sc.module] = true
		}
	}
	sp.scopes = slices.DeleteFunc(sp.scopes, func(sc scope) bool { return whole[sc.module] && sc.dir != sc.module })
	slices.SortFunc(sp.scopes, func(a, b scope) int { return strings.Compare(a.dir, b.dir) })
}

// wantedViews computes the views that the workspace folders and the open
// Go files need, by key.
func (s *Server) wantedViews() map[string]*viewSpec {
	s.mu.Lock()
	roots := slices.Clone(s.roots)
	s.mu.Unlock()
	specs := map[string]*viewSpec{}
	add := func(dir, scopeDir, path string) {
		mod, w := s.locate(dir)
		if mod == "" {
			return
		}
		sc := scope{module: mod, dir: mod}
		if scopeDir != "" && workspace.Within(mod, scopeDir) {
			sc.dir = scopeDir // a workspace folder inside a module: its packages only
		}
		if w != nil {
			crossls, goreleaser := config.Applicable(mod, w.Dir)
			key := strings.Join([]string{"work", w.File, crossls, goreleaser}, "\x00")
			sp := specs[key]
			if sp == nil {
				sp = &viewSpec{key: key, dir: w.Dir, work: w, root: w.Dir, configDir: mod}
				specs[key] = sp
			}
			sp.addScope(sc, path)
			return
		}
		key := "module\x00" + mod
		sp := specs[key]
		if sp == nil {
			sp = &viewSpec{key: key, dir: mod, root: innermost(roots, mod), configDir: mod}
			specs[key] = sp
		}
		sp.addScope(sc, path)
	}
	for _, r := range roots {
		add(r, r, "")
	}
	for _, path := range s.docs.paths() {
		if strings.HasSuffix(path, ".go") {
			add(filepath.Dir(path), "", path)
		}
	}
	for _, sp := range specs {
		sp.normalize()
	}
	return specs
}

// innermost returns the innermost of dirs that holds path, "" if none.
func innermost(dirs []string, path string) string {
	best := ""
	for _, d := range dirs {
		if workspace.Within(d, path) && len(d) > len(best) {
			best = d
		}
	}
	return best
}

// resolveViews brings the views in line with the workspace folders, the
// open files and the layout on disk: it starts the views now needed,
// changes what the others check, and stops those no longer needed,
// withdrawing findings that no view stands for any more. It makes no
// client call, so handlers of notifications may run it.
func (s *Server) resolveViews() {
	s.resolveMu.Lock()
	defer s.resolveMu.Unlock()
	s.mu.Lock()
	if s.state == stateShutdown {
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	specs := s.wantedViews()

	s.mu.Lock()
	ready := s.initialized
	var keep, started, rescoped, stopped []*view
	for _, v := range s.views {
		sp, ok := specs[v.key]
		if !ok {
			stopped = append(stopped, v)
			continue
		}
		delete(specs, v.key)
		keep = append(keep, v)
		if v.setScopes(sp.scopes) {
			rescoped = append(rescoped, v)
		}
	}
	for _, key := range sortedKeys(specs) {
		v := newView(s, specs[key])
		keep = append(keep, v)
		started = append(started, v)
	}
	s.views = keep
	s.mu.Unlock()

	for _, v := range stopped {
		s.debugf("stopping the view of %s", v.dir)
		v.stop()
		v.clear()
		v.clearConfigErrors()
	}
	for _, v := range rescoped {
		s.debugf("view of %s now checks %s", v.dir, strings.Join(v.patterns(), " "))
		v.clear()
		if ready {
			v.schedule(0)
		}
	}
	for _, v := range started {
		s.debugf("starting a view of %s for %s", v.dir, strings.Join(v.patterns(), " "))
		if ready {
			v.schedule(0) // configures the view, then checks it
		}
	}
	if ready && len(stopped) > 0 {
		s.sendStatus()
		s.sendMatrix()
	}
}

// setScopes replaces what the view checks and reports whether it changed.
func (v *view) setScopes(scopes []scope) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if slices.Equal(v.scopes, scopes) {
		return false
	}
	v.scopes = scopes
	return true
}

// clearConfigErrors withdraws the view's diagnostics on configuration
// files.
func (v *view) clearConfigErrors() {
	v.mu.Lock()
	files := sortedKeys(v.configed)
	v.configed = map[string]bool{}
	v.mu.Unlock()
	for _, file := range files {
		v.s.pub.setCheck(file, nil, nil)
	}
}

// located is where a directory belongs (workspace.Locate).
type located struct {
	module string
	work   *workspace.Work
}

// locate returns the module dir belongs to, "" if none, and the go.work
// it is checked in, nil if none (see workspace.Locate), remembered until
// the layout changes (layoutChanged).
func (s *Server) locate(dir string) (string, *workspace.Work) {
	s.modMu.Lock()
	loc, ok := s.located[dir]
	s.modMu.Unlock()
	if ok {
		return loc.module, loc.work
	}
	mod, work, err := workspace.Locate(dir, s.opts.Env)
	if err != nil {
		s.logf("%s: %v", dir, err)
	}
	s.modMu.Lock()
	if s.located == nil {
		s.located = map[string]located{}
	}
	s.located[dir] = located{mod, work}
	s.modMu.Unlock()
	return mod, work
}

// moduleRoot returns the root of the module dir belongs to, "" if none.
func (s *Server) moduleRoot(dir string) string {
	mod, _ := s.locate(dir)
	return mod
}

// layoutChanged is told that a go.mod or go.work was created, changed or
// removed: modules and workspaces may have come, gone or changed, and with
// them every view's package metadata.
func (s *Server) layoutChanged() {
	s.modMu.Lock()
	s.located = nil
	s.modMu.Unlock()
	s.resolveViews()
	for _, v := range s.snapshotViews() {
		v.invalidate()
		v.inputsChanged()
	}
}

// viewOf returns the view that checks the file at path, nil if none does.
func (s *Server) viewOf(path string) *view {
	mod := s.moduleRoot(filepath.Dir(path))
	if mod == "" {
		return nil
	}
	for _, v := range s.snapshotViews() {
		if v.covers(mod, path) {
			return v
		}
	}
	return nil
}

// viewsReaching returns the views whose checks read the file at path.
func (s *Server) viewsReaching(path string) []*view {
	mod := s.moduleRoot(filepath.Dir(path))
	if mod == "" {
		return nil
	}
	var out []*view
	for _, v := range s.snapshotViews() {
		if v.reaches(mod) {
			out = append(out, v)
		}
	}
	return out
}

// overlayDocs returns the open buffers a check of v reads: those of the
// modules it reaches.
func (s *Server) overlayDocs(v *view) []*document {
	docs := s.docs.snapshot("")
	return slices.DeleteFunc(docs, func(d *document) bool { return !v.reaches(s.moduleRoot(filepath.Dir(d.path))) })
}

// warnOutsideModules tells the user, once per opened file, that a Go file
// in no module is not checked.
func (s *Server) warnOutsideModules(path string) {
	if !strings.HasSuffix(path, ".go") || s.moduleRoot(filepath.Dir(path)) != "" {
		return
	}
	s.mu.Lock()
	warned := s.noModuleWarned[path]
	if s.noModuleWarned == nil {
		s.noModuleWarned = map[string]bool{}
	}
	s.noModuleWarned[path] = true
	s.mu.Unlock()
	if warned {
		return
	}
	s.showMessage(protocol.MessageTypeWarning, fmt.Sprintf("crossls: not checking %s: it is not in a Go module (no go.mod in its directory or above it); run `go mod init` in the directory of its module", path))
}
