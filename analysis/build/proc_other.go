//go:build !unix

package build

import "os/exec"

// killGroupOnCancel keeps the default: killing the go command, whose
// children exit when their pipes close.
func killGroupOnCancel(cmd *exec.Cmd) {}
