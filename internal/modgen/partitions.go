package modgen

// A partition splits targets into groups, each built from its own file:
// a declaration with a variant per part differs between the groups. A
// partition may leave targets out (a gap: the declaration is missing
// there) or let parts overlap (it is declared twice there).
type partition struct {
	name  string
	parts []part
}

// rare partitions make every target they select fail, or select no
// target at all: they are chosen a third as often as the others.
var rare = map[string]bool{
	"overlap": true, "ignored": true, "compiler": true, "release": true, "custom-tag": true, "goamd64": true,
	"late": true, "noblank": true,
}

// A part is one file of a partition: selected by a file name suffix
// (known GOOS or GOARCH words), a //go:build line, or both, and perhaps
// importing "C" (so that it builds only with cgo).
type part struct {
	suffix string // file name suffix without "_" or ".go"; for build-line-only parts, a word go/build ignores
	build  string // //go:build expression, or "+build ..." for a // +build line; "" if none
	cgo    bool
	// late puts the build line after the package clause, where it is
	// only a comment; noBlank leaves out the blank line a // +build line
	// needs to count.
	late, noBlank bool
}

// partitions are chosen from at random, per declaration. The comments
// say which of the tested targets (linux/amd64, linux/386, linux/arm/v7,
// windows/amd64, darwin/arm64, js/wasm, plan9/amd64, linux/amd64+cgo,
// linux/arm64+cgo) each part selects.
var partitions = []partition{
	{"os", []part{{suffix: "linux"}, {suffix: "windows"}, {suffix: "otheros", build: "!linux && !windows"}}},
	// js and plan9 get nothing.
	{"os-gap", []part{{suffix: "linux"}, {suffix: "windows"}, {suffix: "darwin"}}},
	{"darwin", []part{{suffix: "darwin"}, {suffix: "notdarwin", build: "!darwin"}}},
	{"bits", []part{{suffix: "bits32", build: "386 || arm"}, {suffix: "bits64", build: "!386 && !arm"}}},
	{"arch", []part{{suffix: "amd64"}, {suffix: "arm64"}, {suffix: "otherarch", build: "!amd64 && !arm64"}}},
	{"arch-gap", []part{{suffix: "386"}, {suffix: "arm"}}},
	{"unix", []part{{suffix: "unixes", build: "unix"}, {suffix: "nounix", build: "!unix"}}},
	// A _unix.go name is no constraint: the "unix" word is a build tag only.
	{"unix-name", []part{{suffix: "unix"}, {suffix: "nounix", build: "!unix"}}},
	{"cgo", []part{{suffix: "withcgo", cgo: true}, {suffix: "nocgo", build: "!cgo"}}},
	{"cgo-gap", []part{{suffix: "withcgo", cgo: true}}},
	{"cgo-tag", []part{{suffix: "cgotag", build: "cgo"}, {suffix: "nocgo", build: "!cgo"}}},
	{"cgo-linux", []part{{suffix: "cgolinux", build: "linux", cgo: true}, {suffix: "nocgolinux", build: "!linux || !cgo"}}},
	{"wasm", []part{{suffix: "wasm"}, {suffix: "nowasm", build: "!wasm"}}},
	{"js-plan9", []part{{suffix: "js"}, {suffix: "plan9"}, {suffix: "rest", build: "!js && !plan9"}}},
	{"plan9-gap", []part{{suffix: "notplan9", build: "!plan9"}}},
	{"windows-gap", []part{{suffix: "notwindows", build: "!windows"}}},
	// linux gets both.
	{"overlap", []part{{suffix: "unixes", build: "unix"}, {suffix: "linux"}}},
	{"osarch", []part{{suffix: "linux_amd64"}, {suffix: "notlinuxamd64", build: "!(linux && amd64)"}}},
	// Only the part before the first dot counts: x_windows.gen.go is a
	// windows file, x.gen_windows.go is not.
	{"dotted", []part{{suffix: "windows.gen"}, {suffix: "notwindows", build: "!windows"}}},
	// Architecture feature tags: arm.6 holds for GOARM=7 too; amd64.v3
	// for none of the default variants.
	{"goarm", []part{{suffix: "armv6", build: "arm.6"}, {suffix: "noarmv6", build: "!arm.6"}}},
	{"goamd64", []part{{suffix: "amd64v3", build: "amd64.v3"}, {suffix: "noamd64v3", build: "!amd64.v3"}}},
	{"release", []part{{suffix: "newgo", build: "go1.21"}, {suffix: "oldgo", build: "!go1.21"}}},
	{"compiler", []part{{suffix: "gccgo", build: "gccgo"}, {suffix: "gc", build: "gc"}}},
	{"ignored", []part{{suffix: "ignored", build: "ignore"}}},
	{"custom-tag", []part{{suffix: "custom", build: "customtag"}, {suffix: "nocustom", build: "!customtag"}}},
	{"plusbuild", []part{{suffix: "plus", build: "+build linux darwin"}, {suffix: "noplus", build: "!linux && !darwin"}}},
	{"complex", []part{{suffix: "cplx", build: "(linux || darwin) && !386"}, {suffix: "nocplx", build: "!(linux || darwin) || 386"}}},
	// Build lines that constrain nothing: the file builds everywhere.
	{"late", []part{{suffix: "latewin", build: "windows", late: true}}},
	{"noblank", []part{{suffix: "noblankwin", build: "+build windows", noBlank: true}}},
}

// none is the partition of declarations that do not vary: they go in the
// package's common file.
var none = &partition{name: "none", parts: []part{{}}}
