// Package fallbackuser imports packages modelled on real ones that use
// cgo: those written to work without it are information, those whose
// fallback fails at run time need cgo.
package fallbackuser

import (
	"netswitch"      // want `^netswitch uses cgo \(cgo_unix_cgo.go imports "C"\) but works without it: cgo_stub.go replaces it when CGO_ENABLED=0; nothing to do$`
	"promfallback"   // want `^promfallback uses cgo \(process_collector_mem_cgo.go imports "C"\) but works without it`
	"psutil/cpu"     // want `^psutil/cpu needs cgo: cpu_darwin_cgo.go imports "C", and without cgo allCPUTimes, perCPUTimes only fail at run time \(cpu_darwin_nocgo.go\); enable cgo for these targets or use a package that works without it$`
	"psutil/mem"     // want `^psutil/mem uses cgo`
	"psutil/process" // want `^psutil/process needs cgo: process_darwin_cgo.go imports "C", and without cgo Process.CwdWithContext only fails at run time`
	"userfallback"   // want `^userfallback uses cgo \(cgo_lookup_cgo.go imports "C"\) but works without it: lookup_unix.go replaces it`

	_ "sqlitestub" // want `^sqlitestub needs cgo: sqlite3.go imports "C", and without cgo SQLiteConn.RegisterFunc, SQLiteDriver.Open only fail at run time \(static_mock.go\)`
)

var (
	_ = netswitch.LookupHost
	_ = promfallback.Collect
	_ = cpu.Times
	_ = mem.VirtualMemory
	_ = userfallback.Lookup
	_ process.Process
)
