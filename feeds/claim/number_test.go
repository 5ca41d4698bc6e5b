package claim

import (
	"math"
	"testing"
)

var inf = math.Inf(1)

// want is one expected quantity: its words and its interval.
type want struct {
	text string
	iv   Interval
}

func closed(lo, hi float64) Interval { return Interval{Low: lo, High: hi} }

func checkQuantities(t *testing.T, in string, got []Quantity, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("findQuantities(%q) gave %d quantities %v, want %d %v", in, len(got), texts(got), len(wants), wants)
	}
	for i, w := range wants {
		g := got[i]
		if g.Text != w.text || g.Value != w.iv {
			t.Errorf("findQuantities(%q)[%d] = %q %v, want %q %v", in, i, g.Text, g.Value, w.text, w.iv)
		}
		if in[g.Start:g.End] != g.Text {
			t.Errorf("findQuantities(%q)[%d]: offsets [%d,%d] do not cover %q", in, i, g.Start, g.End, g.Text)
		}
	}
}

func texts(qs []Quantity) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Text + " " + q.Value.String()
	}
	return out
}

func TestFindQuantitiesSeedSentences(t *testing.T) {
	tests := []struct {
		in    string
		wants []want
	}{
		{"He said that 8 000 North Korean fighters are still fighting in Kursk.", []want{{"8 000", closed(8000, 8000)}}},
		{"North Korea sent about 11 000 troops to fight against Ukraine.", []want{{"about 11 000", closed(9900, 12100)}}},
		{"300 of them are now believed to be killed and nearly 2 700 wounded.", []want{{"300", closed(300, 300)}, {"nearly 2 700", closed(2430, 2700)}}},
		{"There are approximately 12 000 soldiers, including 500 officers and three generals.",
			[]want{{"approximately 12 000", closed(10800, 13200)}, {"500", closed(500, 500)}, {"three", closed(3, 3)}}},
		{"Zelensky said that more than 3 000 soldiers from the DPRK have already been killed or wounded.",
			[]want{{"more than 3 000", Interval{Low: 3000, High: inf, LowOpen: true}}}},
		{"Zelensky first reported on December 27, 2024, that the Defense Forces had captured North Korean soldiers.", nil},
		{"The North Korean soldiers were captured for the second time in January 2025.", nil},
	}
	h := DefaultHedges()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			checkQuantities(t, tt.in, findQuantities(tt.in, &h), tt.wants)
		})
	}
}
