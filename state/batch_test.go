package state

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestBatchReadsThroughItsWrites lays random puts and deletes over a
// bucket's stored keys and checks that gets and cursor walks, forwards and
// backwards, see what a plain map of the same writes holds, and that the
// flush leaves the bucket holding exactly that.
func TestBatchReadsThroughItsWrites(t *testing.T) {
	for _, tc := range []struct {
		stored     int
		read, walk bool
	}{{300, false, false}, {0, true, false}, {300, true, false}, {0, true, true}, {1, true, true}, {300, true, true}} {
		stored := tc.stored
		t.Run(fmt.Sprintf("%d stored keys, read %v, walked %v", stored, tc.read, tc.walk), func(t *testing.T) {
			db, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			name := []byte("b")
			want := map[string]string{}
			key := func(i int) []byte { return fmt.Appendf(nil, "k%04d", i) }
			err = db.Update(func(tx *bolt.Tx) error {
				bk, err := tx.CreateBucket(name)
				if err != nil {
					return err
				}
				for i := range stored {
					k := key(i * 3)
					want[string(k)] = "stored"
					if err := bk.Put(k, []byte("stored")); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(9, uint64(stored)))
			err = db.Update(func(tx *bolt.Tx) error {
				b := newBatch(tx)
				for op := range 2000 {
					k := key(rng.IntN(1000))
					if rng.IntN(3) == 0 {
						b.del(name, k)
						delete(want, string(k))
					} else {
						v := fmt.Sprint(op)
						b.put(name, k, []byte(v))
						want[string(k)] = v
					}
					if tc.read && op%97 == 0 {
						checkBatchView(t, b, name, want, tc.walk)
					}
				}
				if tc.read {
					checkBatchView(t, b, name, want, tc.walk)
				}
				return b.flush()
			})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			db.View(func(tx *bolt.Tx) error {
				return tx.Bucket(name).ForEach(func(k, v []byte) error { got[string(k)] = string(v); return nil })
			})
			if len(got) != len(want) {
				t.Errorf("after flush the bucket holds %d keys, want %d", len(got), len(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("after flush %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// checkBatchView compares what the batch shows with want: by key, and
// when walk is set, by cursor too (which moves the batch's writes into
// its ordered set).
func checkBatchView(t *testing.T, b *batch, name []byte, want map[string]string, walk bool) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys[:min(len(keys), 20)] {
		if v := b.get(name, []byte(k)); !bytes.Equal(v, []byte(want[k])) {
			t.Fatalf("get %s = %q, want %q", k, v, want[k])
		}
	}
	if b.get(name, []byte("absent")) != nil {
		t.Fatal("get of an absent key returned a value")
	}
	if !walk {
		return
	}
	var fwd, back []string
	c := b.cursor(name)
	for k, _ := c.Seek(nil); k != nil; k, _ = c.Next() {
		fwd = append(fwd, string(k))
	}
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		back = append(back, string(k))
	}
	slices.Reverse(back)
	if !slices.Equal(fwd, keys) || !slices.Equal(back, keys) {
		t.Fatalf("cursor walks %d keys forwards and %d backwards, want %d", len(fwd), len(back), len(keys))
	}
	for _, k := range keys[:min(len(keys), 20)] {
		if k2, _ := c.Seek([]byte(k)); string(k2) != k {
			t.Fatalf("Seek(%s) landed on %s", k, k2)
		}
	}
}
