package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	bolt "go.etcd.io/bbolt"
)

// PollResult is what committing a poll did.
type PollResult struct {
	NewItems, Updates int
	Conflicts         []Conflict
}

// CommitPoll writes a poll in one bbolt transaction: the feed's state, its
// new and updated items (as seen), and their claims. Either all of it is
// stored or, on error, none of it.
func (s *Store) CommitPoll(ctx context.Context, p feeds.Poll) (PollResult, error) {
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

func encodeItems(p feeds.Poll, now time.Time) ([]encodedItem, error) {
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
