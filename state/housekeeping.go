package state

import (
	"context"
	"fmt"
	"time"
)

// Retention says how long the store keeps what it only needs for a while.
type Retention struct {
	// Items are kept whole this long after they were last seen, then
	// shrink to tombstones, which still stop a re-published item from
	// counting as new (default 90 days).
	Items time.Duration
	// Tombstones are forgotten this long after they were made (default a
	// year): a feed that re-publishes an older item has moved on.
	Tombstones time.Duration
}

// DefaultRetention is what `crosscheck run` uses.
var DefaultRetention = Retention{Items: 90 * 24 * time.Hour, Tombstones: 365 * 24 * time.Hour}

// Housekeep prunes old items of every polled feed and expired Slack event
// IDs. Claims, conflicts and the outbox are never pruned here: they are
// the record editors query. It returns how many items and events went.
func (s *Store) Housekeep(ctx context.Context, r Retention) (items, events int, err error) {
	states, err := s.FeedStates(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("state: housekeep: %w", err)
	}
	now := s.now()
	for _, st := range states {
		n, err := s.PruneItems(ctx, st.Feed, now.Add(-r.Items), now.Add(-r.Tombstones))
		if err != nil {
			return items, 0, fmt.Errorf("state: housekeep: %w", err)
		}
		items += n
	}
	events, err = s.PruneEvents(ctx)
	if err != nil {
		return items, 0, fmt.Errorf("state: housekeep: %w", err)
	}
	return items, events, nil
}
