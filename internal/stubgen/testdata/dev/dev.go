// Package dev uses identifiers that only platform_linux.go and
// platform_darwin.go declare, so it does not build for windows.
package dev

import "fmt"

// Describe builds on every target once the stubs exist.
func Describe() string {
	d, err := openDevice(DefaultPath)
	if err != nil {
		return platformName() + ": " + err.Error()
	}
	defer d.Close()
	return fmt.Sprintf("%s %d %v %v", platformName(), d.Mode(), errUnsupported, defaultMode)
}
