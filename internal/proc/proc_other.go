//go:build !unix

package proc

import "os/exec"

// KillGroupOnCancel keeps the default: killing the go command, whose
// children exit when their pipes close.
func KillGroupOnCancel(cmd *exec.Cmd) { cmd.WaitDelay = waitDelay }
