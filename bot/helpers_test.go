package bot

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// openStore opens a real bbolt store in the test's temp dir.
func openStore(t testing.TB) *state.Store {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "crosscheck.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// figureClaim is a claim of n soldiers killed on a numbered topic.
func figureClaim(topic int, claimant, outlet string, n float64, at time.Time) claim.Claim {
	return claim.Claim{
		Kind: claim.Figure, Subject: fmt.Sprintf("soldiers of brigade %d", topic), Measure: "killed", Place: "kursk",
		Value: claim.Point(n), ValueText: claim.FormatNumber(n), Claimant: claimant,
		Outlet: outlet, URL: fmt.Sprintf("https://%s.example/%d/%s", outlet, topic, claim.FormatNumber(n)),
		Published: at, AsOf: at,
		Sentence: fmt.Sprintf("%s soldiers of brigade %d were killed in Kursk, %s said.", claim.FormatNumber(n), topic, claimant),
	}
}

// recordConflict records two contradicting claims on topic and returns
// the conflict. backfill items record without queueing an alert.
func recordConflict(t testing.TB, s *state.Store, topic int, backfill bool) state.Conflict {
	t.Helper()
	ctx := context.Background()
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	items := []feeds.PolledItem{
		{Item: feeds.ItemRecord{ID: fmt.Sprintf("a%d", topic), Feed: "wire-a", Outlet: "Wire A", URL: fmt.Sprintf("https://a.example/%d", topic), Published: at, Backfill: backfill},
			Claims: []claim.Claim{figureClaim(topic, "General Staff", "Wire A", 100, at)}},
		{Item: feeds.ItemRecord{ID: fmt.Sprintf("b%d", topic), Feed: "wire-b", Outlet: "Wire B", URL: fmt.Sprintf("https://b.example/%d", topic), Published: at, Backfill: backfill},
			Claims: []claim.Claim{figureClaim(topic, "Defence Ministry", "Wire B", 1000, at)}},
	}
	rec, err := s.Record(ctx, items...)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Opened) != 1 {
		t.Fatalf("topic %d: recorded %+v, want one conflict", topic, rec)
	}
	return rec.Opened[0]
}
