package lib

// #define VERSION "1.0"
import "C"

type Handle struct{ p *C.char }

func Version() string { return C.VERSION }

func (c *Conn) Ping() {}
