package procmem

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const childMiB = 96

// TestMain lets the test binary act as a child that holds childMiB of
// touched memory until its stdin closes.
func TestMain(m *testing.M) {
	if os.Getenv("PROCMEM_TEST_CHILD") == "1" {
		mem := make([]byte, childMiB<<20)
		for i := range mem {
			mem[i] = byte(i)
		}
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Println(mem[len(mem)-1]) // keep mem alive
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestField(t *testing.T) {
	status := []byte("Name:\tgo\nVmPeak:\t  200 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n")
	got, err := Field(status, "VmHWM")
	if err != nil || got != 1234<<10 {
		t.Errorf("Field(VmHWM) = %d, %v; want %d", got, err, 1234<<10)
	}
	for _, bad := range []string{"Name:\tkthreadd\n", "VmHWM:\t12 MB\n", "VmHWM:\tlots kB\n", "VmHWM:\n"} {
		if _, err := Field([]byte(bad), "VmHWM"); err == nil {
			t.Errorf("Field(%q) succeeded", bad)
		}
	}
}

func TestWatchSumsChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "PROCMEM_TEST_CHILD=1")
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer stdin.Close()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); strings.TrimSpace(line) != "ready" {
		t.Fatalf("child said %q", line)
	}

	if got := Descendants(os.Getpid()); !contains(got, child.Process.Pid) {
		t.Fatalf("Descendants(self) = %v, missing child %d", got, child.Process.Pid)
	}
	w := Watch(os.Getpid(), 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	peak := w.Stop()
	if peak.Polls < 2 {
		t.Errorf("%d polls, want at least 2 (one at start, one at stop)", peak.Polls)
	}
	self, err := HighWater(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if peak.Self <= 0 || peak.Self > self {
		t.Errorf("peak.Self = %d, want within (0, %d]", peak.Self, self)
	}
	if extra := peak.Tree - peak.Self; extra < (childMiB-8)<<20 {
		t.Errorf("tree peak exceeds own peak by %d MiB, want about the child's %d MiB", extra>>20, childMiB)
	}
}

func TestWatchExitedProcess(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	// The pid is reaped: nothing to measure, and no error or panic.
	peak := Watch(cmd.Process.Pid, time.Millisecond).Stop()
	if peak.Polls != 0 || peak.Self != 0 || peak.Tree != 0 {
		t.Errorf("watching a reaped process gave %+v, want nothing", peak)
	}
}

func contains(pids []int, pid int) bool {
	for _, p := range pids {
		if p == pid {
			return true
		}
	}
	return false
}
