package state

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// writeSchema1 turns the store at path back into schema version 1: the
// topic index keyed subject ‖ measure ‖ party ‖ place with an identity
// prefix as value, and no identity index.
func writeSchema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketClaimsByTopic, bucketClaimsByIdent} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		byTopic, err := tx.CreateBucket(bucketClaimsByTopic)
		if err != nil {
			return err
		}
		claims := tx.Bucket(bucketClaims)
		return claims.ForEach(func(k, _ []byte) error {
			sc, err := getClaim(claims, k)
			if err != nil {
				return err
			}
			key := topicPrefix(sc.Subject, sc.Measure)
			key = append(append(key, claim.Party(sc.Claimant)...), 0)
			key = append(append(key, sc.Place...), 0)
			key = append(append(key, timeKey(sc.AsOf)...), k...)
			return byTopic.Put(key, claimIdentity(sc.Claim)[:8])
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(1)) }); err != nil {
		t.Fatal(err)
	}
}

// TestSchema1StoreOpens opens a store written by the previous layout: it is
// migrated, still finds its duplicates and its contradictions.
func TestSchema1StoreOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	clk := &clock{t: published}
	s := openStore(t, path, clk.now)
	nisSays := newArticle("Yonhap", "https://yonhap.example/1", published).
		figure(nis, "killed", "kursk", "300", claim.Point(300), "NIS said 300 were killed in Kursk.").
		figure(budanov, "fighting", "kursk", "8 000", claim.Point(8000), "Budanov said 8 000 are fighting.")
	if _, err := s.Record(ctx, nisSays.item(false)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	writeSchema1(t, path)

	s = openStore(t, path, clk.now)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	res, err := s.Record(ctx, nisSays.item(false))
	if err != nil {
		t.Fatal(err)
	}
	if res.Claims != 0 || res.Duplicates != 2 {
		t.Errorf("the same article again after migration: %d stored, %d duplicates; want both claims known", res.Claims, res.Duplicates)
	}
	res, err = s.Record(ctx, newArticle("Kyiv Post", "https://kyivpost.example/1", published).
		figure(zelensky, "killed", "", "3 000", claim.Point(3000), "Zelensky said 3 000 were killed.").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 1 {
		t.Errorf("a contradiction after migration opened %v, want NIS against Zelensky", pairs(res.Opened))
	}
	if got, _ := s.ClaimsOnTopic(ctx, claim.TopicKey(nkSoldie, "killed", "kursk"), 0); len(got) != 2 {
		t.Errorf("the topic's timeline after migration holds %d claims, want NIS's and Zelensky's", len(got))
	}
}

// A version 4 store's conflicts, in the record format before pairs, open
// under version 5 rewritten with no pairs, keep their claims, and gather
// pairs from the next evidence.
func TestSchema4ConflictsGainPairs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	clk := &clock{t: published}
	s := openStore(t, path, clk.now)
	res, err := s.Record(ctx,
		newArticle("Yonhap", "https://yonhap.example/1", published).
			figure(nis, "killed", "kursk", "300", claim.Point(300), "NIS said 300 were killed in Kursk.").item(false),
		newArticle("Kyiv Post", "https://kyivpost.example/1", published).
			figure(budanov, "killed", "kursk", "1,000", claim.Point(1000), "Budanov said 1,000 were killed in Kursk.").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 1 {
		t.Fatalf("opened %v, want NIS against Budanov", pairs(res.Opened))
	}
	id := res.Opened[0].ID
	s.Close()

	// Write the conflict back as version 4 kept it.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConflicts)
		cf, err := decodeConflict(id, b.Get([]byte(id)))
		if err != nil {
			return err
		}
		cf.Pairs, cf.PairCount = nil, 0
		nv := encodeConflict(cf)
		old := append([]byte{conflictFormatV1}, nv[1:len(nv)-2]...)
		if err := b.Put([]byte(id), old); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(4))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s = openStore(t, path, clk.now)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketConflicts).Get([]byte(id)); v[0] != conflictFormat {
			t.Errorf("conflict record format %#x after migration, want %#x", v[0], conflictFormat)
		}
		if v := tx.Bucket(bucketMeta).Get(keySchema); !bytes.Equal(v, u64(SchemaVersion)) {
			t.Errorf("schema %x after migration, want %d", v, SchemaVersion)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Conflict(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pairs) != 0 || len(c.Sides[0].Claims) != 1 || len(c.Sides[1].Claims) != 1 {
		t.Errorf("migrated conflict: %d pairs, sides of %d and %d claims; want no pairs and both claims", len(c.Pairs), len(c.Sides[0].Claims), len(c.Sides[1].Claims))
	}
	if lp := c.LeadPair(); lp[0].Claimant == "" || lp[1].Claimant == "" {
		t.Errorf("migrated conflict's lead pair %v lacks a side", lp)
	}
	if _, err := s.Record(ctx, newArticle("Reuters", "https://reuters.example/1", published).
		figure(nis, "killed", "kursk", "310", claim.Point(310), "NIS said 310 were killed in Kursk.").item(false)); err != nil {
		t.Fatal(err)
	}
	if c, err = s.Conflict(ctx, id); err != nil {
		t.Fatal(err)
	}
	if len(c.Pairs) == 0 || c.PairCount != len(c.Pairs) {
		t.Errorf("after new evidence the migrated conflict has %d pairs (count %d), want some, all counted", len(c.Pairs), c.PairCount)
	}
}
