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
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
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
	// ChartDir, if set, is where the chart of the first figure dispute is
	// written (crosscheck-demo-ID.png); its path is printed.
	ChartDir string
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
	// Chart is the path of the chart written to ChartDir, if any.
	Chart string
	Took  time.Duration
}

// SlackError is why the demo could not post to Slack, in one line that
// names the fix. It wraps bot.ErrInvalidAuth when the token was refused.
type SlackError struct {
	Code, Channel string
}

func (e *SlackError) Error() string {
	switch {
	case bot.IsAuthCode(e.Code):
		return fmt.Sprintf("slack refused the token (%s): check %s", e.Code, bot.EnvBotToken)
	case e.Code == "not_in_channel":
		return fmt.Sprintf("slack refused to post in %s (not_in_channel): invite the bot to %s (/invite @Crosscheck)", e.Channel, e.Channel)
	case e.Code == "channel_not_found":
		return fmt.Sprintf("slack has no channel %s the bot can see (channel_not_found): check --channel, and invite the bot to %s", e.Channel, e.Channel)
	case e.Code == "missing_scope":
		return "slack refused the post (missing_scope): reinstall the app from manifest.yaml"
	}
	return fmt.Sprintf("slack refused the post to %s (%s)", e.Channel, e.Code)
}

func (e *SlackError) Unwrap() error {
	if bot.IsAuthCode(e.Code) {
		return bot.ErrInvalidAuth
	}
	return nil
}

// refusal is the SlackError for err when retrying cannot help: a refused
// token, a channel the bot cannot post in, a missing scope.
func refusal(err error, channel string) *SlackError {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return nil
	}
	switch {
	case bot.IsAuthCode(se.Err), se.Err == "not_in_channel", se.Err == "channel_not_found",
		se.Err == "is_archived", se.Err == "missing_scope", se.Err == "restricted_action":
		return &SlackError{Code: se.Err, Channel: channel}
	}
	return nil
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
		Poller: &feeds.Poller{Fetcher: fetcher, History: store, Log: opts.Log},
		Log:    opts.Log,
	}

	var post *poster
	if opts.SlackToken != "" && opts.SlackChannel != "" {
		if post, err = newPoster(ctx, store, opts); err != nil {
			return sum, err
		}
	}

	p := &printer{w: w, progress: opts.Progress}
	steps := sample.Steps()
	p.headline(fmt.Sprintf("Crosscheck demo: %d sample feeds served on %s, a temporary store, simulated time from %s.",
		len(sample.Feeds), srv.URL(), opts.Start.Format("Jan 2, 2006 15:04 MST")))
	if post != nil {
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
	var firstFigure *state.Conflict
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
		queued, err := newAlerts(ctx, store, shown)
		if err != nil {
			return sum, err
		}
		// The step's line comes first: its alerts are what it raised.
		p.stepf("step %d/%d · %s · %s · %s", step, steps, clock, what, plural(len(queued), "alert"))
		for _, q := range queued {
			if q.alert.Kind == state.AlertNew {
				sum.Alerts++
				if firstFigure == nil && q.conflict.Kind == claim.Figure {
					firstFigure = &q.conflict
				}
			} else {
				sum.Alerts++
				sum.ThreadReplies++
			}
			p.alert(bot.PlainText(q.alert, q.conflict))
		}
		p.progressf("step %d/%d · %s · delivering alerts…", step, steps, clock)
		posted, err := deliver(ctx, store, post)
		sum.Posted += posted
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
	p.blank()
	p.line(fmt.Sprintf("Summary: %s, %s, %s, %s, %s (%s in threads) in %s.",
		plural(sum.Feeds, "feed"), plural(sum.Items, "item"), plural(sum.Claims, "claim"),
		plural(sum.Conflicts, "conflict"), plural(sum.Alerts, "alert"), plural(sum.ThreadReplies, "reply"),
		sum.Took.Round(10*time.Millisecond)))
	if opts.ChartDir != "" {
		if sum.Chart, err = writeChart(ctx, store, firstFigure, opts.ChartDir); err != nil {
			return sum, err
		}
		if sum.Chart != "" {
			p.line(fmt.Sprintf("Chart of %s: %s", bot.Headline(*firstFigure), sum.Chart))
		} else {
			p.line("No chart: the sample's disputes have no figures to draw.")
		}
	}
	if post != nil {
		p.line(fmt.Sprintf("Posted %s to Slack channel %s.", plural(sum.Posted, "alert"), opts.SlackChannel))
	}
	return sum, nil
}

type stepResult struct {
	res state.PollResult
	err error
}

// poster delivers the demo's alerts to Slack through the bot's notifier
// and stops at the first refusal that retrying cannot cure.
type poster struct {
	n       *bot.Notifier
	channel string
	mu      sync.Mutex
	refused *SlackError
	// stop cancels the flush under way when Slack refuses.
	stop context.CancelFunc
}

// newPoster checks the token with auth.test first, so a refused one is
// said at once, before any feed is polled.
func newPoster(ctx context.Context, store *state.Store, opts Options) (*poster, error) {
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	apiURL := opts.SlackAPIURL
	if apiURL == "" {
		apiURL = bot.DefaultAPIURL
	}
	api := slack.New(opts.SlackToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(client),
		slack.OptionLog(log.New(io.Discard, "", 0)))
	if _, err := api.AuthTestContext(ctx); err != nil {
		if r := refusal(err, opts.SlackChannel); r != nil {
			return nil, r
		}
		return nil, fmt.Errorf("demo: reach Slack at %s: %w", apiURL, err)
	}
	p := &poster{channel: opts.SlackChannel}
	n, err := bot.NewNotifier(bot.NotifierOptions{
		Store: store, API: api, Channel: opts.SlackChannel, GroupInterval: -1, Log: opts.Log,
		OnDelivery: p.heard,
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	p.n = n
	return p, nil
}

// heard is the notifier's report of each attempt.
func (p *poster) heard(err error) {
	r := refusal(err, p.channel)
	if r == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refused == nil {
		p.refused = r
	}
	if p.stop != nil {
		p.stop()
	}
}

func (p *poster) flush(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p.mu.Lock()
	p.stop = cancel
	p.mu.Unlock()
	err := p.n.Flush(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stop = nil
	if p.refused != nil {
		return p.refused
	}
	if err != nil {
		return fmt.Errorf("demo: posting to Slack: %w", err)
	}
	return nil
}

type queuedAlert struct {
	alert    state.Alert
	conflict state.Conflict
}

// newAlerts are the queued alerts not shown yet, in queue order.
func newAlerts(ctx context.Context, store *state.Store, shown map[uint64]bool) ([]queuedAlert, error) {
	pending, err := store.PendingAlerts(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var out []queuedAlert
	for _, a := range pending {
		if shown[a.Seq] {
			continue
		}
		shown[a.Seq] = true
		c, err := store.Conflict(ctx, a.ConflictID)
		if err != nil {
			return nil, fmt.Errorf("demo: alert %d: %w", a.Seq, err)
		}
		out = append(out, queuedAlert{alert: a, conflict: c})
	}
	return out, nil
}

// deliver empties the outbox: through the bot's notifier into Slack when
// one is configured, else by marking each alert delivered to the terminal
// (so evidence finds its conflict's "thread").
func deliver(ctx context.Context, store *state.Store, post *poster) (posted int, err error) {
	pending, err := store.PendingAlerts(ctx, 0)
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	if post == nil {
		for _, a := range pending {
			th := state.Thread{Channel: "terminal", TS: fmt.Sprintf("%d.000000", a.Seq)}
			if err := store.MarkAlertSent(ctx, a.Seq, th); err != nil && !errors.Is(err, state.ErrNotFound) {
				return 0, fmt.Errorf("demo: %w", err)
			}
		}
		return 0, nil
	}
	ferr := post.flush(ctx)
	left, err := store.PendingAlerts(ctx, 0)
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	return len(pending) - len(left), ferr
}

// writeChart draws c's chart into dir; without a figure dispute it writes
// nothing and returns "".
func writeChart(ctx context.Context, store *state.Store, c *state.Conflict, dir string) (string, error) {
	if c == nil {
		return "", nil
	}
	claims, err := bot.TimelineClaims(ctx, store, *c)
	if err != nil {
		return "", fmt.Errorf("demo: chart: %w", err)
	}
	png, err := bot.ChartPNG(*c, claims)
	if errors.Is(err, bot.ErrNoFigures) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	path := filepath.Join(dir, "crosscheck-demo-"+c.ID+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", fmt.Errorf("demo: chart: %w", err)
	}
	return path, nil
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
