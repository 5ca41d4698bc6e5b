package state

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// reindexClaims brings a version 1 store to version 2: the topic index
// keyed subject ‖ measure ‖ place ‖ party (it was party before place), with
// empty values (they held an identity prefix), and the identity index
// claims_by_ident, both rebuilt from the claims themselves in key order.
func reindexClaims(tx *bolt.Tx) error {
	if tx.Bucket(bucketClaimsByTopic) != nil {
		if err := tx.DeleteBucket(bucketClaimsByTopic); err != nil {
			return err
		}
	}
	for _, name := range [][]byte{bucketClaimsByTopic, bucketClaimsByIdent} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	claims, err := tx.CreateBucketIfNotExists(bucketClaims)
	if err != nil {
		return err
	}
	b := newBatch(tx)
	c := claims.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		sc, err := getClaim(claims, k)
		if err != nil {
			return err
		}
		sc.Event = eventOf(b, sc)
		b.put(bucketClaimsByTopic, topicIndexKey(sc), nil)
		b.put(bucketClaimsByIdent, claimIdentity(sc.Claim), k)
	}
	return b.flush()
}

// rewriteConflicts brings a version 4 store to version 5: conflict records
// gain their evidence pairs (format 0x02). A version 4 store kept each
// side's claims but not which of them disagreed, so its conflicts start
// with no pairs (Conflict.LeadPair falls back to each side's lead) and
// gather pairs from the next evidence on. The rewrite is for older builds'
// sake: they refuse a version 5 store by its schema rather than fail on a
// record format they do not know.
func rewriteConflicts(tx *bolt.Tx) error {
	b := tx.Bucket(bucketConflicts)
	if b == nil {
		return nil
	}
	type kv struct{ k, v []byte }
	var out []kv
	err := b.ForEach(func(k, v []byte) error {
		if len(v) > 0 && v[0] == conflictFormat {
			return nil
		}
		cf, err := decodeConflict(string(k), v)
		if err != nil {
			return fmt.Errorf("conflict %s: %w", k, err)
		}
		out = append(out, kv{slices.Clone(k), encodeConflict(cf)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range out {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}
