// Package memo holds a bounded, concurrency-safe memo for the analyzers'
// pure answers, which a driver asks for again for every target and edit.
package memo

import (
	"slices"
	"sync"
)

// Map remembers values by key, up to a total weight; when full it starts
// over, which keeps it bounded without tracking use.
type Map[K comparable, V any] struct {
	mu     sync.Mutex
	m      map[K]V
	weight func(K, V) int
	total  int
	max    int
}

// New returns a Map of at most max entries.
func New[K comparable, V any](max int) *Map[K, V] {
	return NewWeighed(max, func(K, V) int { return 1 })
}

// NewWeighed returns a Map whose entries weigh at most max in all, for
// values of varying size (weight in bytes, say).
func NewWeighed[K comparable, V any](max int, weight func(K, V) int) *Map[K, V] {
	return &Map[K, V]{m: map[K]V{}, weight: weight, max: max}
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
	w := m.weight(k, v)
	m.mu.Lock()
	if old, ok := m.m[k]; ok {
		m.total -= m.weight(k, old)
	}
	if m.total+w > m.max {
		clear(m.m)
		m.total = 0
	}
	m.m[k] = v
	m.total += w
	m.mu.Unlock()
	return v
}

// Versions remembers a value per key and content: the values of the
// latest few contents of each key (a file's name, say, with the content's
// hash), so that an edited file's earlier contents leave the memo as it is
// edited, and it stays as large as the set of keys, not the number of
// edits. Past max keys it starts over.
type Versions[K comparable, V any] struct {
	mu   sync.Mutex
	m    map[K][]version[V] // the latest last
	keep int
	max  int
}

type version[V any] struct {
	sum [32]byte
	v   V
}

// NewVersions returns a Versions of at most max keys, keeping keep
// contents of each.
func NewVersions[K comparable, V any](max, keep int) *Versions[K, V] {
	return &Versions[K, V]{m: map[K][]version[V]{}, keep: keep, max: max}
}

// Get returns the value for k and the content with hash sum, computing it
// with f if it is not known. f must be pure.
func (m *Versions[K, V]) Get(k K, sum [32]byte, f func() V) V {
	m.mu.Lock()
	for _, e := range m.m[k] {
		if e.sum == sum {
			m.mu.Unlock()
			return e.v
		}
	}
	m.mu.Unlock()
	v := f()
	m.mu.Lock()
	defer m.mu.Unlock()
	vs, ok := m.m[k]
	if !ok && len(m.m) >= m.max {
		clear(m.m)
	}
	vs = append(vs, version[V]{sum, v})
	if len(vs) > m.keep {
		vs = slices.Delete(vs, 0, len(vs)-m.keep)
	}
	m.m[k] = vs
	return v
}
