package state

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Where each conflict's parent message lives in Slack, both ways: the
// notifier posts evidence into a conflict's thread, and a question asked in
// a thread is about that thread's conflict. Kept in the store so threads
// survive restarts.
var (
	bucketThreads         = []byte("threads")
	bucketThreadConflicts = []byte("thread_conflicts")
)

func threadTx(tx *bolt.Tx, conflictID string) (Thread, bool, error) {
	b := tx.Bucket(bucketThreads)
	if b == nil {
		return Thread{}, false, nil
	}
	v := b.Get([]byte(conflictID))
	if v == nil {
		return Thread{}, false, nil
	}
	var th Thread
	if err := json.Unmarshal(v, &th); err != nil {
		return Thread{}, false, fmt.Errorf("thread of %s: %w", conflictID, err)
	}
	return th, true, nil
}

func putThreadTx(tx *bolt.Tx, conflictID string, th Thread) error {
	b, err := tx.CreateBucketIfNotExists(bucketThreads)
	if err != nil {
		return err
	}
	rev, err := tx.CreateBucketIfNotExists(bucketThreadConflicts)
	if err != nil {
		return err
	}
	if old, ok, err := threadTx(tx, conflictID); err != nil {
		return err
	} else if ok {
		if err := rev.Delete(pairKey(old.Channel, old.TS)); err != nil {
			return err
		}
	}
	v, err := json.Marshal(th)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(conflictID), v); err != nil {
		return err
	}
	return rev.Put(pairKey(th.Channel, th.TS), []byte(conflictID))
}

// ThreadOf returns where a conflict's parent message was posted; ok is
// false while it has not been.
func (s *Store) ThreadOf(ctx context.Context, conflictID string) (th Thread, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return Thread{}, false, fmt.Errorf("state: thread of %s: %w", conflictID, err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		th, ok, err = threadTx(tx, conflictID)
		return err
	})
	if err != nil {
		return Thread{}, false, fmt.Errorf("state: thread of %s: %w", conflictID, err)
	}
	return th, ok, nil
}

// ConflictInThread returns the conflict whose parent message is th; ok is
// false for a thread the bot did not start.
func (s *Store) ConflictInThread(ctx context.Context, th Thread) (id string, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("state: conflict in thread %s/%s: %w", th.Channel, th.TS, err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketThreadConflicts); b != nil {
			if v := b.Get(pairKey(th.Channel, th.TS)); v != nil {
				id, ok = string(v), true
			}
		}
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("state: conflict in thread %s/%s: %w", th.Channel, th.TS, err)
	}
	return id, ok, nil
}

// SetThread records (or moves) a conflict's parent message, e.g. after the
// bot re-posted it. MarkAlertSent does this for the first post.
func (s *Store) SetThread(ctx context.Context, conflictID string, th Thread) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: set thread of %s: %w", conflictID, err)
	}
	if th.Channel == "" || th.TS == "" {
		return fmt.Errorf("state: set thread of %s: empty channel or ts", conflictID)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		cf, err := getConflictRec(tx, conflictID)
		if err != nil {
			return err
		}
		if cf == nil {
			return ErrNotFound
		}
		return putThreadTx(tx, conflictID, th)
	})
	if err != nil {
		return fmt.Errorf("state: set thread of %s: %w", conflictID, err)
	}
	return nil
}
