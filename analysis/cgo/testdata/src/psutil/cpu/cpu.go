// Package cpu is modelled on github.com/shirou/gopsutil/v3/cpu on darwin
// (v3.24.5): without cgo, cpu_darwin_nocgo.go returns
// ErrNotImplementedError for every CPU time, so Times fails at run time.
package cpu

type TimesStat struct {
	CPU        string
	User, Idle float64
}

func Times(percpu bool) ([]TimesStat, error) {
	if percpu {
		return perCPUTimes()
	}
	return allCPUTimes()
}
