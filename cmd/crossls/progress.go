package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/crossls/crossls/internal/build"
	"golang.org/x/term"
)

// A liveLine shows a command's progress on one line of a terminal,
// redrawn in place a few times a second with a spinner and the elapsed
// time, and cleared when the command ends, so that only the result
// stays. It is nil, and its methods do nothing, where stderr is not a
// terminal: piped output gets nothing extra.
type liveLine struct {
	bar   *progressbar.ProgressBar
	fd    int
	text  func() string
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	mu    sync.Mutex // serialises drawing
	start time.Time
}

// progressInterval is how often the line is redrawn.
const progressInterval = 200 * time.Millisecond

// startLiveLine starts showing text() on stderr if it is a terminal (and
// TERM is not "dumb"); otherwise it returns nil.
func startLiveLine(stderr io.Writer, text func() string) *liveLine {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return nil
	}
	l := &liveLine{fd: int(f.Fd()), text: text, stop: make(chan struct{}), done: make(chan struct{}), start: time.Now()}
	l.bar = progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionThrottle(0),
	)
	l.draw()
	go func() {
		defer close(l.done)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				l.draw()
			}
		}
	}()
	return l
}

// draw redraws the line, cut to the terminal's width: a line that wraps
// could not be redrawn in place.
func (l *liveLine) draw() {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.text()
	if w, _, err := term.GetSize(l.fd); err == nil && w > 0 {
		// The spinner, the elapsed time and the spaces take about 12 columns.
		s = truncate(s, w-12-len(fmt.Sprint(int(time.Since(l.start).Seconds()))))
	}
	l.bar.Describe(s)
}

// update redraws the line at once, for a change worth showing before the
// next tick.
func (l *liveLine) update() {
	if l != nil {
		l.draw()
	}
}

// finish clears the line for good; the command's output follows.
func (l *liveLine) finish() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		l.mu.Lock()
		defer l.mu.Unlock()
		_ = l.bar.Finish()
	})
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if n < 1 {
		return ""
	}
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// checkProgress counts what a check has done: the targets whose check
// ended, as the driver reports them, and the packages checked (those of
// the units done, and the most that one target of the running unit
// checked). A unit is a run of the go command's units (a module, or the
// modules of a go.work that share a configuration).
type checkProgress struct {
	mu                  sync.Mutex
	units, unitsDone    int
	targets, targetsRun int // targets summed over units
	unitStart           int // targetsRun when the running unit started
	packages            int // packages of the units done
	unitPackages        int
	running             string // the unit being checked
}

func (p *checkProgress) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "crossls check: targets %d/%d", p.targetsRun, p.targets)
	if p.units > 1 {
		fmt.Fprintf(&b, " · modules %d/%d", p.unitsDone, p.units)
	}
	fmt.Fprintf(&b, " · packages checked %d", p.packages+p.unitPackages)
	if p.running != "" && p.units > 1 {
		fmt.Fprintf(&b, " · checking %s", p.running)
	}
	return b.String()
}

func (p *checkProgress) startUnit(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = name
	p.unitStart = p.targetsRun
}

// targetDone counts a target of the running unit whose check ended,
// having checked packages.
func (p *checkProgress) targetDone(packages int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.targetsRun++
	p.unitPackages = max(p.unitPackages, packages)
}

// endUnit ends the running unit, of targets and packages: every target
// counts as done, reported or not (a result from the cache reports none).
func (p *checkProgress) endUnit(targets, packages int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unitsDone++
	p.targetsRun = p.unitStart + targets
	p.packages += packages
	p.unitPackages = 0
	p.running = ""
}

// buildProgress counts builds as the runner reports them.
type buildProgress struct {
	mu                        sync.Mutex
	targets                   int
	running, finished, failed int
	current                   []string // targets building now
}

func (p *buildProgress) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := fmt.Sprintf("crossls build: %d targets · %d running · %d finished", p.targets, p.running, p.finished)
	if p.failed > 0 {
		s += fmt.Sprintf(" (%d failed)", p.failed)
	}
	if len(p.current) > 0 {
		s += " · " + strings.Join(p.current, " ")
	}
	return s
}

func (p *buildProgress) event(e build.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := e.Target.String()
	switch e.Kind {
	case build.Started:
		p.running++
		p.current = append(p.current, t)
	case build.Finished, build.Failed:
		if i := slices.Index(p.current, t); i >= 0 {
			p.current = slices.Delete(p.current, i, i+1)
			p.running--
		}
		p.finished++
		if e.Kind == build.Failed {
			p.failed++
		}
	}
}
