package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// module is a real module fetched through the module proxy.
type module struct {
	Path    string
	Version string
	// EditFile is the file (relative to the module root) the editor
	// benchmark opens and edits; it must build for every target.
	EditFile string
	// EditLine, appended to EditFile, breaks Broken (and maybe other
	// targets); every server's message about it contains EditWord.
	EditLine, EditWord, Broken string
	Dir                        string // writable copy, set by fetch
	fetchErr                   error  // why fetch failed, for a part that skips the module
}

func (m module) String() string { return m.Path + "@" + m.Version }

// short is the last path element, without a major-version suffix.
func (m module) short() string {
	base := m.Path[strings.LastIndex(m.Path, "/")+1:]
	if len(base) >= 2 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		p := strings.TrimSuffix(m.Path, "/"+base)
		base = p[strings.LastIndex(p, "/")+1:]
	}
	return base
}

// goCommand runs the go command with argv in dir and env, returning stdout;
// the error includes stderr.
func goCommand(ctx context.Context, goCmd, dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.Bytes(), nil
}

// fetch downloads m through the module proxy, copies it to a writable
// directory under root and downloads its dependencies, so that builds and
// checks of the copy need no network.
func (m *module) fetch(ctx context.Context, goCmd, root string, env []string) error {
	out, err := goCommand(ctx, goCmd, root, env, "mod", "download", "-json", m.String())
	var info struct {
		Dir   string
		Error string
	}
	if jerr := json.Unmarshal(out, &info); jerr != nil {
		if err != nil {
			return err
		}
		return fmt.Errorf("go mod download %s: %v", m, jerr)
	}
	if info.Error != "" {
		return fmt.Errorf("go mod download %s: %s", m, info.Error)
	}
	if err != nil {
		return err
	}
	dst := filepath.Join(root, strings.ReplaceAll(m.Path, "/", "_")+"@"+m.Version)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := copyTree(info.Dir, dst); err != nil {
		return fmt.Errorf("copying %s: %v", m, err)
	}
	if _, err := goCommand(ctx, goCmd, dst, env, "mod", "download"); err != nil {
		return err
	}
	m.Dir = dst
	return nil
}

// copyTree copies the regular files and directories of src to dst, owner
// writable (the module cache is read-only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil // module zips hold no symlinks or devices
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// withEnv returns base with each KEY=VALUE of overrides replacing any
// earlier setting of KEY.
func withEnv(base []string, overrides ...string) []string {
	keys := map[string]bool{}
	for _, kv := range overrides {
		k, _, _ := strings.Cut(kv, "=")
		keys[k] = true
	}
	out := make([]string, 0, len(base)+len(overrides))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !keys[k] {
			out = append(out, kv)
		}
	}
	return append(out, overrides...)
}
