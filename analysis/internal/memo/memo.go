// Package memo holds a bounded, concurrency-safe memo for the analyzers'
// pure answers, which a driver asks for again for every target and edit.
package memo

import "sync"

// Map remembers values by key, up to max entries; when full it starts
// over, which keeps it bounded without tracking use.
type Map[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

// New returns a Map of at most max entries.
func New[K comparable, V any](max int) *Map[K, V] {
	return &Map[K, V]{m: map[K]V{}, max: max}
}

// Get returns the value for k, computing it with f if it is not known.
// Concurrent callers may both compute a missing value; f must be pure.
func (m *Map[K, V]) Get(k K, f func() V) V {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = f()
	m.mu.Lock()
	if len(m.m) >= m.max {
		clear(m.m)
	}
	m.m[k] = v
	m.mu.Unlock()
	return v
}
