//go:build !cgo

package netswitch

// cgoAvailable set to false to indicate that the cgo resolver is not
// available on this system.
const cgoAvailable = false

func cgoLookupHost(name string) (addrs []string, err error) {
	panic("cgo stub: cgo not available")
}
