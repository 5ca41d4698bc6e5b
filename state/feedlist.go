package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	bolt "go.etcd.io/bbolt"
)

// Feeds added at runtime (from Slack or an OPML import) live in the store;
// the configured ones live in crosscheck.yaml, and the caller merges the two.
// Pausing works for both kinds, so it is kept apart from the list.
var (
	bucketFeedList   = []byte("feedlist")
	bucketFeedPaused = []byte("feed_paused")
)

// ErrFeedExists means a feed with the same name or URL is already stored.
var ErrFeedExists = errors.New("feed already exists")

// ErrNoFeed means no feed of that name is stored.
var ErrNoFeed = errors.New("no such feed")

// FeedEntry is a feed added at runtime: its source and where it came from.
type FeedEntry struct {
	feeds.Source
	// AddedAt and AddedBy say where the feed came from: a Slack user ID,
	// or "opml:FILE".
	AddedAt time.Time `json:"added_at"`
	AddedBy string    `json:"added_by,omitempty"`
	// Paused is filled in by ListFeeds from the pause records; it is not
	// stored with the entry.
	Paused bool `json:"-"`
}

// FeedExistsError says which stored feed an added one collides with.
type FeedExistsError struct {
	Name string // the feed being added
	// Existing is the stored feed it collides with; ByURL is true when
	// the collision is the URL rather than the name.
	Existing string
	URL      string
	ByURL    bool
}

func (e *FeedExistsError) Error() string {
	if e.ByURL {
		return fmt.Sprintf("state: add feed %q: %s is already stored as feed %q", e.Name, e.URL, e.Existing)
	}
	return fmt.Sprintf("state: add feed %q: a feed of that name is already stored", e.Name)
}

func (e *FeedExistsError) Is(target error) bool { return target == ErrFeedExists }

type pauseRec struct {
	Since time.Time `json:"since"`
	By    string    `json:"by,omitempty"`
}

// AddFeed stores a runtime feed, refusing one whose name or URL (compared
// without case in scheme and host, default port or fragment) is already
// stored. The caller validates the entry (feeds.Source.Validate) and
// checks it against the configured feeds.
func (s *Store) AddFeed(ctx context.Context, f FeedEntry) error {
	if err := checkFeed(f.Name); err != nil {
		return err
	}
	if f.URL == "" {
		return fmt.Errorf("state: add feed %q: empty URL", f.Name)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: add feed %q: %w", f.Name, err)
	}
	if f.AddedAt.IsZero() {
		f.AddedAt = s.now().UTC()
	}
	f.Paused = false
	val, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("state: add feed %q: %w", f.Name, err)
	}
	key := feeds.URLKey(f.URL)
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeedList)
		if b.Get([]byte(f.Name)) != nil {
			return &FeedExistsError{Name: f.Name, Existing: f.Name}
		}
		err := b.ForEach(func(k, v []byte) error {
			var e FeedEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("state: feed %q: %w", k, err)
			}
			if feeds.URLKey(e.URL) == key {
				return &FeedExistsError{Name: f.Name, Existing: e.Name, URL: f.URL, ByURL: true}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := b.Put([]byte(f.Name), val); err != nil {
			return fmt.Errorf("state: add feed %q: %w", f.Name, err)
		}
		return nil
	})
}

// RemoveFeed deletes a runtime feed and its pause record. Its poll state
// and seen items stay, so adding it back does not alert on old news.
func (s *Store) RemoveFeed(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: remove feed %q: %w", name, err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeedList)
		if b.Get([]byte(name)) == nil {
			return ErrNoFeed
		}
		if err := b.Delete([]byte(name)); err != nil {
			return err
		}
		return tx.Bucket(bucketFeedPaused).Delete([]byte(name))
	})
	if err != nil {
		return fmt.Errorf("state: remove feed %q: %w", name, err)
	}
	return nil
}

// SetFeedPaused pauses or resumes a feed, stored or configured: a paused
// feed is not polled until resumed, across restarts. by records who did
// it. The caller checks that the feed exists.
func (s *Store) SetFeedPaused(ctx context.Context, name string, paused bool, by string) error {
	if err := checkFeed(name); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("state: set feed %q paused: %w", name, err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeedPaused)
		if !paused {
			return b.Delete([]byte(name))
		}
		if b.Get([]byte(name)) != nil {
			return nil // keep the original time and person
		}
		val, err := json.Marshal(pauseRec{Since: s.now().UTC(), By: by})
		if err != nil {
			return err
		}
		return b.Put([]byte(name), val)
	})
	if err != nil {
		return fmt.Errorf("state: set feed %q paused: %w", name, err)
	}
	return nil
}

// PausedFeeds returns the names of every paused feed, stored or configured.
func (s *Store) PausedFeeds(ctx context.Context) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: paused feeds: %w", err)
	}
	out := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFeedPaused).ForEach(func(k, _ []byte) error {
			out[string(k)] = true
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: paused feeds: %w", err)
	}
	return out, nil
}

// ListFeeds returns the runtime feeds in name order, Paused filled in.
func (s *Store) ListFeeds(ctx context.Context) ([]FeedEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: list feeds: %w", err)
	}
	var out []FeedEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		paused := tx.Bucket(bucketFeedPaused)
		return tx.Bucket(bucketFeedList).ForEach(func(k, v []byte) error {
			var e FeedEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("feed %q: %w", k, err)
			}
			e.Paused = paused.Get(k) != nil
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: list feeds: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
