// Package netswitch is modelled on the resolver of the standard library's
// net package: the cgo resolver's stubs panic without cgo, but the
// constant cgoAvailable, false in cgo_stub.go, keeps them from being
// called. The package works without cgo.
package netswitch

func LookupHost(name string) ([]string, error) {
	if !cgoAvailable {
		return goLookupHost(name)
	}
	return cgoLookupHost(name)
}

func goLookupHost(name string) ([]string, error) { return []string{"127.0.0.1"}, nil }
