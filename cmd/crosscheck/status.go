package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crosscheck-news/crosscheck/state"
)

// statusReport is `crosscheck status --json`.
type statusReport struct {
	Store string `json:"store"`
	// BotRunning is true when the running bot answered (it holds the
	// store).
	BotRunning    bool          `json:"bot_running"`
	Outbox        int           `json:"outbox"`
	OldestError   string        `json:"oldest_error,omitempty"`
	OpenConflicts int           `json:"open_conflicts"`
	Feeds         []feedListing `json:"feeds"`
}

// runStatus is `crosscheck status`: what /crosscheck status shows in
// Slack, for the engineer on call: each feed's health, the alerts waiting
// in the outbox and why the oldest is stuck, the open conflicts. While
// the bot runs, the bot answers it.
func runStatus(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "status", "crosscheck status [--config crosscheck.yaml] [--json]")
	configPath := fs.configFlag()
	asJSON := fs.Bool("json", false, "one JSON object")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("status: unexpected argument %q (usage: crosscheck status [--config FILE] [--json])", rest[0])
	}
	cfg, err := e.config(*configPath)
	if err != nil {
		return err
	}
	store, defs, release, err := openWithFeeds(ctx, e, "status", cfg, state.Options{})
	if err != nil {
		return viaRunningBot(ctx, e, append([]string{"status"}, args...), nil, "", err)
	}
	defer release()
	r, err := report(ctx, store, defs)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	r.Store, r.BotRunning = cfg.Store, e.held != nil
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(r)
	}
	held := "not running"
	if r.BotRunning {
		held = "held by the running bot"
	}
	fmt.Fprintf(e.stdout, "store      %s (%s)\n", r.Store, held)
	fmt.Fprintf(e.stdout, "outbox     %s waiting", plural(r.Outbox, "alert"))
	if r.OldestError != "" {
		fmt.Fprintf(e.stdout, "; the oldest failed: %s", r.OldestError)
	}
	fmt.Fprintf(e.stdout, "\nconflicts  %d open\n\n", r.OpenConflicts)
	return writeFeedList(e.stdout, r.Feeds)
}

func report(ctx context.Context, store *state.Store, defs []feedDef) (statusReport, error) {
	var r statusReport
	var err error
	if r.Feeds, err = feedListings(ctx, store, defs); err != nil {
		return r, err
	}
	if r.Outbox, err = store.OutboxDepth(ctx); err != nil {
		return r, err
	}
	if head, err := store.PendingAlerts(ctx, 1); err == nil && len(head) > 0 {
		r.OldestError = head[0].LastError
	}
	open, err := store.Conflicts(ctx, state.ConflictFilter{Status: state.StatusOpen})
	if err != nil {
		return r, err
	}
	r.OpenConflicts = len(open)
	return r, nil
}
