package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeClientGoneDuringBuild closes the server's stdin while a build
// it started is compiling: the server must exit, and no process it
// started (go, compile, link) may outlive it.
func TestServeClientGoneDuringBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a slow package")
	}
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc")
	}
	bin := buildCrossls(t)
	mod := t.TempDir()
	var src bytes.Buffer
	src.WriteString("package main\n\nfunc main() { println(f0()) }\n")
	for i := 0; i < 20000; i++ { // enough code to keep the compiler busy for seconds
		fmt.Fprintf(&src, "func f%d() int { return %d + len(\"%d\") }\n", i, i, i*7)
	}
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/slow\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "main.go"), src.Bytes(), 0o644)

	marker := fmt.Sprintf("CROSSLS_FAULT_MARKER=%d", time.Now().UnixNano())
	p := startServeCmd(t, exec.Command(bin, "serve"), mod, append(os.Environ(), marker, "GOCACHE="+t.TempDir()))
	uri := "file://" + mod
	p.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"` + uri + `","workspaceFolders":[{"uri":"` + uri + `","name":"slow"}],"capabilities":{}}}`)
	if _, code := p.response("1"); code != 0 {
		t.Fatalf("initialize: code %d", code)
	}
	p.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	// This client answers no server requests: the server's settings pull
	// times out first, and builds are refused until the folder has its
	// configuration.
	for id := 2; ; id++ {
		p.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"workspace/executeCommand","params":{"command":"crossls.build","arguments":[{"targets":["linux/amd64"]}]}}`, id))
		res, code := p.response(strconv.Itoa(id))
		if code == 0 && strings.Contains(string(res), `"started":true`) {
			break
		}
		if id > 60 {
			t.Fatalf("build: code %d, result %s", code, res)
		}
		time.Sleep(500 * time.Millisecond)
	}
	server := p.cmd.Process.Pid
	deadline := time.Now().Add(60 * time.Second)
	// Wait for the compiler: a child of the go command, which killing
	// only the go command would leave running.
	for !slices.ContainsFunc(markedProcesses(marker, server), func(p string) bool { return strings.Contains(p, "/compile ") && strings.Contains(p, "-p main ") }) {
		if time.Now().After(deadline) {
			t.Fatalf("the build never started the compiler; processes: %v", markedProcesses(marker, server))
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stdin.Close()
	if code := p.exitCode(); code != 1 {
		t.Errorf("exit code after the client vanished: %d, want 1", code)
	}
	deadline = time.Now().Add(time.Second)
	for {
		left := markedProcesses(marker, server)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes of the build outlived the server: %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// markedProcesses lists the live processes, other than except, whose
// environment holds marker.
func markedProcesses(marker string, except int) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == except || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(env, []byte(marker)) {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && strings.Contains(string(stat), ") Z ") {
			continue // a zombie holds no resources and will be reaped
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		out = append(out, fmt.Sprintf("%d %s", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	}
	return out
}
