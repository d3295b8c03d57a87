//go:build darwin && cgo

package goosonly

import "C"

func DarwinOnly() {}
