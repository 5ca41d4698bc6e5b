package state

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// Search matches every word somewhere in subject, measure, place, claimant
// or outlet, whichever word is rarest, including words only an outlet
// holds.
func TestSearchClaimsEveryWord(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	var items []feeds.PolledItem
	for i, c := range []struct{ outlet, claimant, measure, place string }{
		{"Reuters", nis, "killed", "kursk"},
		{"Reuters", budanov, "killed", "kursk"},
		{"Yonhap", nis, "killed", "kursk"},
		{"Yonhap", nis, "wounded", "kursk"},
		{"Reuters", "Reuters", "wounded", "belgorod"},
		{"AP", zelensky, "killed", "belgorod"},
	} {
		a := newArticle(c.outlet, fmt.Sprintf("https://%s.example/%d", c.outlet, i), published.Add(time.Duration(i)*time.Hour)).
			figure(c.claimant, c.measure, c.place, "100", claim.Point(float64(100*(i+1))), "A sentence.")
		items = append(items, a.item(true))
	}
	if _, err := s.Record(ctx, items...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		limit int
		want  []string
	}{
		{"nis killed", 0, []string{"Yonhap South Korea's NIS killed", "Reuters South Korea's NIS killed"}},
		{"NIS KILLED", 1, []string{"Yonhap South Korea's NIS killed"}},
		// Outlets are matched on the claims the other words find; a
		// query of outlet names alone finds what the outlet itself said.
		{"reuters", 0, []string{"Reuters Reuters wounded"}},
		{"reuters killed", 0, []string{"Reuters Kyrylo Budanov (HUR) killed", "Reuters South Korea's NIS killed"}},
		{"yonhap wounded kursk", 0, []string{"Yonhap South Korea's NIS wounded"}},
		{"ap belgorod", 0, []string{"AP Volodymyr Zelensky killed"}},
		{"belgorod budanov", 0, nil},
		{"nowhere", 0, nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got, err := s.SearchClaims(ctx, tc.query, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range got {
				names = append(names, c.Outlet+" "+c.Claimant+" "+c.Measure)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("SearchClaims(%q) = %q, want %q", tc.query, names, tc.want)
			}
		})
	}
}

// Conflicts come newest first by update, and a conflict that gains
// evidence moves to the front; Since, Until and Limit cut the list.
func TestConflictsByUpdateTime(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	places := []string{"kursk", "belgorod", "donetsk"}
	for i, p := range places {
		clk.advance(time.Hour)
		at := published.Add(time.Duration(i) * time.Minute)
		a := newArticle("Reuters", "https://reuters.example/"+p, at).
			figure(budanov, "killed", p, "1 000", claim.Point(1000), "Budanov said 1 000.").
			figure(nis, "killed", p, "300", claim.Point(300), "The NIS said 300.")
		if res, err := s.Record(ctx, a.item(false)); err != nil || len(res.Opened) != 1 {
			t.Fatalf("%s: opened %d, %v", p, len(res.Opened), err)
		}
	}
	t1 := clk.t
	clk.advance(time.Hour)
	ev := newArticle("AP", "https://ap.example/k", published.Add(time.Hour)).
		figure(budanov, "killed", "kursk", "about 1 000", about(1000), "About 1 000, Budanov told AP.")
	if res, err := s.Record(ctx, ev.item(false)); err != nil || len(res.Joined) != 1 {
		t.Fatalf("evidence joined %d, %v", len(res.Joined), err)
	}
	placesOf := func(f ConflictFilter) []string {
		t.Helper()
		cs, err := s.Conflicts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			_, _, p := splitTopic(c.Topic)
			out = append(out, p)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    ConflictFilter
		want []string
	}{
		{"all", ConflictFilter{}, []string{"kursk", "donetsk", "belgorod"}},
		{"limit", ConflictFilter{Limit: 2}, []string{"kursk", "donetsk"}},
		{"until", ConflictFilter{Until: t1}, []string{"belgorod"}},
		{"since", ConflictFilter{Since: t1}, []string{"kursk", "donetsk"}},
		{"topic", ConflictFilter{Topic: "BELGOROD"}, []string{"belgorod"}},
		{"resolved", ConflictFilter{Status: StatusResolved}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := placesOf(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("Conflicts(%+v) = %q, want %q", tc.f, got, tc.want)
			}
		})
	}
	cs, _ := s.Conflicts(ctx, ConflictFilter{Limit: 1})
	clk.advance(time.Hour)
	if _, err := s.SetConflictStatus(ctx, cs[0].ID, StatusResolved, "U1"); err != nil {
		t.Fatal(err)
	}
	if got := placesOf(ConflictFilter{Status: StatusOpen}); !slices.Equal(got, []string{"donetsk", "belgorod"}) {
		t.Errorf("open after resolving kursk = %q", got)
	}
	if got := placesOf(ConflictFilter{}); len(got) != 3 {
		t.Errorf("a status change left %d entries, want 3: %q", len(got), got)
	}
}
