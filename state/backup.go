package state

import (
	"context"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// WriteBackup streams a consistent copy of the store to w while it stays
// in use: one bbolt read transaction, so writers carry on meanwhile. size,
// if not nil, learns the copy's length before the first byte is written
// (an HTTP handler sets Content-Length with it, so a cut transfer shows).
func (s *Store) WriteBackup(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(ctxWriter{ctx, w})
		return err
	})
	if err != nil {
		return n, fmt.Errorf("state: backup of %s: %w", s.path, err)
	}
	return n, nil
}

// ctxWriter stops a long copy when its context ends: bbolt's WriteTo
// knows nothing of contexts.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
