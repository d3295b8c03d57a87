// Package process is modelled on github.com/shirou/gopsutil/v3/process on
// darwin (v3.24.5): without cgo most methods run ps or lsof instead, but
// CwdWithContext only returns ErrNotImplementedError.
package process

type Process struct{ Pid int32 }
