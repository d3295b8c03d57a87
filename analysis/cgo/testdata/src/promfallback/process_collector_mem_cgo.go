//go:build cgo

package promfallback

/*
static int get_memory_info(unsigned long long *rss, unsigned long long *vs) { *rss = 1; *vs = 2; return 0; }
*/
import "C" // want `^this file imports "C" and is left out of the build when CGO_ENABLED=0; the package works without it, with process_collector_mem_nocgo.go: nothing to do$`
import "fmt"

func getMemory() (*memoryInfo, error) {
	var rss, vsize C.ulonglong
	if err := C.get_memory_info(&rss, &vsize); err != 0 {
		return nil, fmt.Errorf("task_info() failed with 0x%x", int(err))
	}
	return &memoryInfo{vsize: uint64(vsize), rss: uint64(rss)}, nil
}

func (c *processCollector) describe(ch chan<- string) {
	ch <- "cpu"
	ch <- "rss"
	ch <- "vsize"
}
