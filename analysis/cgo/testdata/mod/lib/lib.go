// Package lib uses symbols that only files built with cgo declare.
package lib

func Describe() string {
	var h Handle
	_ = h
	return Version() + Backend
}

func Platform() string { return platform }

type Conn struct{}

func Ping() {
	var c Conn
	c.Ping()
}
