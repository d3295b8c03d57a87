//go:build cgo

package netswitch

/*
static int getaddrinfo_stub(const char *name) { return 0; }
*/
import "C" // want `^this file imports "C" and is left out of the build when CGO_ENABLED=0; the package works without it, with cgo_stub.go: nothing to do$`

func _C_getaddrinfo(name string) int { return int(C.getaddrinfo_stub(nil)) }
