// Package store keeps orders.
package store

// maxOrderBytes does not fit in a 32-bit int.
const maxOrderBytes = 1 << 40

// Open opens the store.
func Open() int { return maxOrderBytes }
