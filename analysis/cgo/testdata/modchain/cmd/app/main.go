// Command app reaches the cgo package through store, of its own module,
// which reports it.
package main

import "example.com/app/store"

func main() { _ = store.Open() }
