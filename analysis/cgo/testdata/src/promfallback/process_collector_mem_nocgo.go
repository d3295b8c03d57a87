//go:build !cgo

package promfallback

func getMemory() (*memoryInfo, error) {
	return nil, notImplementedErr
}

func (c *processCollector) describe(ch chan<- string) {
	ch <- "cpu"
}
