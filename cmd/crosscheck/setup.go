package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/config"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

// Helpers shared by the subcommands that read crosscheck.yaml and the
// store (poll, feeds, backup; run and demo may use them too).

const defaultConfigPath = "crosscheck.yaml"

// parseInterleaved parses flags that may come before, between or after
// the positional arguments ("feeds import list.opml --config x.yaml"),
// which the flag package alone stops at.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// flagSet is a flag.FlagSet that reports to stderr and shows usage on -h.
func flagSet(e env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// flagError turns a flag parse error into a usage error. -h is no error:
// the usage is printed and the subcommand returns nil, exiting 0.
func flagError(cmd string, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return usagef("%s: %v", cmd, err)
}

// loadConfig reads the configuration; every mistake is a usage error.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	return cfg, nil
}

// openStore opens the configured store. Failing to open it (another
// process holds it, a read-only folder, a file from a newer version) is a
// setup problem, so a usage error: nothing has started yet.
func openStore(cfg *config.Config, opts state.Options) (*state.Store, error) {
	if opts.LockTimeout == 0 {
		// A second process on the store fails at once, not in 5s.
		opts.LockTimeout = 500 * time.Millisecond
	}
	s, err := state.Open(cfg.Store, opts)
	if err != nil {
		if errors.Is(err, state.ErrLocked) {
			return nil, usageError{fmt.Errorf("%w; stop it, or change feeds from Slack with /crosscheck feeds", err)}
		}
		return nil, usageError{err}
	}
	return s, nil
}

// origin says where a feed is defined.
type origin string

const (
	fromConfig origin = "config"
	fromStore  origin = "store"
)

// feedDef is one feed Crosscheck polls, wherever it is defined.
type feedDef struct {
	Source feeds.Source
	Origin origin
	Paused bool
	// NextPoll is the stored earliest next poll (the server's ttl,
	// max-age or Retry-After, or the error backoff), which a restart must
	// honour: hand it to Scheduler.SetNextPoll after Add.
	NextPoll time.Time
}

// allFeeds merges the configured feeds with those added at runtime. A
// stored feed whose name or URL the configuration now also holds is
// shadowed by the configured one, so nothing is polled twice.
func allFeeds(ctx context.Context, cfg *config.Config, store *state.Store) ([]feedDef, error) {
	paused, err := store.PausedFeeds(ctx)
	if err != nil {
		return nil, err
	}
	stored, err := store.ListFeeds(ctx)
	if err != nil {
		return nil, err
	}
	states, err := store.FeedStates(ctx)
	if err != nil {
		return nil, err
	}
	next := map[string]time.Time{}
	for _, st := range states {
		next[st.Feed] = st.NextPoll
	}
	names := map[string]bool{}
	urls := map[string]bool{}
	var out []feedDef
	for _, src := range cfg.Feeds {
		names[src.Name], urls[feeds.URLKey(src.URL)] = true, true
		out = append(out, feedDef{Source: src, Origin: fromConfig, Paused: paused[src.Name], NextPoll: next[src.Name]})
	}
	for _, e := range stored {
		if names[e.Name] || urls[feeds.URLKey(e.URL)] {
			continue
		}
		src := sourceOf(e)
		if src.Validate() != nil {
			continue // written by a newer or buggier version; list shows it
		}
		out = append(out, feedDef{Source: src, Origin: fromStore, Paused: e.Paused, NextPoll: next[e.Name]})
	}
	return out, nil
}

func sourceOf(e state.FeedEntry) feeds.Source {
	src := feeds.Source{Name: e.Name, URL: e.URL, Outlet: e.Outlet, Schedule: e.Schedule, FullText: e.FullText}
	if src.Schedule == "" {
		src.Schedule = feeds.DefaultSchedule
	}
	if src.Outlet == "" {
		src.Outlet = src.Name
	}
	return src
}

// newFetcher builds the fetcher the configuration asks for.
func newFetcher(cfg *config.Config) *feeds.Fetcher {
	return feeds.NewFetcher(feeds.FetcherConfig{
		AllowPrivateNetworks: cfg.AllowPrivateNetworks,
		ConnectTimeout:       cfg.Limits.ConnectTimeout,
		RequestTimeout:       cfg.Limits.RequestTimeout,
		MaxBodyBytes:         cfg.Limits.MaxBodyBytes,
	})
}

// newLogger logs to stderr: errors only, as the commands report per feed
// what went wrong; everything with verbose.
func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelError
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// plural writes "1 feed" or "2 feeds".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") && !strings.HasSuffix(word, "ey") {
		return fmt.Sprintf("%d %sies", n, word[:len(word)-1])
	}
	return fmt.Sprintf("%d %ss", n, word)
}
