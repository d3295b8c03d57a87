// Package store reaches the cgo package through another module: the
// import of that module's package is where this module meets it.
package store

import "example.com/dep/orm"

func Open() error { return orm.Connect() }
