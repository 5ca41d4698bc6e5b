package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/extract"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
	"github.com/crosscheck-news/crosscheck/state"
)

// Helpers shared by the subcommands: flags, the configuration, the store
// and the pieces of the pipeline that poll and run both build.

const defaultConfigPath = "crosscheck.yaml"

// flagSet is a subcommand's flags. A mistake is one line like every other
// error ("crosscheck: poll: flag provided but not defined: -jsno"); -h
// prints the usage and the flags, and the command exits 0.
type flagSet struct {
	*flag.FlagSet
	cmd, usage string
	stderr     io.Writer
}

func newFlagSet(e env, cmd, usage string) *flagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	// The flag package would print the error and the usage; parse reports
	// both itself.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, cmd: cmd, usage: usage, stderr: e.stderr}
}

// configFlag is --config, which every command reading crosscheck.yaml has.
func (fs *flagSet) configFlag() *string {
	return fs.String("config", defaultConfigPath, "the configuration `file`")
}

// parse parses flags that may come before, between or after the
// positional arguments ("feeds import list.opml --config x.yaml"), which
// the flag package alone stops at, and returns the positional ones. After
// -h it returns flag.ErrHelp, which main turns into exit 0.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printUsage()
				return nil, flag.ErrHelp
			}
			return nil, usagef("%s: %v", fs.cmd, err)
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

func (fs *flagSet) printUsage() {
	fmt.Fprintf(fs.stderr, "usage: %s\n", fs.usage)
	fs.SetOutput(fs.stderr)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// loadConfig reads the configuration; every mistake is a usage error.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	return cfg, nil
}

// requireStore fails with a usage error naming cmd when the configured
// store does not exist: the commands that copy or rewrite the file
// (backup, compact) must not create an empty one.
func requireStore(cmd string, cfg *config.Config) error {
	if _, err := os.Stat(cfg.Store); err != nil {
		return usagef("%s: no store at %s (%v)", cmd, cfg.Store, errors.Unwrap(err))
	}
	return nil
}

// openStore opens the configured store. Failing to open it (another
// process holds it, a read-only folder, a file from a newer version) is a
// setup problem, so a usage error: nothing has started yet.
func openStore(cfg *config.Config, opts state.Options) (*state.Store, error) {
	s, err := openConfigured(cfg, opts)
	if err != nil {
		if errors.Is(err, state.ErrLocked) {
			return nil, usageError{fmt.Errorf("%w; stop it, or change feeds from Slack with /crosscheck feeds", err)}
		}
		return nil, usageError{err}
	}
	return s, nil
}

// openConfigured is state.Open on the configured store with the options
// every command wants; its error is state's own.
func openConfigured(cfg *config.Config, opts state.Options) (*state.Store, error) {
	if opts.LockTimeout == 0 {
		// A second process on the store fails at once, not in 5s.
		opts.LockTimeout = 500 * time.Millisecond
	}
	// Whoever queues alerts (run, poll) routes them by slack.routes.
	opts.Router = bot.NewRouter(cfg.Slack)
	return state.Open(cfg.Store, opts)
}

// openWithFeeds opens the store and lists every feed, configured or
// stored: how the commands that work on feeds start. The caller calls
// release when done. When the running bot runs the command for the
// command line, the store is the bot's own, left open; when the bot holds
// the store and this process wants it, the error is a *botHoldsError.
func openWithFeeds(ctx context.Context, e env, cmd string, cfg *config.Config, opts state.Options) (store *state.Store, defs []feedDef, release func(), err error) {
	release = func() {}
	if e.held != nil {
		store = e.held.store
	} else {
		// Not openStore: its advice for a locked store is run's, and
		// botHoldsError gives this command's own.
		store, err = openConfigured(cfg, opts)
		if errors.Is(err, state.ErrLocked) {
			return nil, nil, nil, usageError{&botHoldsError{cmd: cmd, cfg: cfg, err: err}}
		}
		if err != nil {
			return nil, nil, nil, usageError{err}
		}
		release = func() { store.Close() }
	}
	defs, err = allFeeds(ctx, cfg, store)
	if err != nil {
		release()
		return nil, nil, nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return store, defs, release, nil
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
	src := e.Source
	if src.Schedule == "" {
		src.Schedule = feeds.DefaultSchedule
	}
	if src.Outlet == "" {
		src.Outlet = src.Name
	}
	return src
}

// claimSetup maps the configuration's claims section onto the extractor
// and the ledger's rules. A mistake there is a usage error naming the file.
func claimSetup(cfg *config.Config) (desk.Extractor, claim.Rules, error) {
	var frames map[string][]byte
	if len(cfg.Claims.Frames) > 0 {
		frames = map[string][]byte{}
		for _, f := range cfg.Claims.Frames {
			p := f
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(cfg.File), p)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, claim.Rules{}, usageError{fmt.Errorf("%s: claims.frames: %w", cfg.File, err)}
			}
			frames[p] = b
		}
	}
	x, err := newExtractor(cfg.Claims.Engine, hedgesOf(cfg), cfg.Claims.Aliases, frames)
	if err != nil {
		return nil, claim.Rules{}, usageError{fmt.Errorf("%s: claims: %w", cfg.File, err)}
	}
	rules := claim.Rules{Tolerance: cfg.Claims.Tolerance, Window: cfg.Claims.Window}.WithDefaults()
	return x, rules, nil
}

// hedgesOf is the configuration's hedge table.
func hedgesOf(cfg *config.Config) claim.Hedges {
	h := claim.DefaultHedges()
	if a := cfg.Claims.Hedges.About; a > 0 {
		h.AboutLow, h.AboutHigh = 1-a, 1+a
	}
	if n := cfg.Claims.Hedges.Nearly; n > 0 {
		h.NearlyLow = 1 - n
	}
	return h
}

// newExtractor builds the engine claims.engine (or --engine) names: the
// token engine reads the aliases, the frames engine a desk's beat files.
func newExtractor(engine string, h claim.Hedges, aliases map[string][]string, frames map[string][]byte) (desk.Extractor, error) {
	switch engine {
	case "", config.EngineTokens:
		return claim.NewExtractor(claim.Config{Hedges: h, Aliases: aliases})
	case config.EngineFrames:
		return extract.New(extract.Config{Hedges: h, Frames: frames})
	}
	return nil, fmt.Errorf("engine %q: want %s or %s", engine, config.EngineTokens, config.EngineFrames)
}

// newFetcher builds the fetcher the configuration asks for; onResponse,
// when set, sees each response's status code.
func newFetcher(cfg *config.Config, getenv func(string) string, onResponse func(code int)) *feeds.Fetcher {
	return feeds.NewFetcher(feeds.FetcherConfig{
		AllowPrivateNetworks: cfg.AllowPrivateNetworks,
		ConnectTimeout:       cfg.Limits.ConnectTimeout,
		RequestTimeout:       cfg.Limits.RequestTimeout,
		MaxBodyBytes:         cfg.Limits.MaxBodyBytes,
		OnResponse:           onResponse,
		Proxy:                fetchProxy(cfg.Limits, getenv),
	})
}

// fetchProxy is limits.proxy as the fetcher takes it.
func fetchProxy(l config.Limits, getenv func(string) string) func(*url.URL) (*url.URL, error) {
	switch {
	case l.Proxy == config.ProxyEnvironment:
		return feeds.ProxyFromEnvironment(getenv)
	case l.ProxyURL() != nil:
		return feeds.ProxyURL(l.ProxyURL())
	}
	return nil
}

// newDesk joins the fetcher, the extractor and the store: a poll through
// it fetches, extracts, and commits items, claims, conflicts and alerts in
// one transaction, within the limits' items and claims a poll.
func newDesk(store *state.Store, x desk.Extractor, fetcher *feeds.Fetcher, l config.Limits, log *slog.Logger) *desk.Desk {
	return &desk.Desk{
		Store:     store,
		Extractor: x,
		Poller:    &feeds.Poller{Fetcher: fetcher, History: store, MaxItems: l.MaxItemsPerPoll, Log: log.With("component", "poller")},
		MaxClaims: l.MaxClaimsPerPoll,
		Log:       log.With("component", "desk"),
	}
}

// schedule adds every feed to sched, paused as stored, not before the
// time its last poll asked for (which a restart must honour).
func schedule(sched *feeds.Scheduler, defs []feedDef) error {
	for _, d := range defs {
		if err := sched.Add(d.Source); err != nil {
			return usageError{fmt.Errorf("feed %s: %w", d.Source.Name, err)}
		}
		sched.SetNextPoll(d.Source.Name, d.NextPoll)
		if d.Paused {
			sched.Pause(d.Source.Name)
		}
	}
	return nil
}

// newLogger logs to stderr from level up, everything with verbose.
func newLogger(w io.Writer, level slog.Level, verbose bool) *slog.Logger {
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
