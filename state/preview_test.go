package state

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
)

// A check judges in a read transaction: a poll commits while a preview
// is mid-way, and the preview still answers from the ledger it began on.
func TestPollCommitsWhileACheckJudges(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	committed := make(chan error, 1)
	s.previewHook = func() {
		// The preview's transaction is open: a poll must get the write
		// lock now, not after it.
		go func() {
			_, err := s.CommitPoll(ctx, feeds.Poll{Feed: "wire", State: feeds.FeedState{}, Items: []feeds.PolledItem{seedArticle("https://example.org/polled").item(false)}})
			committed <- err
		}()
		select {
		case err := <-committed:
			if err != nil {
				t.Errorf("poll during a check: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the poll waited 10s for a check to finish judging")
		}
	}
	res, err := s.Preview(ctx, seedArticle("https://example.org/preview").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := pairs(res.Opened); !slices.Equal(got, []string{seedConflict}) {
		t.Errorf("preview opened %q, want the seed's conflict", got)
	}
	s.previewHook = nil
	// The poll is in; the preview left nothing behind.
	if n, _ := s.ClaimCount(ctx); n != len(seedArticle("").claims) {
		t.Errorf("%d claims stored, want the polled article's %d", n, len(seedArticle("").claims))
	}
	items, err := s.Conflicts(ctx, ConflictFilter{})
	if err != nil || len(items) != 1 {
		t.Errorf("%d conflicts stored (%v), want the poll's one", len(items), err)
	}
}

// Previewing against a stored ledger numbers its claims past the stored
// ones and finds the conflicts Record would, without storing them.
func TestPreviewJudgesLikeRecord(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	if _, err := s.Record(ctx, seedArticle("https://example.org/first").item(false)); err != nil {
		t.Fatal(err)
	}
	before, _ := s.ClaimCount(ctx)
	later := seedArticle("https://example.org/second").item(false)
	pre, err := s.Preview(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ClaimCount(ctx); n != before {
		t.Errorf("preview changed the claims stored: %d, was %d", n, before)
	}
	rec, err := s.Record(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if pre.Claims != rec.Claims || pre.Alerts != rec.Alerts || !slices.Equal(pairs(pre.Opened), pairs(rec.Opened)) || !slices.Equal(pairs(pre.Joined), pairs(rec.Joined)) {
		t.Errorf("preview %d claims, %d alerts, opened %v, joined %v; record %d, %d, %v, %v",
			pre.Claims, pre.Alerts, pairs(pre.Opened), pairs(pre.Joined), rec.Claims, rec.Alerts, pairs(rec.Opened), pairs(rec.Joined))
	}
}
