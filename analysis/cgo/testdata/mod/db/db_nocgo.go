//go:build !cgo

package db

func Open() error { return errNoCgo }
