package main

import (
	"errors"
	"path/filepath"
)

var errTargetsAndMatrix = errors.New("-targets and -matrix both name the targets: give one")

// inDir resolves a relative path against dir; "" stays "".
func inDir(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
