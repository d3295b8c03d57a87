//go:build cgo

package process

/*
static int proc_pidinfo_stub(int pid) { return pid; }
*/
import "C" // want `in its place Process.CwdWithContext only fails at run time \(process_darwin_nocgo.go\)`

func (p *Process) CwdWithContext() (string, error) {
	return "/", nil
}

func (p *Process) ExeWithContext() (string, error) {
	if C.proc_pidinfo_stub(C.int(p.Pid)) < 0 {
		return "", nil
	}
	return "/bin/sh", nil
}
