//go:build !cgo

package lib

const Backend = ""
