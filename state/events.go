package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Slack retries an event it thinks went unacknowledged, and Socket Mode
// redelivers an envelope whose ack was lost with the connection. Keeping the
// IDs in the store, not in memory, means a restart in between does not act
// on the same event twice.
var (
	bucketEvents       = []byte("events")
	bucketEventsExpiry = []byte("events_expiry")
	errEmptyEventID    = errors.New("state: empty event id")
)

// pruneEventsPerWrite bounds the cleanup one FirstEvent does, so a burst
// after a long quiet spell does not make one request slow.
const pruneEventsPerWrite = 64

// DefaultEventTTL is how long an event ID is remembered: Slack gives up
// retrying an event within the hour, and a signed request older than five
// minutes is refused anyway.
const DefaultEventTTL = 2 * time.Hour

// FirstEvent records the Slack event or request id and reports whether this
// is its first sighting within ttl (DefaultEventTTL when ttl <= 0). A false
// answer means the caller has already acted on it and must not again.
//
// Each call also forgets a few expired IDs, so the buckets stay the size of
// one TTL's traffic without a separate sweeper.
func (s *Store) FirstEvent(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	if id == "" {
		return false, errEmptyEventID
	}
	if ttl <= 0 {
		ttl = DefaultEventTTL
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("state: record event %s: %w", id, err)
	}
	now := s.now()
	first := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		ids, err := tx.CreateBucketIfNotExists(bucketEvents)
		if err != nil {
			return err
		}
		byExpiry, err := tx.CreateBucketIfNotExists(bucketEventsExpiry)
		if err != nil {
			return err
		}
		if _, err := pruneEvents(ids, byExpiry, now, pruneEventsPerWrite); err != nil {
			return err
		}
		key := []byte(id)
		if v := ids.Get(key); len(v) == 8 {
			if time.Unix(0, int64(binary.BigEndian.Uint64(v))).After(now) {
				return nil
			}
			// Expired but not pruned yet: forget the old expiry entry.
			if err := byExpiry.Delete(expiryKey(v, key)); err != nil {
				return err
			}
		}
		first = true
		exp := u64(uint64(now.Add(ttl).UnixNano()))
		if err := ids.Put(key, exp); err != nil {
			return err
		}
		return byExpiry.Put(expiryKey(exp, key), nil)
	})
	if err != nil {
		return false, fmt.Errorf("state: record event %s: %w", id, err)
	}
	return first, nil
}

// PruneEvents forgets every event ID whose time is up and returns how many
// went.
func (s *Store) PruneEvents(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("state: prune events: %w", err)
	}
	now := s.now()
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		ids, byExpiry := tx.Bucket(bucketEvents), tx.Bucket(bucketEventsExpiry)
		if ids == nil || byExpiry == nil {
			return nil
		}
		var err error
		n, err = pruneEvents(ids, byExpiry, now, -1)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("state: prune events: %w", err)
	}
	return n, nil
}

// pruneEvents deletes up to limit expired IDs (all when limit < 0), oldest
// first: the expiry index is ordered by time, so it never scans live ones.
func pruneEvents(ids, byExpiry *bolt.Bucket, now time.Time, limit int) (int, error) {
	cutoff := u64(uint64(now.UnixNano()))
	c := byExpiry.Cursor()
	var expired [][]byte
	for k, _ := c.First(); len(k) >= 8 && bytes.Compare(k[:8], cutoff) <= 0; k, _ = c.Next() {
		if limit >= 0 && len(expired) == limit {
			break
		}
		expired = append(expired, bytes.Clone(k))
	}
	for _, k := range expired {
		if err := byExpiry.Delete(k); err != nil {
			return 0, err
		}
		id := k[8:]
		// The ID may have been seen again since, with a later expiry.
		if v := ids.Get(id); bytes.Equal(v, k[:8]) {
			if err := ids.Delete(id); err != nil {
				return 0, err
			}
		}
	}
	return len(expired), nil
}

func expiryKey(exp, id []byte) []byte {
	k := make([]byte, 0, len(exp)+len(id))
	return append(append(k, exp...), id...)
}
