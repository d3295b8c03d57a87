//go:build wasm

package variants
