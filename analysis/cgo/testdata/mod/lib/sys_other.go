//go:build !windows && !(linux && cgo)

package lib

const platform = "other"
