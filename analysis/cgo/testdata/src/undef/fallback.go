//go:build !cgo

package undef

const Fallback = true
