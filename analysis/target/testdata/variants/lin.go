//go:build linux

package variants
