// Command crossls checks and builds a Go module for every configured
// cross-compilation target, from the command line or as a language server.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
)

// A command is one crossls subcommand. Each lives in its own file and
// registers itself in init, so main stays a small dispatcher.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(name string, c command) { commands[name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	// vscode-languageclient starts the server as `crossls --stdio`.
	if args[0] == "--stdio" || args[0] == "-stdio" {
		args = append([]string{"serve"}, args...)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "crossls: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "crossls checks and builds a Go module for every configured target.")
	fmt.Fprintln(w, "\nUsage: crossls <command> [flags] [packages]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'crossls <command> -h' for a command's flags.")
}
