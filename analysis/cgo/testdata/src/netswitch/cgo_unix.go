//go:build cgo

package netswitch

// cgoAvailable set to true to indicate that the cgo resolver is
// available on this system.
const cgoAvailable = true

func cgoLookupHost(name string) ([]string, error) {
	if _C_getaddrinfo(name) != 0 {
		return nil, nil
	}
	return []string{name}, nil
}
