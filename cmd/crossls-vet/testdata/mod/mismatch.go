//go:build linux
// +build !linux

package vetfixture
