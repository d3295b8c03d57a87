package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds the configuration files we read; real ones are a few
// kilobytes, and a runaway file should fail clearly rather than slowly.
const maxFileSize = 1 << 20

// A fileParser walks the yaml.Node tree of one configuration file,
// collecting every error and warning with its position instead of stopping
// at the first, so that one run shows all that is wrong with the file.
type fileParser struct {
	file     string
	errs     ErrorList
	warnings []string
}

// readYAML reads and parses path. It returns the document's root node, or
// nil for an empty document.
func (p *fileParser) readYAML(path string) (*yaml.Node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is larger than %d bytes", maxFileSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, data, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty file or only comments
	}
	return resolve(doc.Content[0]), nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error ("yaml: line 3: did not find
// expected key") into an Error that names the file and line.
//
// yaml.v3 leaves the line out of errors on the first line and of errors
// in the bytes themselves (control characters, invalid UTF-8); those get
// the line of the first byte YAML does not allow, else line 1.
func yamlError(path string, data []byte, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: path, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: path, Line: disallowedLine(data), Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// disallowedLine returns the 1-based line of the first character YAML does
// not allow in a stream (invalid UTF-8, control characters), or 1.
func disallowedLine(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		allowed := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85 ||
			r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune
		if r == utf8.RuneError && size <= 1 || !allowed {
			return 1 + bytes.Count(data[:i], []byte("\n"))
		}
		i += size
	}
	return 1
}

// maxErrors bounds the errors and warnings kept for one file: past a
// screenful, more of them help nobody.
const maxErrors = 50

func (p *fileParser) errorf(n *yaml.Node, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs.add(e)
}

func (p *fileParser) warnf(n *yaml.Node, format string, args ...any) {
	if len(p.warnings) >= maxErrors {
		return
	}
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	// The same node is visited once per target it expands to; say it once.
	if w := e.Error(); !slices.Contains(p.warnings, w) {
		p.warnings = append(p.warnings, w)
	}
}

// resolve follows alias nodes (*anchor) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

type keyValue struct {
	key            string
	keyNode, value *yaml.Node
}

// mapping returns the entries of a mapping node in file order, applying
// YAML merge keys ("<<: *defaults") and reporting duplicate keys. what
// names the node in messages.
func (p *fileParser) mapping(n *yaml.Node, what string) ([]keyValue, bool) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, not %s", what, kindName(n))
		return nil, false
	}
	var (
		out    []keyValue
		seen   = map[string]*yaml.Node{}
		merged []*yaml.Node
	)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: keys must be plain words, not %s", what, kindName(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			switch v.Kind {
			case yaml.MappingNode:
				merged = append(merged, v)
			case yaml.SequenceNode:
				for _, m := range v.Content {
					merged = append(merged, resolve(m))
				}
			default:
				p.errorf(v, "%s: merge key << needs a mapping, not %s", what, kindName(v))
			}
			continue
		}
		if first, ok := seen[k.Value]; ok {
			p.errorf(k, "%s: duplicate key %q (first at line %d)", what, k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, keyValue{k.Value, k, v})
	}
	// Merged keys never override explicit ones, and earlier merges win.
	for _, m := range merged {
		if m.Kind != yaml.MappingNode {
			p.errorf(m, "%s: merge key << needs a mapping, not %s", what, kindName(m))
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				continue // nested merges are not worth supporting
			}
			if _, ok := seen[k.Value]; !ok {
				seen[k.Value] = k
				out = append(out, keyValue{k.Value, k, v})
			}
		}
	}
	return out, true
}

// sequence returns the items of a sequence node.
func (p *fileParser) sequence(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list, not %s", what, kindName(n))
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = resolve(c)
	}
	return items, true
}

// str returns the text of a scalar. Numbers are accepted as their text,
// since `goarm: [6, 7]` is how people write GOARM values.
func (p *fileParser) str(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		p.errorf(n, "%s must be a string, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (p *fileParser) boolean(n *yaml.Node, what string) (bool, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err == nil {
			return b, true
		}
	}
	p.errorf(n, "%s must be true or false, not %s", what, describe(n))
	return false, false
}

func (p *fileParser) integer(n *yaml.Node, what string) (int, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		if i, err := strconv.Atoi(n.Value); err == nil {
			return i, true
		}
	}
	p.errorf(n, "%s must be an integer, not %s", what, describe(n))
	return 0, false
}

// strings returns the scalar items of a list node with their nodes.
func (p *fileParser) strings(n *yaml.Node, what string) ([]string, []*yaml.Node) {
	items, ok := p.sequence(n, what)
	if !ok {
		return nil, nil
	}
	var vals []string
	var nodes []*yaml.Node
	for _, it := range items {
		if s, ok := p.str(it, what+" item"); ok {
			vals = append(vals, s)
			nodes = append(nodes, it)
		}
	}
	return vals, nodes
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "empty"
		}
		return "a scalar"
	}
	return "a document"
}

// describe names a node for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		return strconv.Quote(n.Value)
	}
	return kindName(n)
}

// isTemplate reports whether s holds a GoReleaser (text/template) action,
// which crossls cannot evaluate.
func isTemplate(s string) bool { return strings.Contains(s, "{{") }
