package state

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Dispute is what a route chooses a channel by: the conflict with its
// claims, and which of the feeds the router asked about (Router.Feeds)
// those claims came from.
type Dispute struct {
	Conflict
	Feeds []string
}

// Router chooses the channel of each dispute's alerts. The store asks it
// once per conflict, inside the transaction that queues the conflict's
// first alert, and keeps the answer: every later alert of the conflict
// (its thread's replies) goes to the same lane. The zero Router sends
// everything to the default channel.
type Router struct {
	// Feeds are the feed names any route matches on. Only these are
	// looked up for a dispute's claims, since a claim records its item,
	// not its feed.
	Feeds []string
	// Route returns the channel for d, "" for the default. It runs inside
	// a write transaction: it must be quick and touch nothing else.
	Route func(Dispute) string
}

// routeOfTx is the channel a conflict's alerts were routed to when its
// first alert was queued.
func routeOfTx(tx *bolt.Tx, conflictID string) (string, bool) {
	v := tx.Bucket(bucketAlertRoutes).Get([]byte(conflictID))
	return string(v), v != nil
}

// flushAndRoute ends a transaction's batch of claims and conflicts: it
// writes the batch, then routes the alerts queued with it, which needs the
// conflicts they announce written.
func (s *Store) flushAndRoute(b *batch) error {
	if err := b.flush(); err != nil {
		return err
	}
	return s.routeAlertsTx(b.tx)
}

// routeAlertsTx routes the alerts queued in this transaction whose
// conflict had no route yet: it decides the conflict's route, keeps it,
// and puts each alert in its lane. It runs at the end of every
// transaction that queues alerts, when the conflicts they announce are
// written.
func (s *Store) routeAlertsTx(tx *bolt.Tx) error {
	unrouted := tx.Bucket(bucketOutboxUnrouted)
	var seqs [][]byte
	if err := unrouted.ForEach(func(k, _ []byte) error {
		seqs = append(seqs, slices.Clone(k))
		return nil
	}); err != nil {
		return err
	}
	outbox := tx.Bucket(bucketOutbox)
	for _, k := range seqs {
		if err := unrouted.Delete(k); err != nil {
			return err
		}
		v := outbox.Get(k)
		if v == nil {
			continue
		}
		a, err := decodeAlert(k, v)
		if err != nil {
			return err
		}
		ch, ok := routeOfTx(tx, a.ConflictID)
		if !ok {
			if ch, err = s.routeTx(tx, a.ConflictID); err != nil {
				return err
			}
			if err := tx.Bucket(bucketAlertRoutes).Put([]byte(a.ConflictID), []byte(ch)); err != nil {
				return err
			}
		}
		if ch != "" {
			a.Channel = ch
			if err := putAlertTx(outbox, a); err != nil {
				return err
			}
		}
		if err := joinLaneTx(tx, ch, a.Seq); err != nil {
			return err
		}
	}
	return nil
}

// routeTx asks the router for a conflict's channel.
func (s *Store) routeTx(tx *bolt.Tx, conflictID string) (string, error) {
	if s.router.Route == nil {
		return "", nil
	}
	cf, err := getConflictRec(tx, conflictID)
	if err != nil || cf == nil {
		return "", err
	}
	claims, items := tx.Bucket(bucketClaims), tx.Bucket(bucketItems)
	d := Dispute{Conflict: cf.Conflict}
	for i, side := range cf.Sides {
		d.Sides[i].Claimant = side.Claimant
		for _, seq := range side.Claims {
			sc, err := getClaim(claims, u64(seq))
			if err != nil {
				return "", fmt.Errorf("route conflict %s: %w", conflictID, err)
			}
			d.Sides[i].Claims = append(d.Sides[i].Claims, sc.Claim)
			for _, f := range s.router.Feeds {
				if !slices.Contains(d.Feeds, f) && items.Get(feedKey(f, sc.ItemID)) != nil {
					d.Feeds = append(d.Feeds, f)
				}
			}
		}
	}
	return s.router.Route(d), nil
}
