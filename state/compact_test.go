package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

func TestCompactShrinksAPrunedStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	clk := &clock{t: published}
	s := openStore(t, path, clk.now)
	var items []feeds.PolledItem
	for i := range 3000 {
		a := newArticle("Wire", fmt.Sprintf("https://wire.example/%d", i), clk.t).
			figure(fmt.Sprintf("Official %d", i), "wounded", fmt.Sprintf("town %d", i), "10", claim.Point(10), fmt.Sprintf("Officials in town %d said ten people were wounded on Monday.", i))
		items = append(items, a.item(true))
	}
	if _, err := s.Record(ctx, items...); err != nil {
		t.Fatal(err)
	}
	clk.advance(200 * 24 * time.Hour)
	fresh := newArticle("Wire", "https://wire.example/fresh", clk.t).figure(nis, "killed", "kursk", "300", claim.Point(300), "NIS said 300 were killed.")
	if _, err := s.Record(ctx, fresh.item(false)); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Housekeep(ctx, DefaultRetention); err != nil || p.Claims != 3000 {
		t.Fatalf("housekeeping pruned %+v (%v), want the 3000 old claims", p, err)
	}

	if _, _, err := Compact(ctx, path); !errors.Is(err, ErrLocked) {
		t.Errorf("Compact of a store held open: %v, want ErrLocked", err)
	}
	s.Close()
	before, after, err := Compact(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if after >= before {
		t.Errorf("compaction took the store from %d to %d bytes, want smaller", before, after)
	}

	s = openStore(t, path, clk.now)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if size, err := s.FileSize(); err != nil || size != after {
		t.Errorf("FileSize after compaction = %d (%v), want %d", size, err, after)
	}
	got, err := s.ClaimsBy(ctx, nis, 0)
	if err != nil || len(got) != 1 || got[0].Value.Low != 300 {
		t.Fatalf("the kept claim after compaction: %v (%v)", got, err)
	}
	// The ledger goes on numbering where it left off and still judges.
	res, err := s.Record(ctx, newArticle("Kyiv Post", "https://kyivpost.example/2", clk.t).
		figure(zelensky, "killed", "kursk", "3 000", claim.Point(3000), "Zelensky said 3 000 were killed.").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 1 {
		t.Fatalf("after compaction a contradiction opened %v, want NIS against Zelensky", pairs(res.Opened))
	}
	mine, _ := s.ClaimsBy(ctx, zelensky, 0)
	if len(mine) != 1 || mine[0].Seq <= got[0].Seq {
		t.Errorf("new claim numbered %v after compaction, want after the kept claim's %d", mine, got[0].Seq)
	}
}
