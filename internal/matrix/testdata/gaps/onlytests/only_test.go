// Package onlytests has tests and nothing else: go build fails, go vet
// compiles the tests.
package onlytests

import "testing"

func TestNothing(t *testing.T) {}
