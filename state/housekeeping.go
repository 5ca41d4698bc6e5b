package state

import (
	"context"
	"fmt"
	"time"
)

// Retention says how long the store keeps what it only needs for a while.
// A zero duration keeps forever.
type Retention struct {
	// Items are kept whole this long after they were last seen, then
	// shrink to tombstones, which still stop a re-published item from
	// counting as new (default 90 days).
	Items time.Duration
	// Tombstones are forgotten this long after they were made (default a
	// year): a feed that re-publishes an older item has moved on.
	Tombstones time.Duration
	// Claims are pruned this long after they were recorded, unless a
	// conflict still in the store cites them (default 180 days).
	Claims time.Duration
	// Conflicts no longer open are pruned this long after their last
	// change, with their Slack thread mapping (default a year). Open
	// conflicts are kept however old, and editors' feedback always.
	Conflicts time.Duration
	// Alerts still undelivered this long after they were queued are
	// dropped (default 30 days).
	Alerts time.Duration
}

// DefaultRetention is what `crosscheck run` uses unless crosscheck.yaml
// says otherwise.
var DefaultRetention = Retention{
	Items: 90 * 24 * time.Hour, Tombstones: 365 * 24 * time.Hour,
	Claims: 180 * 24 * time.Hour, Conflicts: 365 * 24 * time.Hour, Alerts: 30 * 24 * time.Hour,
}

// Pruned counts what one housekeeping run removed.
type Pruned struct {
	Items, Events, Claims, Conflicts, Alerts int
}

// Total is everything Pruned counts.
func (p Pruned) Total() int { return p.Items + p.Events + p.Claims + p.Conflicts + p.Alerts }

// Housekeep prunes what r no longer keeps: old items of every polled feed,
// expired Slack event IDs, closed conflicts, then the claims no conflict
// cites, and alerts that were never delivered. Claims, conflicts and alerts
// go in batches of a few hundred, each its own transaction, so the write
// lock is never held long; a crash between batches leaves a consistent
// store with less pruned.
func (s *Store) Housekeep(ctx context.Context, r Retention) (Pruned, error) {
	var p Pruned
	wrap := func(err error) (Pruned, error) { return p, fmt.Errorf("state: housekeep: %w", err) }
	states, err := s.FeedStates(ctx)
	if err != nil {
		return wrap(err)
	}
	now := s.now()
	if r.Items > 0 {
		var forget time.Time
		if r.Tombstones > 0 {
			forget = now.Add(-r.Tombstones)
		}
		for _, st := range states {
			n, err := s.PruneItems(ctx, st.Feed, now.Add(-r.Items), forget)
			p.Items += n
			if err != nil {
				return wrap(err)
			}
		}
	}
	if p.Events, err = s.PruneEvents(ctx); err != nil {
		return wrap(err)
	}
	// Conflicts first: the claims they cited are free to go after them.
	for _, step := range []struct {
		keep  time.Duration
		count *int
		prune func(context.Context, time.Time) (int, error)
	}{
		{r.Conflicts, &p.Conflicts, s.pruneConflicts},
		{r.Claims, &p.Claims, s.pruneClaims},
		{r.Alerts, &p.Alerts, s.pruneAlerts},
	} {
		if step.keep <= 0 {
			continue
		}
		if *step.count, err = step.prune(ctx, now.Add(-step.keep)); err != nil {
			return wrap(err)
		}
	}
	return p, nil
}
