package verify

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/crossls/crossls/analysis/target"
)

// binaries caches one real build per target string for the whole test run.
var binaries sync.Map // target string -> *built

type built struct {
	once sync.Once
	path string
	err  error
}

// buildFor compiles a tiny main package for tgt with the real toolchain.
func buildFor(t *testing.T, tgt target.Target, src string) string {
	t.Helper()
	key := tgt.String() + "\x00" + src
	v, _ := binaries.LoadOrStore(key, new(built))
	b := v.(*built)
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "verify-test-")
		if err != nil {
			b.err = err
			return
		}
		files := map[string]string{
			"go.mod":  "module example.com/app\n\ngo 1.22\n",
			"main.go": src,
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				b.err = err
				return
			}
		}
		b.path = filepath.Join(dir, "app"+tgt.OutputSuffix())
		cmd := exec.Command("go", "build", "-trimpath", "-o", b.path, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOAMD64=", "GOARM=", "GOARM64=", "GO386=")
		cmd.Env = append(cmd.Env, tgt.Environ()...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = &buildError{tgt.String(), err, string(out)}
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

type buildError struct {
	target string
	err    error
	out    string
}

func (e *buildError) Error() string {
	return "go build for " + e.target + ": " + e.err.Error() + "\n" + e.out
}

const hello = "package main\n\nfunc main() { println(\"hello\") }\n"

func mustParse(t *testing.T, s string) target.Target {
	t.Helper()
	tgt, err := target.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return tgt
}

func TestBinaryMatchesTarget(t *testing.T) {
	tests := []struct {
		target  string
		format  string
		machine string
		variant string // recorded variant
		static  bool
	}{
		{"linux/amd64", "elf", "EM_X86_64", "v1", true},
		{"linux/amd64/v3", "elf", "EM_X86_64", "v3", true},
		{"linux/arm64", "elf", "EM_AARCH64", "v8.0", true},
		{"linux/arm/v7", "elf", "EM_ARM", "7", true},
		{"linux/arm/v6", "elf", "EM_ARM", "6", true},
		{"darwin/arm64", "macho", "CpuArm64", "v8.0", false},
		{"windows/amd64", "pe", "IMAGE_FILE_MACHINE_AMD64", "v1", false},
		{"windows/arm64", "pe", "IMAGE_FILE_MACHINE_ARM64", "v8.0", false},
		{"js/wasm", "wasm", "wasm", "", true},
		{"wasip1/wasm", "wasm", "wasm", "", true},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.target, "/", "_"), func(t *testing.T) {
			tgt := mustParse(t, tt.target)
			r, err := Binary(buildFor(t, tgt, hello), tgt)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("problems: %q", r.Problems)
			}
			if r.Format != tt.format || r.Machine != tt.machine {
				t.Errorf("format, machine = %s, %s; want %s, %s", r.Format, r.Machine, tt.format, tt.machine)
			}
			if r.GOOS != tgt.GOOS || r.GOARCH != tgt.GOARCH || r.Variant != tt.variant {
				t.Errorf("recorded %s/%s variant %q; want %s/%s variant %q", r.GOOS, r.GOARCH, r.Variant, tgt.GOOS, tgt.GOARCH, tt.variant)
			}
			if r.CgoEnabled {
				t.Errorf("CgoEnabled = true for a CGO_ENABLED=0 build")
			}
			if r.Static != tt.static {
				t.Errorf("Static = %v, want %v", r.Static, tt.static)
			}
			if tgt.GOARCH != "wasm" && !strings.HasPrefix(r.GoVersion, "go1.") {
				t.Errorf("GoVersion = %q", r.GoVersion)
			}
		})
	}
}

func TestBinaryMismatch(t *testing.T) {
	tests := []struct {
		built, checked string
		want           []string // substrings of the problems, in order
	}{
		{"linux/arm64", "linux/amd64", []string{"machine is EM_AARCH64, want EM_X86_64 for amd64", "built for linux/arm64, want linux/amd64"}},
		{"windows/amd64", "linux/amd64", []string{"format is pe, want elf for linux", "built for windows/amd64, want linux/amd64"}},
		{"js/wasm", "wasip1/wasm", []string{"built for js/wasm, want wasip1/wasm"}},
		{"linux/arm/v6", "linux/arm/v7", []string{"built with GOARM=6, want 7"}},
		{"linux/amd64", "linux/amd64/v3", []string{"built with GOAMD64=v1, want v3"}},
		{"linux/amd64", "linux/amd64+cgo", []string{"built with CGO_ENABLED=0, want 1"}},
		{"darwin/arm64", "ios/arm64", []string{"built for darwin/arm64, want ios/arm64"}},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.built+"_as_"+tt.checked, "/", "_"), func(t *testing.T) {
			r, err := Binary(buildFor(t, mustParse(t, tt.built), hello), mustParse(t, tt.checked))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) != len(tt.want) {
				t.Fatalf("problems = %q, want %d matching %q", r.Problems, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(r.Problems[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, r.Problems[i], w)
				}
			}
			if !strings.Contains(r.String(), tt.want[0]) {
				t.Errorf("String() = %q does not mention the problem", r.String())
			}
		})
	}
}

// A variant set through the configured environment is what the binary must record.
func TestBinaryVariantFromEnv(t *testing.T) {
	tgt := target.Target{GOOS: "linux", GOARCH: "arm", Env: []string{"GOARM=6"}}
	r, err := Binary(buildFor(t, mustParse(t, "linux/arm/v7"), hello), tgt)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "GOARM=7, want 6") {
		t.Errorf("problems = %q, want a GOARM mismatch", r.Problems)
	}
}

func TestBinaryCgoDynamic(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs a linux host to build a cgo ELF binary")
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no host C compiler")
	}
	src := "package main\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc main() { C.free(nil) }\n"
	tgt := target.Target{GOOS: "linux", GOARCH: runtime.GOARCH, Cgo: true}
	path := buildFor(t, tgt, src)
	r, err := Binary(path, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || !r.CgoEnabled || r.Static {
		t.Errorf("report = %+v, want a verified, dynamically linked cgo binary", r)
	}
	// The same binary is not what a CGO_ENABLED=0 target promises.
	tgt.Cgo = false
	r, err = Binary(path, tgt)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"built with CGO_ENABLED=1, want 0", "dynamically linked although CGO_ENABLED=0"}
	if strings.Join(r.Problems, "|") != strings.Join(want, "|") {
		t.Errorf("problems = %q, want %q", r.Problems, want)
	}
}

func TestBinaryNotExecutable(t *testing.T) {
	dir := t.TempDir()
	linux := target.Target{GOOS: "linux", GOARCH: "amd64"}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	elfBin, err := os.ReadFile(buildFor(t, linux, hello))
	if err != nil {
		t.Fatal(err)
	}
	wasmBin, err := os.ReadFile(buildFor(t, target.Target{GOOS: "wasip1", GOARCH: "wasm"}, hello))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		tgt  target.Target
		want string
	}{
		{"empty", nil, linux, "is not an executable (0 bytes)"},
		{"text", []byte("#!/bin/sh\necho hi\n"), linux, "unrecognised executable format"},
		{"truncated-elf", elfBin[:200], linux, "malformed elf file"},
		{"truncated-wasm", wasmBin[:len(wasmBin)/2], target.Target{GOOS: "wasip1", GOARCH: "wasm"}, "no Go build information: truncated WebAssembly module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Binary(write(tt.name, tt.data), tt.tgt)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) == 0 || !strings.Contains(r.Problems[0], tt.want) {
				t.Errorf("problems = %q, want one containing %q", r.Problems, tt.want)
			}
		})
	}
	if _, err := Binary(filepath.Join(dir, "missing"), linux); !os.IsNotExist(err) {
		t.Errorf("Binary(missing) error = %v, want not-exist", err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	binaries.Range(func(_, v any) bool {
		if b := v.(*built); b.path != "" {
			os.RemoveAll(filepath.Dir(b.path))
		}
		return true
	})
	os.Exit(code)
}
