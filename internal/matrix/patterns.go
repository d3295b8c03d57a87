package matrix

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/crossls/crossls/analysis/target"
)

// The go command leaves packages whose files all are excluded by build
// constraints out of the expansion of "./..." patterns, but `go build` of
// such a package fails. These functions find them, so the verdict table
// covers every package the patterns name, for every target.

// patternDirs returns patternDirs of opts, remembered while the package
// metadata is: both change only when files come or go.
func (s *Session) patternDirs(opts *Options) []string {
	if s.lists.dirs == nil {
		s.lists.dirs = patternDirs(opts.Dir, opts.Patterns)
	}
	return s.lists.dirs
}

// patternDirs returns the directories that relative patterns ("./...",
// "./cmd/...", ".", "./x") match and that hold Go files, test files
// included: a package of test files only is listed for the targets its
// files build for, and go build of it fails for the others too.
func patternDirs(dir string, patterns []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		if !seen[d] && hasGoFiles(d) {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, pat := range patterns {
		if !strings.HasPrefix(pat, ".") {
			continue // an import path pattern: the go command's listing is all we know
		}
		base, recursive := strings.CutSuffix(pat, "/...")
		if pat == "..." {
			base, recursive = ".", true
		}
		root := filepath.Join(dir, filepath.FromSlash(base))
		if !recursive {
			add(root)
			continue
		}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if path != root {
				name := d.Name()
				if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			add(path)
			return nil
		})
	}
	return out
}

func hasGoFiles(dir string) bool { return len(goFileNames(dir)) > 0 }

func goFileNames(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if name := e.Name(); e.Type().IsRegular() && strings.HasSuffix(name, ".go") && !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_") {
			names = append(names, name)
		}
	}
	return names
}

// excludedVerdict is the verdict for a package that has no files for t.
// excludedVerdict is excludedVerdictOf, kept with the listings: it reads
// the directory, which a new listing follows. It runs in Check (s.mu
// held).
func (s *Session) excludedVerdict(t target.Target, dir string) Verdict {
	key := [2]string{listKey(t), dir}
	if v, ok := s.lists.excluded[key]; ok {
		return v
	}
	v := excludedVerdictOf(t, dir)
	if s.lists.excluded == nil {
		s.lists.excluded = map[[2]string]Verdict{}
	}
	s.lists.excluded[key] = v
	return v
}

func excludedVerdictOf(t target.Target, dir string) Verdict {
	ctxt := t.Context()
	ctxt.CgoEnabled = true
	for _, name := range goFileNames(dir) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := ctxt.MatchFile(dir, name); err == nil && ok && !t.Cgo {
			return Verdict{Status: "fail", Class: ClassCgoRequired, Message: cgoOnlyMessage(dir)}
		}
	}
	return Verdict{Status: "fail", Class: ClassNoGoFiles, Message: "build constraints exclude all Go files in " + dir}
}

// importPathOf derives the import path of dir from the main modules of
// the listed packages.
func importPathOf(dir string, outs []*targetOutput) (string, bool) {
	best, bestLen := "", -1
	for _, o := range outs {
		for _, p := range o.roots {
			m := p.Module
			if m == nil || !m.Main || m.Dir == "" {
				continue
			}
			rel, err := filepath.Rel(m.Dir, dir)
			if err != nil || !filepath.IsLocal(rel) && rel != "." || len(m.Dir) <= bestLen {
				continue
			}
			best, bestLen = m.Path, len(m.Dir)
			if rel != "." {
				best += "/" + filepath.ToSlash(rel)
			}
		}
	}
	return best, bestLen >= 0
}
