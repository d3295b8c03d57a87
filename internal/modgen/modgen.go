// Package modgen generates random Go modules whose API differs between
// targets, for testing crossls's verdicts against the real go build.
//
// A module holds one to three package graphs, each under its own
// directory (g0/, g1/, ...): sharing a module amortises the go command's
// start-up over several graphs, and a graph that fails to load for a
// target only costs its own packages a build each. In a graph, package a
// declares names whose declarations vary per target (build-tagged files,
// a variant per group of targets, sometimes none); packages b* import a
// and use those names, and re-export some; packages c* import a b and use
// the re-exports, reaching a's types two hops away. Now and then a graph
// has a leaf package with no files at all for some targets, or only cgo
// files, or only tests, and an importer of it.
//
// Generation is deterministic: the same seed gives the same module.
package modgen

import (
	"fmt"
	"go/format"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
)

// ModulePath is the module path of every generated module.
const ModulePath = "example.com/gen"

// Module is a generated module.
type Module struct {
	// Files maps slash-separated paths relative to the module root to
	// their content. go.mod is included.
	Files map[string]string
	// Description summarises how the module was made: per package, the
	// names it declares, their kinds, partitions and variants, and what
	// it uses.
	Description string
}

// Packages returns the import paths of the module's packages, sorted.
func (m Module) Packages() []string {
	seen := map[string]bool{}
	for name := range m.Files {
		if i := strings.LastIndex(name, "/"); i > 0 && strings.HasSuffix(name, ".go") {
			seen[ModulePath+"/"+name[:i]] = true
		}
	}
	var pkgs []string
	for p := range seen {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	return pkgs
}

// Generate returns the module for seed.
func Generate(seed int64) Module {
	g := &gen{r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
	fmt.Fprintf(&g.desc, "seed %d\n", seed)
	graphs := 1 + g.r.IntN(3)
	for i := range graphs {
		g.graph(fmt.Sprintf("g%d", i))
	}
	// Tests draw from a stream of their own: the rest of the module is
	// what it was before tests were generated.
	main := g.r
	g.r = rand.New(rand.NewPCG(uint64(seed), 0x7465737473))
	g.tests()
	g.testRand, g.r = g.r, main
	return g.module()
}

type gen struct {
	r *rand.Rand
	// testRand decorates test files.
	testRand *rand.Rand
	pkgs     []*pkg
	n        int // for unique names
	desc     strings.Builder
	notes    []string // per package, for the description
}

type pkg struct {
	dir, name string
	files     map[string]*file
	fileOrder []string
	features  []*feature
	// reexported are the names of other packages' features this package
	// re-exports.
	reexported map[string]bool
	// importers are packages that import this one (for import cycles).
	importers []*pkg
	notes     []string
	// main packages are linked: main calls the uses in the files every
	// target builds, so that what they refer to must exist at link time.
	main bool
	// testing makes new files test files (see tests); testOrder lists
	// them, apart from fileOrder so that the files of a module without
	// tests stay as they were.
	testing   bool
	testOrder []string
}

type feature struct {
	name  string
	kind  *kind
	owner *pkg
	recv  *feature // an embed kind's method kind feature
	// variants are the indexes of the variants chosen, one per part;
	// -1 for a cgo variant.
	variants []int
}

type file struct {
	name    string
	pkgName string
	part    part
	// asm gives the file an assembly file with the same constraints.
	asm bool
	// decor is how the file's header is dressed up (see decorations).
	decor    string
	useFuncs []string
	imports  map[string]string // path -> local name ("" for the default, "_" for blank)
	decls    []string
}

func (g *gen) next() int {
	g.n++
	return g.n
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, list []T) T { return list[g.r.IntN(len(list))] }

func (g *gen) newPkg(dir string) *pkg {
	p := &pkg{dir: dir, name: dir[strings.LastIndex(dir, "/")+1:], files: map[string]*file{}, reexported: map[string]bool{}}
	g.pkgs = append(g.pkgs, p)
	return p
}

func (p *pkg) path() string { return ModulePath + "/" + p.dir }

// namedFile returns p's file name, creating it.
func (p *pkg) namedFile(name string, pt part) *file {
	if f := p.files[name]; f != nil {
		return f
	}
	f := &file{name: name, pkgName: p.name, part: pt, imports: map[string]string{}}
	p.files[name] = f
	if p.testing {
		p.testOrder = append(p.testOrder, name)
	} else {
		p.fileOrder = append(p.fileOrder, name)
	}
	return f
}

// file returns p's file for a part of a partition whose files are named
// stem_suffix.go; stem "" is the common file, which every target builds.
func (p *pkg) file(stem string, pt part) *file {
	switch {
	case stem == "" && p.testing:
		return p.namedFile("common_test.go", part{})
	case stem == "":
		return p.namedFile(p.name+".go", part{})
	case p.testing:
		return p.namedFile(stem+"_"+pt.suffix+"_test.go", pt)
	}
	return p.namedFile(stem+"_"+pt.suffix+".go", pt)
}

func (p *pkg) common() *file { return p.file("", part{}) }

func (p *pkg) useFile() *file {
	if p.testing {
		return p.namedFile("use_test.go", part{})
	}
	return p.namedFile("use.go", part{})
}

func stemOf(pt *partition) string { return strings.ReplaceAll(pt.name, "-", "") }

// graph generates one package graph under prefix.
func (g *gen) graph(prefix string) {
	a := g.newPkg(prefix + "/a")
	for range 2 + g.r.IntN(4) {
		g.declare(a)
	}
	// A use in a itself makes a fail for the targets it does not suit,
	// and with it every package of the graph: one at most.
	if g.chance(0.3) {
		f := pick(g, a.features)
		g.use(a, f, "", g.useSite(a))
	}
	if g.chance(0.1) {
		g.testFile(a)
	}
	var bs []*pkg
	for i := range 1 + g.r.IntN(3) {
		b := g.newPkg(fmt.Sprintf("%s/b%d", prefix, i))
		g.imports(b, a)
		bs = append(bs, b)
		if g.chance(0.3) {
			for range 1 + g.r.IntN(2) {
				g.declare(b)
			}
		}
		for range 1 + g.r.IntN(2) {
			g.use(b, pick(g, a.features), "a.", g.useSite(b))
		}
		if g.chance(0.15) {
			g.stdUse(b)
		}
	}
	for i := range g.r.IntN(3) {
		c := g.newPkg(fmt.Sprintf("%s/c%d", prefix, i))
		// A b that uses a fails for the targets its uses do not suit, and
		// its importers with it: half the time c reaches a through a b
		// that only re-exports.
		via := pick(g, bs)
		if g.chance(0.5) {
			via = g.newPkg(fmt.Sprintf("%s/b%d", prefix, len(bs)))
			g.imports(via, a)
			bs = append(bs, via)
		}
		g.imports(c, via)
		c.main = g.chance(0.25)
		direct := g.chance(0.3)
		if direct {
			g.imports(c, a)
		}
		for range 1 + g.r.IntN(2) {
			switch {
			case len(via.features) > 0 && g.chance(0.3):
				g.use(c, pick(g, via.features), via.name+".", g.useSite(c))
			case direct && g.chance(0.3):
				g.use(c, pick(g, a.features), "a.", g.useSite(c))
			default:
				f := pick(g, a.features)
				g.reexport(via, f)
				g.use(c, f, via.name+".", g.useSite(c))
			}
		}
	}
	if g.chance(0.25) {
		g.leaf(prefix, pick(g, bs))
	}
}

func (g *gen) imports(user, used *pkg) {
	used.importers = append(used.importers, user)
	user.notes = append(user.notes, "imports "+used.dir)
}

// pickKind favours the kinds with the most ways to differ.
func (g *gen) pickKind() *kind {
	for {
		k := pick(g, kinds)
		switch k.name {
		case "body", "broken":
			if !g.chance(0.15) {
				continue
			}
		case "cgo-func", "cgo-type", "cgo-value", "size":
			if !g.chance(0.5) {
				continue
			}
		}
		return k
	}
}

// declare declares a new name in p, with a variant per part of a random
// partition.
func (g *gen) declare(p *pkg) *feature { return g.declareKind(p, g.pickKind()) }

func (g *gen) declareKind(p *pkg, k *kind) *feature {
	f := &feature{name: fmt.Sprintf("%s%d", prefixOf(k), g.next()), kind: k, owner: p}
	if k.embeds {
		var recvs []*feature
		for _, other := range p.features {
			if other.kind.name == "method" {
				recvs = append(recvs, other)
			}
		}
		if len(recvs) == 0 {
			recvs = append(recvs, g.declareKind(p, kindNamed("method")))
		}
		f.recv = pick(g, recvs)
	}
	g.place(f)
	p.features = append(p.features, f)
	return f
}

func kindNamed(name string) *kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	panic("no kind " + name)
}

func prefixOf(k *kind) string {
	switch k.name {
	case "func":
		return "F"
	case "const":
		return "K"
	case "type":
		return "T"
	case "method":
		return "R"
	case "embed":
		return "E"
	case "generic":
		return "G"
	case "generic-type":
		return "B"
	case "interface":
		return "I"
	case "struct":
		return "S"
	case "var":
		return "V"
	case "alias":
		return "A"
	case "size":
		return "W"
	case "body":
		return "H"
	case "broken":
		return "X"
	case "asm":
		return "Z"
	case "leaf":
		return "L"
	}
	return "C" // cgo kinds
}

// place writes f's common declarations and its variants.
func (g *gen) place(f *feature) {
	k := f.kind
	expand := func(s string) string { return g.expand(s, f, "", f.owner) }
	if k.common != "" {
		g.add(f.owner.common(), expand(k.common), f.owner)
	}
	pt := g.pickPartition(k)
	for f.owner.testing && hasCgoPart(pt) {
		pt = g.pickPartition(k) // test files may not import "C"
	}
	var chosen []string
	for _, prt := range pt.parts {
		list := k.variants
		if prt.cgo && len(k.cgoVariants) > 0 {
			list = k.cgoVariants
		}
		if k.name == "struct" {
			list = []string{g.structVariant()}
		}
		i := g.r.IntN(len(list))
		chosen = append(chosen, fmt.Sprintf("%s=%d", prt.suffix, i))
		switch {
		case prt.cgo && len(k.cgoVariants) > 0:
			f.variants = append(f.variants, -1)
		case k.name != "struct":
			f.variants = append(f.variants, i)
		}
		if list[i] == "" {
			continue
		}
		stem := stemOf(pt)
		if pt == none {
			stem = ""
		}
		g.add(f.owner.file(stem, prt), expand(list[i]), f.owner)
	}
	note := fmt.Sprintf("%s %s by %s: %s", f.name, k.name, pt.name, strings.Join(chosen, " "))
	if f.recv != nil {
		note += " (embeds " + f.recv.name + ")"
	}
	f.owner.notes = append(f.owner.notes, note)
}

func (g *gen) pickPartition(k *kind) *partition {
	if k.name == "size" {
		return none
	}
	if len(k.cgoVariants) > 0 {
		var cgo []*partition
		for i := range partitions {
			for _, prt := range partitions[i].parts {
				if prt.cgo {
					cgo = append(cgo, &partitions[i])
					break
				}
			}
		}
		return pick(g, cgo)
	}
	if g.chance(0.1) {
		return none
	}
	return g.randomPartition()
}

// randomPartition picks a partition, the rare ones (which make every
// target they select fail) a third as often.
func (g *gen) randomPartition() *partition {
	for {
		pt := &partitions[g.r.IntN(len(partitions))]
		if !rare[pt.name] || g.chance(0.33) {
			return pt
		}
	}
}

func (g *gen) structVariant() string {
	n := g.r.IntN(4)
	var fields []string
	seen := map[string]bool{}
	for range n {
		fld := pick(g, structFields)
		name := strings.Fields(fld)[0]
		if seen[name] && name != "_" {
			continue
		}
		seen[name] = true
		fields = append(fields, fld)
	}
	if len(fields) == 0 {
		return "type $N struct{}"
	}
	return "type $N struct {\n\t" + strings.Join(fields, "\n\t") + "\n}"
}

// useSite returns the file a use goes in: usually one every target
// builds, sometimes one of a partition's files.
func (g *gen) useSite(p *pkg) *file {
	if g.chance(0.8) {
		return p.useFile()
	}
	pt := g.randomPartition()
	for p.testing && hasCgoPart(pt) {
		pt = g.randomPartition()
	}
	return p.file(stemOf(pt), pick(g, pt.parts))
}

func hasCgoPart(pt *partition) bool {
	return slices.ContainsFunc(pt.parts, func(prt part) bool { return prt.cgo })
}

// use writes a use of f in user's file site; q reaches f's package.
func (g *gen) use(user *pkg, f *feature, q string, site *file) {
	var owner *pkg
	if q != "" {
		owner = g.pkgNamed(user, strings.TrimSuffix(q, "."))
	}
	g.useOf(user, f, q, site, owner)
}

// useOf writes a use of f in user's file site, through q, the name of
// owner (nil if q is "").
func (g *gen) useOf(user *pkg, f *feature, q string, site *file, owner *pkg) {
	u, ok := g.pickUse(f, q)
	if !ok {
		return
	}
	if owner != nil {
		site.imports[owner.path()] = ""
	}
	// One expansion for both parts: the body refers to the top's $U.
	top, body, _ := strings.Cut(g.expand(u.top+"\x00"+u.body, f, q, user), "\x00")
	if top != "" {
		g.add(site, top, user)
	}
	if body != "" {
		g.addUseFunc(site, body, user)
	}
	user.notes = append(user.notes, fmt.Sprintf("uses %s%s in %s", q, f.name, site.name))
}

func (g *gen) addUseFunc(site *file, body string, p *pkg) {
	name := fmt.Sprintf("use%d", g.next())
	g.add(site, fmt.Sprintf("func %s() {\n%s\n}", name, body), p)
	site.useFuncs = append(site.useFuncs, name)
}

// pickUse picks a use of f, preferring one that some of f's variants
// accept and others reject, then one that some accept.
func (g *gen) pickUse(f *feature, q string) (use, bool) {
	var all, some, discriminating []int
	for i, u := range f.kind.uses {
		if u.local && q != "" {
			continue
		}
		all = append(all, i)
		valid := validFor(f.kind, i)
		if valid == nil || len(f.variants) == 0 {
			continue
		}
		n := 0
		for _, v := range f.variants {
			if v < 0 || valid[v] {
				n++
			}
		}
		if n > 0 {
			some = append(some, i)
		}
		if n > 0 && n < len(f.variants) {
			discriminating = append(discriminating, i)
		}
	}
	for _, list := range [][]int{discriminating, some, all} {
		if len(list) > 0 && (g.chance(0.85) || len(list) == len(all)) {
			return f.kind.uses[pick(g, list)], true
		}
	}
	return use{}, false
}

// pkgNamed finds the package user imports as name.
func (g *gen) pkgNamed(user *pkg, name string) *pkg {
	for _, p := range g.pkgs {
		if p.name == name && slices.Contains(p.importers, user) {
			return p
		}
	}
	panic(fmt.Sprintf("%s does not import %s", user.dir, name))
}

func (g *gen) stdUse(p *pkg) {
	site := g.useSite(p)
	g.addUseFunc(site, pick(g, stdUses), p)
	p.notes = append(p.notes, "uses the standard library in "+site.name)
}

// reexport makes via offer f (declared in a package via imports) under
// f's name.
func (g *gen) reexport(via *pkg, f *feature) {
	if via.reexported[f.name] || f.owner == via {
		return
	}
	via.reexported[f.name] = true
	if f.recv != nil {
		g.reexport(via, f.recv)
	}
	tmpl := pick(g, f.kind.reexports)
	site := via.common()
	if g.chance(0.15) {
		pt := g.randomPartition()
		site = via.file(stemOf(pt), pick(g, pt.parts))
	}
	site.imports[f.owner.path()] = ""
	code := strings.ReplaceAll(tmpl, "$A", f.owner.name+".")
	g.add(site, g.expand(code, f, "", via), via)
	via.notes = append(via.notes, fmt.Sprintf("re-exports %s.%s in %s", f.owner.name, f.name, site.name))
}

// leaf adds a package whose files all vary (so that some targets have
// none), or that has only cgo files or only tests, and makes importer use
// it.
func (g *gen) leaf(prefix string, importer *pkg) {
	dir := prefix + "/d"
	if g.chance(0.15) {
		dir = prefix + "/a/internal/d" // importer may not import it
	}
	d := g.newPkg(dir)
	k := &kind{
		name:     "leaf",
		variants: []string{"const $N = 1\n\nfunc Get$N() int { return $N }"},
		uses:     []use{body("_ = $Q$N + $QGet$N()")},
	}
	f := &feature{name: fmt.Sprintf("L%d", g.next()), kind: k, owner: d}
	d.features = append(d.features, f)
	switch g.r.IntN(4) {
	case 0:
		g.add(d.namedFile("only_test.go", part{}), g.expand(k.variants[0], f, "", d), d)
		d.notes = append(d.notes, "only a test file")
	case 1:
		fl := d.file("cgoonly", part{suffix: "all", cgo: true})
		g.add(fl, g.expand(k.variants[0], f, "", d), d)
		d.notes = append(d.notes, "only a cgo file")
	default:
		gaps := []string{"os-gap", "cgo-gap", "arch-gap", "plan9-gap", "windows-gap", "ignored", "cgo-linux", "js-plan9"}
		name := pick(g, gaps)
		for i := range partitions {
			pt := &partitions[i]
			if pt.name != name {
				continue
			}
			for _, prt := range pt.parts {
				if g.chance(0.8) {
					g.add(d.file(stemOf(pt), prt), g.expand(k.variants[0], f, "", d), d)
				}
			}
			d.notes = append(d.notes, "every file in partition "+name)
		}
	}
	g.imports(importer, d)
	g.use(importer, f, "d.", g.useSite(importer))
}

// testFile gives p a test file that declares what its other files lack
// for some targets: go build ignores it.
func (g *gen) testFile(p *pkg) {
	f := pick(g, p.features)
	list := f.kind.variants
	if f.kind.name == "struct" {
		list = []string{g.structVariant()}
	}
	v := pick(g, list)
	if v == "" {
		return
	}
	g.add(p.namedFile("zz_test.go", part{}), g.expand(v, f, "", p), p)
	p.notes = append(p.notes, "declares "+f.name+" again in zz_test.go")
}

// testKinds are the kinds a test file may declare: none needs assembly,
// cgo or another package clause.
var testKinds = []string{"func", "const", "type", "method", "embed", "generic", "generic-type", "interface", "struct", "var", "alias", "size"}

// tests gives some packages tests: internal test files that declare
// helpers per target and use the package's names and its imports' (some
// only for some targets), and external test packages that use the
// package's names, those of its internal test files included.
func (g *gen) tests() {
	for _, p := range slices.Clone(g.pkgs) {
		internal, external := g.chance(0.5), !p.main && g.chance(0.3)
		if !internal && !external {
			continue
		}
		if internal {
			p.testing = true
			if g.chance(0.5) {
				f := g.declareKind(p, kindNamed(pick(g, testKinds)))
				g.use(p, f, "", g.useSite(p))
				p.notes = append(p.notes, "tests declare "+f.name)
			}
			for range 1 + g.r.IntN(2) {
				f, q := g.testUse(p)
				if f != nil {
					g.use(p, f, q, g.useSite(p))
				}
			}
			p.testing = false
		}
		if external && len(p.features) > 0 {
			p.testing = true
			ext := p.namedFile("ext_test.go", part{})
			ext.pkgName = p.name + "_test"
			for range 1 + g.r.IntN(2) {
				f := pick(g, p.features)
				g.useOf(p, f, p.name+".", ext, p)
			}
			if len(ext.decls) == 0 {
				// No use fits: the package is still imported.
				ext.imports[p.path()] = "_"
			}
			p.testing = false
			p.notes = append(p.notes, "has an external test package")
		}
	}
}

// testUse picks a name for p's tests to use: p's own, or one of a package
// p imports, with its qualifier.
func (g *gen) testUse(p *pkg) (*feature, string) {
	type candidate struct {
		f *feature
		q string
	}
	var all []candidate
	for _, f := range p.features {
		all = append(all, candidate{f, ""})
	}
	for _, d := range g.pkgs {
		if slices.Contains(d.importers, p) {
			for _, f := range d.features {
				all = append(all, candidate{f, d.name + "."})
			}
		}
	}
	if len(all) == 0 {
		return nil, ""
	}
	c := pick(g, all)
	return c.f, c.q
}

// expand fills in a template for feature f used from package user through
// qualifier q.
func (g *gen) expand(s string, f *feature, q string, user *pkg) string {
	recv := ""
	if f.recv != nil {
		recv = f.recv.name
	}
	s = strings.NewReplacer("$Q", q, "$N", f.name, "$R", recv).Replace(s)
	if strings.Contains(s, "$U") {
		s = strings.ReplaceAll(s, "$U", fmt.Sprintf("u%d", g.next()))
	}
	return s
}

// add appends code to f, handling the marker lines a variant may start
// with and the standard library imports the code needs.
func (g *gen) add(f *file, code string, p *pkg) {
	for {
		line, rest, ok := strings.Cut(code, "\n")
		if !ok {
			break
		}
		switch {
		case line == "//import os":
			f.imports["os"] = ""
		case line == "//package other":
			f.pkgName = "other"
		case line == "//asm":
			f.asm = true
		case line == "//importcycle":
			if len(p.importers) > 0 {
				f.imports[p.importers[0].path()] = "_"
			}
		default:
			f.decls = append(f.decls, code)
			g.stdImports(f, code)
			return
		}
		code = rest
	}
	f.decls = append(f.decls, code)
	g.stdImports(f, code)
}

func (g *gen) stdImports(f *file, code string) {
	for _, std := range []string{"unsafe", "syscall", "os"} {
		if strings.Contains(code, std+".") {
			f.imports[std] = ""
		}
	}
}

// header is the file's constraint as it goes before the package clause.
func (f *file) header() string {
	pt := f.part
	switch {
	case pt.build == "" || pt.late:
		return ""
	case strings.HasPrefix(pt.build, "+build ") && pt.noBlank:
		return "// " + pt.build + "\n"
	case strings.HasPrefix(pt.build, "+build "):
		return "// " + pt.build + "\n\n"
	}
	return "//go:build " + pt.build + "\n\n"
}

func (f *file) render() string {
	var b strings.Builder
	switch f.decor {
	case "block-comment":
		b.WriteString("/* A block comment before the constraint. */\n")
	case "line-comment":
		b.WriteString("// A line comment before the constraint.\n\n")
	}
	header := f.header()
	if f.decor == "no-blank-line" && strings.HasPrefix(header, "//go:build") {
		header = strings.TrimSuffix(header, "\n")
	}
	b.WriteString(header)
	fmt.Fprintf(&b, "package %s\n\n", f.pkgName)
	if f.part.late {
		fmt.Fprintf(&b, "//go:build %s\n\n", f.part.build)
	}
	if f.part.cgo {
		b.WriteString(cgoPreamble)
		b.WriteString("import \"C\"\n\n")
	}
	if len(f.imports) > 0 {
		var paths []string
		for p := range f.imports {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		b.WriteString("import (\n")
		for _, p := range paths {
			if name := f.imports[p]; name != "" {
				fmt.Fprintf(&b, "\t%s %q\n", name, p)
			} else {
				fmt.Fprintf(&b, "\t%q\n", p)
			}
		}
		b.WriteString(")\n\n")
	}
	for _, d := range f.decls {
		b.WriteString(d)
		b.WriteString("\n\n")
	}
	src := strings.TrimRight(b.String(), "\n") + "\n"
	// gofmt would add a //go:build line to a // +build one, and undo the
	// decorations; a syntax error on purpose does not format.
	if !strings.HasPrefix(f.part.build, "+build ") && f.decor == "" {
		if formatted, err := format.Source([]byte(src)); err == nil {
			src = string(formatted)
		}
	}
	switch f.decor {
	case "bom":
		src = "\ufeff" + src
	case "crlf":
		src = strings.ReplaceAll(src, "\n", "\r\n")
	}
	return src
}

func (g *gen) module() Module {
	m := Module{Files: map[string]string{"go.mod": "module " + ModulePath + "\n\ngo 1.26\n"}}
	for _, p := range g.pkgs {
		if p.main {
			g.mainFunc(p)
		}
		for _, name := range p.fileOrder {
			f := p.files[name]
			if g.chance(0.08) {
				f.decor = pick(g, decorations)
			}
			m.Files[p.dir+"/"+name] = f.render()
			if f.asm {
				m.Files[p.dir+"/"+strings.TrimSuffix(name, ".go")+".s"] = f.header() + "// Declares nothing: the compiler leaves bodyless functions to the linker.\n"
			}
		}
		for _, name := range p.testOrder {
			f := p.files[name]
			if g.testRand != nil && g.testRand.Float64() < 0.08 {
				f.decor = decorations[g.testRand.IntN(len(decorations))]
			}
			m.Files[p.dir+"/"+name] = f.render()
		}
		fmt.Fprintf(&g.desc, "%s:\n", p.dir)
		for _, n := range p.notes {
			fmt.Fprintf(&g.desc, "\t%s\n", n)
		}
	}
	m.Description = g.desc.String()
	return m
}

// mainFunc makes p a main package whose main calls the uses every target
// builds.
func (g *gen) mainFunc(p *pkg) {
	var calls []string
	for _, name := range p.fileOrder {
		f := p.files[name]
		if f.part == (part{}) {
			calls = append(calls, f.useFuncs...)
		}
		if f.pkgName == p.name {
			f.pkgName = "main"
		}
	}
	for _, name := range p.testOrder {
		f := p.files[name]
		switch f.pkgName {
		case p.name:
			f.pkgName = "main"
		case p.name + "_test":
			f.pkgName = "main_test"
		}
	}
	body := ""
	for _, c := range calls {
		body += "\t" + c + "()\n"
	}
	g.add(p.useFile(), "func main() {\n"+body+"}", p)
	p.notes = append(p.notes, "is a main package")
}

// decorations dress up a file's header in ways the go command accepts.
var decorations = []string{"block-comment", "line-comment", "bom", "crlf", "no-blank-line"}
