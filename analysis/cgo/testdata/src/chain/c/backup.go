package c

import "C" // the same finding as c.go's, whose related location this is

// The file named after the package is the one findings name, as in
// github.com/mattn/go-sqlite3 (backup.go, ..., sqlite3.go).
func Backup() {}
