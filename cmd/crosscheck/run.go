package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/ops"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
	"github.com/crosscheck-news/crosscheck/state"
)

// Shutdown budget: polls in flight get this long to finish, then the
// notifier gets its last delivery attempt.
const (
	drainPolls    = 20 * time.Second
	finalDelivery = 5 * time.Second
	// housekeepEvery is how often old items shrink to tombstones and
	// expired Slack event IDs go; once at start, then daily.
	housekeepEvery = 24 * time.Hour
)

// runRun is `crosscheck run [--config crosscheck.yaml]`: the bot.
//
// Everything that can fail for a reason the operator must fix is checked
// before anything starts, in an order that leaves nothing behind: the
// configuration, the secrets, the listen address, the store, Slack's
// answer to the token. Each is a one-line error and exit 2.
func runRun(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "run", "crosscheck run [--config crosscheck.yaml] [-v]")
	configPath := fs.configFlag()
	verbose := fs.Bool("v", false, "log debug detail to stderr")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("run: unexpected argument %q (usage: crosscheck run [--config FILE])", rest[0])
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if err := cfg.RequireChannel(); err != nil {
		return usageError{err}
	}
	secrets := config.SecretsFromEnv(e.getenv)
	if err := config.CheckSecrets(secrets, cfg.Slack.Mode); err != nil {
		return err
	}
	log := newLogger(e.stderr, slog.LevelInfo, *verbose)

	metrics := ops.NewMetrics()
	ln, err := ops.Listen(cfg.Listen)
	if err != nil {
		return usagef("run: %v (listen: in %s)", err, cfg.File)
	}
	served := false
	defer func() {
		if !served {
			ln.Close()
		}
	}()
	slackHTTP := &http.Client{Timeout: slackCallTimeout, Transport: metrics.SlackTransport(slackTransport())}
	if err := authenticate(ctx, secrets, slackHTTP, cfg); err != nil {
		return err
	}
	extractor, rules, err := claimSetup(cfg)
	if err != nil {
		return err
	}
	store, err := openStore(cfg, state.Options{Rules: rules})
	if err != nil {
		return err
	}
	defer store.Close()

	metrics.WatchOutbox(func() (int, error) { return store.OutboxDepth(context.Background()) })
	metrics.WatchStore(store.FileSize)
	fetcher := newFetcher(cfg, e.getenv, metrics.HTTPStatus)
	defer fetcher.Close()
	dk := newDesk(store, extractor, fetcher, cfg.Limits, log)

	schedRef := &schedulerRef{metrics: metrics}
	b, err := bot.New(bot.Options{
		Store:      store,
		Checker:    bot.ArticleChecker{Fetch: fetcher.FullText, Desk: dk},
		Scheduler:  schedRef,
		Settings:   cfg.Bot(),
		Secrets:    secrets,
		Log:        log.With("component", "bot"),
		HTTPClient: slackHTTP,
		OnDelivery: func(err error) {
			if err != nil {
				metrics.AlertFailed()
			} else {
				metrics.AlertSent()
			}
		},
	})
	if err != nil {
		return usagef("run: %v", err)
	}
	notifier := b.Notifier()

	sched := feeds.NewScheduler(pollFunc(dk, store, metrics, notifier, log), feeds.SchedulerOptions{
		Workers: cfg.Limits.Workers, PerHost: cfg.Limits.PerHost, Log: log.With("component", "scheduler"),
	})
	schedRef.set(sched)
	defs, err := allFeeds(ctx, cfg, store)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if err := schedule(sched, defs); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	for _, d := range defs {
		metrics.KnownFeeds(d.Source.Name)
	}

	backup, err := newBackupEndpoint(store, log.With("component", "backup"))
	if err != nil {
		return usagef("run: %v", err)
	}
	defer backup.Close()

	var slackUp atomic.Bool
	slackUp.Store(true) // auth.test just passed
	mux := ops.NewHandler(ops.HandlerOptions{
		Metrics: metrics,
		Log:     log.With("component", "ops"),
		Ready: []ops.Check{
			{Name: "store", Func: func(ctx context.Context) error {
				_, err := store.OutboxDepth(ctx)
				return err
			}},
			{Name: "slack", Func: func(context.Context) error {
				if !slackUp.Load() {
					return errors.New("the Slack connection has stopped; see the log")
				}
				return nil
			}},
		},
	})
	mux.Handle("GET "+backupPath, backup)
	mux.Handle("POST "+adminPath, &adminEndpoint{
		auth: backup, held: &heldStore{store: store, cfg: cfg, sched: schedRef}, log: log.With("component", "admin"),
	})
	if cfg.Slack.Mode == bot.ModeHTTP {
		mux.Handle("/slack/", b.Handler())
	}

	// Everything is in place: start. Each part runs under its own context
	// so shutdown can stop them in order.
	var wg sync.WaitGroup
	srvCtx, stopSrv := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSrv()
	served = true
	wg.Go(func() {
		if err := ops.Serve(srvCtx, ln, mux, serveOptions(cfg, metrics, log)); err != nil {
			log.Error("ops server stopped", "error", err.Error())
		}
	})
	botCtx, stopBot := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBot()
	botErr := make(chan error, 1)
	wg.Go(func() {
		err := b.Run(botCtx)
		slackUp.Store(false)
		botErr <- err
	})
	wg.Go(func() { housekeep(srvCtx, store, retention(cfg.Retention), log.With("component", "housekeeping")) })
	notifyCtx, stopNotify := context.WithCancel(context.WithoutCancel(ctx))
	defer stopNotify()
	notifyDone := make(chan struct{})
	go func() {
		defer close(notifyDone)
		if err := notifier.Run(notifyCtx); err != nil {
			log.Error("notifier stopped", "error", err.Error())
		}
	}()
	sched.Start(context.WithoutCancel(ctx))
	build := ops.ReadBuild()
	log.Info("crosscheck running", "version", build.Version, "revision", build.Revision, "feeds", len(defs), "listen", ln.Addr().String(),
		"slack_mode", cfg.Slack.Mode, "channel", cfg.Slack.Channel, "store", cfg.Store)

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down", "cause", context.Cause(ctx))
	case err := <-botErr:
		runErr = err
		if err == nil {
			runErr = errors.New("bot: stopped unexpectedly")
		}
		log.Error("Slack connection failed; shutting down", "error", runErr.Error())
		botErr <- nil // the wait below reads it again
	}

	// Stop scheduling; polls in flight finish (or are cancelled after
	// drainPolls), so their results are committed and queued.
	drainCtx, cancel := context.WithTimeout(context.Background(), drainPolls)
	if err := sched.Stop(drainCtx); err != nil {
		log.Warn("polls still running were cancelled", "error", err.Error())
	}
	cancel()
	// One last delivery attempt for what those polls queued.
	stopNotify()
	<-notifyDone
	flushCtx, cancel := context.WithTimeout(context.Background(), finalDelivery)
	if err := notifier.Flush(flushCtx); err != nil {
		log.Warn("alerts left for the next start", "error", err.Error())
	}
	cancel()
	stopBot()
	<-botErr
	stopSrv()
	wg.Wait()
	if err := store.Close(); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	log.Info("stopped")
	if runErr != nil {
		if errors.Is(runErr, bot.ErrInvalidAuth) {
			return usageError{runErr}
		}
		return fmt.Errorf("run: %w", runErr)
	}
	return nil
}

// serveOptions are the listen address's limits from the configuration.
func serveOptions(cfg *config.Config, m *ops.Metrics, log *slog.Logger) ops.ServeOptions {
	return ops.ServeOptions{
		ReadTimeout:       cfg.Limits.HTTPReadTimeout,
		WriteTimeout:      cfg.Limits.HTTPWriteTimeout,
		IdleTimeout:       cfg.Limits.HTTPIdleTimeout,
		MaxConnsPerClient: cfg.Limits.HTTPConnsPerClient,
		Log:               log.With("component", "http"),
		OnRefused:         m.ConnRefused,
	}
}

// slackCallTimeout bounds one Slack Web API call, answer included.
const slackCallTimeout = 30 * time.Second

// slackTransport gives every step of a Slack call its own deadline, so a
// Slack (or proxy) that accepts the connection and then stalls costs a
// bounded wait at each step, not the whole call's budget; idle
// connections are kept for reuse, and not forever.
func slackTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   8,
	}
}

// authenticate asks Slack whether the bot token is good before anything
// is opened or started, so a refused token is exit 2 with nothing
// half-started.
func authenticate(ctx context.Context, secrets bot.Secrets, client *http.Client, cfg *config.Config) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	api := slack.New(secrets.BotToken, slack.OptionAPIURL(cfg.Slack.APIURL), slack.OptionHTTPClient(client),
		slack.OptionLog(stdlog.New(io.Discard, "", 0)))
	_, err := api.AuthTestContext(ctx)
	if err == nil {
		return nil
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return usageError{&config.Error{Field: bot.EnvBotToken, Err: fmt.Errorf("refused by Slack (%s); check the token, and that the app is installed in the workspace", se.Err)}}
	}
	return usagef("run: cannot reach Slack at %s (slack.api_url in %s): %v", cfg.Slack.APIURL, cfg.File, err)
}

// pollFunc is one scheduled poll: through the desk (fetch, extract,
// ledger, outbox in one transaction), counted for /metrics, and the
// notifier woken when alerts may be waiting.
func pollFunc(dk *desk.Desk, store *state.Store, m *ops.Metrics, n *bot.Notifier, log *slog.Logger) feeds.PollFunc {
	return func(ctx context.Context, src feeds.Source) (time.Time, error) {
		before, _ := store.FeedState(ctx, src.Name)
		res, err := dk.Poll(ctx, src)
		if ctx.Err() != nil && err != nil {
			return time.Time{}, err // shutting down: not the feed's failure
		}
		m.Poll(src.Name, err)
		after, serr := store.FeedState(ctx, src.Name)
		if serr != nil {
			log.Warn("feed state unreadable", "feed", src.Name, "error", serr.Error())
		}
		if err != nil {
			return after.NextPoll, err
		}
		m.Items(src.Name, res.NewItems+res.Updates)
		m.Claims(after.Claims - before.Claims)
		alerts := 0
		for _, c := range res.Conflicts {
			m.Conflict(c.Kind.String())
			if !c.Backfill {
				alerts++
			}
		}
		m.AlertsQueued(alerts)
		if res.NewItems+res.Updates > 0 {
			// New evidence on old conflicts queues alerts too.
			n.Wake()
		}
		return after.NextPoll, nil
	}
}

// schedulerRef hands the bot the scheduler, which is built after the bot
// because its polls wake the bot's notifier.
type schedulerRef struct {
	// metrics hears of feeds added while running, so their series exist
	// before their first poll.
	metrics *ops.Metrics
	mu      sync.Mutex
	s       *feeds.Scheduler
}

func (r *schedulerRef) set(s *feeds.Scheduler) {
	r.mu.Lock()
	r.s = s
	r.mu.Unlock()
}

func (r *schedulerRef) get() *feeds.Scheduler {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.s
}

func (r *schedulerRef) Add(src feeds.Source) error {
	s := r.get()
	if s == nil {
		return errors.New("run: scheduler not started")
	}
	if err := s.Add(src); err != nil {
		return err
	}
	r.metrics.KnownFeeds(src.Name)
	return nil
}

func (r *schedulerRef) Remove(name string) error { return r.do(name, (*feeds.Scheduler).Remove) }
func (r *schedulerRef) Pause(name string) error  { return r.do(name, (*feeds.Scheduler).Pause) }
func (r *schedulerRef) Resume(name string) error { return r.do(name, (*feeds.Scheduler).Resume) }

func (r *schedulerRef) do(name string, f func(*feeds.Scheduler, string) error) error {
	s := r.get()
	if s == nil {
		return errors.New("run: scheduler not started")
	}
	return f(s, name)
}

// retention is the store's retention as crosscheck.yaml sets it.
func retention(r config.Retention) state.Retention {
	return state.Retention{
		Items: r.Items, Tombstones: state.DefaultRetention.Tombstones,
		Claims: r.Claims, Conflicts: r.Conflicts, Alerts: r.Alerts,
	}
}

// housekeep keeps the store from growing without bound: once a day it
// prunes what r no longer keeps, in small batches. It stops with ctx.
func housekeep(ctx context.Context, store *state.Store, r state.Retention, log *slog.Logger) {
	t := time.NewTicker(housekeepEvery)
	defer t.Stop()
	for {
		p, err := store.Housekeep(ctx, r)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("housekeeping failed", "error", err.Error())
		case p.Total() > 0:
			log.Info("housekeeping", "items_pruned", p.Items, "events_pruned", p.Events,
				"claims_pruned", p.Claims, "conflicts_pruned", p.Conflicts, "alerts_pruned", p.Alerts)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
