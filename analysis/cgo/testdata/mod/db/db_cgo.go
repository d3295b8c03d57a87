// Package db needs cgo; without it, its fallback builds and fails at run time.
package db

// static int ready(void) { return 1; }
import "C"

func Open() error {
	if C.ready() != 1 {
		return errNoCgo
	}
	return nil
}
