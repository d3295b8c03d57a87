package verify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// debug/buildinfo does not read WebAssembly modules (the wasm linker emits
// no .go.buildinfo section), yet js/wasm and wasip1/wasm share a format and
// differ only in their build settings. wasmBuildInfo finds the settings in
// the memory image that the module's data section initialises.

const (
	wasmDataSection    = 11
	maxWasmMemoryImage = 1 << 30
)

func wasmBuildInfo(f *os.File) (*debug.BuildInfo, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	mem, err := wasmMemoryImage(data)
	if err != nil {
		return nil, err
	}
	return parseModInfo(mem)
}

type wasmSegment struct {
	offset int64
	data   []byte
}

// wasmMemoryImage returns the bytes the data section's active segments
// write to memory. The linker leaves runs of zeros out of the segments, so
// text is only contiguous in this image, not in the file.
func wasmMemoryImage(mod []byte) ([]byte, error) {
	if len(mod) < 8 || string(mod[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	r := &wasmReader{b: mod[8:]}
	var segs []wasmSegment
	for len(r.b) > 0 {
		id := r.byte()
		size := r.uleb()
		body := r.bytes(size)
		if r.err != nil {
			return nil, r.err
		}
		if id != wasmDataSection {
			continue
		}
		sr := &wasmReader{b: body}
		for n := sr.uleb(); n > 0 && sr.err == nil; n-- {
			switch flags := sr.uleb(); flags {
			case 0, 2:
				if flags == 2 {
					sr.uleb() // memory index
				}
				if op := sr.byte(); op != 0x41 { // i32.const
					return nil, fmt.Errorf("unsupported data segment offset expression %#x", op)
				}
				off := sr.sleb()
				if end := sr.byte(); end != 0x0b {
					return nil, errors.New("malformed data segment offset expression")
				}
				segs = append(segs, wasmSegment{off, sr.bytes(sr.uleb())})
			case 1: // passive segment: not part of the initial memory image
				sr.bytes(sr.uleb())
			default:
				return nil, fmt.Errorf("unsupported data segment kind %d", flags)
			}
		}
		if sr.err != nil {
			return nil, sr.err
		}
	}
	if len(segs) == 0 {
		return nil, errors.New("no data section")
	}
	lo, hi := segs[0].offset, segs[0].offset
	for _, s := range segs {
		lo = min(lo, s.offset)
		hi = max(hi, s.offset+int64(len(s.data)))
	}
	if lo < 0 || hi-lo > maxWasmMemoryImage {
		return nil, errors.New("data segments out of range")
	}
	mem := make([]byte, hi-lo)
	for _, s := range segs {
		copy(mem[s.offset-lo:], s.data)
	}
	return mem, nil
}

// The go command frames the module and build settings text it embeds as
// runtime.modinfo with these sentinels (cmd/go/internal/modload).
var (
	modInfoStart = "\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6"
	modInfoEnd   = "\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2"
)

// parseModInfo finds and parses the runtime.modinfo text in a memory image.
// GoVersion stays empty: the version string is not framed.
func parseModInfo(mem []byte) (*debug.BuildInfo, error) {
	i := bytes.Index(mem, []byte(modInfoStart))
	if i < 0 {
		return nil, errors.New("not a Go executable")
	}
	text := mem[i+len(modInfoStart):]
	j := bytes.Index(text, []byte(modInfoEnd))
	if j < 0 {
		return nil, errors.New("truncated build information")
	}
	return debug.ParseBuildInfo(string(text[:j]))
}

// wasmReader decodes LEB128 integers and byte strings, remembering the
// first error so callers can check once.
type wasmReader struct {
	b   []byte
	err error
}

var errTruncated = errors.New("truncated WebAssembly module")

func (r *wasmReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errTruncated
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *wasmReader) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errTruncated
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *wasmReader) uleb() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || r.err != nil {
		r.err = errTruncated
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *wasmReader) sleb() int64 {
	var v int64
	var shift uint
	for {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v
		}
		if shift >= 64 {
			r.err = errors.New("malformed LEB128 integer")
			return 0
		}
	}
}
