package bot

import (
	"context"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

// Store is what the bot reads and writes of the ledger. *state.Store
// satisfies it; the interface only keeps the bot's needs in one place.
type Store interface {
	// Slack event and request dedupe.
	FirstEvent(ctx context.Context, id string, ttl time.Duration) (bool, error)

	// The outbox.
	Lanes(ctx context.Context) ([]state.Lane, error)
	NextAlert(ctx context.Context, channel string) (state.Alert, bool, error)
	BeginAlert(ctx context.Context, seq uint64, at time.Time) (time.Time, error)
	MarkAlertSent(ctx context.Context, seq uint64, th state.Thread) error
	DropAlert(ctx context.Context, seq uint64) error
	DeferAlert(ctx context.Context, seq uint64, notBefore time.Time, errText string) error
	OutboxDepth(ctx context.Context) (int, error)

	// Conflicts and their threads.
	Conflict(ctx context.Context, id string) (state.Conflict, error)
	Conflicts(ctx context.Context, f state.ConflictFilter) ([]state.Conflict, error)
	SetConflictStatus(ctx context.Context, id string, status state.ConflictStatus, by string) (state.Conflict, error)
	ThreadOf(ctx context.Context, conflictID string) (state.Thread, bool, error)
	ConflictInThread(ctx context.Context, th state.Thread) (string, bool, error)

	// Claims.
	SearchClaims(ctx context.Context, query string, limit int) ([]state.StoredClaim, error)
	ClaimsOnTopic(ctx context.Context, topic string, limit int) ([]state.StoredClaim, error)
	ClaimCount(ctx context.Context) (int, error)

	// Mutes.
	Mute(ctx context.Context, target string, until time.Time) error
	Unmute(ctx context.Context, target string) (bool, error)
	Mutes(ctx context.Context, now time.Time) ([]state.Mute, error)

	// Feeds.
	FeedStates(ctx context.Context) ([]feeds.FeedState, error)
	AddFeed(ctx context.Context, f state.FeedEntry) error
	RemoveFeed(ctx context.Context, name string) error
	SetFeedPaused(ctx context.Context, name string, paused bool, by string) error
	ListFeeds(ctx context.Context) ([]state.FeedEntry, error)
	PausedFeeds(ctx context.Context) (map[string]bool, error)
}

// Scheduler is the running feed scheduler, told about feed changes made
// from Slack. feeds.Scheduler satisfies it.
type Scheduler interface {
	Add(src feeds.Source) error
	Remove(name string) error
	Pause(name string) error
	Resume(name string) error
}
