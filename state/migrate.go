package state

import (
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
