package matrix

// One target's part of a check: its pass inputs and units (prepare), its
// analysis and verdicts (analyze), and what it leaves for its next check.

import (
	"context"
	"go/types"
	"slices"
	"time"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/source"
)

// targetOutput is what one target contributes to the result.
type targetOutput struct {
	target   target.Target
	name     string
	roots    []*listedPackage
	verdicts map[string]Verdict
	diags    []Diagnostic              // Targets unset; merged later
	compiled map[string]bool           // absolute paths of root files this target compiles
	seen     map[string]*listedPackage // absolute path of every root .go file -> its package
	// rootFiles holds compiled and seen: the same for the same listing.
	rootFiles *rootFiles
}

// A targetCheck is one target's part of a check: it finds or computes
// each package's unit for the target, dependencies first (prepare), then
// runs the analyzers over the units and collects verdicts (analyze).
type targetCheck struct {
	s         *Session
	opts      *Options
	t         target.Target
	rf        *rootFiles
	st        *targetState
	buf       *checkBuffers
	out       *targetOutput
	sizes     types.Sizes
	analyzers []boundAnalyzer
	prev      []*passInput // the target's last check of this listing, nil if unusable
	kept      []*passInput // carried from the last check: kept in the unit cache at once
}

func (s *Session) checkTarget(ctx context.Context, opts *Options, t target.Target, pkgs []*listedPackage) (*targetOutput, error) {
	c := s.newTargetCheck(opts, t, pkgs)
	for i, p := range pkgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := c.prepare(ctx, i, p); err != nil {
			return nil, err
		}
	}
	s.units.keep(c.kept)
	if err := c.analyze(); err != nil {
		return nil, err
	}
	return c.out, nil
}

func (s *Session) newTargetCheck(opts *Options, t target.Target, pkgs []*listedPackage) *targetCheck {
	rf := s.rootFilesOf(pkgs)
	st := s.targetStateFor(t, pkgs)
	buf := st.buffers(len(pkgs))
	c := &targetCheck{s: s, opts: opts, t: t, rf: rf, st: st, buf: buf,
		out: &targetOutput{target: t, name: t.String(), verdicts: buf.verdicts, compiled: rf.compiled, seen: rf.seen, rootFiles: rf},
	}
	c.sizes = types.SizesFor("gc", t.GOARCH)
	if c.sizes == nil {
		c.sizes = types.SizesFor("gc", "amd64")
	}
	specs := analyzerSpecs
	if s.specs != nil {
		specs = s.specs
	}
	c.analyzers = analyzersFor(specs, t, opts.Analyzers)
	c.prev = st.inputs
	if st.toolchain != s.toolchain || st.analyzers != analyzerNames(c.analyzers) || len(c.prev) != len(pkgs) {
		c.prev = nil
	}
	return c
}

// prepare gives package i its pass input and unit for the target; its
// dependencies, earlier in the listing, have theirs.
func (c *targetCheck) prepare(ctx context.Context, i int, p *listedPackage) error {
	in := c.input(i, p)
	files := p.files
	if len(files) == 0 {
		// No file to check for this target: analyzers and importers
		// see an empty package, as go/packages shows them.
		in.unit, in.apiKey = p.emptyUnit(), "-"
		in.ignored, in.other = p.ignored, p.other
		return nil
	}
	if pv := in.prev; pv != nil && c.s.sameUnitInputs(in, pv, files, p.fixed) {
		// Nothing the unit depends on changed since this target's
		// last check: the same files and dependency APIs.
		in.unit, in.apiKey, in.contents, in.shape = pv.unit, pv.apiKey, pv.contents, pv.shape // validUntil set
		c.kept = append(c.kept, pv)
		in.ignored, in.other = p.ignored, p.other
		return nil
	}
	r := &unitRequest{p: p, in: in, files: files, role: roleRoot, goVersion: langVersion(p),
		deps: depAPIs{imports: p.Imports, inputs: c.buf.inputs}}
	switch {
	case p.Standard:
		r.role = roleStd
	case p.DepOnly:
		r.role = roleDep
	}
	key := c.unitKey(r)
	// A root the user edits: a check of new contents may start from
	// the latest unit of the same shape.
	shape := ""
	if r.role == roleRoot && !p.fixed {
		shape = p.mutableKeys.shapeFor(r.deps.keyList(), func() string {
			depKeys, _ := r.deps.maps()
			return unitKey(p, files, depKeys, c.sizes, c.s.toolchain+"\x00"+r.goVersion, r.role)
		})
	}
	u, err := c.unit(ctx, r, key, shape)
	if err != nil {
		return err
	}
	if shape != "" {
		c.s.units.setBase(shape, u)
	}
	in.shape = shape
	in.apiKey = key // an immutable package's (fixed below)
	if !p.fixed {
		in.apiKey = u.apiKey
	}
	in.unit = u
	in.ignored = p.ignored
	in.other = p.other
	return nil
}

// input fills package i's pass input from the check's buffers.
func (c *targetCheck) input(i int, p *listedPackage) *passInput {
	buf := c.buf
	in := &buf.slab[i]
	*in = passInput{list: p, analyzed: !p.DepOnly, deps: in.deps[:0]}
	if c.prev != nil {
		in.prev = c.prev[i]
	}
	for _, j := range c.rf.deps[i] {
		in.deps = append(in.deps, &buf.slab[j])
	}
	buf.inputs[p.ImportPath] = in
	buf.order = append(buf.order, in)
	if !p.DepOnly {
		c.out.roots = append(c.out.roots, p)
	}
	return in
}

// A unitRequest is one package's unit to find or compute for a target.
type unitRequest struct {
	p         *listedPackage
	in        *passInput
	files     []string
	role      unitRole
	goVersion string
	deps      depAPIs
}

// depAPIs are a package's dependencies' API keys for one target, in
// import order; as maps (with the units) only for a key not known yet or
// a type check.
type depAPIs struct {
	imports []string
	inputs  map[string]*passInput // the target's pass inputs by import path
	list    []string
	final   bool // every dependency's key is an immutable package's
	keys    map[string]string
	units   map[string]*unit
}

func (d *depAPIs) keyList() []string {
	if d.list != nil {
		return d.list
	}
	d.list, d.final = make([]string, len(d.imports)), true
	for i, imp := range d.imports {
		if in, ok := d.inputs[imp]; ok && in.unit != nil {
			d.list[i] = in.apiKey
			d.final = d.final && in.list.fixedKey.Load() != nil
		} else {
			d.list[i] = "-"
			d.final = false
		}
	}
	return d.list
}

func (d *depAPIs) maps() (keys map[string]string, units map[string]*unit) {
	if d.keys != nil {
		return d.keys, d.units
	}
	list := d.keyList()
	d.keys, d.units = make(map[string]string, len(d.imports)), make(map[string]*unit, len(d.imports))
	for i, imp := range d.imports {
		d.keys[imp] = list[i]
		if in, ok := d.inputs[imp]; ok && in.unit != nil {
			d.units[imp] = in.unit
		}
	}
	return d.keys, d.units
}

// unitKey is the key of r's unit: it names the inputs of its type check.
func (c *targetCheck) unitKey(r *unitRequest) string {
	p, fixed := r.p, r.p.fixed
	if k := p.fixedKey.Load(); k != nil {
		return *k
	}
	list := r.deps.keyList()
	var contents []*source.Content
	if !fixed {
		contents = make([]*source.Content, len(r.files))
		for i, f := range r.files {
			contents[i] = c.s.files.Read(f)
		}
		r.in.contents, r.in.validUntil = contents, source.ValidUntil(contents)
	}
	if k, ok := p.mutableKeys.lookup(contents, list); ok {
		return k
	}
	depKeys, _ := r.deps.maps()
	// Files of immutable packages (GOROOT, the module cache) are
	// identified by path: reading them to hash them would cost more
	// than the check of an edit.
	hashes := make([]string, len(r.files))
	for i, f := range r.files {
		if fixed {
			hashes[i] = f
		} else {
			hashes[i] = f + "@" + contents[i].Hash
		}
	}
	key := unitKey(p, hashes, depKeys, c.sizes, c.s.toolchain+"\x00"+r.goVersion, r.role)
	if fixed && r.deps.final {
		p.fixedKey.Store(&key)
	} else if !fixed {
		p.mutableKeys.store(contents, list, key)
	}
	return key
}

// unit returns the unit of key, computing it here if no other target
// has, or waiting for the target that does.
func (c *targetCheck) unit(ctx context.Context, r *unitRequest, key, shape string) (*unit, error) {
	s, p := c.s, r.p
	var lazy func(*unit)
	if r.role == roleStd {
		// Checked when a package's check imports it, if ever: a
		// standard library package is checked for its API, and the
		// imports its declarations do not use are not checked.
		depKeys, depUnits := r.deps.maps()
		lazy = func(u *unit) {
			s.computeGuarded(u, func() {
				s.computeUnit(u, p, r.files, depUnits, depKeys, c.sizes, r.goVersion, r.role, p.fixed, nil)
			})
		}
	}
	u, compute := s.units.get(key, p.fixed, p.Name, lazy)
	switch {
	case r.role == roleStd:
	case compute:
		depKeys, depUnits := r.deps.maps()
		var base *unit
		if shape != "" {
			base = s.units.base(shape)
		}
		s.computeGuarded(u, func() {
			s.computeUnit(u, p, r.files, depUnits, depKeys, c.sizes, r.goVersion, r.role, p.fixed, base)
		})
	default:
		select {
		case <-u.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return u, nil
}

// analyze runs the analyzers over the prepared units, collects the
// target's verdicts and findings, and leaves the check for the next.
func (c *targetCheck) analyze() error {
	s, st, buf := c.s, c.st, c.buf
	order := buf.order
	world, worldUntil := st.world, st.worldUntil
	if !s.files.UnchangedSince("", worldUntil) || slices.ContainsFunc(order, func(in *passInput) bool {
		return !in.list.fixed && len(in.list.ignored) > 0 && s.files.BufferChanged(in.list.Dir)
	}) {
		world, worldUntil = s.leftOutWorld(order)
	}
	list := listKey(c.t)
	rs := &runState{fset: s.fset, sizes: c.sizes, readFile: overlayReader(s.files), facts: map[factKey]factValue{},
		reparse: s.reparse,
		cache:   s.analyses,
		cacheKey: func(ba boundAnalyzer, in *passInput) analysisKey {
			return s.analysisKey(list, ba, in, world)
		},
		filesKey:       func(in *passInput) string { return s.filesKey(in, false) },
		unchangedSince: s.files.UnchangedSince,
		fullPass:       s.fullPass,
		std:            factsFromStd(c.analyzers),
	}
	rs.world, rs.prevWorld = world, st.world
	diags, err := rs.run(c.analyzers, order)
	if err != nil {
		return err
	}
	if s.observe != nil {
		for _, d := range diags {
			s.observe(c.t, d)
		}
	}
	s.collect(c.out, c.opts, order, buf.inputs, diags)
	for _, in := range order {
		in.prev = nil // one check back is enough; do not chain them all
	}
	st.inputs, st.world, st.worldUntil, st.toolchain, st.analyzers = order, world, worldUntil, s.toolchain, analyzerNames(c.analyzers)
	st.next = 1 - st.next
	return nil
}

// A targetState is what a target's last completed check on one listing
// left for the next: its pass inputs, in listing order.
type targetState struct {
	inputs               []*passInput
	world                string
	worldUntil           time.Time // validUntil of the world's files
	toolchain, analyzers string

	// A check fills the buffers its last but one left: its pass inputs
	// and maps are garbage once the next check has read them.
	bufs [2]checkBuffers
	next int
}

type checkBuffers struct {
	slab     []passInput
	order    []*passInput
	inputs   map[string]*passInput
	verdicts map[string]Verdict
}

// buffers returns the buffers for a check of n packages, emptied.
func (st *targetState) buffers(n int) *checkBuffers {
	b := &st.bufs[st.next]
	if len(b.slab) != n {
		b.slab = make([]passInput, n)
	}
	b.order = b.order[:0]
	if b.inputs == nil {
		b.inputs, b.verdicts = make(map[string]*passInput, n), make(map[string]Verdict, n)
	}
	clear(b.inputs)
	clear(b.verdicts)
	return b
}

type targetStateKey struct {
	first  *listedPackage // identifies the listing
	target string
}

func (s *Session) targetStateFor(t target.Target, pkgs []*listedPackage) *targetState {
	if len(pkgs) == 0 {
		return &targetState{}
	}
	key := targetStateKey{pkgs[0], t.String()}
	s.rootFilesMu.Lock()
	defer s.rootFilesMu.Unlock()
	st, ok := s.targetStates[key]
	if !ok {
		st = &targetState{}
		if s.targetStates == nil {
			s.targetStates = map[targetStateKey]*targetState{}
		}
		s.targetStates[key] = st
	}
	return st
}

// sameUnitInputs reports whether in's unit is pv's: the same file contents
// (immutable packages' files do not change) and dependencies with the
// same API.
func (s *Session) sameUnitInputs(in, pv *passInput, files []string, fixed bool) bool {
	if pv.unit == nil || len(in.deps) != len(pv.deps) {
		return false
	}
	for j, d := range in.deps {
		a, b := d, pv.deps[j]
		if a.unit != b.unit && (a.unit == nil || b.unit == nil || a.apiKey != b.apiKey) {
			return false
		}
	}
	if fixed {
		return true
	}
	if len(pv.contents) != len(files) {
		return false
	}
	if s.files.UnchangedSince(in.list.Dir, pv.validUntil) {
		in.validUntil = pv.validUntil
		return true
	}
	for j, f := range files {
		if s.files.Read(f) != pv.contents[j] {
			return false
		}
	}
	in.validUntil = source.ValidUntil(pv.contents)
	return true
}
