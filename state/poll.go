package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

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

// PollResult is what committing a poll did.
type PollResult struct {
	NewItems, Updates int
	Conflicts         []Conflict
}

// CommitPoll writes a poll in one bbolt transaction: the feed's state, its
// new and updated items (as seen), and their claims. Either all of it is
// stored or, on error, none of it.
func (s *Store) CommitPoll(ctx context.Context, p Poll) (PollResult, error) {
	var res PollResult
	if err := checkFeed(p.Feed); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("state: commit poll of %s: %w", p.Feed, err)
	}
	now := s.now()
	// Items are encoded before the write lock is taken: only bbolt's own
	// work happens under it.
	recs, err := encodeItems(p, now)
	if err != nil {
		return res, fmt.Errorf("state: commit poll of %s: %w", p.Feed, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if s.pollLocked != nil {
			s.pollLocked()
		}
		res = PollResult{}
		cur, err := feedStateTx(tx, p.Feed)
		if err != nil {
			return err
		}
		st := p.State
		st.Feed = p.Feed
		st.Items, st.Claims = cur.Items, cur.Claims
		// The poll's writes go through one batch, flushed in key order at
		// the end of this one transaction (see batch); only those whose
		// keys only grow (claim records, the outbox) and the feed's state
		// go straight in.
		b := newBatch(tx)
		b.seeks = s.seeks
		for i, rec := range recs {
			b.put(bucketItems, rec.key, rec.value)
			// Back from the dead: the live record supersedes the tombstone.
			b.del(bucketTombstones, rec.key)
			if rec.link != nil {
				b.put(bucketItemLinks, rec.link, []byte(p.Items[i].Item.ID))
			}
			if p.Items[i].Item.Update {
				res.Updates++
			} else {
				res.NewItems++
				st.Items++
			}
			st.Claims += len(p.Items[i].Claims)
		}

		// The claim ledger records p's claims here, inside this same
		// transaction, so claims, the conflicts they raise, the alerts they
		// queue and the items they came from are stored together or not
		// at all.
		res.Conflicts, err = s.recordClaimsTx(b, p)
		if err != nil {
			return err
		}
		if err := s.flushAndRoute(b); err != nil {
			return err
		}
		return putFeedStateTx(tx, st)
	})
	if err != nil {
		return PollResult{}, fmt.Errorf("state: commit poll of %s: %w", p.Feed, err)
	}
	return res, nil
}

// encodedItem is an item's record and keys, ready to put.
type encodedItem struct {
	key, link, value []byte
}

func encodeItems(p Poll, now time.Time) ([]encodedItem, error) {
	out := make([]encodedItem, len(p.Items))
	for i := range p.Items {
		rec := p.Items[i].Item
		if rec.ID == "" {
			return nil, errors.New("item without an identity")
		}
		rec.Feed = p.Feed
		rec.Seen = now
		v, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		out[i] = encodedItem{key: feedKey(p.Feed, rec.ID), value: v}
		if rec.LinkKey != "" {
			out[i].link = feedKey(p.Feed, rec.LinkKey)
		}
	}
	return out, nil
}
