package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func absDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("workspace directory: %v", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("workspace %s is not a directory", abs)
	}
	return abs, nil
}

// outputDir resolves rel (default "dist") inside the workspace root and
// creates it. It refuses absolute paths and paths that leave the workspace,
// by ".." or through a symbolic link.
func outputDir(root, rel string) (string, error) {
	if rel == "" {
		rel = "dist"
	}
	if filepath.IsAbs(rel) || filepath.VolumeName(rel) != "" || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) {
		return "", fmt.Errorf("output directory %q must be relative to the workspace", rel)
	}
	clean := filepath.Clean(rel)
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("output directory %q is outside the workspace", rel)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	out := filepath.Join(root, clean)
	// Check the deepest existing ancestor before creating anything, so
	// that MkdirAll never creates directories behind a symbolic link.
	existing := out
	for {
		if _, err := os.Lstat(existing); err == nil || existing == root {
			break
		}
		existing = filepath.Dir(existing)
	}
	if err := within(realRoot, existing, rel); err != nil {
		return "", err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("creating output directory: %v", err)
	}
	if err := within(realRoot, out, rel); err != nil {
		return "", err
	}
	return out, nil
}

// within checks that path, with symbolic links resolved, is inside realRoot.
func within(realRoot, path, rel string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	r, err := filepath.Rel(realRoot, real)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fmt.Errorf("output directory %q resolves to %s, outside the workspace", rel, real)
	}
	fi, err := os.Stat(real)
	if err == nil && !fi.IsDir() {
		return errors.New("output directory " + rel + " is not a directory")
	}
	return nil
}
