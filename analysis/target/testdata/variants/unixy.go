//go:build unix

package variants
