// Package sub has a portable API with per-OS implementations.
package sub

// Name names the platform.
func Name() string { return name }
