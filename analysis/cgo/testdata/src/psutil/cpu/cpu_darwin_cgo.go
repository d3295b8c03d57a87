//go:build cgo

package cpu

/*
static int host_processor_info_stub(void) { return 0; }
*/
import "C" // want `in its place allCPUTimes, perCPUTimes only fail at run time \(cpu_darwin_nocgo.go\)`

func perCPUTimes() ([]TimesStat, error) {
	return []TimesStat{{CPU: "cpu0", User: float64(C.host_processor_info_stub())}}, nil
}

func allCPUTimes() ([]TimesStat, error) {
	return []TimesStat{{CPU: "cpu-total"}}, nil
}
