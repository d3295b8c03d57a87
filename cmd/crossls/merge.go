package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/crossls/crossls/internal/matrix"
)

func init() {
	register("merge", command{summary: "merge the outputs of crossls check -shard into one", run: runMerge})
}

const mergeUsage = `Usage: crossls merge [-format FORMAT] [-v] FILE...

Merge reads the outputs of every shard of one check (crossls check -shard
I/N, as JSON or SARIF) and prints what one check of all the targets
prints: the same bytes, in the format of the inputs unless -format says
otherwise. Its exit status is that of the check. SARIF reads the source
files, as the check did: run it in the same checkout.

Flags:
`

func runMerge(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, mergeUsage)
		fs.PrintDefaults()
	}
	format := fs.String("format", "", "output `format`: text, json, sarif or html (default: that of the inputs)")
	verbose := fs.Bool("v", false, "with -format text, also list informational findings")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "crossls merge:", err)
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if *format != "" {
		if _, err := outputFormat(*format, false); err != nil {
			return fail(err)
		}
	}
	var shards []*shardInfo
	inputFormat := ""
	for _, file := range fs.Args() {
		data, err := os.ReadFile(file)
		if err != nil {
			return fail(err)
		}
		info, f, err := readShardOutput(data)
		if err != nil {
			return fail(fmt.Errorf("%s: %v", file, err))
		}
		if inputFormat != "" && f != inputFormat && *format == "" {
			return fail(fmt.Errorf("the inputs mix %s and %s: say which to print with -format", inputFormat, f))
		}
		inputFormat = f
		shards = append(shards, info)
	}
	if err := checkShards(shards); err != nil {
		return fail(err)
	}
	// Each unit's parts merge as that unit's check; the units' results
	// then merge as the check merges them.
	first := shards[0]
	var results []*matrix.Result
	for k, u := range first.units() {
		parts := make([]*matrix.Result, len(shards))
		for i, s := range shards {
			parts[i] = s.units()[k].Part
		}
		res, err := matrix.MergePartial(u.Targets, parts)
		if err != nil {
			return fail(err)
		}
		results = append(results, res)
	}
	res := mergeResults(results)
	out := output{format: inputFormat, dir: first.Dir, root: first.Root, tool: first.Tool, verbose: *verbose, modules: first.Modules}
	if *format != "" {
		out.format = *format
	}
	if out.format == formatSARIF {
		warnUnreadable(stderr, res)
	}
	if err := out.write(stdout, res); err != nil {
		return fail(err)
	}
	return exitCode(res)
}

// readShardOutput reads the shard information of a shard's JSON or SARIF
// output.
func readShardOutput(data []byte) (*shardInfo, string, error) {
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"runs"`
		Shard *shardInfo `json:"shard"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, "", fmt.Errorf("not the JSON or SARIF output of crossls check: %v", err)
	}
	if doc.Shard != nil && doc.Shard.hasParts() {
		return doc.Shard, formatJSON, nil
	}
	if doc.Version == "2.1.0" && len(doc.Runs) == 1 {
		if raw, ok := doc.Runs[0].Properties[sarifShardKey]; ok {
			var info shardInfo
			if err := json.Unmarshal(raw, &info); err != nil {
				return nil, "", err
			}
			if info.hasParts() {
				return &info, formatSARIF, nil
			}
		}
	}
	return nil, "", errors.New("not the output of crossls check -shard: it has no shard to merge")
}

// checkShards checks that shards are every shard of one check, and sorts
// them by index.
func checkShards(shards []*shardInfo) error {
	sort.SliceStable(shards, func(i, j int) bool { return shards[i].Index < shards[j].Index })
	first := shards[0]
	for _, s := range shards[1:] {
		switch {
		case s.Count != first.Count:
			return fmt.Errorf("shards of different splits: %d/%d and %d/%d", first.Index, first.Count, s.Index, s.Count)
		case !slices.Equal(s.Targets, first.Targets):
			return fmt.Errorf("shards %d and %d were cut from different target lists: %s and %s", first.Index, s.Index,
				strings.Join(first.Targets, ","), strings.Join(s.Targets, ","))
		case !slices.EqualFunc(s.units(), first.units(), func(a, b shardUnit) bool { return slices.Equal(a.Targets, b.Targets) }):
			return fmt.Errorf("shards %d and %d were cut from different target lists of the modules' checks", first.Index, s.Index)
		case s.Dir != first.Dir || s.Root != first.Root:
			return fmt.Errorf("shards %d and %d checked different directories: %s and %s", first.Index, s.Index, first.Dir, s.Dir)
		case !slices.Equal(s.Patterns, first.Patterns):
			return fmt.Errorf("shards %d and %d checked different packages: %q and %q", first.Index, s.Index, first.Patterns, s.Patterns)
		case !slices.EqualFunc(s.Modules, first.Modules, sameModule):
			return fmt.Errorf("shards %d and %d checked different modules or configurations", first.Index, s.Index)
		case s.Tool != first.Tool:
			return fmt.Errorf("shards %d and %d were checked by different versions of crossls: %s and %s", first.Index, s.Index, first.Tool, s.Tool)
		}
	}
	var missing []string
	for i, want := 0, 1; want <= first.Count; want++ {
		switch {
		case i < len(shards) && shards[i].Index == want:
			i++
			if i < len(shards) && shards[i].Index == want {
				return fmt.Errorf("shard %d/%d is given twice", want, first.Count)
			}
		default:
			missing = append(missing, fmt.Sprintf("%d/%d", want, first.Count))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing shards: %s", strings.Join(missing, " "))
	}
	return nil
}

func sameModule(a, b checkModule) bool {
	return a.Dir == b.Dir && a.Path == b.Path && a.GoWork == b.GoWork && slices.Equal(a.Targets, b.Targets) &&
		a.Source == b.Source && a.File == b.File
}

// warnUnreadable says which source files SARIF output cannot read: their
// columns stay in bytes and their fingerprints lack the line's text, so
// they differ from those of a check in the checkout.
func warnUnreadable(w io.Writer, res *matrix.Result) {
	seen := map[string]bool{}
	for _, d := range res.Diagnostics {
		if d.File == "" || seen[d.File] {
			continue
		}
		seen[d.File] = true
		if _, err := os.Stat(d.File); err != nil {
			fmt.Fprintf(w, "crossls merge: warning: cannot read %s: run merge in the checkout that was checked\n", d.File)
		}
	}
}
