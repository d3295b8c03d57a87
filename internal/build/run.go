package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/crossls/crossls/internal/build/verify"
	"github.com/crossls/crossls/internal/proc"
)

// build runs one job: go build into a private temporary directory inside
// the output directory, verification, then an atomic rename over the
// previous binary. The temporary directory goes in every case.
func (r *runner) build(ctx context.Context, j *job) (res Result) {
	start := time.Now()
	res = Result{Target: j.target, Package: j.pkgLabel()}
	defer func() { res.Duration = time.Since(start) }()

	args := []string{"build", "-json"}
	if r.opts.Trimpath {
		args = append(args, "-trimpath")
	}
	if len(j.tags) > 0 {
		args = append(args, "-tags", strings.Join(j.tags, ","))
	}
	if r.opts.Ldflags != "" {
		args = append(args, "-ldflags="+r.opts.Ldflags)
	}
	var tmp string
	if j.isMain() {
		tmpDir, err := os.MkdirTemp(r.outDir, ".crossls-build-")
		if err != nil {
			res.Err = fmt.Errorf("creating temporary output: %v", err)
			return res
		}
		defer os.RemoveAll(tmpDir)
		tmp = filepath.Join(tmpDir, filepath.Base(j.output))
		args = append(args, "-o", tmp)
	}
	args = append(args, "--")
	for _, p := range j.pkgs {
		args = append(args, p.ImportPath)
	}

	cmd := exec.CommandContext(ctx, r.goPath, args...)
	cmd.Dir = r.dir
	cmd.Env = r.environ(j.target)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	proc.KillGroupOnCancel(cmd)
	cmd.WaitDelay = 10 * time.Second
	runErr := cmd.Run()

	out := parseOutput(stdout.Bytes(), stderr.Bytes())
	res.Log = out.log
	res.Errors = parseErrors(out, r.dir, j.target.String())
	switch {
	case ctx.Err() != nil:
		res.Err = cancelled(ctx)
		return res
	case runErr != nil:
		res.Err = r.explain(ctx, j.target, out, res.Errors, runErr)
		return res
	case !j.isMain():
		return res
	}

	rep, err := verify.Binary(tmp, j.target)
	if err != nil {
		res.Err = fmt.Errorf("verifying %s: %v", filepath.Base(j.output), err)
		return res
	}
	res.Verify = rep
	if !rep.OK() {
		res.Err = fmt.Errorf("verification failed: %s", strings.Join(rep.Problems, "; "))
		return res
	}
	fi, err := os.Stat(tmp)
	if err != nil {
		res.Err = err
		return res
	}
	if ctx.Err() != nil { // never replace a binary after cancellation
		res.Err = cancelled(ctx)
		return res
	}
	if err := os.Rename(tmp, j.output); err != nil {
		res.Err = fmt.Errorf("installing %s: %v", j.output, err)
		return res
	}
	res.Output, res.Size = j.output, fi.Size()
	return res
}
