package state

import (
	"context"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// TestRecordJudgesWithinEvents: claims without a place meet only the claims
// of their own event: two earthquakes' tolls in one week are no dispute,
// two outlets' tolls of one earthquake are.
func TestRecordJudgesWithinEvents(t *testing.T) {
	quake := func(outlet, url, title, text, claimant string, n float64, at time.Time) feeds.PolledItem {
		return feeds.PolledItem{
			Item: feeds.ItemRecord{ID: url, Outlet: outlet, URL: url, Title: title, Published: at},
			Text: text,
			Claims: []claim.Claim{{
				Kind: claim.Figure, Subject: "people", Measure: "killed", Value: claim.Point(n),
				Claimant: claimant, Outlet: outlet, URL: url, Published: at, AsOf: at,
				Sentence: text,
			}},
		}
	}
	lisbon := "A strong earthquake struck near Lisbon, Portugal, on Monday."
	izmir := "A strong earthquake struck near Izmir, Turkey, on Tuesday."
	tests := []struct {
		name     string
		a, b     feeds.PolledItem
		sameEvt  bool
		conflict bool
	}{
		{
			name:    "two earthquakes in one week: two events, no conflict",
			a:       quake("Wire A", "https://a.example/1", "Earthquake kills 12 in Lisbon", lisbon, "Portugal's civil protection", 12, published),
			b:       quake("Wire B", "https://b.example/1", "Earthquake kills 80 in Izmir", izmir, "Turkey's AFAD", 80, published.Add(24*time.Hour)),
			sameEvt: false,
		},
		{
			name:     "two outlets on one earthquake: one event, a conflict",
			a:        quake("Wire A", "https://a.example/1", "Earthquake kills 12 in Lisbon", lisbon, "Portugal's civil protection", 12, published),
			b:        quake("Wire B", "https://b.example/2", "Lisbon earthquake toll disputed", lisbon, "Lisbon city hall", 80, published.Add(time.Hour)),
			sameEvt:  true,
			conflict: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTestStore(t)
			ctx := context.Background()
			if _, err := s.Record(ctx, tt.a); err != nil {
				t.Fatal(err)
			}
			res, err := s.Record(ctx, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.Opened) == 1; got != tt.conflict {
				t.Errorf("opened %q, want a conflict: %v", pairs(res.Opened), tt.conflict)
			}
			ea, _, oka, err := s.ItemEvent(tt.a.Item.ID)
			if err != nil {
				t.Fatal(err)
			}
			eb, place, okb, err := s.ItemEvent(tt.b.Item.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !oka || !okb || ea == 0 || eb == 0 {
				t.Fatalf("events %d (%v) and %d (%v), want both assigned", ea, oka, eb, okb)
			}
			if (ea == eb) != tt.sameEvt {
				t.Errorf("events %d and %d, want the same: %v", ea, eb, tt.sameEvt)
			}
			if place == "" {
				t.Errorf("event %d has no place", eb)
			}
		})
	}
}

// TestRisingTallyIsNoAlert: a toll that rises through the day is an update
// of the story: it opens no conflict and queues no alert, while two sources
// disagreeing about the same moment do conflict.
func TestRisingTallyIsNoAlert(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := context.Background()
	toll := func(outlet, claimant string, n float64, at time.Time) feeds.PolledItem {
		url := "https://" + outlet + ".example/"
		return newArticle(outlet, url, at).figure(claimant, "killed", "kursk", "", claim.Point(n), claimant+" said soldiers were killed in Kursk.").item(false)
	}
	steps := []struct {
		item   feeds.PolledItem
		opened int
		alerts int
	}{
		{toll("morning", nis, 5, published), 0, 0},
		{toll("noon", budanov, 50, published.Add(time.Hour)), 1, 1},
		{toll("evening", zelensky, 120, published.Add(12*time.Hour)), 0, 0},
	}
	for i, st := range steps {
		res, err := s.Record(ctx, st.item)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Opened) != st.opened || res.Alerts != st.alerts {
			t.Errorf("step %d: opened %q with %d alerts, want %d conflicts and %d alerts", i, pairs(res.Opened), res.Alerts, st.opened, st.alerts)
		}
	}
}
