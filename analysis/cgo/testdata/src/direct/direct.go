// Package direct keeps building without cgo: only its cgo file drops out.
package direct

func Pure() int { return 1 }
