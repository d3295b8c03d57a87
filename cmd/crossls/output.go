package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/crossls/crossls/analysis/target"
	"github.com/crossls/crossls/internal/matrix"
)

// Output formats of check and merge.
const (
	formatText  = "text"
	formatJSON  = "json"
	formatSARIF = "sarif"
	formatHTML  = "html"
)

// outputFormats are the values of -format; a new format is one more here
// and a case in output.write.
var outputFormats = []string{formatText, formatJSON, formatSARIF, formatHTML}

// outputFormat resolves -format and the older -json.
func outputFormat(format string, jsonFlag bool) (string, error) {
	switch {
	case format == "" && jsonFlag:
		return formatJSON, nil
	case format == "":
		return formatText, nil
	case jsonFlag && format != formatJSON:
		return "", fmt.Errorf("-json and -format %s disagree", format)
	case slices.Contains(outputFormats, format):
		return format, nil
	}
	return "", fmt.Errorf("unknown -format %q: want %s", format, strings.Join(outputFormats, ", "))
}

// output says how to write a check's result.
type output struct {
	format  string
	dir     string // the directory checked: text output names files relative to it
	root    string // SARIF locations are relative to it
	tool    string // the crossls version SARIF names
	verbose bool
	modules []checkModule // the modules checked, for JSON and HTML
	shard   *shardInfo    // set for a shard's output
}

func (o output) write(w io.Writer, res *matrix.Result) error {
	switch o.format {
	case formatJSON:
		modules := o.modules
		if modules == nil {
			modules = []checkModule{}
		}
		var v any = checkOutput{Result: res, Modules: modules}
		if o.shard != nil {
			v = shardResult{checkOutput{Result: res, Modules: modules}, o.shard}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case formatSARIF:
		log := sarifLogOf(res, o.root, o.tool)
		if o.shard != nil {
			log.Runs[0].Properties[sarifShardKey] = o.shard
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(log)
	case formatHTML:
		modules := o.modules
		if modules == nil {
			modules = []checkModule{}
		}
		return writeHTMLReport(w, o.dir, res, modules)
	}
	printText(w, o.dir, res, o.verbose)
	return nil
}

// outputFile opens -o's file, or returns stdout for "". The file is
// written next to its final name; commit, given the error of writing it,
// renames it to its name, or removes it if writing failed, so that a
// failed check leaves no half-written output.
func outputFile(name string, stdout io.Writer) (w io.Writer, commit func(error) error, err error) {
	if name == "" {
		return stdout, func(err error) error { return err }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644)
		}
		if err == nil {
			err = os.Rename(f.Name(), name)
		}
		if err != nil {
			os.Remove(f.Name())
		}
		return err
	}, nil
}

// exitCode is 1 when some target fails: a finding of severity error, or a
// failing verdict; else 0.
func exitCode(res *matrix.Result) int {
	for _, d := range res.Diagnostics {
		if d.Severity == matrix.SeverityError {
			return 1
		}
	}
	for _, p := range res.Packages {
		for _, v := range p.Targets {
			if v.Status == "fail" || v.Tests != nil && v.Tests.Status == "fail" {
				return 1
			}
		}
	}
	return 0
}

// checkShard checks the targets of one shard as a part of the whole
// check (matrix.Options.Partial). It returns the part, for crossls merge,
// and the result of a check of those targets alone.
func checkShard(ctx context.Context, opts matrix.Options) (part, res *matrix.Result, err error) {
	opts.Partial = true
	if len(opts.Targets) == 0 {
		// More shards than targets: an empty part, which merges as nothing.
		dist, err := target.LoadDist(ctx, opts.GoCmd)
		if err != nil {
			return nil, nil, err
		}
		part = &matrix.Result{GoVersion: dist.GoVersion, Targets: []string{}, Packages: []matrix.Package{},
			Diagnostics: []matrix.Diagnostic{}, Partial: &matrix.Partial{Once: []int{}, Unbuilt: []int{}}}
	} else if part, err = matrix.Check(ctx, opts); err != nil {
		return nil, nil, err
	}
	res, err = matrix.MergePartial(part.Targets, []*matrix.Result{part})
	if err != nil {
		return nil, nil, err
	}
	return part, res, nil
}
