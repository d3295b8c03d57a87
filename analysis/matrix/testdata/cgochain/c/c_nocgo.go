//go:build !cgo

package c

type Err struct{}

func (Err) Error() string { return "c requires cgo" }

func Connect() error { return Err{} }
