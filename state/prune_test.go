package state

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// oldLedger records, on clk, an open conflict (NIS against Zelensky on
// the killed), a conflict about Russian soldiers that an editor resolves,
// a claim nobody disputes, and a thread for each conflict; then a year and
// a month pass and one fresh claim arrives. It returns the two conflicts.
func oldLedger(t *testing.T, s *Store, clk *clock) (open, resolved Conflict) {
	t.Helper()
	ctx := context.Background()
	at := clk.t
	items := []feeds.PolledItem{
		newArticle("Yonhap", "https://yonhap.example/1", at).figure(nis, "killed", "", "300", claim.Point(300), "NIS said 300 were killed.").item(false),
		newArticle("Kyiv Post", "https://kyivpost.example/1", at).figure(zelensky, "killed", "", "3 000", claim.Point(3000), "Zelensky said 3 000 were killed.").item(false),
		newArticle("Meduza", "https://meduza.example/1", at).figure("Outlet A", "killed", "", "100", claim.Point(100), "A said 100 died.").subject("russian soldiers").item(false),
		newArticle("Meduza", "https://meduza.example/2", at).figure("Outlet B", "killed", "", "900", claim.Point(900), "B said 900 died.").subject("russian soldiers").item(false),
		newArticle("Reuters", "https://reuters.example/1", at).figure(ukrintel, "deployed", "kursk", "12 000", claim.Point(12000), "12 000 were deployed.").item(false),
	}
	res, err := s.Record(ctx, items...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 2 {
		t.Fatalf("seed ledger opened %v, want the killed of north korean and of russian soldiers", pairs(res.Opened))
	}
	for i, c := range res.Opened {
		if err := s.SetThread(ctx, c.ID, Thread{Channel: "C1", TS: fmt.Sprintf("1700000000.00000%d", i)}); err != nil {
			t.Fatal(err)
		}
		if c.Topic == claim.TopicKey("russian soldiers", "killed", "") {
			resolved = c
		} else {
			open = c
		}
	}
	if _, err := s.SetConflictStatus(ctx, resolved.ID, StatusResolved, "U1"); err != nil {
		t.Fatal(err)
	}
	clk.advance(400 * 24 * time.Hour)
	fresh := newArticle("Reuters", "https://reuters.example/2", clk.t).figure(ukrintel, "deployed", "kursk", "11 000", claim.Point(11000), "11 000 were deployed.")
	if _, err := s.Record(ctx, fresh.item(false)); err != nil {
		t.Fatal(err)
	}
	return open, resolved
}

func TestHousekeepPrunesWhatIsOldAndKeepsWhatIsOpen(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	open, resolved := oldLedger(t, s, clk)

	p, err := s.Housekeep(ctx, DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	want := Pruned{Conflicts: 1, Claims: 3, Alerts: 2}
	if p != want {
		t.Errorf("Housekeep pruned %+v, want %+v (the resolved conflict, its two claims and the undisputed one, the two month-old alerts)", p, want)
	}

	t.Run("the open conflict stays whole, with its thread", func(t *testing.T) {
		c, err := s.Conflict(ctx, open.ID)
		if err != nil {
			t.Fatalf("open conflict after pruning: %v", err)
		}
		if n := len(c.Sides[0].Claims) + len(c.Sides[1].Claims); n != 2 {
			t.Errorf("open conflict holds %d claims after pruning, want its 2", n)
		}
		if _, ok, err := s.ThreadOf(ctx, open.ID); err != nil || !ok {
			t.Errorf("open conflict's thread after pruning: ok=%v err=%v, want kept", ok, err)
		}
	})
	t.Run("the old resolved conflict is gone, thread and all", func(t *testing.T) {
		if _, err := s.Conflict(ctx, resolved.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("resolved conflict after pruning: %v, want ErrNotFound", err)
		}
		if _, ok, _ := s.ThreadOf(ctx, resolved.ID); ok {
			t.Error("resolved conflict's thread mapping survived pruning")
		}
		for id, want := range map[string]bool{open.ID: true, resolved.ID: false} {
			var ok bool
			if err := s.db.View(func(tx *bolt.Tx) error { _, ok = routeOfTx(tx, id); return nil }); err != nil {
				t.Fatal(err)
			}
			if ok != want {
				t.Errorf("alert route of conflict %s kept = %v after pruning, want %v (the open conflict's stays, the pruned one's goes)", id, ok, want)
			}
		}
		if _, ok, _ := s.ConflictInThread(ctx, Thread{Channel: "C1", TS: "1700000000.000001"}); ok {
			if _, ok0, _ := s.ConflictInThread(ctx, Thread{Channel: "C1", TS: "1700000000.000000"}); ok0 {
				t.Error("both threads still map to conflicts after one conflict was pruned")
			}
		}
		if cs, _ := s.ClaimsOnTopic(ctx, claim.TopicKey("russian soldiers", "killed", ""), 0); len(cs) != 0 {
			t.Errorf("the resolved conflict's claims survived: %d", len(cs))
		}
	})
	t.Run("old undisputed claims go, fresh ones stay", func(t *testing.T) {
		cs, err := s.ClaimsBy(ctx, ukrintel, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Value.Low != 11000 {
			t.Errorf("Ukrainian intelligence's claims after pruning = %d, want only the fresh 11 000", len(cs))
		}
	})
	t.Run("a pruned claim is no longer a duplicate", func(t *testing.T) {
		again := newArticle("Reuters", "https://reuters.example/1", clk.t.Add(-400*24*time.Hour)).figure(ukrintel, "deployed", "kursk", "12 000", claim.Point(12000), "12 000 were deployed.")
		res, err := s.Preview(ctx, again.item(false))
		if err != nil {
			t.Fatal(err)
		}
		if res.Claims != 1 || res.Duplicates != 0 {
			t.Errorf("re-recording a pruned claim: %d stored, %d duplicates; want it stored anew", res.Claims, res.Duplicates)
		}
	})
	if err := s.Check(); err != nil {
		t.Error(err)
	}
	if d, _ := s.OutboxDepth(ctx); d != 0 {
		t.Errorf("outbox holds %d alerts after pruning, want the month-old ones dropped", d)
	}
}

// TestPruneClaimsInBatchesKeepsArticlesWhole prunes more claims than one
// batch holds, in articles of seven claims that share their article's
// fields, with one cited article among them.
func TestPruneClaimsInBatchesKeepsArticlesWhole(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	var items []feeds.PolledItem
	for i := range 3 * pruneBatch / 7 {
		a := newArticle("Wire", fmt.Sprintf("https://wire.example/%d", i), clk.t)
		for j := range 7 {
			a.figure(fmt.Sprintf("Official %d", i), "wounded", fmt.Sprintf("town %d", j), "10", claim.Point(10), fmt.Sprintf("Sentence %d.", j%3)).
				subject("police officers")
		}
		items = append(items, a.item(true))
	}
	cited := newArticle("Wire", "https://wire.example/cited", clk.t).
		figure("Official X", "wounded", "town 0", "10", claim.Point(10), "Ten wounded.").
		figure("Official X", "wounded", "town 1", "10", claim.Point(10), "Ten wounded.")
	other := newArticle("Wire", "https://wire.example/other", clk.t).
		figure("Official Y", "wounded", "town 1", "90", claim.Point(90), "Ninety wounded.")
	items = append(items[:len(items)/2], append([]feeds.PolledItem{cited.item(true), other.item(true)}, items[len(items)/2:]...)...)
	res, err := s.Record(ctx, items...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 1 {
		t.Fatalf("opened %v, want Official X against Official Y", pairs(res.Opened))
	}
	clk.advance(200 * 24 * time.Hour)
	n, err := s.pruneClaims(ctx, clk.t.Add(-DefaultRetention.Claims))
	if err != nil {
		t.Fatal(err)
	}
	if want := res.Claims - 3; n != want {
		t.Errorf("pruned %d claims, want %d: all but the cited article's two and the claim it is disputed with", n, want)
	}
	c, err := s.Conflict(ctx, res.Opened[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range c.Sides {
		for _, cl := range side.Claims {
			if cl.URL == "" || cl.Sentence == "" {
				t.Errorf("a kept claim lost its article's fields: %+v", cl)
			}
		}
	}
	if err := s.Check(); err != nil {
		t.Error(err)
	}
}

// TestPruneAlertsInBatches drops more old alerts than one batch holds and
// keeps the one queued after the cutoff, with the lane counts in step.
func TestPruneAlertsInBatches(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	res, err := s.Record(ctx,
		newArticle("Yonhap", "https://yonhap.example/1", clk.t).figure(nis, "killed", "", "300", claim.Point(300), "NIS said 300 were killed.").item(false),
		newArticle("Kyiv Post", "https://kyivpost.example/1", clk.t).figure(zelensky, "killed", "", "3 000", claim.Point(3000), "Zelensky said 3 000 were killed.").item(false),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 1 || res.Alerts != 1 {
		t.Fatalf("seed opened %v with %d alerts, want NIS against Zelensky with one", pairs(res.Opened), res.Alerts)
	}
	id := res.Opened[0].ID
	old := 2*pruneBatch + 1
	err = s.db.Update(func(tx *bolt.Tx) error {
		for i := range old + 1 {
			queued := clk.t
			if i == old {
				queued = clk.t.Add(2 * time.Hour)
			}
			if err := queueAlertTx(tx, Alert{ConflictID: id, Kind: AlertRevision, Queued: queued}); err != nil {
				return err
			}
		}
		return s.routeAlertsTx(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.pruneAlerts(ctx, clk.t.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := old + res.Alerts; n != want {
		t.Errorf("pruned %d alerts, want the %d queued before the cutoff", n, want)
	}
	pending, err := s.PendingAlerts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || !pending[0].Queued.Equal(clk.t.Add(2*time.Hour)) {
		t.Errorf("outbox after pruning holds %d alerts, want only the one queued after the cutoff", len(pending))
	}
	if d, err := s.OutboxDepth(ctx); err != nil || d != 1 {
		t.Errorf("outbox depth after pruning = %d (%v), want 1: the lane counts follow the drops", d, err)
	}
}
