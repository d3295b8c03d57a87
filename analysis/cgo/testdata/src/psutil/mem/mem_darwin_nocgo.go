//go:build !cgo

package mem

import (
	"os/exec"
	"strconv"
	"strings"
)

func VirtualMemoryWithContext() (*VirtualMemoryStat, error) {
	out, err := exec.Command("vm_stat").Output()
	if err != nil {
		return nil, err
	}
	vms := &VirtualMemoryStat{}
	for _, line := range strings.Split(string(out), "\n") {
		if key, value, ok := strings.Cut(line, ":"); ok && key == "Pages free" {
			free, _ := strconv.ParseUint(strings.Trim(value, " ."), 10, 64)
			vms.Free = free * 4096
		}
	}
	return vms, nil
}
