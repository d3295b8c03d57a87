//go:build !cgo

package variants
