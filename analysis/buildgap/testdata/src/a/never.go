//go:build linux && windows

package a
