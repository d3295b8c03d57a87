// Package config resolves the configuration of a module: which targets to
// check and where they came from, which analyzers run, and the settings of
// `crossls build`.
//
// Targets come from the first of these that has any:
//
//  1. an explicit list: the -targets flag or the editor setting;
//  2. the targets of .crossls.yaml, or of the staticcheck matrix file it
//     names (LoadMatrix's file, the -matrix flag, comes before both);
//  3. the builds of .goreleaser.yaml (or .goreleaser.yml);
//  4. target.Default().
//
// Configuration files are searched for in the directory being checked and
// its parents, up to the root of the workspace or repository. A module's
// own files (between it and its go.mod) come first: the workspace's apply
// only to modules without any. See docs/config.md for the schema of
// .crossls.yaml.
package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/crossls/crossls/analysis/target"
)

// Source says where the targets of a Config came from.
type Source string

const (
	SourceFlag       Source = "flag"     // -targets on the command line
	SourceSettings   Source = "settings" // the editor's crossls.targets setting
	SourceCrossls    Source = ".crossls.yaml"
	SourceGoReleaser Source = ".goreleaser.yaml"
	SourceMatrix     Source = "matrix" // a staticcheck -matrix file: -matrix, or matrix: in .crossls.yaml
	SourceDefault    Source = "default"
)

// Names of the files that configure crossls, in order of preference within
// one directory.
var (
	crosslsFiles    = []string{".crossls.yaml", ".crossls.yml"}
	goreleaserFiles = []string{".goreleaser.yaml", ".goreleaser.yml"}
)

// AnalyzerNames lists the analyzers that .crossls.yaml can switch on and off.
var AnalyzerNames = []string{"buildgap", "cgo", "format", "taghygiene"}

// Config is the resolved configuration of a module or workspace.
type Config struct {
	Targets []target.Target
	Source  Source
	// File is the absolute path of the file the targets came from, "" when
	// they came from a flag, a setting or the defaults.
	File string
	// Analyzers maps every name in AnalyzerNames to whether it runs.
	Analyzers map[string]bool
	Build     Build
	// Warnings are problems that did not stop loading, such as GoReleaser
	// templates that crossls cannot evaluate, as "file:line:col: message".
	Warnings []string
}

// Build holds the settings of `crossls build`.
type Build struct {
	OutputDir string // absolute; relative paths in a file are relative to that file's directory
	Jobs      int    // parallel builds; 0 means one per CPU
	Ldflags   string
	Trimpath  bool
	Tags      []string // build tags added for every target
	Name      string   // binary base name; "" means the main package's directory name
}

// Load resolves the configuration for the module or workspace at dir.
// A non-nil explicit list overrides any configured targets; explicitSource
// says where it came from (SourceFlag or SourceSettings). Targets are
// validated against dist; a nil dist means that of the "go" on PATH.
//
// A non-nil error is an *Error or an ErrorList whose positions point into
// the offending file.
func Load(dir string, explicit []string, explicitSource Source, dist *target.Dist) (*Config, error) {
	return load(dir, "", "", explicit, explicitSource, "", dist)
}

// LoadIn is Load for a module (or directory) dir of a workspace rooted at
// root: the go.work directory, the folder an editor opened, the
// directory a command runs in. Without a go.work or .git to stop at, the
// search for configuration files goes up to root rather than stopping at
// dir's go.mod, so that a folder of modules can configure them all.
// root "" is Load.
func LoadIn(dir, root string, explicit []string, explicitSource Source, dist *target.Dist) (*Config, error) {
	return load(dir, root, "", explicit, explicitSource, "", dist)
}

// LoadMatrix is like LoadIn, or LoadFile when file is not "", with the
// targets read from matrixFile, a file of staticcheck -matrix lines (see
// ParseMatrix), instead of any configured ones.
func LoadMatrix(dir, root, file, matrixFile string, dist *target.Dist) (*Config, error) {
	abs, err := filepath.Abs(matrixFile)
	if err != nil {
		return nil, err
	}
	if file == "" {
		return load(dir, root, "", nil, "", abs, dist)
	}
	if file, err = filepath.Abs(file); err != nil {
		return nil, err
	}
	if _, err := os.Stat(file); err != nil {
		return nil, &Error{File: file, Msg: "cannot read configuration: " + errText(err)}
	}
	return load(filepath.Dir(file), "", file, nil, "", abs, dist)
}

// LoadFile is like Load, but reads the configuration from file instead of
// searching for one. A file whose name contains "goreleaser" is read as a
// GoReleaser configuration, any other as .crossls.yaml; if that has no
// targets, they come from the GoReleaser configuration nearest to the
// file's directory, or the defaults, as with Load.
func LoadFile(file string, explicit []string, explicitSource Source, dist *target.Dist) (*Config, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, &Error{File: abs, Msg: "cannot read configuration: " + errText(err)}
	}
	return load(filepath.Dir(abs), "", abs, explicit, explicitSource, "", dist)
}

// load resolves the configuration; explicit targets, or else the targets
// of matrixFile when it is not "", override the configured ones.
func load(dir, root, file string, explicit []string, explicitSource Source, matrixFile string, dist *target.Dist) (*Config, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("cannot use directory %s: %s", dir, errText(err))}
	} else if !fi.IsDir() {
		return nil, &Error{Msg: fmt.Sprintf("cannot use directory %s: not a directory", dir)}
	}
	if dist == nil {
		if dist, err = target.LoadDist(context.Background(), "go"); err != nil {
			return nil, err
		}
	}
	crosslsFile, goreleaserFile := file, ""
	if file == "" {
		crosslsFile, goreleaserFile = search(dir, root)
	} else if isGoReleaserName(file) {
		crosslsFile, goreleaserFile = "", file
	} else {
		_, goreleaserFile = search(dir, root)
	}

	cfg := &Config{
		Analyzers: map[string]bool{},
		Build:     Build{OutputDir: filepath.Join(dir, "dist"), Trimpath: true},
	}
	for _, name := range AnalyzerNames {
		cfg.Analyzers[name] = true
	}

	var fileTargets []target.Target // from .crossls.yaml, if it has targets
	fileMatrix := ""                // the matrix file .crossls.yaml names
	if crosslsFile != "" {
		f, warnings, err := parseCrossls(crosslsFile, dist)
		cfg.Warnings = append(cfg.Warnings, warnings...)
		if err != nil {
			return nil, err
		}
		f.apply(cfg)
		fileTargets = f.targets
		if explicit == nil && matrixFile == "" {
			fileMatrix = f.matrix
		}
	}
	if matrixFile == "" {
		matrixFile = fileMatrix
	}

	switch {
	case explicit != nil:
		if explicitSource == "" {
			explicitSource = SourceFlag
		}
		ts, err := parseExplicit(explicit, explicitSource, dist)
		if err != nil {
			return nil, err
		}
		cfg.Targets, cfg.Source = ts, explicitSource
	case matrixFile != "":
		ts, err := ParseMatrix(matrixFile, dist)
		if err != nil {
			return nil, err
		}
		cfg.Targets, cfg.Source, cfg.File = ts, SourceMatrix, matrixFile
	case fileTargets != nil:
		cfg.Targets, cfg.Source, cfg.File = fileTargets, SourceCrossls, crosslsFile
	case goreleaserFile != "":
		ts, warnings, err := parseGoReleaser(goreleaserFile, dist)
		cfg.Warnings = append(cfg.Warnings, warnings...)
		if err != nil {
			return nil, err
		}
		if len(ts) == 0 {
			return nil, &Error{File: goreleaserFile, Msg: "no Go build targets: every build is skipped, ignored or templated"}
		}
		cfg.Targets, cfg.Source, cfg.File = ts, SourceGoReleaser, goreleaserFile
	default:
		cfg.Targets, cfg.Source = target.Default(), SourceDefault
	}
	return cfg, nil
}

// parseExplicit parses targets given on the command line or in editor
// settings. Each element may itself be a comma- or space-separated list,
// and may name a target set of the toolchain ("all", "first-class").
func parseExplicit(list []string, source Source, dist *target.Dist) ([]target.Target, error) {
	var (
		out  []target.Target
		seen = map[string]bool{}
		errs ErrorList
	)
	var words []string
	for _, s := range list {
		words = append(words, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })...)
	}
	for _, w := range words {
		ts, ok := dist.Set(w)
		if !ok {
			var err error
			if ts, err = target.ParseList(w); err != nil {
				errs.add(&Error{Msg: fmt.Sprintf("%s: %v", sourceName(source), err)})
				continue
			}
		}
		for _, t := range ts {
			if err := dist.Validate(t); err != nil {
				errs.add(&Error{Msg: fmt.Sprintf("%s: target %s: %v", sourceName(source), t, err)})
				continue
			}
			if !seen[t.String()] {
				seen[t.String()] = true
				out = append(out, t)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &Error{Msg: fmt.Sprintf("%s: no targets given", sourceName(source))}
	}
	return out, nil
}

func sourceName(s Source) string {
	switch s {
	case SourceFlag:
		return "-targets"
	case SourceSettings:
		return "crossls.targets setting"
	}
	return string(s)
}

// Find reports the configuration file that applies to dir: the nearest
// .crossls.yaml, else the nearest .goreleaser.yaml, of the module's own
// files or else the workspace's (see Applicable).
func Find(dir string) (path string, ok bool) {
	c, g := search(dir, "")
	if c != "" {
		return c, true
	}
	return g, g != ""
}

// Applicable returns the configuration files that apply to dir in the
// workspace rooted at root ("" if none; see LoadIn): the nearest
// .crossls.yaml and .goreleaser.yaml among the module's own files, those
// between dir and its go.mod, if it has any; else among the workspace's,
// those above the module up to the workspace or repository root. A
// module's own configuration replaces the workspace's entirely.
// Directories with the same files have the same configuration.
func Applicable(dir, root string) (crossls, goreleaser string) {
	return search(dir, root)
}

// Files returns every configuration file that can affect the configuration
// of dir, nearest first, for callers that watch them for changes.
func Files(dir string) []string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range searchDirs(abs, "") {
		for _, name := range slices.Concat(crosslsFiles, goreleaserFiles) {
			out = append(out, filepath.Join(d, name))
		}
	}
	return out
}

// search finds the nearest .crossls.yaml and the nearest .goreleaser.yaml
// for dir, "" where there is none: in the module's own directories (dir
// up to its go.mod) if they hold either, else in the workspace's above.
func search(dir, root string) (crossls, goreleaser string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", ""
	}
	chain := searchDirs(abs, root)
	own := len(chain)
	for i, d := range chain {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			own = i + 1
			break
		}
	}
	for _, level := range [][]string{chain[:own], chain[own:]} {
		for _, d := range level {
			if crossls == "" {
				crossls = firstFile(d, crosslsFiles)
			}
			if goreleaser == "" {
				goreleaser = firstFile(d, goreleaserFiles)
			}
		}
		if crossls != "" || goreleaser != "" {
			return crossls, goreleaser
		}
	}
	return "", ""
}

func firstFile(dir string, names []string) string {
	for _, name := range names {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// searchDirs returns dir and its parents up to the search root: the nearest
// directory holding go.work or .git (the workspace or repository), else
// root if it holds dir, or the nearest holding go.mod if that is higher,
// else dir alone. Configuration above the project must not leak into it.
func searchDirs(dir, root string) []string {
	var chain []string
	for d := dir; ; d = filepath.Dir(d) {
		chain = append(chain, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i, d := range chain {
		for _, m := range []string{"go.work", ".git"} {
			if _, err := os.Stat(filepath.Join(d, m)); err == nil {
				return chain[:i+1]
			}
		}
	}
	stop := 0
	for i, d := range chain {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			stop = i
			break
		}
	}
	if root != "" {
		if i := slices.Index(chain, filepath.Clean(root)); i > stop {
			stop = i
		}
	}
	return chain[:stop+1]
}

func isGoReleaserName(path string) bool {
	return strings.Contains(strings.ToLower(filepath.Base(path)), "goreleaser")
}

// An Error is a configuration error, positioned in its file when it has one.
type Error struct {
	File         string // absolute path, "" for flags and settings
	Line, Column int    // 1-based; 0 if unknown
	Msg          string
}

func (e *Error) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// An ErrorList is every error found in a configuration, in file order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// add appends e unless an identical error is already present, as happens
// when one bad word in a GoReleaser matrix meets several others.
func (l *ErrorList) add(e *Error) {
	for _, old := range *l {
		if *old == *e {
			return
		}
	}
	*l = append(*l, e)
}

// Err returns nil for an empty list, the single error for a list of one,
// and the list sorted by position otherwise.
func (l ErrorList) Err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return l
}

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
