//go:build linux && cgo

package lib

const platform = "linux"
