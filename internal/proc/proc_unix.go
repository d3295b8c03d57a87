//go:build unix

package proc

import (
	"os/exec"
	"syscall"
)

// KillGroupOnCancel runs cmd in its own process group and kills the whole
// group when cmd's context is done: the go command's compile and link
// children would otherwise keep running, writing, and holding cmd's
// output pipes open (so Wait would not return either).
func KillGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = waitDelay
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
