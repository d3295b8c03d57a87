//go:build cgo

package undef

const Backend = "cgo"
