//go:build linux || darwn

package vetfixture
