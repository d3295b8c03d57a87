//go:build windows

package a
