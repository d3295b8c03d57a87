// Package goosonly has cgo files only for other operating systems.
package goosonly

func Name() string { return "linux" }
