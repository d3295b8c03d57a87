//go:build arm64.v8.1

package variants
