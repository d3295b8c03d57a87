//go:build linux && windows

package vetfixture
