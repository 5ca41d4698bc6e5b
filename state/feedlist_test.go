package state

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
)

func openFeedListStore(t *testing.T, path string) *Store {
	t.Helper()
	now := time.Date(2025, 2, 4, 9, 0, 0, 0, time.UTC)
	return openStore(t, path, func() time.Time { return now })
}

func TestFeedListAddRefusesDuplicates(t *testing.T) {
	ctx := context.Background()
	s := openFeedListStore(t, filepath.Join(t.TempDir(), "c.db"))
	defer s.Close()

	if err := s.AddFeed(ctx, FeedEntry{Source: feeds.Source{Name: "kyiv", URL: "https://KyivIndependent.com/rss", Outlet: "The Kyiv Independent"}, AddedBy: "U0123456789"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		entry FeedEntry
		want  string
		byURL bool
	}{
		{"same name", FeedEntry{Source: feeds.Source{Name: "kyiv", URL: "https://other.example/rss"}},
			`state: add feed "kyiv": a feed of that name is already stored`, false},
		{"same URL, other spelling", FeedEntry{Source: feeds.Source{Name: "kyiv-2", URL: "https://kyivindependent.com:443/rss#latest"}},
			`state: add feed "kyiv-2": https://kyivindependent.com:443/rss#latest is already stored as feed "kyiv"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.AddFeed(ctx, tt.entry)
			if !errors.Is(err, ErrFeedExists) {
				t.Fatalf("got %v, want ErrFeedExists", err)
			}
			var fe *FeedExistsError
			if !errors.As(err, &fe) || fe.ByURL != tt.byURL || fe.Existing != "kyiv" {
				t.Errorf("got %#v", fe)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
	for _, bad := range []FeedEntry{{Source: feeds.Source{Name: "", URL: "https://x.example/"}}, {Source: feeds.Source{Name: "a\x00b", URL: "https://x.example/"}}, {Source: feeds.Source{Name: "nourl"}}} {
		if err := s.AddFeed(ctx, bad); err == nil {
			t.Errorf("AddFeed(%+v) accepted", bad)
		}
	}
	list, err := s.ListFeeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "kyiv" || list[0].Outlet != "The Kyiv Independent" || list[0].AddedBy != "U0123456789" ||
		!list[0].AddedAt.Equal(time.Date(2025, 2, 4, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("list = %+v", list)
	}
}

func TestFeedListSurvivesReopenAndPauses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s := openFeedListStore(t, path)
	for _, name := range []string{"zeta", "alpha", "mid"} {
		if err := s.AddFeed(ctx, FeedEntry{Source: feeds.Source{Name: name, URL: "https://" + name + ".example/rss", Schedule: "@every 5m", FullText: name == "mid"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetFeedPaused(ctx, "mid", true, "U1"); err != nil {
		t.Fatal(err)
	}
	// A configured feed (not in the list) can be paused too.
	if err := s.SetFeedPaused(ctx, "from-yaml", true, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed(ctx, "zeta"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed(ctx, "zeta"); !errors.Is(err, ErrNoFeed) {
		t.Errorf("second remove: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openFeedListStore(t, path)
	defer s.Close()
	list, err := s.ListFeeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		state := "running"
		if e.Paused {
			state = "paused"
		}
		got = append(got, e.Name+" "+e.Schedule+" "+state)
	}
	want := []string{"alpha @every 5m running", "mid @every 5m paused"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("after reopen: %q, want %q", got, want)
	}
	paused, err := s.PausedFeeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !paused["mid"] || !paused["from-yaml"] || len(paused) != 2 {
		t.Errorf("paused = %v", paused)
	}
	if err := s.SetFeedPaused(ctx, "mid", false, "U2"); err != nil {
		t.Fatal(err)
	}
	if paused, _ := s.PausedFeeds(ctx); paused["mid"] {
		t.Error("resume did not stick")
	}
	// The removed feed's name and URL are free again.
	if err := s.AddFeed(ctx, FeedEntry{Source: feeds.Source{Name: "zeta", URL: "https://zeta.example/rss"}}); err != nil {
		t.Errorf("re-add after remove: %v", err)
	}
}

func TestFeedListHonoursContext(t *testing.T) {
	s := openFeedListStore(t, filepath.Join(t.TempDir(), "c.db"))
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.AddFeed(ctx, FeedEntry{Source: feeds.Source{Name: "a", URL: "https://a.example/"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("AddFeed: %v", err)
	}
	if _, err := s.ListFeeds(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ListFeeds: %v", err)
	}
}
