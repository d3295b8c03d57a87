//go:build !cgo

package process

import (
	"context"
	"os/exec"
	"strconv"
	"strings"

	"psutil/common"
)

func (p *Process) CwdWithContext() (string, error) {
	return "", common.ErrNotImplementedError
}

func (p *Process) ExeWithContext() (string, error) {
	out, err := exec.CommandContext(context.Background(), "lsof", "-p", strconv.Itoa(int(p.Pid)), "-Fpfn").Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
