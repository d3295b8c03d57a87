package build

import (
	"os/exec"
	"testing"
)

var execLookPath = exec.LookPath

// goBinary is the absolute path of the go command the tests use.
func goBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
