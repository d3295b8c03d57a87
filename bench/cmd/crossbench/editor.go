package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crossls/crossls/bench/internal/lspclient"
	"github.com/crossls/crossls/bench/internal/procmem"
)

// breakingEdit appends one line to a Go file, such as a reference to a
// function that only some targets' files define, and takes it out again.
// Appending keeps every other line where it was, so the positions of
// other findings do not move.
type breakingEdit struct {
	line  string // without the newline
	lines int    // lines of the original text, which ends in a newline
}

func newBreakingEdit(text, line string) (breakingEdit, error) {
	if !strings.HasSuffix(text, "\n") {
		return breakingEdit{}, errors.New("file does not end in a newline")
	}
	if line == "" || strings.Contains(line, "\n") {
		return breakingEdit{}, fmt.Errorf("the edit must be one line, not %q", line)
	}
	return breakingEdit{line: line, lines: strings.Count(text, "\n")}, nil
}

// insert returns the change that appends the line.
func (e breakingEdit) insert() []lspclient.Change {
	end := lspclient.Position{Line: e.lines}
	return []lspclient.Change{{Range: lspclient.Range{Start: end, End: end}, Text: e.line + "\n"}}
}

// remove returns the change that deletes it again.
func (e breakingEdit) remove() []lspclient.Change {
	return []lspclient.Change{{Range: lspclient.Range{Start: lspclient.Position{Line: e.lines}, End: lspclient.Position{Line: e.lines + 1}}}}
}

// broken returns text with the line appended.
func (e breakingEdit) broken(text string) string { return text + e.line + "\n" }

// editorScenario is one server, one module, one configuration.
type editorScenario struct {
	Server  string   // "crossls" or "gopls"
	Argv    []string // the server command
	Env     []string
	Module  *module
	Targets []string // crossls: the "targets" setting; gopls: nil
	// Broken is the target whose name the crossls diagnostic must carry;
	// gopls is started with its GOOS/GOARCH.
	Broken string
	// Word appears in every server's message about the edit.
	Word    string
	Edits   int           // edit pairs (insert, remove) to time
	Budget  time.Duration // no new edit pair starts after this much time
	Timeout time.Duration // for any single wait
	LogDir  string        // server stderr goes here
	// LogSuffix tells apart the logs of runs of one scenario (the restart).
	LogSuffix string
}

func (s *editorScenario) name() string {
	if s.Server == "gopls" {
		return fmt.Sprintf("gopls GOOS=%s", strings.Split(s.Broken, "/")[0])
	}
	return fmt.Sprintf("crossls %d targets", len(s.Targets))
}

// editorResult is what one scenario measured.
type editorResult struct {
	ColdStart     time.Duration // spawn to the first diagnostics of the (broken) opened file
	Appear, Clear []time.Duration
	Peak          procmem.Peak
	Err           error // the scenario stopped early; the samples so far are kept
}

// matches reports whether a publication shows the breaking edit as this
// server reports it: gopls checks one configuration, crossls must name the
// broken target (or all targets, when it is the only one).
func (s *editorScenario) matches(p lspclient.Publication) bool {
	for _, d := range p.Diagnostics {
		if !strings.Contains(d.Message, s.Word) {
			continue
		}
		if s.Server == "gopls" {
			return true
		}
		if strings.HasPrefix(d.Message, "[all targets]") || strings.Contains(d.Message, s.Broken) {
			return true
		}
	}
	return false
}

func (s *editorScenario) clean(p lspclient.Publication) bool {
	for _, d := range p.Diagnostics {
		if strings.Contains(d.Message, s.Word) {
			return false
		}
	}
	return true
}

// run opens the edit file already broken (so that "complete diagnostics"
// has the same meaning for every server: the finding is shown), then
// alternately removes and re-inserts the breaking lines, timing each
// change until the finding is cleared or shown again.
func (s *editorScenario) run(ctx context.Context) (res editorResult) {
	path := filepath.Join(s.Module.Dir, s.Module.EditFile)
	data, err := os.ReadFile(path)
	if err != nil {
		res.Err = err
		return res
	}
	edit, err := newBreakingEdit(string(data), s.Module.EditLine)
	if err != nil {
		res.Err = fmt.Errorf("%s: %v", path, err)
		return res
	}
	logPath := filepath.Join(s.LogDir, strings.NewReplacer(" ", "_", "=", "-").Replace(s.Module.short()+"-"+s.name()+s.LogSuffix)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		res.Err = err
		return res
	}
	defer func() {
		logFile.Close()
		if res.Err != nil {
			// What the server said last usually explains why it stopped.
			if data, err := os.ReadFile(logPath); err == nil && len(bytes.TrimSpace(data)) > 0 {
				res.Err = fmt.Errorf("%v\nserver stderr (%s) ends with:\n%s", res.Err, logPath, tail(data, 600))
			}
		}
	}()

	settings := func(section string) any {
		if section == "crossls" && s.Targets != nil {
			return map[string]any{"targets": s.Targets}
		}
		return nil
	}
	srv, err := lspclient.Start(s.Argv, s.Module.Dir, s.Env, logFile, lspclient.Options{Settings: settings})
	if err != nil {
		res.Err = err
		return res
	}
	watch := procmem.Watch(srv.Cmd.Process.Pid, 50*time.Millisecond)
	defer func() {
		res.Peak = watch.Stop()
		// The publications for the file, after the server's own log, so
		// that surprising numbers can be explained.
		for _, p := range srv.Publications() {
			if lspclient.SameURI(p.URI, lspclient.FileURI(path)) {
				version := "-"
				if p.Version != nil {
					version = fmt.Sprint(*p.Version)
				}
				fmt.Fprintf(logFile, "crossbench: %8.3fs publication %d, version %s: %d diagnostics, %v\n",
					p.At.Sub(srv.Started).Seconds(), p.Seq, version, len(p.Diagnostics), !s.clean(p))
			}
		}
		if err := srv.Close(10 * time.Second); err != nil && res.Err == nil {
			fmt.Fprintf(logFile, "crossbench: closing the server: %v\n", err)
		}
	}()
	wait := func(mark int, version int, want func(lspclient.Publication) bool) (time.Time, error) {
		wctx, cancel := context.WithTimeout(ctx, s.Timeout)
		defer cancel()
		p, err := srv.WaitDiagnostics(wctx, mark, lspclient.FileURI(path), func(p lspclient.Publication) bool {
			return (p.Version == nil || *p.Version == version) && want(p)
		})
		if err != nil {
			msgs := srv.Messages()
			if len(msgs) > 3 {
				msgs = msgs[len(msgs)-3:]
			}
			return time.Time{}, fmt.Errorf("%v (%s; last server messages: %q)", err, describePublications(srv.Publications(), mark), msgs)
		}
		return p.At, nil
	}

	ictx, cancel := context.WithTimeout(ctx, s.Timeout)
	err = srv.Initialize(ictx, s.Module.Dir, nil)
	cancel()
	if err != nil {
		res.Err = err
		return res
	}
	uri := lspclient.FileURI(path)
	version := 1
	mark := srv.Mark()
	if err := srv.Open(uri, edit.broken(string(data))); err != nil {
		res.Err = err
		return res
	}
	at, err := wait(mark, version, s.matches)
	if err != nil {
		res.Err = fmt.Errorf("cold start: %v", err)
		return res
	}
	res.ColdStart = at.Sub(srv.Started)

	begin := time.Now()
	for i := 0; i < s.Edits && time.Since(begin) < s.Budget; i++ {
		for _, step := range []struct {
			changes []lspclient.Change
			want    func(lspclient.Publication) bool
			into    *[]time.Duration
		}{
			{edit.remove(), s.clean, &res.Clear},
			{edit.insert(), s.matches, &res.Appear},
		} {
			version++
			mark := srv.Mark()
			sent := time.Now()
			if err := srv.Change(uri, version, step.changes); err != nil {
				res.Err = err
				return res
			}
			at, err := wait(mark, version, step.want)
			if err != nil {
				res.Err = fmt.Errorf("edit %d: %v", i+1, err)
				return res
			}
			*step.into = append(*step.into, at.Sub(sent))
		}
	}
	return res
}

// describePublications summarises what arrived after mark, to explain a
// wait that timed out.
func describePublications(pubs []lspclient.Publication, mark int) string {
	if mark >= len(pubs) {
		return "no diagnostics published since the change"
	}
	last := pubs[len(pubs)-1]
	version := "none"
	if last.Version != nil {
		version = fmt.Sprint(*last.Version)
	}
	first := ""
	if len(last.Diagnostics) > 0 {
		first = fmt.Sprintf(", the first: %q", last.Diagnostics[0].Message)
	}
	return fmt.Sprintf("%d publications since the change, the last for %s, version %s, %d diagnostics%s",
		len(pubs)-mark, last.URI, version, len(last.Diagnostics), first)
}
