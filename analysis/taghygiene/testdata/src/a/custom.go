//go:build !integration && !purego && !netgo && !osusergo && !tools && !race && cgo || !cgo

package a
