// Package verify checks that a binary produced by a cross build is what its
// target promises: the executable format of the GOOS, the machine of the
// GOARCH, and the GOOS, GOARCH, variant and CGO_ENABLED that the go
// command recorded in the binary's build information.
//
// A binary built with a stray environment (GOOS set in a shell profile, a
// forgotten CGO_ENABLED) looks fine until it is run on the target machine;
// verification catches that before the binary is shipped.
package verify

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"debug/plan9obj"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/crossls/crossls/analysis/target"
)

// A Report describes a binary and what is wrong with it for its target.
type Report struct {
	Format     string `json:"format"`            // "elf", "pe", "macho", "wasm", "xcoff", "plan9", or "" if unrecognised
	Machine    string `json:"machine"`           // e.g. "EM_AARCH64", "IMAGE_FILE_MACHINE_ARM64", "CpuArm64", "wasm"
	GoVersion  string `json:"go_version"`        // from the build information, e.g. "go1.26.1"; "" for wasm
	GOOS       string `json:"goos"`              // as recorded in the build information
	GOARCH     string `json:"goarch"`            // as recorded in the build information
	Variant    string `json:"variant,omitempty"` // value of the variant variable recorded (GOARM=7 -> "7")
	CgoEnabled bool   `json:"cgo_enabled"`       // CGO_ENABLED=1 recorded
	// Static reports that the binary needs no dynamic loader: an ELF file
	// without PT_INTERP and without DT_NEEDED entries, or a wasm module.
	// PE and Mach-O executables always load system libraries.
	Static   bool     `json:"static"`
	Problems []string `json:"problems,omitempty"` // each a mismatch with the target; empty means verified
}

// OK reports whether the binary matches its target.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// String summarises the report on one line, e.g.
// "ELF EM_AARCH64 linux/arm64, static" or "PE ... : 1 problem: ...".
func (r *Report) String() string {
	var b strings.Builder
	if r.Format == "" {
		b.WriteString("unknown format")
	} else {
		fmt.Fprintf(&b, "%s %s", strings.ToUpper(r.Format), r.Machine)
	}
	if r.GOOS != "" {
		fmt.Fprintf(&b, " %s/%s", r.GOOS, r.GOARCH)
		if r.Variant != "" {
			b.WriteByte('/')
			if r.GOARCH == "arm" {
				b.WriteByte('v') // as targets spell it: linux/arm/v7
			}
			b.WriteString(r.Variant)
		}
	}
	if r.CgoEnabled {
		b.WriteString("+cgo")
	}
	if r.Static {
		b.WriteString(", static")
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(r.Problems, "; "))
	}
	return b.String()
}

// Binary inspects the executable at path and compares it with t. Mismatches
// are reported in Report.Problems; the error is non-nil only when the file
// cannot be read.
func Binary(path string, t target.Target) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return &Report{Problems: []string{fmt.Sprintf("%s is not an executable (%d bytes)", path, fileSize(f))}}, nil
		}
		return nil, err
	}

	r := &Report{Format: formatOf(magic[:])}
	var inspectErr error
	switch r.Format {
	case "elf":
		inspectErr = inspectELF(f, r)
	case "pe":
		inspectErr = inspectPE(f, r)
	case "macho":
		inspectErr = inspectMachO(f, r)
	case "wasm":
		r.Machine, r.Static = "wasm", true
	case "xcoff":
		r.Machine = "XCOFF64"
	case "plan9":
		inspectErr = inspectPlan9(f, r)
	default:
		r.Problems = append(r.Problems, "unrecognised executable format")
		return r, nil
	}
	if inspectErr != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("malformed %s file: %v", r.Format, inspectErr))
		return r, nil
	}

	var info *debug.BuildInfo
	if r.Format == "wasm" {
		info, err = wasmBuildInfo(f)
	} else {
		info, err = buildinfo.Read(f)
	}
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("no Go build information: %v", err))
	}
	r.Problems = append(r.Problems, compare(r, info, t)...)
	return r, nil
}

func fileSize(f *os.File) int64 {
	if fi, err := f.Stat(); err == nil {
		return fi.Size()
	}
	return -1
}

// formatOf identifies an executable format by its magic number.
func formatOf(magic []byte) string {
	switch {
	case bytes.Equal(magic, []byte(elf.ELFMAG)):
		return "elf"
	case bytes.HasPrefix(magic, []byte("MZ")):
		return "pe"
	case bytes.Equal(magic, []byte("\x00asm")):
		return "wasm"
	case magic[0] == 0x01 && (magic[1] == 0xF7 || magic[1] == 0xDF): // XCOFF64 / XCOFF32, big-endian
		return "xcoff"
	}
	le, be := binary.LittleEndian.Uint32(magic), binary.BigEndian.Uint32(magic)
	for _, m := range []uint32{macho.Magic32, macho.Magic64, macho.MagicFat} {
		if le == m || be == m {
			return "macho"
		}
	}
	switch be {
	case plan9obj.Magic386, plan9obj.MagicAMD64, plan9obj.MagicARM:
		return "plan9"
	}
	return ""
}

func inspectELF(f *os.File, r *Report) error {
	ef, err := elf.NewFile(f)
	if err != nil {
		return err
	}
	interp := ""
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			data := make([]byte, p.Filesz)
			if _, err := p.ReadAt(data, 0); err == nil {
				interp = strings.TrimRight(string(data), "\x00")
			} else {
				interp = "?"
			}
		}
	}
	libs, _ := ef.ImportedLibraries() // no dynamic section: no libraries
	r.Static = interp == "" && len(libs) == 0
	r.Machine = elfMachineName(ef)
	return nil
}

// elfMachineName adds class and byte order to the machine where one
// e_machine value covers several GOARCHes (mips vs mips64le, ppc64 vs ppc64le).
func elfMachineName(ef *elf.File) string {
	name := ef.Machine.String()
	switch ef.Machine {
	case elf.EM_MIPS, elf.EM_PPC64:
		cls := "32"
		if ef.Class == elf.ELFCLASS64 {
			cls = "64"
		}
		order := "MSB"
		if ef.Data == elf.ELFDATA2LSB {
			order = "LSB"
		}
		name += " " + cls + "-bit " + order
	}
	return name
}

func inspectPE(f *os.File, r *Report) error {
	pf, err := pe.NewFile(f)
	if err != nil {
		return err
	}
	r.Machine = peMachineNames[pf.Machine]
	if r.Machine == "" {
		r.Machine = fmt.Sprintf("IMAGE_FILE_MACHINE_%#x", pf.Machine)
	}
	return nil
}

func inspectMachO(f *os.File, r *Report) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return err
	}
	if binary.BigEndian.Uint32(magic[:]) == macho.MagicFat {
		ff, err := macho.NewFatFile(f)
		if err != nil {
			return err
		}
		var cpus []string
		for _, a := range ff.Arches {
			cpus = append(cpus, a.Cpu.String())
		}
		r.Machine = "fat(" + strings.Join(cpus, ",") + ")"
		return nil
	}
	mf, err := macho.NewFile(f)
	if err != nil {
		return err
	}
	r.Machine = mf.Cpu.String()
	return nil
}

func inspectPlan9(f *os.File, r *Report) error {
	pf, err := plan9obj.NewFile(f)
	if err != nil {
		return err
	}
	switch pf.Magic {
	case plan9obj.Magic386:
		r.Machine = "plan9-386"
	case plan9obj.MagicAMD64:
		r.Machine = "plan9-amd64"
	case plan9obj.MagicARM:
		r.Machine = "plan9-arm"
	}
	r.Static = true
	return nil
}

// readSettings copies the target settings the go command recorded.
func readSettings(info *debug.BuildInfo, r *Report, variantVar string) {
	r.GoVersion = info.GoVersion
	for _, s := range info.Settings {
		switch s.Key {
		case "GOOS":
			r.GOOS = s.Value
		case "GOARCH":
			r.GOARCH = s.Value
		case "CGO_ENABLED":
			r.CgoEnabled = s.Value == "1"
		case variantVar:
			if variantVar != "" {
				r.Variant = s.Value
			}
		}
	}
}

// compare lists the differences between what the binary is and what t
// asks for. info is nil if the binary has no readable build information.
func compare(r *Report, info *debug.BuildInfo, t target.Target) []string {
	var problems []string
	if want := formatFor(t.GOOS); want != "" && r.Format != want {
		problems = append(problems, fmt.Sprintf("format is %s, want %s for %s", r.Format, want, t.GOOS))
	} else if want := machineFor(r.Format, t.GOARCH); want != "" && r.Machine != want {
		problems = append(problems, fmt.Sprintf("machine is %s, want %s for %s", r.Machine, want, t.GOARCH))
	}
	if info == nil {
		return problems // build information missing: already reported
	}
	readSettings(info, r, t.VariantVar())
	if r.GOOS != t.GOOS || r.GOARCH != t.GOARCH {
		problems = append(problems, fmt.Sprintf("built for %s/%s, want %s/%s", r.GOOS, r.GOARCH, t.GOOS, t.GOARCH))
	}
	if want := expectedVariant(t); want != "" && r.Variant != want && !strings.HasPrefix(r.Variant, want+",") {
		problems = append(problems, fmt.Sprintf("built with %s=%s, want %s", t.VariantVar(), r.Variant, want))
	}
	if r.CgoEnabled != t.Cgo {
		problems = append(problems, fmt.Sprintf("built with CGO_ENABLED=%s, want %s", cgoValue(r.CgoEnabled), cgoValue(t.Cgo)))
	}
	if r.Format == "elf" && t.GOOS == "linux" && !t.Cgo && !r.Static {
		problems = append(problems, "dynamically linked although CGO_ENABLED=0")
	}
	return problems
}

// expectedVariant is the variant t selects, from Variant or from a variant
// variable in the configured environment (which wins, as it comes later).
func expectedVariant(t target.Target) string {
	name := t.VariantVar()
	if name == "" {
		return ""
	}
	want := ""
	for _, kv := range t.Environ() {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			want = v
		}
	}
	return want
}

func cgoValue(on bool) string {
	if on {
		return "1"
	}
	return "0"
}
