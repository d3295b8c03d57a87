//go:build !cgo

package sqlite

import "errors"

func Open() error { return errors.New("sqlite: requires cgo") }
