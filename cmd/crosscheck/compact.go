package main

// `crosscheck compact` rewrites the store with bbolt's own compaction and
// swaps the fresh file in. Pruning frees pages inside the file but never
// shrinks it; compaction gives the space back.
//
// It refuses while the bot holds the store rather than delegating to it:
// the bot keeps the file mapped and open, so the swap would need it to
// close and reopen its store under every goroutine that uses it. Stop the
// bot, compact (seconds for a few GB), start it again.

import (
	"context"
	"errors"
	"fmt"

	"github.com/crosscheck-news/crosscheck/state"
)

func runCompact(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "compact", "crosscheck compact [--config crosscheck.yaml]")
	configPath := fs.configFlag()
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usagef("compact: takes no arguments (usage: crosscheck compact [--config FILE])")
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if err := requireStore("compact", cfg); err != nil {
		return err
	}
	before, after, err := state.Compact(ctx, cfg.Store)
	switch {
	case errors.Is(err, state.ErrLocked):
		return fmt.Errorf("compact: %s is in use by a running crosscheck; stop it, compact, then start it again", cfg.Store)
	case err != nil:
		return fmt.Errorf("compact: %w", err)
	}
	fmt.Fprintf(e.stdout, "compacted %s: %d bytes to %d\n", cfg.Store, before, after)
	return nil
}
