package config

import (
	"bytes"
	"context"
	"fmt"
	"go/build"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/crossls/crossls/analysis/target"
)

// A matrix file lists build configurations one a line, in the format of
// staticcheck's -matrix flag, so that one file serves both tools:
//
//	windows: GOOS=windows
//	linux_arm64: GOOS=linux GOARCH=arm64 -tags=netgo
//	sqlite: GOOS=linux CGO_ENABLED=1 CC=gcc "-tags=sqlite json1"
//
// Each line is a name (letters, digits and _), a colon, then environment
// settings NAME=VALUE and flags, where values may be double-quoted. GOOS
// and GOARCH default to the host's, as they do for staticcheck; cgo is
// off unless CGO_ENABLED=1, as for every crossls target. The only flag is
// -tags (comma- or space-separated). Blank lines and lines starting with
// # are skipped (staticcheck does not skip comments).

// ParseMatrix reads the targets of a matrix file, validated against dist
// (nil: that of the "go" on PATH). Errors are *Error or ErrorList, at the
// file's lines.
func ParseMatrix(path string, dist *target.Dist) ([]target.Target, error) {
	if dist == nil {
		var err error
		if dist, err = target.LoadDist(context.Background(), "go"); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read matrix file: " + errText(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read matrix file: " + errText(err)}
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is larger than %d bytes", maxFileSize)}
	}
	var (
		errs  ErrorList
		out   []target.Target
		first = map[string]int{} // canonical target -> line
	)
	for i, line := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		text := strings.TrimSpace(string(line))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if len(errs) >= maxErrors {
			break
		}
		t, col, err := parseMatrixLine(text)
		if err == nil {
			err = dist.Validate(t)
			col = 0
			if err != nil {
				err = fmt.Errorf("target %s: %v", t, err)
			}
		}
		if err != nil {
			errs.add(&Error{File: path, Line: n, Column: col, Msg: err.Error()})
			continue
		}
		if prev, dup := first[t.String()]; dup {
			errs.add(&Error{File: path, Line: n, Msg: fmt.Sprintf("duplicate target %s (first at line %d): crossls tells targets apart by GOOS, GOARCH, variant and cgo, not by tags or other settings", t, prev)})
			continue
		}
		first[t.String()] = n
		out = append(out, t)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, &Error{File: path, Msg: "matrix file lists no build configurations"}
	}
	return out, nil
}

// parseMatrixLine reads one line. col is the 1-based column of an error,
// 0 when it concerns the line as a whole.
func parseMatrixLine(line string) (t target.Target, col int, err error) {
	name, rest, ok := strings.Cut(line, ":")
	if !ok {
		return t, 0, fmt.Errorf("want NAME: SETTINGS, e.g. linux_arm64: GOOS=linux GOARCH=arm64")
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return t, len(name) + 2, fmt.Errorf("want a space after %q", name+":")
	}
	if name == "" {
		return t, 1, fmt.Errorf("missing build name before the colon")
	}
	for _, r := range name {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return t, 1, fmt.Errorf("invalid build name %q: use letters, digits and _", name)
		}
	}
	words, wordCols, err := splitMatrixWords(rest, len(name)+1)
	if err != nil {
		return t, len(line) + 1, err
	}
	t.GOOS, t.GOARCH = build.Default.GOOS, build.Default.GOARCH
	variants := map[string]string{} // variant variable -> value
	var tagsSeen bool
	for i, w := range words {
		c := wordCols[i]
		if strings.HasPrefix(w, "-") {
			flag, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
			switch {
			case flag != "tags":
				return t, c, fmt.Errorf("flag -%s is not supported: a line sets build tags (-tags=...) and environment only", flag)
			case !hasValue:
				return t, c, fmt.Errorf("write -tags=LIST, with the tags after =")
			case tagsSeen:
				return t, c, fmt.Errorf("-tags is given twice")
			}
			tagsSeen = true
			for _, tag := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
				switch {
				case !buildTagRE.MatchString(tag):
					return t, c, fmt.Errorf("invalid build tag %q: tags are letters, digits, _ and .", tag)
				case target.KnownOS[tag] || target.KnownArch[tag] || tag == "cgo" || tag == "unix":
					return t, c, fmt.Errorf("build tag %q is set by the target: choose it with GOOS, GOARCH or CGO_ENABLED", tag)
				}
				t.Tags = append(t.Tags, tag)
			}
			continue
		}
		key, value, ok := strings.Cut(w, "=")
		if !ok || !envNameRE.MatchString(key) {
			return t, c, fmt.Errorf("%q is neither NAME=VALUE nor a flag", w)
		}
		switch key {
		case "GOOS":
			t.GOOS = value
		case "GOARCH":
			t.GOARCH = value
		case "CGO_ENABLED":
			switch value {
			case "0":
				t.Cgo = false
			case "1":
				t.Cgo = true
			default:
				return t, c, fmt.Errorf("CGO_ENABLED must be 0 or 1, not %q", value)
			}
		case "CC":
			if strings.TrimSpace(value) == "" {
				return t, c, fmt.Errorf("CC is empty")
			}
			t.CC = value
		case "GOARM", "GOAMD64", "GO386", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64":
			variants[key] = value
		default:
			t.Env = append(t.Env, key+"="+value)
		}
	}
	for key, value := range variants {
		if key != t.VariantVar() {
			return t, 0, fmt.Errorf("%s has no effect on GOARCH=%s", key, t.GOARCH)
		}
		t.Variant = value
		if t.GOARCH == "arm" {
			t.Variant = strings.TrimPrefix(value, "v")
		}
	}
	if t.CC != "" && !t.Cgo {
		return t, 0, fmt.Errorf("CC has no effect with cgo off: set CGO_ENABLED=1")
	}
	return t, 0, nil
}

// splitMatrixWords splits settings at spaces outside double quotes, which
// it removes. cols are the words' 1-based columns in the line, the
// settings starting at column offset+1.
func splitMatrixWords(s string, offset int) (words []string, cols []int, err error) {
	var (
		b       strings.Builder
		inQuote bool
		start   = -1
	)
	flush := func() {
		if start >= 0 {
			words, cols = append(words, b.String()), append(cols, offset+start+1)
			b.Reset()
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
			if start < 0 {
				start = i
			}
		case (r == ' ' || r == '\t') && !inQuote:
			flush()
		default:
			if start < 0 {
				start = i
			}
			b.WriteRune(r)
		}
	}
	if inQuote {
		return nil, nil, fmt.Errorf("unterminated quoted string")
	}
	flush()
	return words, cols, nil
}
