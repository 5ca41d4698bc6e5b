package state

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
)

func TestHousekeepPrunesEveryFeed(t *testing.T) {
	ctx := context.Background()
	now := feedsEpoch
	s := openFeedStore(t, filepath.Join(t.TempDir(), "c.db"), &now)
	for _, feed := range []string{"kyiv", "seoul"} {
		if _, err := s.CommitPoll(ctx, feeds.Poll{Feed: feed, State: feeds.FeedState{Polled: true},
			Items: []feeds.PolledItem{item(feed, feed+"-old", "/"+feed+"/old", "h")}}); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(100 * 24 * time.Hour)
	if _, err := s.CommitPoll(ctx, feeds.Poll{Feed: "kyiv", State: feeds.FeedState{Polled: true},
		Items: []feeds.PolledItem{item("kyiv", "kyiv-fresh", "/kyiv/fresh", "h")}}); err != nil {
		t.Fatal(err)
	}

	pruned, err := s.Housekeep(ctx, DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	if pruned.Items != 2 {
		t.Errorf("Housekeep pruned %d items, want the two 100-day-old ones", pruned.Items)
	}
	for _, feed := range []string{"kyiv", "seoul"} {
		seen, err := s.Seen(ctx, feed, feeds.ItemKey{ID: feed + "-old"})
		if err != nil {
			t.Fatal(err)
		}
		if !seen[0].Found || !seen[0].Tombstone {
			t.Errorf("%s's old item after housekeeping = %+v, want a tombstone that still stops it counting as new", feed, seen[0])
		}
	}
	if kept, _ := s.Items(ctx, "kyiv"); len(kept) != 1 || kept[0].ID != "kyiv-fresh" {
		t.Errorf("kyiv items after housekeeping = %+v, want only the fresh one", kept)
	}
}
