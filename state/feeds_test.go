package state

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

var feedsEpoch = time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC)

func openFeedStore(t testing.TB, path string, now *time.Time) *Store {
	t.Helper()
	return openStore(t, path, func() time.Time { return *now })
}

func item(feed, id, linkKey, hash string) feeds.PolledItem {
	return feeds.PolledItem{
		Item: feeds.ItemRecord{
			ID: id, LinkKey: linkKey, Feed: feed, Outlet: "The Kyiv Independent",
			URL: "https://kyivindependent.com" + linkKey, Title: "Story " + id, ContentHash: hash,
		},
		Text: "North Korean troops are still fighting in Kursk, Budanov said.",
	}
}

func TestFeedStateOfUnknownFeed(t *testing.T) {
	now := feedsEpoch
	s := openFeedStore(t, filepath.Join(t.TempDir(), "c.db"), &now)
	st, err := s.FeedState(context.Background(), "kyiv-independent")
	if err != nil {
		t.Fatal(err)
	}
	if want := (feeds.FeedState{Feed: "kyiv-independent"}); !reflect.DeepEqual(st, want) {
		t.Errorf("feeds.FeedState = %+v, want %+v", st, want)
	}
	if _, err := s.FeedState(context.Background(), ""); err == nil {
		t.Error("feeds.FeedState of an empty name: no error")
	}
	if _, err := s.FeedState(context.Background(), "a\x00b"); err == nil {
		t.Error("feeds.FeedState of a name with a zero byte: no error")
	}
}

func TestCommitPollAndSeen(t *testing.T) {
	ctx := context.Background()
	now := feedsEpoch
	path := filepath.Join(t.TempDir(), "c.db")
	s := openFeedStore(t, path, &now)

	first := feeds.Poll{
		Feed: "kyiv",
		State: feeds.FeedState{
			ETag: `"v1"`, LastModified: "Mon, 20 Jan 2025 08:00:00 GMT",
			LastPoll: now, LastSuccess: now, NextPoll: now.Add(15 * time.Minute), Polled: true,
			Items: 999, Claims: 999, // ignored: CommitPoll counts
		},
		Items: []feeds.PolledItem{
			item("kyiv", "id-a", "/news/a", "h1"),
			item("kyiv", "id-b", "/news/b", "h1"),
		},
	}
	first.Items[0].Item.Backfill = true
	first.Items[0].Claims = []claim.Claim{{Subject: "north korean soldiers"}, {Subject: "north korean soldiers"}}
	res, err := s.CommitPoll(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if res.NewItems != 2 || res.Updates != 0 {
		t.Errorf("first commit: %+v, want 2 new, 0 updates", res)
	}

	now = now.Add(time.Hour)
	update := item("kyiv", "id-a", "/news/a", "h2")
	update.Item.Update = true
	second := feeds.Poll{Feed: "kyiv", State: feeds.FeedState{ETag: `"v2"`, LastPoll: now, LastSuccess: now, Polled: true},
		Items: []feeds.PolledItem{update, item("kyiv", "id-c", "", "h1")}}
	second.Items[0].Claims = []claim.Claim{{Subject: "north korean soldiers"}}
	if res, err = s.CommitPoll(ctx, second); err != nil {
		t.Fatal(err)
	}
	if res.NewItems != 1 || res.Updates != 1 {
		t.Errorf("second commit: %+v, want 1 new, 1 update", res)
	}

	// Reopen: what a restart sees.
	s.Close()
	s = openFeedStore(t, path, &now)
	st, err := s.FeedState(ctx, "kyiv")
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != `"v2"` || st.Items != 3 || st.Claims != 3 || !st.Polled || !st.LastSuccess.Equal(now) {
		t.Errorf("state after two polls = %+v; want etag v2, 3 items, 3 claims, polled, last success %v", st, now)
	}

	seen, err := s.Seen(ctx, "kyiv",
		feeds.ItemKey{ID: "id-a"},                         // by identity, updated
		feeds.ItemKey{ID: "new-guid", LinkKey: "/news/b"}, // re-published under a new GUID
		feeds.ItemKey{ID: "id-z", LinkKey: "/news/z"},     // never seen
		feeds.ItemKey{ID: "id-c"},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []feeds.SeenItem{
		{Found: true, ID: "id-a", ContentHash: "h2"},
		{Found: true, ID: "id-b", ContentHash: "h1"},
		{},
		{Found: true, ID: "id-c", ContentHash: "h1"},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("Seen = %+v\nwant %+v", seen, want)
	}
	// Another feed's items are another feed's.
	if other, _ := s.Seen(ctx, "kyiv-other", feeds.ItemKey{ID: "id-a", LinkKey: "/news/a"}); other[0].Found {
		t.Error("item of feed kyiv seen in feed kyiv-other")
	}

	rec, ok, err := s.Item(ctx, "kyiv", "id-a")
	if err != nil || !ok {
		t.Fatalf("Item(id-a) = %v, %v", ok, err)
	}
	if !rec.Update || rec.ContentHash != "h2" || !rec.Seen.Equal(now) {
		t.Errorf("updated record = %+v", rec)
	}
}

func TestCommitPollIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	now := feedsEpoch
	s := openFeedStore(t, filepath.Join(t.TempDir(), "c.db"), &now)
	good := feeds.Poll{Feed: "kyiv", State: feeds.FeedState{ETag: `"v1"`, Polled: true}, Items: []feeds.PolledItem{item("kyiv", "id-a", "/a", "h")}}
	if _, err := s.CommitPoll(ctx, good); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, s, "kyiv")

	bad := feeds.Poll{Feed: "kyiv", State: feeds.FeedState{ETag: `"v2"`, Polled: true},
		Items: []feeds.PolledItem{item("kyiv", "id-b", "/b", "h"), item("kyiv", "", "/c", "h")}}
	if _, err := s.CommitPoll(ctx, bad); err == nil {
		t.Fatal("CommitPoll with an item without identity: no error")
	}
	if after := snapshot(t, s, "kyiv"); !reflect.DeepEqual(before, after) {
		t.Errorf("failed commit changed the store:\nbefore %+v\nafter  %+v", before, after)
	}
}

type feedSnapshot struct {
	State feeds.FeedState
	Items []feeds.ItemRecord
	Seen  []feeds.SeenItem
}

func snapshot(t testing.TB, s *Store, feed string) feedSnapshot {
	t.Helper()
	ctx := context.Background()
	st, err := s.FeedState(ctx, feed)
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.Items(ctx, feed)
	if err != nil {
		t.Fatal(err)
	}
	seen, err := s.Seen(ctx, feed, feeds.ItemKey{LinkKey: "/a"}, feeds.ItemKey{LinkKey: "/b"}, feeds.ItemKey{LinkKey: "/c"})
	if err != nil {
		t.Fatal(err)
	}
	return feedSnapshot{st, items, seen}
}

func TestRecordPollFailureKeepsWhatWasLearnt(t *testing.T) {
	ctx := context.Background()
	now := feedsEpoch
	s := openFeedStore(t, filepath.Join(t.TempDir(), "c.db"), &now)
	ok := feeds.Poll{Feed: "kyiv", State: feeds.FeedState{ETag: `"v1"`, LastModified: "Mon, 20 Jan 2025 08:00:00 GMT",
		LastPoll: now, LastSuccess: now, Polled: true}, Items: []feeds.PolledItem{item("kyiv", "id-a", "/a", "h")}}
	if _, err := s.CommitPoll(ctx, ok); err != nil {
		t.Fatal(err)
	}
	failedAt := now.Add(10 * time.Minute)
	// A careless caller's zeroed validators and counters must not be written.
	err := s.RecordPollFailure(ctx, feeds.FeedState{Feed: "kyiv", LastPoll: failedAt, NextPoll: failedAt.Add(5 * time.Minute),
		ErrorCount: 1, LastError: "feeds: fetch https://kyivindependent.com/rss: server answered 500 Internal Server Error"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.FeedState(ctx, "kyiv")
	if err != nil {
		t.Fatal(err)
	}
	want := feeds.FeedState{Feed: "kyiv", ETag: `"v1"`, LastModified: "Mon, 20 Jan 2025 08:00:00 GMT",
		LastPoll: failedAt, LastSuccess: now, NextPoll: failedAt.Add(5 * time.Minute), ErrorCount: 1,
		LastError: "feeds: fetch https://kyivindependent.com/rss: server answered 500 Internal Server Error", Polled: true, Items: 1}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("after failure:\n got %+v\nwant %+v", st, want)
	}

	// A feed that never succeeded is still listed, with its error.
	if err := s.RecordPollFailure(ctx, feeds.FeedState{Feed: "broken", LastPoll: failedAt, ErrorCount: 1, LastError: "boom"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.FeedStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Feed != "broken" || all[0].LastError != "boom" || all[1].Feed != "kyiv" {
		t.Errorf("FeedStates = %+v, want broken then kyiv", all)
	}
}

func TestPruneItemsLeavesTombstones(t *testing.T) {
	ctx := context.Background()
	now := feedsEpoch
	s := openFeedStore(t, filepath.Join(t.TempDir(), "c.db"), &now)
	if _, err := s.CommitPoll(ctx, feeds.Poll{Feed: "kyiv", Items: []feeds.PolledItem{item("kyiv", "old", "/old", "h-old")}}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(40 * 24 * time.Hour)
	if _, err := s.CommitPoll(ctx, feeds.Poll{Feed: "kyiv", Items: []feeds.PolledItem{item("kyiv", "fresh", "/fresh", "h-fresh")}}); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneItems(ctx, "kyiv", now.Add(-30*24*time.Hour), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("pruned %d items, want 1", n)
	}
	items, _ := s.Items(ctx, "kyiv")
	if len(items) != 1 || items[0].ID != "fresh" {
		t.Errorf("items after prune = %+v, want only fresh", items)
	}
	seen, _ := s.Seen(ctx, "kyiv", feeds.ItemKey{ID: "old"}, feeds.ItemKey{ID: "other", LinkKey: "/old"})
	for i, si := range seen {
		if !si.Found || !si.Tombstone || si.ContentHash != "h-old" || si.ID != "old" {
			t.Errorf("Seen[%d] after prune = %+v, want the tombstone of old", i, si)
		}
	}

	// Re-published later, the item comes back to life.
	if _, err := s.CommitPoll(ctx, feeds.Poll{Feed: "kyiv", Items: []feeds.PolledItem{item("kyiv", "old", "/old", "h-new")}}); err != nil {
		t.Fatal(err)
	}
	if seen, _ := s.Seen(ctx, "kyiv", feeds.ItemKey{ID: "old"}); seen[0].Tombstone || seen[0].ContentHash != "h-new" {
		t.Errorf("revived item = %+v", seen[0])
	}

	// Forgetting drops tombstones and their link keys.
	now = now.Add(60 * 24 * time.Hour)
	if _, err := s.PruneItems(ctx, "kyiv", now.Add(-1*time.Hour), time.Time{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(400 * 24 * time.Hour)
	if _, err := s.PruneItems(ctx, "kyiv", now, now.Add(-365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	seen, _ = s.Seen(ctx, "kyiv", feeds.ItemKey{ID: "old", LinkKey: "/old"}, feeds.ItemKey{ID: "fresh", LinkKey: "/fresh"})
	if seen[0].Found || seen[1].Found {
		t.Errorf("after forgetting: %+v, want nothing found", seen)
	}
}

// BenchmarkCommitPoll50 stores one poll of 50 items in one transaction: the
// cost every changed feed pays per cycle.
func BenchmarkCommitPoll50(b *testing.B) {
	ctx := context.Background()
	now := feedsEpoch
	s := openFeedStore(b, filepath.Join(b.TempDir(), "c.db"), &now)
	text := "North Korean troops are still fighting in Kursk, Budanov said. "
	poll := func(round int) feeds.Poll {
		p := feeds.Poll{Feed: "kyiv", State: feeds.FeedState{ETag: fmt.Sprintf(`"%d"`, round), Polled: true}}
		for i := range 50 {
			it := item("kyiv", fmt.Sprintf("%08d-%02d", round, i), fmt.Sprintf("/news/%d/%d", round, i), "h")
			it.Text = text
			p.Items = append(p.Items, it)
		}
		return p
	}
	round := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p := poll(round)
		round++
		b.StartTimer()
		if _, err := s.CommitPoll(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(round)/50, "ns/item")
}
