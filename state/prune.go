package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// pruneBatch is how many records one pruning transaction removes at most,
// so the write lock is held for milliseconds and a poll or a mute from
// Slack waits no longer than that.
const pruneBatch = 500

// pruneConflicts removes conflicts that are no longer open and were last
// changed before cutoff, with their index entries, alert route and thread
// mapping,
// oldest first in batches. Open conflicts stay however old; editors'
// feedback stays too (it is small, self-contained, and what the bot's
// precision is measured by).
func (s *Store) pruneConflicts(ctx context.Context, cutoff time.Time) (int, error) {
	var after []byte
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, next, err := s.pruneConflictBatch(after, cutoff)
		total += n
		if err != nil || next == nil {
			return total, err
		}
		after = next
	}
}

// pruneConflictBatch walks the update-time index past after and removes
// up to pruneBatch closed conflicts older than cutoff. It returns where
// the next batch starts, nil when the walk has reached cutoff.
func (s *Store) pruneConflictBatch(after []byte, cutoff time.Time) (n int, next []byte, err error) {
	end := nanoKey(cutoff)
	err = s.db.Update(func(tx *bolt.Tx) error {
		byUpdated := tx.Bucket(bucketConflictsByUpdated)
		if byUpdated == nil {
			return nil
		}
		var drop []*conflictRec
		c := byUpdated.Cursor()
		k, _ := c.Seek(after)
		if after != nil && bytes.Equal(k, after) {
			k, _ = c.Next()
		}
		for examined := 0; k != nil && bytes.Compare(k[:8], end) < 0; k, _ = c.Next() {
			if examined++; examined > 4*pruneBatch || len(drop) == pruneBatch {
				break // next is the last key looked at
			}
			cf, err := getConflictRec(tx, string(k[8:]))
			if err != nil {
				return err
			}
			if cf != nil && cf.Status != StatusOpen {
				drop = append(drop, cf)
			}
			next = bytes.Clone(k)
		}
		if k == nil || bytes.Compare(k[:8], end) >= 0 {
			next = nil
		}
		b := newBatch(tx)
		for _, cf := range drop {
			if err := deleteConflict(tx, b, cf); err != nil {
				return err
			}
		}
		n = len(drop)
		return b.flush()
	})
	if err != nil {
		return 0, nil, err
	}
	return n, next, nil
}

func deleteConflict(tx *bolt.Tx, b *batch, cf *conflictRec) error {
	b.del(bucketConflicts, []byte(cf.ID))
	b.del(bucketConflictsByUpdated, updatedKey(cf.stored, cf.ID))
	b.del(bucketConflictsByTopic, pairKey(cf.Topic, cf.ID))
	for _, side := range cf.Sides {
		b.del(bucketConflictsByClaimant, pairKey(claim.Party(side.Claimant), cf.ID))
	}
	b.del(bucketAlertRoutes, []byte(cf.ID))
	th, ok, err := threadTx(tx, cf.ID)
	if err != nil || !ok {
		return err
	}
	b.del(bucketThreads, []byte(cf.ID))
	b.del(bucketThreadConflicts, pairKey(th.Channel, th.TS))
	return nil
}

// pruneClaims removes claims recorded before cutoff that no conflict in
// the store cites, oldest first in batches. The claims of one article
// share its fields through the article's first claim (ledger_codec.go),
// so they go or stay together: a batch ends only where an article's
// claims end, and an article with one cited claim is kept whole.
func (s *Store) pruneClaims(ctx context.Context, cutoff time.Time) (int, error) {
	since := s.now()
	cited, err := s.citedClaims(time.Time{})
	if err != nil {
		return 0, err
	}
	var after uint64
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, next, err := s.pruneClaimBatch(after, cutoff, cited, since)
		total += n
		if err != nil || next == 0 {
			return total, err
		}
		after = next
	}
}

// citedClaims are the claims of the conflicts updated at or after since.
func (s *Store) citedClaims(since time.Time) (map[uint64]bool, error) {
	cited := map[uint64]bool{}
	err := s.db.View(func(tx *bolt.Tx) error { return citedTx(tx, since, cited) })
	return cited, err
}

func citedTx(tx *bolt.Tx, since time.Time, cited map[uint64]bool) error {
	byUpdated := tx.Bucket(bucketConflictsByUpdated)
	if byUpdated == nil {
		return nil
	}
	c := byUpdated.Cursor()
	k, _ := c.First()
	if !since.IsZero() {
		k, _ = c.Seek(nanoKey(since))
	}
	for ; k != nil; k, _ = c.Next() {
		cf, err := getConflictRec(tx, string(k[8:]))
		if err != nil {
			return err
		}
		if cf == nil {
			continue
		}
		for _, side := range cf.Sides {
			for _, seq := range side.Claims {
				cited[seq] = true
			}
		}
	}
	return nil
}

// pruneClaimBatch removes up to about pruneBatch claims after seq after.
// Conflicts changed since the walk began (since) may cite old claims too;
// each batch adds their claims to cited before it deletes. It returns the
// last seq it looked at, 0 when it reached claims recorded at cutoff.
func (s *Store) pruneClaimBatch(after uint64, cutoff time.Time, cited map[uint64]bool, since time.Time) (n int, next uint64, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		claims := tx.Bucket(bucketClaims)
		if claims == nil {
			return nil
		}
		if err := citedTx(tx, since, cited); err != nil {
			return err
		}
		var article []StoredClaim // the claims of the article being read
		keep := false
		b := newBatch(tx)
		flushArticle := func() {
			if !keep {
				for _, sc := range article {
					deleteClaim(b, sc)
				}
				n += len(article)
			}
			article, keep = article[:0], false
		}
		young, examined := false, 0
		c := claims.Cursor()
		k, v := c.Seek(u64(after + 1))
		for ; k != nil; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			head, refs, err := decodeClaim(seq, v)
			if err != nil {
				return fmt.Errorf("claim %d: %w", seq, err)
			}
			if refs.article == 0 {
				// A new article begins: the one read so far is whole.
				flushArticle()
				// A long run of cited claims, which stay, ends a
				// batch too, so the lock is never held long.
				if n >= pruneBatch || examined >= 4*pruneBatch {
					break
				}
			}
			examined++
			if !head.Recorded.Before(cutoff) {
				young = true
				break
			}
			sc, err := getClaim(claims, k)
			if err != nil {
				return err
			}
			article = append(article, sc)
			keep = keep || cited[seq]
		}
		switch {
		case young:
			// The walk is over, and a young claim may continue the
			// article read last: it stays.
			article, next = article[:0], 0
		case k == nil:
			next = 0 // the ledger's end: its last article is whole
		default:
			next = binary.BigEndian.Uint64(k) - 1
		}
		flushArticle()
		return b.flush()
	})
	if err != nil {
		return 0, 0, err
	}
	return n, next, nil
}

// deleteClaim removes a claim and its index entries. The topic, claimant
// and outlet lists keep its names: they are small, and another claim may
// still carry them.
func deleteClaim(b *batch, sc StoredClaim) {
	b.del(bucketClaims, u64(sc.Seq))
	sc.Event = eventOf(b, sc)
	b.del(bucketClaimsByTopic, topicIndexKey(sc))
	b.del(bucketClaimsByIdent, claimIdentity(sc.Claim))
	b.del(bucketClaimsByClaimant, claimantIndexKey(sc.Claimant, sc.AsOf, sc.Seq))
}

// pruneAlerts drops alerts queued before cutoff and still undelivered (a
// delivered alert leaves the outbox at once): after that long, the post
// would be news to no one. Each batch of pruneBatch alerts is one
// transaction, which removes them as MarkAlertSent does (removeAlertTx),
// lanes and counts included.
func (s *Store) pruneAlerts(ctx context.Context, cutoff time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := s.pruneAlertBatch(cutoff)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

// pruneAlertBatch drops up to pruneBatch alerts queued before cutoff, in
// queue order (the outbox's key order), stopping at the first younger one.
func (s *Store) pruneAlertBatch(cutoff time.Time) (int, error) {
	var seqs []uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(seqs) < pruneBatch; k, v = c.Next() {
			a, err := decodeAlert(k, v)
			if err != nil {
				return err
			}
			if !a.Queued.Before(cutoff) {
				break
			}
			seqs = append(seqs, a.Seq)
		}
		for _, seq := range seqs {
			if _, err := removeAlertTx(tx, seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(seqs), nil
}
