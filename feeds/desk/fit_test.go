package desk

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// TestFitClaims keeps a poll within the claim cap: newest items first,
// the rest deferred to the next poll, a first poll kept backfill until
// its backlog has drained.
func TestFitClaims(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	// item i is i days old and carries claims[i] claims.
	poll := func(backfill bool, claims ...int) *feeds.Poll {
		p := &feeds.Poll{Feed: "wire", State: feeds.FeedState{Polled: true}}
		for i, n := range claims {
			it := feeds.PolledItem{Item: feeds.ItemRecord{
				ID: fmt.Sprint(i), URL: fmt.Sprintf("https://wire.example/%d", i),
				Published: day.Add(-time.Duration(i) * 24 * time.Hour), Backfill: backfill,
			}}
			for range n {
				it.Claims = append(it.Claims, claim.Claim{Subject: "people", Measure: "killed"})
			}
			p.Items = append(p.Items, it)
		}
		return p
	}
	for _, tc := range []struct {
		name       string
		poll       *feeds.Poll
		wantIDs    []string
		wantClaims int
		wantPolled bool
		wantNote   string
	}{
		{"within the cap, untouched", poll(false, 2, 3), []string{"0", "1"}, 5, true, ""},
		{"older items wait for the next poll", poll(false, 4, 3, 0, 2), []string{"0", "2"}, 4, true, "2 items deferred to the next poll"},
		{"a first poll stays backfill while items wait", poll(true, 3, 3), []string{"0"}, 3, false, "1 items deferred"},
		{"one item over the cap is cut", poll(false, 9, 1), []string{"0"}, 5, true, "4 claims of one item dropped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Desk{MaxClaims: 5}
			d.fitClaims("wire", tc.poll)
			var ids []string
			claims := 0
			for _, it := range tc.poll.Items {
				ids = append(ids, it.Item.ID)
				claims += len(it.Claims)
			}
			if !slices.Equal(ids, tc.wantIDs) || claims != tc.wantClaims {
				t.Errorf("kept items %v with %d claims, want %v with %d", ids, claims, tc.wantIDs, tc.wantClaims)
			}
			if tc.poll.State.Polled != tc.wantPolled {
				t.Errorf("Polled = %v, want %v", tc.poll.State.Polled, tc.wantPolled)
			}
			if got := tc.poll.State.LastError; tc.wantNote == "" && got != "" || !strings.Contains(got, tc.wantNote) {
				t.Errorf("LastError = %q, want it to say %q", got, tc.wantNote)
			}
		})
	}
}
