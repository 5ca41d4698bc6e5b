package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

// feedReport is what `crosscheck poll` says about one feed; with --json it
// is one line of output.
type feedReport struct {
	Feed   string `json:"feed"`
	URL    string `json:"url"`
	Origin origin `json:"origin"`
	// Status is "ok", "failed" or "paused".
	Status  string `json:"status"`
	New     int    `json:"new"`
	Updated int    `json:"updated"`
	// Backfill marks a feed's first poll: its items are recorded but
	// never alerted on.
	Backfill  bool       `json:"backfill"`
	Conflicts int        `json:"conflicts"`
	Error     string     `json:"error,omitempty"`
	NextPoll  *time.Time `json:"next_poll,omitempty"`
	TookMS    int64      `json:"took_ms"`
	// NewConflicts are the conflicts this poll opened, as replay --json
	// writes them.
	NewConflicts []replayConflict `json:"new_conflicts,omitempty"`

	opened []state.Conflict
}

// runPoll is `crosscheck poll [--config crosscheck.yaml] [--json]`: every
// feed once, now, through the desk as `run` polls it (new items, their
// claims, conflicts and alerts recorded in one transaction per feed); new
// conflicts printed as replay prints them; Slack untouched, the queued
// alerts left for `run` to deliver.
func runPoll(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "poll", "crosscheck poll [--config crosscheck.yaml] [--json] [-v]")
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "one JSON object per feed and line")
	verbose := fs.Bool("v", false, "log every step to stderr")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("poll: unexpected argument %q (usage: crosscheck poll [--config FILE] [--json])", rest[0])
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	// Errors only: the output says per feed what went wrong.
	log := newLogger(e.stderr, slog.LevelError, *verbose)
	extractor, rules, err := claimSetup(cfg)
	if err != nil {
		return err
	}
	store, defs, release, err := openWithFeeds(ctx, e, "poll", cfg, state.Options{Rules: rules})
	if err != nil {
		return err
	}
	defer release()
	if len(defs) == 0 {
		return usagef("poll: no feeds in %s or the store; add some under feeds:, or run crosscheck feeds import FILE.opml", cfg.File)
	}

	fetcher := newFetcher(cfg, e.getenv, nil)
	defer fetcher.Close()
	dk := newDesk(store, extractor, fetcher, cfg.Limits, log)

	var mu sync.Mutex
	reports := map[string]*feedReport{}
	for _, d := range defs {
		r := &feedReport{Feed: d.Source.Name, URL: d.Source.URL, Origin: d.Origin, Status: "ok"}
		if d.Paused {
			r.Status = "paused"
		}
		reports[d.Source.Name] = r
	}
	poll := func(ctx context.Context, src feeds.Source) (time.Time, error) {
		start := time.Now()
		before, err := store.FeedState(ctx, src.Name)
		var res state.PollResult
		if err == nil {
			res, err = dk.Poll(ctx, src)
		}
		after, serr := store.FeedState(ctx, src.Name)
		mu.Lock()
		defer mu.Unlock()
		r := reports[src.Name]
		r.TookMS = time.Since(start).Milliseconds()
		if serr == nil && !after.NextPoll.IsZero() {
			r.NextPoll = &after.NextPoll
		}
		if err != nil {
			r.Status, r.Error = "failed", err.Error()
			return after.NextPoll, err
		}
		r.New, r.Updated, r.Conflicts, r.opened = res.NewItems, res.Updates, len(res.Conflicts), res.Conflicts
		// A successful poll of a feed never polled before is backfill:
		// recorded, never alerted on (a first poll over the claim cap
		// stays unpolled, so the next one is backfill too).
		r.Backfill = !before.Polled && after.LastSuccess.After(before.LastSuccess)
		return after.NextPoll, nil
	}

	sched := feeds.NewScheduler(poll, feeds.SchedulerOptions{Workers: cfg.Limits.Workers, PerHost: cfg.Limits.PerHost, Log: log})
	if err := schedule(sched, defs); err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	for _, res := range sched.PollAll(ctx) {
		if res.Skipped != "" && res.Skipped != "paused" {
			r := reports[res.Source.Name]
			r.Status, r.Error = "failed", res.Skipped
		}
	}
	if err := sched.Stop(ctx); err != nil {
		return fmt.Errorf("poll: %w", err)
	}

	ordered := make([]*feedReport, 0, len(defs))
	for _, d := range defs {
		ordered = append(ordered, reports[d.Source.Name])
	}
	if *asJSON {
		err = writePollJSON(e.stdout, ordered)
	} else {
		err = writePollText(e.stdout, ordered)
	}
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	failed := 0
	for _, r := range ordered {
		if r.Status == "failed" {
			failed++
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("poll: interrupted: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("poll: %d of %s failed", failed, plural(len(ordered), "feed"))
	}
	return nil
}

func writePollJSON(w io.Writer, reports []*feedReport) error {
	enc := json.NewEncoder(w)
	for _, r := range reports {
		for _, c := range r.opened {
			r.NewConflicts = append(r.NewConflicts, toReplayConflict(c))
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// writePollText prints the new conflicts as replay does, then one line per
// feed and a summary.
func writePollText(w io.Writer, reports []*feedReport) error {
	for _, r := range reports {
		for _, c := range r.opened {
			if err := writeConflictText(w, c); err != nil {
				return err
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var polled, items, updates, failed, conflicts int
	for _, r := range reports {
		var what string
		switch r.Status {
		case "paused":
			what = "paused"
		case "failed":
			failed++
			what = "failed: " + r.Error
		default:
			polled++
			items += r.New
			updates += r.Updated
			conflicts += r.Conflicts
			switch {
			case r.New == 0 && r.Updated == 0:
				what = "nothing new"
			case r.Updated == 0:
				what = plural(r.New, "new item")
			default:
				what = fmt.Sprintf("%s, %s", plural(r.New, "new item"), plural(r.Updated, "update"))
			}
			if r.Backfill {
				what += " (first poll: recorded as backfill, never alerted on)"
			}
			if r.Conflicts > 0 {
				what += ", " + plural(r.Conflicts, "new conflict")
			}
		}
		fmt.Fprintf(tw, "%s\t%s\n", r.Feed, what)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	summary := fmt.Sprintf("%s polled: %s, %s", plural(polled, "feed"), plural(items, "new item"), plural(updates, "update"))
	if conflicts > 0 {
		summary += ", " + plural(conflicts, "new conflict")
	}
	if failed > 0 {
		summary += fmt.Sprintf(", %d failed", failed)
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}
