// Package promfallback is modelled on the darwin process collector of
// github.com/prometheus/client_golang/prometheus v1.22.0: memory metrics
// come from C, and without cgo a stub returns notImplementedErr, which
// the collector checks and skips. The package works without cgo.
package promfallback

import "errors"

// notImplementedErr is returned by stub functions that replace cgo
// functions, when cgo isn't available.
var notImplementedErr = errors.New("not implemented")

type memoryInfo struct{ vsize, rss uint64 }

type processCollector struct{ metrics []string }

func (c *processCollector) processCollect(report func(error)) {
	if mem, err := getMemory(); err == nil {
		_ = mem.rss
	} else if !errors.Is(err, notImplementedErr) {
		// Don't report an error when support is not compiled in.
		report(err)
	}
	c.describe(make(chan string, 8))
}

func Collect(report func(error)) { new(processCollector).processCollect(report) }
