// Package undef uses symbols that only its cgo files declare.
package undef

func Describe() string {
	var h Handle // want `Handle is defined only in a cgo file \(version_cgo.go\), which is left out when CGO_ENABLED=0`
	_ = h
	return Backend + Version() // want `Backend is defined only in a cgo file \(backend.go\)` `Version is defined only in a cgo file \(version_cgo.go\)`
}

type Conn struct{}

func ping() {
	var c Conn
	c.Ping()     // want `method Conn.Ping is defined only in a cgo file \(version_cgo.go\), which is left out when CGO_ENABLED=0`
	(&c).Close() // not declared anywhere
}

func fallback() bool { return Fallback }

func undeclared() int { return Missing } // not declared anywhere: not ours to report
