package feeds

import (
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// What one poll of a feed learns, and what the pipeline (feeds/desk)
// commits to the store: the feed's new state and its new and updated
// items. The poller fills these in and stores nothing.

// FeedState is what the store remembers about polling one feed: the
// validators for conditional GET, when it may be polled next, and its
// health for the bot's status command.
type FeedState struct {
	Feed         string    `json:"feed"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastPoll     time.Time `json:"last_poll"`
	LastSuccess  time.Time `json:"last_success"`
	// NextPoll is the earliest time the feed may be polled again: the
	// largest of the server's wishes (ttl, max-age, Retry-After) and the
	// error backoff.
	NextPoll   time.Time `json:"next_poll"`
	ErrorCount int       `json:"error_count"`
	LastError  string    `json:"last_error,omitempty"`
	// Polled is false until the first successful poll; that poll's items
	// are backfill.
	Polled bool `json:"polled"`
	Items  int  `json:"items"`
	Claims int  `json:"claims"`
}

// ItemRecord is one feed item as the store keeps it.
type ItemRecord struct {
	// ID is the identity hash (normalised GUID, else link, else title and
	// content); LinkKey is the link without scheme and host, a second
	// identity so a re-published item with a new GUID is not new.
	ID          string    `json:"id"`
	LinkKey     string    `json:"link_key,omitempty"`
	Feed        string    `json:"feed"`
	Outlet      string    `json:"outlet"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Published   time.Time `json:"published"`
	ContentHash string    `json:"content_hash"`
	// Update marks an item seen before whose content changed.
	Update bool `json:"update,omitempty"`
	// Backfill marks items of a feed's first poll: recorded, never alerted.
	Backfill bool `json:"backfill,omitempty"`
	// FullTextError says why the article page could not be used, if it
	// was tried.
	FullTextError string `json:"fulltext_error,omitempty"`
	// Seen is when the store recorded this version of the item; pruning
	// goes by it.
	Seen time.Time `json:"seen"`
}

// PolledItem is a new or updated item with the claims extracted from it.
type PolledItem struct {
	Item ItemRecord
	// Text is the article text (plain or HTML) that claims are extracted
	// from; it is not stored.
	Text   string
	Claims []claim.Claim
}

// Poll is one successful poll of one feed: CommitPoll writes all of it in
// one transaction, so a crash never leaves half a poll behind.
type Poll struct {
	Feed string
	// State is the feed's new state. Its Items and Claims counters are
	// ignored: CommitPoll adds this poll's to the stored ones.
	State FeedState
	Items []PolledItem
}

// ItemKey is how a poll asks whether an item was seen: by identity, and by
// its link key for items re-published under a new GUID.
type ItemKey struct {
	ID      string
	LinkKey string
}

// SeenItem answers Seen for one ItemKey.
type SeenItem struct {
	// Found is true if the identity or the link key is known.
	Found bool
	// ID is the stored identity, which differs from the asked one when the
	// item was found by its link key.
	ID          string
	ContentHash string
	// Tombstone is true when only the pruned remains were found.
	Tombstone bool
}
