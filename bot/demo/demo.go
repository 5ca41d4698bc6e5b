package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/bot/desk"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

// Options tune Run. The zero value runs the demo in the terminal only.
type Options struct {
	// SlackToken and SlackChannel, both set, post the alerts to Slack too.
	SlackToken   string
	SlackChannel string
	// SlackAPIURL is Slack's Web API base (default https://slack.com/api/).
	SlackAPIURL string
	// HTTPClient calls Slack (default: 30 s timeout).
	HTTPClient *http.Client
	// Start is the simulated time of step 0 (default DefaultStart).
	Start time.Time
	// Progress redraws a progress line in place (for a terminal); without
	// it only finished steps are printed, which suits logs and pipes.
	Progress bool
	// Sample replaces the built-in stories.
	Sample *Sample
	Log    *slog.Logger
}

// Summary is what the demo did.
type Summary struct {
	Feeds, Items, Claims, Conflicts int
	// Alerts counts the messages an editor saw: new alerts and thread
	// replies (ThreadReplies of them).
	Alerts, ThreadReplies int
	// Posted counts alerts delivered to Slack.
	Posted int
	Took   time.Duration
}

// Run runs the whole pipeline on the sample feeds: the demo's own server
// on loopback, the scheduler, the fetcher, the parser, extraction, the
// ledger in a temporary store, the outbox, and the bot's rendering of each
// alert printed to w as it reads in Slack. It returns when every step has
// been polled and every alert shown, or when ctx ends.
func Run(ctx context.Context, w io.Writer, opts Options) (Summary, error) {
	began := time.Now()
	var sum Summary
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Start.IsZero() {
		opts.Start = DefaultStart
	}
	sample := opts.Sample
	if sample == nil {
		var err error
		if sample, err = LoadSample(); err != nil {
			return sum, err
		}
	}
	srv, err := NewServer(sample, opts.Start)
	if err != nil {
		return sum, err
	}
	defer srv.Close()

	dir, err := os.MkdirTemp("", "crosscheck-demo-")
	if err != nil {
		return sum, fmt.Errorf("demo: temporary store: %w", err)
	}
	defer os.RemoveAll(dir)
	store, err := state.Open(filepath.Join(dir, "demo.db"), state.Options{})
	if err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	defer store.Close()

	// Private networks are allowed because every feed is on the demo's
	// own loopback server; nothing else is ever fetched.
	fetcher := feeds.NewFetcher(feeds.FetcherConfig{AllowPrivateNetworks: true, RequestTimeout: 5 * time.Second})
	defer fetcher.Close()
	dk := &desk.Desk{
		Store:  store,
		Poller: &feeds.Poller{Fetcher: fetcher, Store: store, Log: opts.Log},
		Log:    opts.Log,
	}

	var notifier *bot.Notifier
	if opts.SlackToken != "" && opts.SlackChannel != "" {
		if notifier, err = slackNotifier(store, opts); err != nil {
			return sum, err
		}
	}

	p := &printer{w: w, progress: opts.Progress}
	steps := sample.Steps()
	p.headline(fmt.Sprintf("Crosscheck demo: %d sample feeds served on %s, a temporary store, simulated time from %s.",
		len(sample.Feeds), srv.URL(), opts.Start.Format("Jan 2, 2006 15:04 MST")))
	if notifier != nil {
		p.headline(fmt.Sprintf("Alerts are also posted to Slack channel %s.", opts.SlackChannel))
	}
	p.line("")

	var mu sync.Mutex
	results := map[string]stepResult{}
	poll := func(ctx context.Context, src feeds.Source) (time.Time, error) {
		res, err := dk.Poll(ctx, src)
		mu.Lock()
		results[src.Name] = stepResult{res: res, err: err}
		mu.Unlock()
		return time.Time{}, err
	}
	// Simulated time: the demo itself says when each step's polls happen
	// (PollAll), so the schedule never fires on its own. Even with one
	// worker, which feed of a step commits first is the scheduler's choice,
	// so the sample raises at most one alert per step to keep the output
	// (and the README that shows it) the same on every run.
	sched := feeds.NewScheduler(poll, feeds.SchedulerOptions{Workers: 1, MaxJitter: -1, Log: opts.Log})
	for _, src := range srv.Sources("@every 24h") {
		if err := sched.Add(src); err != nil {
			return sum, fmt.Errorf("demo: %w", err)
		}
	}
	defer sched.Stop(context.WithoutCancel(ctx))

	shown := map[uint64]bool{}
	for step := 0; step <= steps; step++ {
		if err := ctx.Err(); err != nil {
			return sum, fmt.Errorf("demo: %w", err)
		}
		srv.SetStep(step)
		clock := opts.Start.Add(time.Duration(step) * StepInterval).Format("15:04")
		p.progressf("step %d/%d · %s · polling %d feeds…", step, steps, clock, len(sample.Feeds))
		clear(results)
		sched.PollAll(ctx)
		items, opened := 0, 0
		var failed []string
		for name, r := range results {
			if r.err != nil {
				failed = append(failed, fmt.Sprintf("%s: %v", name, r.err))
				continue
			}
			items += r.res.NewItems + r.res.Updates
			opened += len(r.res.Conflicts)
		}
		if len(failed) > 0 {
			return sum, fmt.Errorf("demo: step %d: %s", step, strings.Join(failed, "; "))
		}
		what := fmt.Sprintf("%s, %s", plural(items, "new item"), plural(opened, "conflict"))
		if step == 0 {
			what = fmt.Sprintf("%s recorded as backfill (a feed's first poll never alerts)", plural(items, "item"))
		}
		p.progressf("step %d/%d · %s · delivering alerts…", step, steps, clock)
		alerts, replies, posted, err := deliver(ctx, store, notifier, p, shown)
		sum.Alerts += alerts + replies
		sum.ThreadReplies += replies
		sum.Posted += posted
		p.stepf("step %d/%d · %s · %s · %s", step, steps, clock, what, plural(alerts+replies, "alert"))
		if err != nil {
			return sum, err
		}
	}

	if sum.Claims, err = store.ClaimCount(ctx); err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	conflicts, err := store.Conflicts(ctx, state.ConflictFilter{})
	if err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	sum.Conflicts = len(conflicts)
	fs, err := store.FeedStates(ctx)
	if err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	sum.Feeds = len(fs)
	for _, f := range fs {
		sum.Items += f.Items
	}
	sum.Took = time.Since(began)
	p.line("")
	p.line(fmt.Sprintf("Summary: %s, %s, %s, %s, %s (%s in threads) in %s.",
		plural(sum.Feeds, "feed"), plural(sum.Items, "item"), plural(sum.Claims, "claim"),
		plural(sum.Conflicts, "conflict"), plural(sum.Alerts, "alert"), plural(sum.ThreadReplies, "reply"),
		sum.Took.Round(10*time.Millisecond)))
	if notifier != nil {
		p.line(fmt.Sprintf("Posted %s to Slack channel %s.", plural(sum.Posted, "alert"), opts.SlackChannel))
	}
	return sum, nil
}

type stepResult struct {
	res state.PollResult
	err error
}

func slackNotifier(store *state.Store, opts Options) (*bot.Notifier, error) {
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	apiURL := opts.SlackAPIURL
	if apiURL == "" {
		apiURL = "https://slack.com/api/"
	}
	api := slack.New(opts.SlackToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(client),
		slack.OptionLog(log.New(io.Discard, "", 0)))
	n, err := bot.NewNotifier(bot.NotifierOptions{Store: store, API: api, Channel: opts.SlackChannel, GroupInterval: -1, Log: opts.Log})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return n, nil
}

// deliver shows every queued alert in the terminal, in queue order, and
// then empties the outbox: through the bot's notifier into Slack when one
// is configured, else by marking each alert delivered to the terminal (so
// evidence finds its conflict's "thread").
func deliver(ctx context.Context, store *state.Store, n *bot.Notifier, p *printer, shown map[uint64]bool) (alerts, replies, posted int, err error) {
	pending, err := store.PendingAlerts(ctx, 0)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("demo: %w", err)
	}
	for _, a := range pending {
		if shown[a.Seq] {
			continue
		}
		shown[a.Seq] = true
		c, err := store.Conflict(ctx, a.ConflictID)
		if err != nil {
			return alerts, replies, posted, fmt.Errorf("demo: alert %d: %w", a.Seq, err)
		}
		if a.Kind == state.AlertNew {
			alerts++
		} else {
			replies++
		}
		p.alert(bot.PlainText(a, c))
	}
	if n == nil {
		for _, a := range pending {
			th := state.Thread{Channel: "terminal", TS: fmt.Sprintf("%d.000000", a.Seq)}
			if err := store.MarkAlertSent(ctx, a.Seq, th); err != nil && !errors.Is(err, state.ErrNotFound) {
				return alerts, replies, posted, fmt.Errorf("demo: %w", err)
			}
		}
		return alerts, replies, 0, nil
	}
	fctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ferr := n.Flush(fctx)
	left, err := store.PendingAlerts(ctx, 0)
	if err != nil {
		return alerts, replies, posted, fmt.Errorf("demo: %w", err)
	}
	posted = len(pending) - len(left)
	if ferr != nil {
		return alerts, replies, posted, fmt.Errorf("demo: posting to Slack: %w", ferr)
	}
	return alerts, replies, posted, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, word[:len(word)-1])
	}
	return fmt.Sprintf("%d %ss", n, word)
}
