package undef

// #define VERSION "1.0"
import "C" // want `this file imports "C" and is left out of the build when CGO_ENABLED=0`

type Handle struct{ p *C.char }

func Version() string { return C.VERSION }

// Methods are not package-level names.
func (Handle) Close() {}

func (c *Conn) Ping() {}
