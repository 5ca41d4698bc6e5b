package state

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// The extractor keeps a claimant's role ("Kyrylo Budanov (HUR)"), and one
// article names it where another does not: the ledger must still see one
// person, whose changed figure is a revision and whose conflicts keep one
// ID.
func TestRecordClaimantWithAndWithoutRole(t *testing.T) {
	const bare = "Kyrylo Budanov"
	topic := "north korean soldiers | killed | kursk"
	for _, tc := range []struct {
		name                 string
		first, later         string
		wantSide, wantRevise string
	}{
		{"role first", budanov, bare, budanov, bare},
		{"role later", bare, budanov, budanov, budanov},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, clk := openTestStore(t)
			rec := func(a *article) Recorded {
				t.Helper()
				res, err := s.Record(ctx, a.item(false))
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			rec(newArticle("Reuters", "https://reuters.example/r1", published).figure(tc.first, "killed", "kursk", "1 000", claim.Point(1000), "Budanov said 1 000 were killed in Kursk."))
			res := rec(newArticle("Yonhap", "https://yonhap.example/r1", published.Add(time.Hour)).figure(nis, "killed", "kursk", "300", claim.Point(300), "The NIS said 300 were killed in Kursk."))
			if len(res.Opened) != 1 {
				t.Fatalf("opened %q, want one conflict", pairs(res.Opened))
			}
			id := res.Opened[0].ID
			if id != ConflictID(topic, budanov, nis) || id != ConflictID(topic, bare, nis) {
				t.Errorf("conflict ID %s depends on whether the role was named", id)
			}

			// Another outlet quotes him, named the other way, with his
			// first figure: evidence on the same conflict, not a second one.
			clk.advance(time.Hour)
			res = rec(newArticle("AP", "https://ap.example/r1", published.Add(2*time.Hour)).figure(tc.later, "killed", "kursk", "about 1 000", about(1000), "About 1 000 were killed, Budanov told AP."))
			if len(res.Opened) != 0 || len(res.Joined) != 1 || res.Joined[0].ID != id {
				t.Fatalf("same figure, other name: opened %q joined %q", pairs(res.Opened), pairs(res.Joined))
			}
			if got := pair(res.Joined[0]); got != topic+": "+tc.wantSide+" vs "+nis {
				t.Errorf("conflict reads %q, want the side named %q", got, tc.wantSide)
			}

			// He changes his figure, named the other way: a revision noted
			// on the conflict, never a conflict of Budanov against himself.
			res = rec(newArticle("BBC", "https://bbc.example/r1", published.Add(3*time.Hour)).figure(tc.later, "killed", "kursk", "400", claim.Point(400), "Budanov now puts the dead at 400."))
			if len(res.Opened) != 0 {
				t.Fatalf("revision opened %q", pairs(res.Opened))
			}
			want := []string{
				"new " + id,
				"evidence " + id + " " + tc.later + "@AP",
				"revision " + id + " " + tc.wantRevise + "@BBC",
			}
			if got := alertKinds(t, s); !slices.Equal(got, want) {
				t.Errorf("outbox = %q, want %q", got, want)
			}
			cs, err := s.Conflicts(ctx, ConflictFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 {
				t.Errorf("%d conflicts, want 1: %q", len(cs), pairs(cs))
			}
		})
	}
}
