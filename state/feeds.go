package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	bolt "go.etcd.io/bbolt"
)

// Feed polling state and seen items. Every key below a feed starts with the
// feed's name and a zero byte, so one feed's keys are one contiguous range.
var (
	bucketFeedState  = []byte("feeds")
	bucketItems      = []byte("items")
	bucketItemLinks  = []byte("item_links")
	bucketTombstones = []byte("tombstones")
	errEmptyFeed     = errors.New("state: empty feed name")
	errFeedName      = errors.New("state: feed name contains a zero byte")
)

func checkFeed(feed string) error {
	switch {
	case feed == "":
		return errEmptyFeed
	case strings.IndexByte(feed, 0) >= 0:
		return errFeedName
	}
	return nil
}

// Tombstone is what remains of a pruned item: enough to know it was seen,
// so it is not new again if the feed still carries it.
type Tombstone struct {
	ContentHash string    `json:"content_hash"`
	Seen        time.Time `json:"seen"`
	Pruned      time.Time `json:"pruned"`
}

func feedKey(feed, sub string) []byte {
	k := make([]byte, 0, len(feed)+1+len(sub))
	k = append(k, feed...)
	k = append(k, 0)
	return append(k, sub...)
}

// feeds.FeedState returns what the store knows of polling feed: the zero state
// (with Feed set) for a feed never polled.
func (s *Store) FeedState(ctx context.Context, feed string) (feeds.FeedState, error) {
	if err := checkFeed(feed); err != nil {
		return feeds.FeedState{}, err
	}
	if err := ctx.Err(); err != nil {
		return feeds.FeedState{}, fmt.Errorf("state: feed state %s: %w", feed, err)
	}
	var st feeds.FeedState
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		st, err = feedStateTx(tx, feed)
		return err
	})
	if err != nil {
		return feeds.FeedState{}, fmt.Errorf("state: feed state %s: %w", feed, err)
	}
	return st, nil
}

func feedStateTx(tx *bolt.Tx, feed string) (feeds.FeedState, error) {
	st := feeds.FeedState{Feed: feed}
	v := tx.Bucket(bucketFeedState).Get([]byte(feed))
	if v == nil {
		return st, nil
	}
	if err := json.Unmarshal(v, &st); err != nil {
		return st, fmt.Errorf("decode: %w", err)
	}
	st.Feed = feed
	return st, nil
}

func putFeedStateTx(tx *bolt.Tx, st feeds.FeedState) error {
	v, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketFeedState).Put([]byte(st.Feed), v)
}

// FeedStates lists every feed the store has polled or tried to, by name.
func (s *Store) FeedStates(ctx context.Context) ([]feeds.FeedState, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: feed states: %w", err)
	}
	var out []feeds.FeedState
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFeedState).ForEach(func(k, v []byte) error {
			var st feeds.FeedState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			st.Feed = string(k)
			out = append(out, st)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: feed states: %w", err)
	}
	return out, nil
}

// RecordPollFailure stores a failed poll: only st's LastPoll, NextPoll,
// ErrorCount and LastError are written. Validators, counters and seen items
// stay as they were, so a failure never loses what earlier polls learnt,
// and the feed is kept however often it fails.
func (s *Store) RecordPollFailure(ctx context.Context, st feeds.FeedState) error {
	if err := checkFeed(st.Feed); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: record poll failure of %s: %w", st.Feed, err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		cur, err := feedStateTx(tx, st.Feed)
		if err != nil {
			return err
		}
		cur.LastPoll = st.LastPoll
		cur.NextPoll = st.NextPoll
		cur.ErrorCount = st.ErrorCount
		cur.LastError = st.LastError
		return putFeedStateTx(tx, cur)
	})
	if err != nil {
		return fmt.Errorf("state: record poll failure of %s: %w", st.Feed, err)
	}
	return nil
}

// Seen looks up items of feed by identity, then by link key; the answers
// are in the order of keys.
func (s *Store) Seen(ctx context.Context, feed string, keys ...feeds.ItemKey) ([]feeds.SeenItem, error) {
	if err := checkFeed(feed); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: seen items of %s: %w", feed, err)
	}
	out := make([]feeds.SeenItem, len(keys))
	err := s.db.View(func(tx *bolt.Tx) error {
		for i, k := range keys {
			var err error
			if out[i], err = seenTx(tx, feed, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: seen items of %s: %w", feed, err)
	}
	return out, nil
}

func seenTx(tx *bolt.Tx, feed string, k feeds.ItemKey) (feeds.SeenItem, error) {
	if k.ID != "" {
		if si, err := lookupID(tx, feed, k.ID); err != nil || si.Found {
			return si, err
		}
	}
	if k.LinkKey != "" {
		if id := tx.Bucket(bucketItemLinks).Get(feedKey(feed, k.LinkKey)); id != nil {
			return lookupID(tx, feed, string(id))
		}
	}
	return feeds.SeenItem{}, nil
}

func lookupID(tx *bolt.Tx, feed, id string) (feeds.SeenItem, error) {
	key := feedKey(feed, id)
	if v := tx.Bucket(bucketItems).Get(key); v != nil {
		var rec feeds.ItemRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return feeds.SeenItem{}, fmt.Errorf("decode item %s: %w", id, err)
		}
		return feeds.SeenItem{Found: true, ID: id, ContentHash: rec.ContentHash}, nil
	}
	if v := tx.Bucket(bucketTombstones).Get(key); v != nil {
		var ts Tombstone
		if err := json.Unmarshal(v, &ts); err != nil {
			return feeds.SeenItem{}, fmt.Errorf("decode tombstone %s: %w", id, err)
		}
		return feeds.SeenItem{Found: true, ID: id, ContentHash: ts.ContentHash, Tombstone: true}, nil
	}
	return feeds.SeenItem{}, nil
}

// Item returns one stored item of feed, and whether it is there (a pruned
// item is not).
func (s *Store) Item(ctx context.Context, feed, id string) (feeds.ItemRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return feeds.ItemRecord{}, false, fmt.Errorf("state: item %s of %s: %w", id, feed, err)
	}
	var rec feeds.ItemRecord
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketItems).Get(feedKey(feed, id))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &rec)
	})
	if err != nil {
		return feeds.ItemRecord{}, false, fmt.Errorf("state: item %s of %s: %w", id, feed, err)
	}
	return rec, found, nil
}

// Items lists the stored items of feed in identity order.
func (s *Store) Items(ctx context.Context, feed string) ([]feeds.ItemRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: items of %s: %w", feed, err)
	}
	var out []feeds.ItemRecord
	prefix := feedKey(feed, "")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketItems).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec feeds.ItemRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: items of %s: %w", feed, err)
	}
	return out, nil
}

// PruneItems turns items of feed last recorded before cutoff into
// tombstones, which keep only what Seen needs, and forgets tombstones
// pruned before forgetBefore (zero keeps them all). Link keys stay while
// their item or its tombstone does. It returns how many items were pruned.
func (s *Store) PruneItems(ctx context.Context, feed string, cutoff, forgetBefore time.Time) (int, error) {
	if err := checkFeed(feed); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("state: prune items of %s: %w", feed, err)
	}
	now := s.now()
	pruned := 0
	prefix := feedKey(feed, "")
	err := s.db.Update(func(tx *bolt.Tx) error {
		items, tombs, links := tx.Bucket(bucketItems), tx.Bucket(bucketTombstones), tx.Bucket(bucketItemLinks)
		// Keys are collected first and deleted after: deleting under a
		// live cursor makes it skip the following key.
		var drop [][]byte
		c := items.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec feeds.ItemRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			if !rec.Seen.Before(cutoff) {
				continue
			}
			ts, err := json.Marshal(Tombstone{ContentHash: rec.ContentHash, Seen: rec.Seen, Pruned: now})
			if err != nil {
				return err
			}
			if err := tombs.Put(bytes.Clone(k), ts); err != nil {
				return err
			}
			drop = append(drop, bytes.Clone(k))
		}
		if err := deleteKeys(items, drop); err != nil {
			return err
		}
		pruned = len(drop)
		if forgetBefore.IsZero() {
			return nil
		}
		drop = drop[:0]
		forgotten := map[string]bool{}
		tc := tombs.Cursor()
		for k, v := tc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = tc.Next() {
			var ts Tombstone
			if err := json.Unmarshal(v, &ts); err != nil {
				return fmt.Errorf("decode tombstone %q: %w", k, err)
			}
			if ts.Pruned.Before(forgetBefore) {
				forgotten[string(k[len(prefix):])] = true
				drop = append(drop, bytes.Clone(k))
			}
		}
		if err := deleteKeys(tombs, drop); err != nil {
			return err
		}
		if len(forgotten) == 0 {
			return nil
		}
		drop = drop[:0]
		lc := links.Cursor()
		for k, v := lc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = lc.Next() {
			if forgotten[string(v)] {
				drop = append(drop, bytes.Clone(k))
			}
		}
		return deleteKeys(links, drop)
	})
	if err != nil {
		return 0, fmt.Errorf("state: prune items of %s: %w", feed, err)
	}
	return pruned, nil
}

func deleteKeys(b *bolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
