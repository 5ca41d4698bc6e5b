package state

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// Every article's disagreement is kept as a pair on the one dispute, each
// new claim against the other side's claim it was judged against.
func TestEveryPairIsEvidence(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: published}
	s := openStore(t, filepath.Join(t.TempDir(), "crosscheck.db"), clk.now)
	arts := []struct {
		outlet, url, claimant, text string
		n                           float64
	}{
		{"Yonhap", "https://yonhap.example/1", nis, "300", 300},
		{"Kyiv Post", "https://kyivpost.example/1", budanov, "1,000", 1000},
		{"Reuters", "https://reuters.example/1", budanov, "1,200", 1200},
		{"AP", "https://ap.example/1", nis, "310", 310},
	}
	var id string
	for i, a := range arts {
		clk.t = published.Add(time.Duration(i) * time.Hour)
		res, err := s.Record(ctx, newArticle(a.outlet, a.url, clk.t).
			figure(a.claimant, "killed", "kursk", a.text, claim.Point(a.n), fmt.Sprintf("%s said %s were killed in Kursk.", a.claimant, a.text)).item(false))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Opened) == 1 {
			id = res.Opened[0].ID
		}
	}
	if id == "" {
		t.Fatal("no conflict opened")
	}
	c, err := s.Conflict(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range c.Pairs {
		if claim.Party(p[0].Claimant) != claim.Party(c.Sides[0].Claimant) || claim.Party(p[1].Claimant) != claim.Party(c.Sides[1].Claimant) {
			t.Errorf("pair %s/%s is not in the sides' order %s/%s", p[0].Claimant, p[1].Claimant, c.Sides[0].Claimant, c.Sides[1].Claimant)
		}
		got[p[0].URL+" "+p[1].URL] = true
	}
	if len(c.Pairs) != 3 || c.PairCount != 3 {
		t.Errorf("%d pairs kept (count %d): %v; want the three disagreements", len(c.Pairs), c.PairCount, got)
	}
	// The dispute names the event it was found in.
	if ev, _, ok, err := s.ItemEvent(arts[1].url); err != nil || !ok || c.Event != ev || ev == 0 || len(c.EventAnchors) == 0 {
		t.Errorf("conflict event %d anchors %v; the opening item's event %d (%v, %v)", c.Event, c.EventAnchors, ev, ok, err)
	}
	if lp := c.LeadPair(); lp[0].URL != "https://ap.example/1" && lp[1].URL != "https://ap.example/1" {
		t.Errorf("lead pair %s against %s, want the newest article's", lp[0].URL, lp[1].URL)
	}
}

func TestPairsAreBounded(t *testing.T) {
	cf := &conflictRec{Sides: [2]sideRec{{Claimant: nis}, {Claimant: budanov}}}
	const n = MaxPairs + 50
	for i := range uint64(n) {
		if !cf.addPair(budanov, 2*i+2, 2*i+1) {
			t.Fatalf("pair %d refused", i)
		}
	}
	if cf.addPair(nis, 2*n-1, 2*n) {
		t.Error("the newest pair was kept twice")
	}
	if cf.addPair("Someone Else", 1, 2) {
		t.Error("a claimant on neither side made a pair")
	}
	if len(cf.Pairs) != MaxPairs || cf.PairCount != n {
		t.Fatalf("%d pairs kept, %d counted; want %d and %d", len(cf.Pairs), cf.PairCount, MaxPairs, n)
	}
	if first, last := cf.Pairs[0], cf.Pairs[MaxPairs-1]; first != [2]uint64{101, 102} || last != [2]uint64{2*n - 1, 2 * n} {
		t.Errorf("kept %v … %v, want the newest %d, NIS's claim first", first, last, MaxPairs)
	}
}
