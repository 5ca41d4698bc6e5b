package extract

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// TestConstructions: the constructions that decide whether a sentence
// makes a claim and whose, each with the claims an editor reads in it
// ("claimant | subject | measure | value | place", statuses "… | present").
// The sentences are the project's own.
func TestConstructions(t *testing.T) {
	x, err := New(Config{Pipeline: devPipeline(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text string
		want       []string
		// known is what the engine gives instead where it is wrong today
		// (a parse it cannot survive): the case fails on any other change
		// and says so when it is right.
		known []string
	}{
		{"passive with a reporting verb after",
			"At least 45 people were killed in the blast, police said.",
			[]string{"police | people | killed | [45, ∞) | "}, nil},
		{"active verb, subject before",
			"The health ministry said the floods had killed 1,200 people in Sindh province.",
			[]string{"health ministry | people | killed | [1,200, 1,200] | sindh"}, nil},
		{"according to",
			"About 3,000 people took part in the march, according to the organisers.",
			[]string{"organisers | people | attended | [2,700, 3,300] | "}, nil},
		{"death toll rose to",
			"The death toll from the floods in the coastal districts of the province has risen to 4,200, officials said.",
			[]string{"officials | people | killed | [4,200, 4,200] | "}, nil},
		{"put the toll at",
			"Authorities put the death toll at 312 on Tuesday.",
			[]string{"Authorities | people | killed | [312, 312] | "}, nil},
		{"a relative clause only describes",
			"Volunteers who died fighting for the militia were buried on Sunday.",
			nil, nil},
		{"a participle only describes",
			"Troops stationed along the border were put on alert.",
			nil, nil},
		{"a plan is no claim",
			"The government plans to send 5,000 troops to the region.",
			nil, nil},
		{"possibility is no claim",
			"As many as 200 people may have been killed, a local official said.",
			nil, nil},
		{"a negated status",
			"North Korean troops have not been seen at the front for weeks, the agency said.",
			[]string{"agency | north korean soldiers | at the front | absent | "},
			[]string{"agency | soldiers | at the front | absent | "}},
		{"a ship sank",
			"The cruiser Moskva sank on Thursday, the defence ministry said.",
			[]string{"defence ministry | moskva | afloat | absent | "},
			[]string{}},
		{"who counts whom",
			"Conscripts who faced government forces suffered 900 casualties, the monitor said.",
			[]string{"monitor | soldiers | killed or wounded | [900, 900] | "},
			[]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range x.Extract(claim.Article{Outlet: "Wire", Published: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), Text: tc.text}) {
				got = append(got, describe(c))
			}
			checkClaims(t, tc.text, got, tc.want, tc.known)
		})
	}
}

// checkClaims compares the claims read in text with those an editor
// reads there. known lists what the engine reads today when that is wrong
// (nil: no known error); a known error that is fixed fails, so its entry
// is removed.
func checkClaims(t *testing.T, text string, got, want, known []string) {
	t.Helper()
	g, w := strings.Join(got, "\n"), strings.Join(want, "\n")
	switch {
	case g == w && known != nil:
		t.Errorf("%s\nnow right: drop it from the known errors", text)
	case g == w:
	case known != nil && g == strings.Join(known, "\n"):
		t.Logf("known error: %s\n got: %q\nwant: %q", text, got, want)
	default:
		t.Errorf("%s\n got: %q\nwant: %q", text, got, want)
	}
}

func describe(c claim.Claim) string {
	v := c.Value.String()
	if c.Kind == claim.Status {
		v = c.Polarity.String()
	}
	return fmt.Sprintf("%s | %s | %s | %s | %s", c.Claimant, c.Subject, c.Measure, v, c.Place)
}
