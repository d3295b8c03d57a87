//go:build linux || darwin || freebsd

package platform

// ConfigDir is where the shop keeps its configuration.
func ConfigDir() string { return "/etc/shop" }
