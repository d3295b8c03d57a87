package testgap

import "testing"

// helper is defined for linux and darwin only: the tests fail to compile
// for every other target.
func TestLib(t *testing.T) {
	if Lib()+helper() != 2 {
		t.Fatal("Lib")
	}
}
