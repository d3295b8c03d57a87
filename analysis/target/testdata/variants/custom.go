//go:build mytag

package variants
