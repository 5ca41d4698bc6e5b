package state

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// commitPolls commits one poll per feed, in order, each a live poll.
func commitPolls(t *testing.T, s *Store, polls ...feeds.Poll) {
	t.Helper()
	for _, p := range polls {
		p.State.Polled = true
		if _, err := s.CommitPoll(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
}

// laneOf reads a lane from head to tail by delivering it, as the notifier
// does, and returns "kind conflict" per alert.
func drainLane(t *testing.T, s *Store, channel string) []string {
	t.Helper()
	ctx := context.Background()
	var got []string
	for {
		a, ok, err := s.NextAlert(ctx, channel)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return got
		}
		got = append(got, string(a.Kind)+" "+a.ConflictID)
		if err := s.MarkAlertSent(ctx, a.Seq, Thread{Channel: "C" + channel, TS: "1.000001"}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutboxRoutes: a conflict's route is decided once, by the router, when
// its first alert is queued; its later alerts queue in the same lane behind
// it, whatever the router would say of them now; each lane counts its own.
func TestOutboxRoutes(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: published}
	var asked []Dispute
	router := Router{Feeds: []string{"kyiv"}, Route: func(d Dispute) string {
		asked = append(asked, d)
		if slices.Contains(d.Feeds, "kyiv") {
			return "C0WORLD"
		}
		return ""
	}}
	s, err := Open(filepath.Join(t.TempDir(), "crosscheck.db"), Options{Now: clk.now, Router: router})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	commitPolls(t, s,
		feeds.Poll{Feed: "kyiv", Items: []feeds.PolledItem{newArticle("Kyiv Independent", "https://kyiv.example/1", published).figure(budanov, "killed", "kursk", "1 000", claim.Point(1000), "a").item(false)}},
		feeds.Poll{Feed: "seoul", Items: []feeds.PolledItem{newArticle("Yonhap", "https://yonhap.example/1", published).figure(nis, "killed", "kursk", "300", claim.Point(300), "b").item(false)}},
		feeds.Poll{Feed: "seoul", Items: []feeds.PolledItem{newArticle("Yonhap", "https://yonhap.example/2", published).status(nis, "kursk", claim.Present, "c").item(false)}},
		feeds.Poll{Feed: "nyt", Items: []feeds.PolledItem{newArticle("NYT", "https://nyt.example/1", published).status(media, "kursk", claim.Absent, "d").item(false)}},
	)
	if len(asked) != 2 {
		t.Fatalf("router asked %d times, want once per conflict (2)", len(asked))
	}
	if !slices.Equal(asked[0].Feeds, []string{"kyiv"}) || len(asked[1].Feeds) != 0 {
		t.Errorf("feeds seen by the router: %q, %q", asked[0].Feeds, asked[1].Feeds)
	}
	if n := len(asked[0].Sides[0].Claims) + len(asked[0].Sides[1].Claims); n != 2 {
		t.Errorf("router saw %d claims of the first dispute, want 2", n)
	}
	figure, status := asked[0].ID, asked[1].ID

	// Evidence for the figure dispute from a feed the route never named
	// still follows its parent into C0WORLD.
	commitPolls(t, s, feeds.Poll{Feed: "ap", Items: []feeds.PolledItem{newArticle("AP", "https://ap.example/1", published).figure(nis, "killed", "", "about 300", about(300), "e").item(false)}})
	if len(asked) != 2 {
		t.Errorf("router asked again for a routed conflict")
	}
	lanes, err := s.Lanes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Lane{{Channel: "", Queued: 1}, {Channel: "C0WORLD", Queued: 2}}; !slices.Equal(lanes, want) {
		t.Errorf("lanes = %+v, want %+v", lanes, want)
	}
	if d, _ := s.OutboxDepth(ctx); d != 3 {
		t.Errorf("depth = %d, want 3", d)
	}
	if got, want := drainLane(t, s, "C0WORLD"), []string{"new " + figure, "evidence " + figure}; !slices.Equal(got, want) {
		t.Errorf("C0WORLD lane = %q, want %q", got, want)
	}
	if got, want := drainLane(t, s, ""), []string{"new " + status}; !slices.Equal(got, want) {
		t.Errorf("default lane = %q, want %q", got, want)
	}
	if lanes, _ := s.Lanes(ctx); len(lanes) != 0 {
		t.Errorf("lanes after delivery = %+v, want none", lanes)
	}

	// An alert queued by hand for another channel has its own lane, and
	// one without a channel takes its conflict's route.
	if _, err := s.QueueAlert(ctx, Alert{ConflictID: status, Kind: AlertNew, Channel: "C0DESK"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueAlert(ctx, Alert{ConflictID: figure, Kind: AlertNew}); err != nil {
		t.Fatal(err)
	}
	// A dispute routed to the default channel stays there.
	if _, err := s.QueueAlert(ctx, Alert{ConflictID: status, Kind: AlertRevision}); err != nil {
		t.Fatal(err)
	}
	if lanes, _ := s.Lanes(ctx); !slices.Equal(lanes, []Lane{{"", 1}, {"C0DESK", 1}, {"C0WORLD", 1}}) {
		t.Errorf("lanes after QueueAlert = %+v", lanes)
	}
	if len(asked) != 2 {
		t.Errorf("router asked %d times; a routed dispute was routed again", len(asked))
	}
}

// TestOutboxOpensSchema1: a store written by schema 1 (alerts in the
// outbox bucket alone) opens, and its queued alerts are in their lanes in
// queue order, each conflict's later alerts behind its first.
func TestOutboxOpensSchema1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	s := openStore(t, path, (&clock{t: published}).now)
	first, second := twoConflicts(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Make it the store schema 1 wrote: no lane buckets, alerts keyed by
	// seq with the channel they were queued for, version 1.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketOutboxLanes, bucketOutboxDepth, bucketOutboxUnrouted, bucketAlertRoutes} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		ob := tx.Bucket(bucketOutbox)
		var rec map[string]any
		k, v := ob.Cursor().Last() // the evidence: queued for a desk by hand
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		rec["channel"] = "C0DESK"
		nv, _ := json.Marshal(rec)
		if err := ob.Put(k, nv); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = openStore(t, path, (&clock{t: published}).now)
	lanes, err := s.Lanes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Lane{{"", 2}, {"C0DESK", 1}}; !slices.Equal(lanes, want) {
		t.Errorf("lanes of a schema 1 store = %+v, want %+v", lanes, want)
	}
	if got, want := drainLane(t, s, ""), []string{"new " + first, "new " + second}; !slices.Equal(got, want) {
		t.Errorf("default lane = %q, want %q", got, want)
	}
	if got, want := drainLane(t, s, "C0DESK"), []string{"evidence " + first}; !slices.Equal(got, want) {
		t.Errorf("desk lane = %q, want %q", got, want)
	}
	// The first conflict's route is the lane its first alert waited in.
	if _, err := s.QueueAlert(ctx, Alert{ConflictID: first, Kind: AlertRevision}); err != nil {
		t.Fatal(err)
	}
	if lanes, _ := s.Lanes(ctx); !slices.Equal(lanes, []Lane{{"", 1}}) {
		t.Errorf("lanes after a new alert = %+v, want the default lane", lanes)
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

// BenchmarkOutboxWake is what one wake of the notifier reads — the lanes'
// counters and each lane's head — with 1,000 or 200,000 alerts queued over
// two channels: the cost of a wake must not grow with the queue.
func BenchmarkOutboxWake(b *testing.B) {
	for _, depth := range []int{1_000, 200_000} {
		b.Run(fmt.Sprintf("queued=%d", depth), func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(filepath.Join(b.TempDir(), "crosscheck.db"), Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ev := newArticle("AP", "https://ap.example/1", published).figure(nis, "killed", "kursk", "300", claim.Point(300), "e").claims[0]
			for done := 0; done < depth; {
				err := s.db.Update(func(tx *bolt.Tx) error {
					for i := 0; i < 10_000 && done < depth; i, done = i+1, done+1 {
						a := Alert{ConflictID: "c1", Kind: AlertEvidence, Claim: &ev, Queued: published, Channel: []string{"C0WORLD", "C0DESK"}[done%2]}
						if err := queueAlertTx(tx, a); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			heads := 0
			for b.Loop() {
				lanes, err := s.Lanes(ctx)
				if err != nil {
					b.Fatal(err)
				}
				for _, l := range lanes {
					if _, ok, err := s.NextAlert(ctx, l.Channel); err != nil || !ok {
						b.Fatalf("head of %s: %v %v", l.Channel, ok, err)
					}
					heads++
				}
			}
			b.ReportMetric(float64(heads)/float64(b.N), "heads/wake")
		})
	}
}

// TestOutboxKeepsClaimsByNumber: an evidence alert stores its claim's
// number in the ledger, not a copy, and reads back whole.
func TestOutboxKeepsClaimsByNumber(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "crosscheck.db"), (&clock{t: published}).now)
	twoConflicts(t, s)
	var raw map[string]json.RawMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		_, v := tx.Bucket(bucketOutbox).Cursor().Last()
		return json.Unmarshal(v, &raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, copied := raw["claim"]; copied || raw["claim_seq"] == nil {
		t.Errorf("evidence alert stored as %v, want its claim by number", slices.Sorted(maps.Keys(raw)))
	}
	head, _ := s.PendingAlerts(context.Background(), 0)
	if ev := head[2]; ev.Claim == nil || ev.Claim.Outlet != "AP" || ev.Claim.Sentence != "e" {
		t.Errorf("evidence read back = %+v", ev.Claim)
	}
}
