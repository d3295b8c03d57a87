package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/crossls/crossls/lsp"
)

func init() {
	register("serve", command{summary: "run the language server on stdin/stdout", run: runServe})
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("stdio", true, "communicate over stdin/stdout (the only transport; accepted for editor clients)")
	logfile := fs.String("logfile", "", "write the server's debug log to `file`")
	verbose := fs.Bool("v", false, "log every check and build step")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the session to `file` (for performance reports)")
	memProfile := fs.String("memprofile", "", "write an allocation profile of the session to `file` when it ends")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: crossls serve [-logfile FILE] [-v] [-cpuprofile FILE] [-memprofile FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts := lsp.Options{Verbose: *verbose, TuneGC: true}
	if *logfile != "" {
		f, err := os.OpenFile(*logfile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "crossls:", err)
			return 2
		}
		defer f.Close()
		opts.Log = f
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "crossls:", err)
			return 2
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		defer func() {
			if f, err := os.Create(*memProfile); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if err := lsp.Serve(ctx, stdio{stdout: stdout}, opts); err != nil {
		fmt.Fprintln(stderr, "crossls serve:", err)
		return 1
	}
	return 0
}

// stdio joins stdin and the command's stdout into the server's stream.
type stdio struct{ stdout io.Writer }

func (stdio) Read(p []byte) (int, error)    { return os.Stdin.Read(p) }
func (s stdio) Write(p []byte) (int, error) { return s.stdout.Write(p) }
func (stdio) Close() error                  { return os.Stdin.Close() }
