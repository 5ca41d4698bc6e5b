package extract

import (
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

// TestArticleConstructions: what the engine reads across sentences and
// from the headline (antecedents, the counted group told before, repeats,
// dates), each claim as "claimant | subject | measure | value | place |
// as of". The articles are the project's own.
func TestArticleConstructions(t *testing.T) {
	x, err := New(Config{Pipeline: devPipeline(t)})
	if err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, title, text string
		want              []string
		known             []string // what the engine gives where it is wrong today
	}{
		{"a pronoun from a sentence read without a parse",
			"", "The report was rejected by the head of the regional police, Marta Kowalczyk.\n\nShe said that 14 people were killed in the clashes.",
			[]string{"Marta Kowalczyk | people | killed | [14, 14] |  | 2026-03-03"}, nil},
		{"a pronoun from the headline",
			"Mayor Tomas Rivera warns of more flooding", "He said on Monday that 12 people had died in the city.",
			[]string{"Tomas Rivera | people | killed | [12, 12] |  | 2026-03-02"}, nil},
		{"the side after the noun",
			"", "More than 400 soldiers from Russia were wounded, the ministry said.",
			[]string{"ministry | russian soldiers | wounded | (400, ∞) |  | 2026-03-03"}, nil},
		{"the sender owns the troops, and 'them' comes back to them",
			"", "Russia sent about 2,000 troops to the border, officials said. 300 of them were killed, the ministry said.",
			[]string{"officials | russian soldiers | deployed | [1,800, 2,200] |  | 2026-03-03",
				"ministry | russian soldiers | killed | [300, 300] |  | 2026-03-03"}, nil},
		{"killed or wounded is one count",
			"", "More than 500 soldiers were killed or wounded, the army said.",
			[]string{"army | soldiers | killed or wounded | (500, ∞) |  | 2026-03-03"}, nil},
		{"a dated report dates what it reports",
			"", "Officials reported on March 2, 2024, that 40 people had been killed.",
			[]string{"Officials | people | killed | [40, 40] |  | 2024-03-02"}, nil},
		{"a closing speaker after a relative clause",
			"", "Six people died aboard the boat, which had drifted for days before a trawler found it, the coast guard said.",
			[]string{"coast guard | people | killed | [6, 6] |  | 2026-03-03"}, nil},
		{"a figure told twice is one claim",
			"", "The army said 120 soldiers were killed. On the same day the army said that 120 soldiers were killed.",
			[]string{"army | soldiers | killed | [120, 120] |  | 2026-03-03"}, nil},
		{"sailors are no soldiers",
			"", "Twenty sailors were missing, the navy said.",
			[]string{"navy | sailors | missing | [20, 20] |  | 2026-03-03"}, nil},
		{"a side asked about holds nothing",
			"", "It remained unclear which side holds the village of Dovhe, officials said.",
			nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range x.Extract(claim.Article{Outlet: "Wire", Title: tc.title, Published: pub, Text: tc.text}) {
				got = append(got, describe(c)+" | "+c.AsOf.Format(time.DateOnly))
			}
			checkClaims(t, tc.text, got, tc.want, tc.known)
		})
	}
}

// TestRememberUntagged: a sentence the pipeline leaves untagged (one that
// holds no claim) still names the person a later "he" stands for.
func TestRememberUntagged(t *testing.T) {
	x, err := New(Config{Pipeline: devPipeline(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ text, want string }{
		{"This was stated by the head of the Regional Water Authority of Ukraine Piotr Nowak.", "Piotr Nowak"},
		{"Marta Kowalczyk, the chief of the county police, spoke first.", "Marta Kowalczyk"},
		{"The Coast Guard said nothing more.", ""},
	} {
		doc := lang.Tokenize(tc.text)
		ar := &article{x: x, text: tc.text}
		ar.rememberRuns(newSent(&doc.Sentences[0], tc.text, nil))
		got := ""
		if len(ar.mentioned) > 0 {
			got = ar.mentioned[len(ar.mentioned)-1]
		}
		if got != tc.want {
			t.Errorf("%s\n got %q, want %q (mentioned %q)", tc.text, got, tc.want, ar.mentioned)
		}
	}
}
