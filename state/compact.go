package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileSize is the store file's size in bytes, for the
// crosscheck_store_bytes gauge.
func (s *Store) FileSize() (int64, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return 0, fmt.Errorf("state: size of %s: %w", s.path, err)
	}
	return fi.Size(), nil
}

// compactTxSize is how much bbolt's Compact copies per transaction.
const compactTxSize = 64 << 20

// Compact rewrites the store at path into a fresh file with bbolt's own
// Compact (pages packed, no free pages) and swaps it in: the copy is
// written beside the store under a new name, synced, checked, then
// renamed over the store while the old file's lock is still held, so
// neither a crash nor a bot starting meanwhile sees half a file. It
// returns the file's size before and after. A store another process
// holds is refused with ErrLocked: a running bot keeps the file mapped
// and would go on writing to the old one.
func Compact(ctx context.Context, path string) (before, after int64, err error) {
	wrap := func(err error) (int64, int64, error) {
		return 0, 0, fmt.Errorf("state: compact %s: %w", path, err)
	}
	// Open migrates, so the copy is in this build's layout.
	src, err := Open(path, Options{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return 0, 0, err
		}
		return wrap(err)
	}
	defer src.Close()
	if before, err = src.FileSize(); err != nil {
		return wrap(err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".compact-*")
	if err != nil {
		return wrap(err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpPath)
		}
	}()
	if err := compactInto(ctx, src.db, tmpPath); err != nil {
		return wrap(err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return wrap(err)
	}
	done = true
	if err := syncDir(filepath.Dir(path)); err != nil {
		return wrap(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return wrap(err)
	}
	return before, fi.Size(), nil
}

// compactInto copies src into the empty bbolt file at dst, syncs it and
// checks it.
func compactInto(ctx context.Context, src *bolt.DB, dst string) error {
	to, err := bolt.Open(dst, 0o600, &bolt.Options{NoSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return err
	}
	defer to.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := bolt.Compact(to, src, compactTxSize); err != nil {
		return err
	}
	if err := to.Sync(); err != nil {
		return err
	}
	err = to.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("the compacted copy is inconsistent: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return to.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
