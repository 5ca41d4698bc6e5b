// Command crosscheck watches news feeds and tells editors in Slack when one
// source contradicts another. See README.md for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/ops"
)

// Exit codes are part of the command-line contract.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// usageError marks a mistake by the caller (bad flag, bad configuration):
// it exits 2 instead of 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// env is what a subcommand may touch of the outside world, so tests can run
// subcommands in process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdinName names stdin in output when it holds a file's content
	// (a command forwarded to the running bot); "" otherwise.
	stdinName string
	// held is set when the running bot runs a command for the command
	// line (admin.go): its store, configuration and scheduler.
	held *heldStore
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "run the whole pipeline on built-in sample feeds", runDemo},
		{"run", "run the bot", runRun},
		{"poll", "poll every configured feed once, now", runPoll},
		{"extract", "print the claims in one article", runExtract},
		{"analyze", "print the language layer's analysis of a text: sentences, tags, lemmas, trees", runAnalyze},
		{"replay", "back-test: articles in, conflicts out", runReplay},
		{"feeds", "manage feeds: list, add, remove, pause, resume, import", runFeeds},
		{"status", "feeds' health, the outbox and open conflicts", runStatus},
		{"backup", "copy the store consistently while the bot runs", runBackup},
		{"compact", "shrink the store file after pruning (the bot stopped)", runCompact},
		{"healthcheck", "probe a running bot's /healthz", runHealthcheck},
		{"version", "print the module version and VCS revision", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		if err == nil || errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		var code exitCode
		if errors.As(err, &code) {
			return int(code)
		}
		fmt.Fprintf(e.stderr, "crosscheck: %v\n", err)
		var ue usageError
		var ce *config.Error
		if errors.As(err, &ue) || errors.As(err, &ce) {
			return exitUsage
		}
		return exitFailed
	}
	fmt.Fprintf(e.stderr, "crosscheck: unknown command %q (try crosscheck help)\n", args[0])
	return exitUsage
}

// runVersion is `crosscheck version` (and `--version`): which build this
// is, from the build information the Go toolchain embeds.
func runVersion(_ context.Context, e env, args []string) error {
	if len(args) > 0 {
		return usagef("version: unexpected argument %q (usage: crosscheck version)", args[0])
	}
	fmt.Fprintln(e.stdout, ops.ReadBuild())
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: crosscheck COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
}
