package buildoracle

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/crossls/crossls/analysis/target"
)

// module is every case below in one module, as the oracle sees it in use:
// packages that fail and packages that load badly side by side.
const module = `
-- go.mod --
module ex.com/m

go 1.26
-- undef/a.go --
package undef

func Use() { F() }
-- undef/f_linux.go --
package undef

func F() {}
-- lib/lib.go --
package lib

type T struct{}

func Get() T { return T{} }
-- lib/g_linux.go --
package lib

func G() {}

func (T) M() {}
-- qual/q.go --
package qual

import "ex.com/m/lib"

func Use() { lib.G() }
-- meth/m.go --
package meth

import "ex.com/m/lib"

func Use() { var t lib.T; t.M() }
-- twohop/t.go --
package twohop

import "ex.com/m/wrap"

func Use() { wrap.Get().M() }
-- wrap/w.go --
package wrap

import "ex.com/m/lib"

func Get() *lib.T { return new(lib.T) }
-- linuxonly/l_linux.go --
package linuxonly

const X = 1
-- importer/i.go --
package importer

import "ex.com/m/linuxonly"

const Y = linuxonly.X
-- cgoonly/c.go --
package cgoonly

// static inline int seven(void) { return 7; }
import "C"

func Seven() int { return int(C.seven()) }
-- cgouse/u.go --
package cgouse

func Use() int { return Seven() }
-- cgouse/c.go --
package cgouse

// static inline int seven(void) { return 7; }
import "C"

func Seven() int { return int(C.seven()) }
-- typeerr/t.go --
package typeerr

var X int = "s"
-- nobody/n.go --
package nobody

func F()
-- syntax/s.go --
package syntax

func F() { return 1 + }
-- std/s.go --
package std

import "syscall"

var _ = syscall.Mmap
-- header/h.go --
package header

// #include <no-such-header.h>
import "C"

var X = 1
-- depcompile/d.go --
package depcompile

import "ex.com/m/typeerr"

var Z = typeerr.X
-- cgosyntax/c.go --
package cgosyntax

import "C"

var X = 1 +
-- big/b.go --
package big

var Big [1 << 31]byte
-- first/f.go --
package first

var Y int = "s"

func Use() { F() }
-- first/f_linux.go --
package first

func F() {}
`

func TestVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build for several targets")
	}
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(module)).Files {
		path := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs := []string{"undef", "lib", "qual", "meth", "twohop", "wrap", "linuxonly", "importer", "cgoonly", "cgouse",
		"typeerr", "nobody", "syntax", "std", "header", "first", "depcompile", "cgosyntax", "big"}
	for i, p := range pkgs {
		pkgs[i] = "ex.com/m/" + p
	}
	// want maps a target to "package=class" for the packages that fail;
	// the others must build.
	want := map[string][]string{
		"linux/amd64": {"cgoonly=cgo-required", "cgouse=cgo-required", "header=cgo-required", "cgosyntax=cgo-required", "big=type-error", "typeerr=type-error", "depcompile=dependency-fails", "nobody=type-error",
			"syntax=other", "first=type-error"},
		"windows/amd64": {"undef=undefined-symbol", "qual=undefined-symbol", "meth=undefined-symbol", "twohop=undefined-symbol",
			"linuxonly=no-go-files", "importer=dependency-fails", "cgoonly=cgo-required", "cgouse=cgo-required", "header=cgo-required", "cgosyntax=cgo-required", "big=type-error",
			"typeerr=type-error", "depcompile=dependency-fails", "nobody=type-error", "syntax=other", "std=undefined-symbol", "first=type-error"},
		"linux/amd64+cgo": {"cgosyntax=other", "big=type-error", "typeerr=type-error", "depcompile=dependency-fails", "nobody=type-error", "syntax=other", "header=other", "first=type-error"},
		"linux/arm64+cgo": {"cgosyntax=other", "big=type-error", "cgoonly=other", "cgouse=other", "typeerr=type-error", "depcompile=dependency-fails", "nobody=type-error",
			"syntax=other", "header=other", "first=type-error"},
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		delete(want, "linux/amd64+cgo") // the host C compiler is for another target
		delete(want, "linux/arm64+cgo")
	}
	for spec, fails := range want {
		t.Run(strings.ReplaceAll(spec, "/", "_"), func(t *testing.T) {
			ts, err := target.ParseList(spec)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Verdicts(context.Background(), dir, pkgs, ts[0])
			if err != nil {
				t.Fatal(err)
			}
			class := map[string]string{}
			for _, f := range fails {
				p, c, _ := strings.Cut(f, "=")
				class["ex.com/m/"+p] = c
			}
			for _, p := range pkgs {
				v := got[p]
				if c := class[p]; c == "" && v.Status != "ok" || c != "" && (v.Status != "fail" || v.Class != c) {
					t.Errorf("%s: got %s %s (%s at %s), want %q\n%s", p, v.Status, v.Class, v.Message, v.Pos, c, v.Output)
				}
			}
			// The batch's verdicts are those of building each package on
			// its own.
			r := &runner{dir: dir, t: ts[0], env: append(os.Environ(), ts[0].Environ()...)}
			if err := r.list(context.Background(), pkgs, false); err != nil {
				t.Fatal(err)
			}
			for _, p := range pkgs {
				one, err := r.buildOne(context.Background(), p)
				if err != nil {
					t.Fatal(err)
				}
				if v := got[p]; one.Status != v.Status || one.Class != v.Class || one.Message != v.Message || one.Pos != v.Pos {
					t.Errorf("%s: built on its own: %+v\nin the batch: %+v", p, one, v)
				}
			}
		})
	}
}
