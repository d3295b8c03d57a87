package c

import "C" // want `this file imports "C" and is left out of the build when CGO_ENABLED=0`

// The file named after the package is the one findings name, as in
// github.com/mattn/go-sqlite3 (backup.go, ..., sqlite3.go).
func Backup() {}
