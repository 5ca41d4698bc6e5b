package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox holds each alert under a sequence number from the bucket's
// own counter. Alerts are queued in the same transaction as the conflict
// they announce and leave only when the notifier marks them sent, so a
// crash neither loses nor repeats one.
//
// Delivery finds its work through outbox_lanes, keyed channel ‖ 0x00 ‖
// seq: each channel's queue in the order alerts became due, its head one
// seek away, so a wake of the notifier reads the heads of its lanes, never
// the whole queue. Seq order is due order within a lane: an alert is due
// a fixed group interval after it was queued, and a deferred head holds
// its lane (a parent must go out before the replies queued behind it).
// outbox_depth counts each lane's alerts, so depth is not a walk either.
var (
	bucketOutbox         = []byte("outbox")
	bucketOutboxLanes    = []byte("outbox_lanes")
	bucketOutboxDepth    = []byte("outbox_depth")
	bucketOutboxUnrouted = []byte("outbox_unrouted")
	bucketAlertRoutes    = []byte("alert_routes")
)

func queueAlertTx(tx *bolt.Tx, a Alert) error {
	_, err := queueAlertSeqTx(tx, a)
	return err
}

// queueAlertSeqTx queues a and returns its number in the outbox.
func queueAlertSeqTx(tx *bolt.Tx, a Alert) (uint64, error) {
	b, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return 0, err
	}
	// Keys only ever grow, so pages can be filled: the default half-full
	// split doubles the bucket's size for nothing.
	b.FillPercent = 0.9
	seq, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	a.Seq = seq
	routed := a.Channel != ""
	if !routed {
		a.Channel, routed = routeOfTx(tx, a.ConflictID)
	}
	if err := putAlertTx(b, a); err != nil {
		return 0, err
	}
	if !routed {
		// A conflict's first alert is routed at the end of the
		// transaction that queues it, once the conflict is written.
		return seq, tx.Bucket(bucketOutboxUnrouted).Put(u64(seq), nil)
	}
	return seq, joinLaneTx(tx, a.Channel, seq)
}

// decodeAlertRec reads a queued alert's record without its claim.
func decodeAlertRec(v []byte) (alertRecJSON, error) {
	var r alertRecJSON
	err := json.Unmarshal(v, &r)
	return r, err
}

func putAlertTx(b *bolt.Bucket, a Alert) error {
	v, err := json.Marshal(alertRec(a))
	if err != nil {
		return err
	}
	return b.Put(u64(a.Seq), v)
}

// laneKey is an alert's entry in outbox_lanes; channel "" is the default
// channel's lane.
func laneKey(channel string, seq uint64) []byte {
	k := make([]byte, 0, len(channel)+9)
	k = append(append(k, channel...), 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

func joinLaneTx(tx *bolt.Tx, channel string, seq uint64) error {
	lanes := tx.Bucket(bucketOutboxLanes)
	lanes.FillPercent = 0.9
	if err := lanes.Put(laneKey(channel, seq), nil); err != nil {
		return err
	}
	return addDepthTx(tx, channel, 1)
}

func leaveLaneTx(tx *bolt.Tx, channel string, seq uint64) error {
	lanes, k := tx.Bucket(bucketOutboxLanes), laneKey(channel, seq)
	if lanes.Get(k) == nil {
		return nil // never routed: only its record was there
	}
	if err := lanes.Delete(k); err != nil {
		return err
	}
	return addDepthTx(tx, channel, -1)
}

// addDepthTx moves a lane's count, kept under channel ‖ 0x00 (bbolt has
// no empty key for the default lane); an empty lane's key goes.
func addDepthTx(tx *bolt.Tx, channel string, d int64) error {
	b, key := tx.Bucket(bucketOutboxDepth), append([]byte(channel), 0)
	var n int64
	if v := b.Get(key); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += d
	if n <= 0 {
		return b.Delete(key)
	}
	return b.Put(key, u64(uint64(n)))
}

// QueueAlert puts an alert for an existing conflict in the outbox, e.g. to
// announce a conflict again in another channel. Its Seq is assigned here;
// without a Channel it takes its conflict's route.
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
		return s.routeAlertsTx(tx)
	})
	if err != nil {
		return 0, fmt.Errorf("state: queue alert: %w", err)
	}
	return seq, nil
}

// PendingAlerts returns up to limit queued alerts (all when limit <= 0) in
// the order they were queued, whatever their channel. It decodes what it
// returns, so it is for tests, the demo and other small stores; delivery
// reads lanes (Lanes, NextAlert).
func (s *Store) PendingAlerts(ctx context.Context, limit int) ([]Alert, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: pending alerts: %w", err)
	}
	var out []Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			a, err := loadAlertTx(tx, k, v)
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

// Lane is one channel's queue of alerts.
type Lane struct {
	// Channel is where the lane's alerts go; "" is the default channel
	// (slack.channel).
	Channel string
	Queued  int
}

// Lanes lists the channels with alerts waiting and how many each has,
// from the lanes' counters: its cost is the number of channels, not of
// alerts.
func (s *Store) Lanes(ctx context.Context) ([]Lane, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: outbox lanes: %w", err)
	}
	var out []Lane
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutboxDepth).ForEach(func(k, v []byte) error {
			if len(v) != 8 || len(k) == 0 {
				return fmt.Errorf("lane %q: bad count", k)
			}
			out = append(out, Lane{Channel: string(k[:len(k)-1]), Queued: int(binary.BigEndian.Uint64(v))})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: outbox lanes: %w", err)
	}
	return out, nil
}

// NextAlert returns the head of a channel's lane: the alert to deliver
// next there ("" for the default channel). ok is false when the lane is
// empty.
func (s *Store) NextAlert(ctx context.Context, channel string) (a Alert, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return Alert{}, false, fmt.Errorf("state: next alert for %q: %w", channel, err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		prefix := append([]byte(channel), 0)
		k, _ := tx.Bucket(bucketOutboxLanes).Cursor().Seek(prefix)
		if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
			return nil
		}
		seqKey := k[len(prefix):]
		v := tx.Bucket(bucketOutbox).Get(seqKey)
		if v == nil {
			return fmt.Errorf("lane %q holds alert %d, which is not in the outbox", channel, binary.BigEndian.Uint64(seqKey))
		}
		a, err = loadAlertTx(tx, seqKey, v)
		ok = err == nil
		return err
	})
	if err != nil {
		return Alert{}, false, fmt.Errorf("state: next alert for %q: %w", channel, err)
	}
	return a, ok, nil
}

// OutboxDepth is the number of alerts waiting, in every lane.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	lanes, err := s.Lanes(ctx)
	if err != nil {
		return 0, fmt.Errorf("state: outbox depth: %w", err)
	}
	n := 0
	for _, l := range lanes {
		n += l.Queued
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
		a, err := removeAlertTx(tx, seq)
		if err != nil {
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

// removeAlertTx takes a queued alert out of the outbox and its lane.
func removeAlertTx(tx *bolt.Tx, seq uint64) (Alert, error) {
	b, key, v, err := queuedAlertTx(tx, seq)
	if err != nil {
		return Alert{}, err
	}
	a, err := decodeAlert(key, v)
	if err != nil {
		return Alert{}, err
	}
	if err := b.Delete(key); err != nil {
		return Alert{}, err
	}
	return a, leaveLaneTx(tx, a.Channel, a.Seq)
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
	// A claim in the ledger is kept by number: a copy with its sentence
	// made most of an alert, and of a flooded outbox.
	if a.Claim != nil && a.ClaimSeq == 0 {
		cr := toClaimRec(StoredClaim{Claim: *a.Claim})
		r.Claim = &cr
	}
	return r
}

// loadAlertTx decodes a queued alert with its claim, read from the ledger
// when the alert holds only its number.
func loadAlertTx(tx *bolt.Tx, k, v []byte) (Alert, error) {
	a, err := decodeAlert(k, v)
	if err != nil || a.Claim != nil || a.ClaimSeq == 0 {
		return a, err
	}
	sc, err := getClaim(tx.Bucket(bucketClaims), u64(a.ClaimSeq))
	switch {
	case errors.Is(err, ErrNotFound):
		return a, nil // pruned from the ledger: the alert has nothing to add
	case err != nil:
		return Alert{}, fmt.Errorf("alert %d: %w", a.Seq, err)
	}
	a.Claim = &sc.Claim
	return a, nil
}

// decodeAlert decodes a queued alert; a claim kept by number is not read
// (loadAlertTx reads it).
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

// indexOutbox brings a version 2 store to version 3: it creates the lane
// buckets and puts every queued alert in its channel's lane, in queue
// order. Each queued alert's conflict keeps the lane it was queued in as
// its route, so its later replies queue behind it.
func indexOutbox(tx *bolt.Tx) error {
	if err := createBuckets(tx); err != nil {
		return err
	}
	routes := tx.Bucket(bucketAlertRoutes)
	return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		a, err := decodeAlert(k, v)
		if err != nil {
			return err
		}
		if _, ok := routeOfTx(tx, a.ConflictID); !ok {
			if err := routes.Put([]byte(a.ConflictID), []byte(a.Channel)); err != nil {
				return err
			}
		}
		return joinLaneTx(tx, a.Channel, a.Seq)
	})
}
