package verify

import "debug/pe"

// formatFor returns the executable format the go linker produces for goos,
// or "" for a GOOS this package does not know.
func formatFor(goos string) string {
	switch goos {
	case "windows":
		return "pe"
	case "darwin", "ios":
		return "macho"
	case "js", "wasip1":
		return "wasm"
	case "aix":
		return "xcoff"
	case "plan9":
		return "plan9"
	case "linux", "android", "freebsd", "netbsd", "openbsd", "dragonfly", "solaris", "illumos", "hurd":
		return "elf"
	}
	return ""
}

// machineFor returns the machine name (as Report.Machine spells it) of a
// goarch binary in the given format, or "" if unknown.
func machineFor(format, goarch string) string {
	switch format {
	case "elf":
		return elfMachines[goarch]
	case "pe":
		for m, arch := range peMachineArch {
			if arch == goarch {
				return peMachineNames[m]
			}
		}
	case "macho":
		switch goarch {
		case "amd64":
			return "CpuAmd64"
		case "arm64":
			return "CpuArm64"
		}
	case "wasm":
		if goarch == "wasm" {
			return "wasm"
		}
	case "xcoff":
		if goarch == "ppc64" {
			return "XCOFF64"
		}
	case "plan9":
		switch goarch {
		case "386", "amd64", "arm":
			return "plan9-" + goarch
		}
	}
	return ""
}

var elfMachines = map[string]string{
	"386":      "EM_386",
	"amd64":    "EM_X86_64",
	"arm":      "EM_ARM",
	"arm64":    "EM_AARCH64",
	"loong64":  "EM_LOONGARCH",
	"riscv64":  "EM_RISCV",
	"s390x":    "EM_S390",
	"ppc64":    "EM_PPC64 64-bit MSB",
	"ppc64le":  "EM_PPC64 64-bit LSB",
	"mips":     "EM_MIPS 32-bit MSB",
	"mipsle":   "EM_MIPS 32-bit LSB",
	"mips64":   "EM_MIPS 64-bit MSB",
	"mips64le": "EM_MIPS 64-bit LSB",
}

var peMachineNames = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_AMD64: "IMAGE_FILE_MACHINE_AMD64",
	pe.IMAGE_FILE_MACHINE_I386:  "IMAGE_FILE_MACHINE_I386",
	pe.IMAGE_FILE_MACHINE_ARM64: "IMAGE_FILE_MACHINE_ARM64",
	pe.IMAGE_FILE_MACHINE_ARMNT: "IMAGE_FILE_MACHINE_ARMNT",
}

var peMachineArch = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_AMD64: "amd64",
	pe.IMAGE_FILE_MACHINE_I386:  "386",
	pe.IMAGE_FILE_MACHINE_ARM64: "arm64",
	pe.IMAGE_FILE_MACHINE_ARMNT: "arm",
}
