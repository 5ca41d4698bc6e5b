package state

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox holds alerts in the order they were queued, under a sequence
// number from the bucket's own counter. Alerts are queued in the same
// transaction as the conflict they announce and leave only when the
// notifier marks them sent, so a crash neither loses nor repeats one.
var bucketOutbox = []byte("outbox")

func queueAlertTx(tx *bolt.Tx, a Alert) error {
	b, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return err
	}
	// Keys only ever grow, so pages can be filled: the default half-full
	// split doubles the bucket's size for nothing.
	b.FillPercent = 0.9
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	a.Seq = seq
	v, err := json.Marshal(alertRec(a))
	if err != nil {
		return err
	}
	return b.Put(u64(seq), v)
}

// QueueAlert puts an alert for an existing conflict in the outbox, e.g. to
// announce a conflict again in another channel. Its Seq is assigned here.
func (s *Store) QueueAlert(ctx context.Context, a Alert) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("state: queue alert: %w", err)
	}
	if a.Queued.IsZero() {
		a.Queued = s.now()
	}
	var seq uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		cf, err := getConflictRec(tx, a.ConflictID)
		if err != nil {
			return err
		}
		if cf == nil {
			return fmt.Errorf("conflict %s: %w", a.ConflictID, ErrNotFound)
		}
		if err := queueAlertTx(tx, a); err != nil {
			return err
		}
		seq = tx.Bucket(bucketOutbox).Sequence()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("state: queue alert: %w", err)
	}
	return seq, nil
}

// PendingAlerts returns up to limit queued alerts (all when limit <= 0) in
// the order they were queued, deferred ones included: the notifier decides
// what NotBefore means for the alerts behind one.
func (s *Store) PendingAlerts(ctx context.Context, limit int) ([]Alert, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: pending alerts: %w", err)
	}
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			a, err := decodeAlert(k, v)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: pending alerts: %w", err)
	}
	return out, nil
}

// OutboxDepth is the number of alerts waiting.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("state: outbox depth: %w", err)
	}
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketOutbox); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("state: outbox depth: %w", err)
	}
	return n, nil
}

// MarkAlertSent removes a delivered alert and, in the same transaction,
// remembers where its conflict's thread lives (conflict → thread and
// thread → conflict), unless the conflict already has a thread. It returns
// ErrNotFound if the alert is no longer queued.
func (s *Store) MarkAlertSent(ctx context.Context, seq uint64, th Thread) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: mark alert %d sent: %w", seq, err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, key, v, err := queuedAlertTx(tx, seq)
		if err != nil {
			return err
		}
		a, err := decodeAlert(key, v)
		if err != nil {
			return err
		}
		if err := b.Delete(key); err != nil {
			return err
		}
		if th.Channel == "" || th.TS == "" {
			return nil
		}
		if _, ok, err := threadTx(tx, a.ConflictID); err != nil || ok {
			return err
		}
		return putThreadTx(tx, a.ConflictID, th)
	})
	if err != nil {
		return fmt.Errorf("state: mark alert %d sent: %w", seq, err)
	}
	return nil
}

// DropAlert removes an alert that must not be posted (its conflict was
// dismissed or muted before delivery).
func (s *Store) DropAlert(ctx context.Context, seq uint64) error {
	return s.MarkAlertSent(ctx, seq, Thread{})
}

// BeginAlert durably records, just before the notifier posts alert seq,
// that a post is under way, and returns when an earlier post of it began
// whose outcome was never recorded (zero if none). A process that dies
// after Slack took the post but before MarkAlertSent leaves that mark
// behind, and the next attempt looks in Slack for the message before
// posting again: exactly once, not at least once. The earliest start is
// kept, since a message it may have posted is no older than that.
func (s *Store) BeginAlert(ctx context.Context, seq uint64, at time.Time) (earlier time.Time, err error) {
	err = s.updateAlert(ctx, seq, func(r *alertRecJSON) {
		earlier = r.Posting
		if r.Posting.IsZero() {
			r.Posting = at
		}
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("state: begin alert %d: %w", seq, err)
	}
	return earlier, nil
}

// DeferAlert records a failed delivery: one more attempt, the error, and
// the earliest time to try again. A mark left by BeginAlert stays: a
// failure such as a timeout does not prove Slack never took the post.
func (s *Store) DeferAlert(ctx context.Context, seq uint64, notBefore time.Time, errText string) error {
	err := s.updateAlert(ctx, seq, func(r *alertRecJSON) {
		r.Attempts++
		r.NotBefore = notBefore
		r.LastError = errText
	})
	if err != nil {
		return fmt.Errorf("state: defer alert %d: %w", seq, err)
	}
	return nil
}

// updateAlert rewrites one queued alert's record in place; its claim is
// carried over in its stored encoding, untouched.
func (s *Store) updateAlert(ctx context.Context, seq uint64, change func(*alertRecJSON)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b, key, v, err := queuedAlertTx(tx, seq)
		if err != nil {
			return err
		}
		var r alertRecJSON
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("alert %d: %w", seq, err)
		}
		change(&r)
		nv, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put(key, nv)
	})
}

// queuedAlertTx finds alert seq in the outbox: its bucket, key and stored
// record, or ErrNotFound once it has left.
func queuedAlertTx(tx *bolt.Tx, seq uint64) (b *bolt.Bucket, key, v []byte, err error) {
	if b = tx.Bucket(bucketOutbox); b == nil {
		return nil, nil, nil, ErrNotFound
	}
	key = u64(seq)
	if v = b.Get(key); v == nil {
		return nil, nil, nil, ErrNotFound
	}
	return b, key, v, nil
}

// alertRec stores an alert's claim in the ledger's own encoding (an open
// upper end has no JSON number).
type alertRecJSON struct {
	Alert
	Claim *claimRec `json:"claim,omitempty"`
	// Posting is when a post of the alert began whose outcome is not
	// known (BeginAlert); the record goes when the alert is sent.
	Posting time.Time `json:"posting,omitzero"`
}

func alertRec(a Alert) alertRecJSON {
	r := alertRecJSON{Alert: a}
	r.Alert.Claim = nil
	if a.Claim != nil {
		cr := toClaimRec(StoredClaim{Claim: *a.Claim})
		r.Claim = &cr
	}
	return r
}

func decodeAlert(k, v []byte) (Alert, error) {
	var r alertRecJSON
	if err := json.Unmarshal(v, &r); err != nil {
		return Alert{}, fmt.Errorf("alert %d: %w", binary.BigEndian.Uint64(k), err)
	}
	a := r.Alert
	a.Seq = binary.BigEndian.Uint64(k)
	if r.Claim != nil {
		c := r.Claim.stored().Claim
		a.Claim = &c
	}
	return a, nil
}
