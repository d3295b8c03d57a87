package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A Unit is what one go command loads: packages of one module, or of
// several modules of one go.work workspace.
type Unit struct {
	Dir string // where the go command runs
	// Work is the go.work the go command uses, nil when it runs outside
	// any workspace (GOWORK=off, or no go.work).
	Work *Work
	// Env is what the go command's environment needs besides the
	// caller's: GOWORK=off for a module outside the workspace around it.
	Env   []string
	parts []part
}

// part is the patterns of one module of a unit; module is "" for
// patterns that name no module of the unit's (std, a dependency).
type part struct {
	module   string
	patterns []string
}

// Patterns returns the package patterns of the unit, relative to Dir.
func (u *Unit) Patterns() []string {
	var out []string
	for _, p := range u.parts {
		for _, pat := range p.patterns {
			if !slices.Contains(out, pat) {
				out = append(out, pat)
			}
		}
	}
	return out
}

// Modules returns the roots of the modules whose packages the unit loads.
func (u *Unit) Modules() []string {
	var out []string
	for _, p := range u.parts {
		if p.module != "" {
			out = append(out, p.module)
		}
	}
	return out
}

// Split divides a unit into units whose modules have the same key (their
// configuration, say), in the order of their first module. Patterns that
// name no module go with the first.
func (u Unit) Split(key func(module string) string) []Unit {
	var keys []string
	byKey := map[string]*Unit{}
	var loose []part
	for _, p := range u.parts {
		if p.module == "" {
			loose = append(loose, p)
			continue
		}
		k := key(p.module)
		if byKey[k] == nil {
			keys = append(keys, k)
			byKey[k] = &Unit{Dir: u.Dir, Work: u.Work, Env: u.Env}
		}
		byKey[k].parts = append(byKey[k].parts, p)
	}
	if len(keys) == 0 {
		return []Unit{u}
	}
	out := make([]Unit, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
	}
	out[0].parts = append(out[0].parts, loose...)
	return out
}

func (u *Unit) add(module, pattern string) {
	for i := range u.parts {
		if u.parts[i].module == module {
			if !slices.Contains(u.parts[i].patterns, pattern) {
				u.parts[i].patterns = append(u.parts[i].patterns, pattern)
			}
			return
		}
	}
	u.parts = append(u.parts, part{module: module, patterns: []string{pattern}})
}

// A Plan is how package patterns given in a directory are loaded: one
// unit per go command.
type Plan struct {
	Units []Unit
	// Work is the go.work workspace the patterns were given in, if any.
	Work *Work
	// Nested are the roots of modules below a pattern's directory that
	// the go command leaves out of that pattern: modules nested in the
	// pattern's module, and modules a go.work does not use. They are
	// units of their own with PlanOptions.AllModules.
	Nested []string
	// Expanded says that a pattern was turned into the patterns of
	// several modules, or into another module's: "./..." at a go.work
	// root or in a folder of modules.
	Expanded bool
}

// PlanOptions are the inputs of NewPlan.
type PlanOptions struct {
	Dir      string   // where the patterns were given
	Patterns []string // default "./..."
	Env      []string // the go command's environment; nil: the process's
	// AllModules plans the modules nested in a pattern's directory too.
	AllModules bool
}

// NewPlan splits package patterns into the units that load them, as the
// go command would with these differences: a recursive pattern at a
// go.work root (or above several of its modules) names the packages of
// every workspace module below it, and one in a directory that is in no
// module names those of every module below it. Modules nested in a
// module are left out of its patterns, as the go command leaves them
// out, unless AllModules asks for them.
func NewPlan(opts PlanOptions) (*Plan, error) {
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	patterns := opts.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	pl := &planner{dir: dir, allModules: opts.AllModules, plan: &Plan{}, modules: map[string]*Unit{}}
	pl.dirModule, pl.work, err = Locate(dir, env)
	if err != nil {
		return nil, fmt.Errorf("reading go.work: %v", err)
	}
	// The go command refuses a module its go.work does not use: such a
	// module is checked on its own, as gopls does.
	pl.goworkOff = pl.work == nil && GoWorkFile(dir, env) != ""
	for _, pat := range patterns {
		var err error
		if pl.work != nil {
			err = pl.addWorkspace(pat)
		} else {
			err = pl.addModules(pat)
		}
		if err != nil {
			return nil, err
		}
	}
	return pl.finish(), nil
}

type planner struct {
	dir        string
	dirModule  string
	work       *Work
	goworkOff  bool
	allModules bool
	plan       *Plan
	workUnit   *Unit
	modules    map[string]*Unit // standalone units by module root
}

// addWorkspace plans a pattern given inside a go.work workspace.
func (pl *planner) addWorkspace(pat string) error {
	if pl.workUnit == nil {
		pl.workUnit = &Unit{Dir: pl.dir, Work: pl.work}
	}
	u := pl.workUnit
	if !isRelative(pat) {
		u.add(modulePathOwner(pl.work.Modules, pat), pat)
		return nil
	}
	abs, recursive := patternDir(pl.dir, pat)
	own := ModuleRoot(abs)
	if own != "" && !pl.work.Uses(own) && !Within(pl.work.Dir, own) {
		own = "" // a go.mod above the workspace is none of its modules
	}
	found := false
	if own != "" && pl.work.Uses(own) {
		u.add(own, pat)
		found = true
	}
	if !recursive {
		if !found {
			return fmt.Errorf("pattern %s: directory %s is outside the modules listed in %s", pat, abs, pl.work.File)
		}
		return nil
	}
	for _, m := range pl.work.Modules {
		if m != own && Within(abs, m) {
			u.add(m, RelPattern(pl.dir, m))
			pl.plan.Expanded = true
			found = true
		}
	}
	for _, m := range FindModules(abs) {
		if m == own || pl.work.Uses(m) {
			continue
		}
		if pl.allModules {
			pl.module(m, "./...", true)
			found = true
		} else {
			pl.nested(m)
		}
	}
	if !found {
		return fmt.Errorf("pattern %s: directory %s holds none of the modules listed in %s", pat, abs, pl.work.File)
	}
	return nil
}

// addModules plans a pattern given outside any go.work workspace.
func (pl *planner) addModules(pat string) error {
	if !isRelative(pat) {
		if pl.dirModule != "" {
			pl.module(pl.dirModule, pat, false)
			return nil
		}
		mods := FindModules(pl.dir)
		if owner := modulePathOwner(mods, pat); owner != "" {
			pl.module(owner, pat, true)
			return nil
		}
		return fmt.Errorf("pattern %s: %s is not in a Go module, and no module below it has that path", pat, pl.dir)
	}
	abs, recursive := patternDir(pl.dir, pat)
	own := ModuleRoot(abs)
	if own != "" {
		if own == pl.dirModule {
			pl.module(own, pat, false)
		} else {
			pl.module(own, rebase(pat, pl.dir, own), true)
		}
	}
	if !recursive {
		if own == "" {
			return fmt.Errorf("pattern %s: %s is not in a Go module (no go.mod in it or above it)", pat, abs)
		}
		return nil
	}
	mods := FindModules(abs)
	for _, m := range mods {
		switch {
		case m == own:
		case own == "" || pl.allModules:
			// A folder of modules: each is checked on its own.
			pl.module(m, "./...", true)
		default:
			pl.nested(m)
		}
	}
	if own == "" && len(mods) == 0 {
		return fmt.Errorf("pattern %s: %s is not in a Go module and holds none (no go.mod in it, above it or below it)", pat, abs)
	}
	return nil
}

// module returns the standalone unit of the module at root, adding pat.
// A unit in another module than the directory's runs in that module.
func (pl *planner) module(root, pat string, expanded bool) *Unit {
	u := pl.modules[root]
	if u == nil {
		u = &Unit{Dir: root}
		if root == pl.dirModule {
			u.Dir = pl.dir
		}
		if pl.goworkOff || pl.work != nil {
			u.Env = []string{"GOWORK=off"}
		}
		pl.modules[root] = u
	}
	u.add(root, pat)
	if expanded {
		pl.plan.Expanded = true
	}
	return u
}

func (pl *planner) nested(m string) {
	if !slices.Contains(pl.plan.Nested, m) {
		pl.plan.Nested = append(pl.plan.Nested, m)
	}
}

func (pl *planner) finish() *Plan {
	p := pl.plan
	p.Work = pl.work
	if pl.workUnit != nil {
		p.Units = append(p.Units, *pl.workUnit)
	}
	roots := make([]string, 0, len(pl.modules))
	for r := range pl.modules {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	for _, r := range roots {
		p.Units = append(p.Units, *pl.modules[r])
	}
	// Nested modules that became units of their own are not left out.
	p.Nested = slices.DeleteFunc(p.Nested, func(m string) bool { return pl.modules[m] != nil })
	slices.Sort(p.Nested)
	return p
}

// isRelative reports whether a package pattern names directories
// relative to where it is given, as the go command reads it.
func isRelative(pat string) bool {
	return pat == "." || pat == ".." || strings.HasPrefix(pat, "./") || strings.HasPrefix(pat, "../")
}

// patternDir returns the directory a relative pattern starts from, and
// whether it also names the packages below it.
func patternDir(dir, pat string) (string, bool) {
	base, recursive := strings.CutSuffix(pat, "/...")
	return filepath.Join(dir, filepath.FromSlash(base)), recursive
}

// rebase rewrites a relative pattern given in from as one given in to.
func rebase(pat, from, to string) string {
	abs, recursive := patternDir(from, pat)
	rel, err := filepath.Rel(to, abs)
	if err != nil {
		return pat
	}
	out := filepath.ToSlash(rel)
	if out != "." && !strings.HasPrefix(out, "../") && out != ".." {
		out = "./" + out
	}
	if recursive {
		out += "/..."
	}
	return out
}

// modulePathOwner returns the module among roots whose path is the
// longest prefix of an import path pattern, "" if none is.
func modulePathOwner(roots []string, pat string) string {
	best, bestLen := "", 0
	path := strings.TrimSuffix(pat, "/...")
	for _, r := range roots {
		mp := ModulePath(r)
		if mp == "" || len(mp) <= bestLen {
			continue
		}
		if path == mp || strings.HasPrefix(path, mp+"/") {
			best, bestLen = r, len(mp)
		}
	}
	return best
}
