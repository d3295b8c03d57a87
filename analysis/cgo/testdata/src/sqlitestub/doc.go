// Package sqlitestub is modelled on github.com/mattn/go-sqlite3 v1.14:
// without cgo only static_mock.go builds, whose driver registers and then
// fails every Open. It builds, and fails at run time.
package sqlitestub
