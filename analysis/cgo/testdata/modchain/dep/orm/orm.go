// Package orm is a dependency that imports a package that needs cgo: its
// own finding is in a module nobody checks.
package orm

import "example.com/dep/sqlite"

func Connect() error { return sqlite.Open() }
