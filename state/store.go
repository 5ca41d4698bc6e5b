package state

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state/safefile"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this build writes. A file with a larger
// version was written by a newer Crosscheck and is refused rather than
// misread.
const SchemaVersion = 5

// ErrCorrupt means the store file is damaged beyond what bbolt can read;
// restore a backup.
var ErrCorrupt = errors.New("state: store file is damaged (restore a backup)")

// openBolt is bolt.Open that turns bbolt's panic on a damaged page into
// ErrCorrupt. The file handle of such a failed open cannot be released, so
// the process should exit rather than retry.
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return bolt.Open(path, 0o600, o)
}

func (s *Store) migrateSafely(readOnly bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return s.migrate(readOnly)
}

// initialMmapSize is address space, not memory or disk: the file grows
// as before. Without it bbolt remaps the file each time it doubles, and a
// remap inside a commit first copies every key and value the transaction
// touched out of the old mapping, a cost that grows with the commit.
const initialMmapSize = 1 << 30

// mmapSize is initialMmapSize where mapping does not grow the file and
// address space is plenty: on Windows bbolt makes the file as large as its
// mapping, and a 32-bit process may not find a gigabyte free, so there it
// is left to bbolt.
func mmapSize() int {
	if runtime.GOOS == "windows" || bits.UintSize < 64 {
		return 0
	}
	return initialMmapSize
}

// ErrLocked means another process holds the store open.
var ErrLocked = errors.New("state: store is in use by another process")

// Store is the bbolt file behind Crosscheck. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	path  string
	now   func() time.Time
	rules claim.Rules
	// eventRules tell which event an article joins.
	eventRules claim.EventRules
	// pollLocked, when set (by tests), is called inside CommitPoll once
	// it holds the write lock.
	pollLocked func()
	// previewHook, when set (by tests), is called inside Preview once it
	// has judged, its transaction still open.
	previewHook func()
	// seeks, when set (by tests), counts the cursor seeks of CommitPoll.
	seeks  *int
	router Router
}

// Options tune Open. The zero value is fine for production.
type Options struct {
	// LockTimeout bounds the wait for another process's lock (default 5s).
	LockTimeout time.Duration
	// ReadOnly opens the file for queries and backups only.
	ReadOnly bool
	// Now replaces the wall clock in tests.
	Now func() time.Time
	// Rules judge claims in the ledger; unset fields take
	// claim.DefaultRules.
	Rules claim.Rules
	// NoSync skips fsync at commit (bbolt's NoSync): a crash may then lose
	// or corrupt the file. Only for a throwaway store, such as replay's
	// temporary one; never for the bot's real store.
	NoSync bool
	// Router routes each conflict's alerts to a channel when its first
	// alert is queued; the zero value sends all to the default channel.
	Router Router
}

// migrations[v] upgrades a store from version v to v+1 inside one
// transaction. Index 0 creates a fresh store.
var migrations = []func(tx *bolt.Tx) error{
	0: createBuckets,
	1: reindexClaims,
	2: indexOutbox,
	3: assignEvents,
	4: rewriteConflicts,
}

// Open opens or creates the store at path and brings its schema up to date.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	db, err := openBolt(path, &bolt.Options{
		Timeout: timeout, ReadOnly: opts.ReadOnly, NoSync: opts.NoSync, FreelistType: bolt.FreelistMapType,
		InitialMmapSize: mmapSize(),
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("state: open %s: %w (is another crosscheck running?)", path, ErrLocked)
		}
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: opts.Now, rules: opts.Rules.WithDefaults(), router: opts.Router, eventRules: claim.DefaultEventRules()}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.migrateSafely(opts.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	return s, nil
}

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Close releases the file and its lock.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("state: close %s: %w", s.path, err)
	}
	return nil
}

// Backup writes a consistent copy of the store to path while it stays in
// use: bbolt's read transaction sees one snapshot. The copy is written as
// safefile writes (mode 0600, a fresh temporary name, renamed into place),
// so a failed backup leaves nothing behind and never follows a symlink.
func (s *Store) Backup(ctx context.Context, path string) error {
	f, err := safefile.Create(path)
	if err != nil {
		return fmt.Errorf("state: backup to %s: %w", path, err)
	}
	defer f.Abort()
	if _, err := s.WriteBackup(ctx, f, nil); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("state: backup to %s: %w", path, err)
	}
	return nil
}

// Check runs bbolt's consistency check and returns the first problem found.
func (s *Store) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("state: %s is inconsistent: %w", s.path, err)
		}
		return nil
	})
}

func (s *Store) migrate(readOnly bool) error {
	var version uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			if v := b.Get(keySchema); len(v) == 8 {
				version = binary.BigEndian.Uint64(v)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case version > SchemaVersion:
		return fmt.Errorf("schema version %d is newer than this build understands (%d); upgrade crosscheck", version, SchemaVersion)
	case version == SchemaVersion:
		return nil
	case readOnly:
		return fmt.Errorf("schema version %d needs migrating to %d, which a read-only open cannot do", version, SchemaVersion)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for v := version; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keySchema, u64(SchemaVersion))
	})
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}
