// Package procmem measures the peak resident memory of a process and its
// descendants on Linux by polling /proc.
//
// The kernel keeps a per-process high-water mark (VmHWM in
// /proc/PID/status) but no tree-wide one, so the tree's peak is estimated
// as the maximum, over polls, of the sum of VmHWM of the processes alive at
// that poll. A child that starts and exits between two polls is missed;
// a short interval keeps that error small.
package procmem

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Peak is what a Watcher observed.
type Peak struct {
	Self  int64 // VmHWM of the watched process, bytes
	Tree  int64 // max over polls of the summed VmHWM of the process and its descendants, bytes
	Polls int
}

// Watcher polls a process tree until stopped.
type Watcher struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	peak Peak
}

// Watch starts polling the tree rooted at pid every interval.
func Watch(pid int, interval time.Duration) *Watcher {
	w := &Watcher{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			w.poll()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Stop ends polling and returns the peak. Call it before the watched
// process is reaped, or its own high-water mark is lost.
func (w *Watcher) Stop() Peak {
	w.poll()
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

// Current returns the peak so far.
func (w *Watcher) Current() Peak {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

func (w *Watcher) poll() {
	self, err := HighWater(w.pid)
	if err != nil {
		return // exited (or never existed): keep what we saw
	}
	tree := self
	for _, child := range Descendants(w.pid) {
		if hwm, err := HighWater(child); err == nil {
			tree += hwm
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.peak.Polls++
	w.peak.Self = max(w.peak.Self, self)
	w.peak.Tree = max(w.peak.Tree, tree)
}

// HighWater returns the VmHWM of pid in bytes.
func HighWater(pid int) (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	return Field(data, "VmHWM")
}

// Field returns, in bytes, the value of a "Name:   123 kB" line of
// /proc/PID/status or /proc/meminfo.
func Field(status []byte, name string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || key != name {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected %s line %q", name, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected %s line %q", name, sc.Text())
		}
		return kb << 10, nil
	}
	// Kernel threads and zombies have no Vm* lines.
	return 0, fmt.Errorf("no %s in status", name)
}

// Descendants returns the pids of every live descendant of pid.
func Descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(p); ok {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// parentOf reads the parent pid from /proc/PID/stat. The command name in
// parentheses may contain spaces and parentheses, so parse after the last ')'.
func parentOf(pid int) (int, bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}
