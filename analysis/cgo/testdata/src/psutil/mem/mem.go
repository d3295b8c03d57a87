// Package mem is modelled on github.com/shirou/gopsutil/v3/mem on darwin
// (v3.24.5): without cgo, mem_darwin_nocgo.go runs vm_stat instead of
// calling host_statistics. The package works without cgo.
package mem

type VirtualMemoryStat struct{ Total, Free uint64 }

func VirtualMemory() (*VirtualMemoryStat, error) { return VirtualMemoryWithContext() }
