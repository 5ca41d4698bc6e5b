package claim

import (
	"strings"
	"testing"
)

// TestHedgeTable checks every row of DESIGN's hedge table on N = 3 000.
func TestHedgeTable(t *testing.T) {
	tests := []struct {
		in   string
		want Interval
	}{
		{"3 000", closed(3000, 3000)},
		{"three thousand", closed(3000, 3000)},
		{"about 3 000", closed(2700, 3300)},
		{"around 3 000", closed(2700, 3300)},
		{"approximately 3 000", closed(2700, 3300)},
		{"some 3 000", closed(2700, 3300)},
		{"roughly 3 000", closed(2700, 3300)},
		{"an estimated 3 000", closed(2700, 3300)},
		{"nearly 3 000", closed(2700, 3000)},
		{"almost 3 000", closed(2700, 3000)},
		{"close to 3 000", closed(2700, 3000)},
		{"just under 3 000", closed(2700, 3000)},
		{"more than 3 000", open(3000)},
		{"over 3 000", open(3000)},
		{"above 3 000", open(3000)},
		{"exceeded 3 000", open(3000)},
		{"upwards of 3 000", open(3000)},
		{"at least 3 000", atLeast(3000)},
		{"no fewer than 3 000", atLeast(3000)},
		{"3 000 or more", atLeast(3000)},
		{"up to 3 000", closed(0, 3000)},
		{"as many as 3 000", closed(0, 3000)},
		{"no more than 3 000", closed(0, 3000)},
		{"at most 3 000", closed(0, 3000)},
		{"fewer than 3 000", below(3000)},
		{"less than 3 000", below(3000)},
		{"under 3 000", below(3000)},
		{"below 3 000", below(3000)},
		{"between 2 000 and 3 000", closed(2000, 3000)},
		{"2 000–3 000", closed(2000, 3000)},
		{"from 2 000 to 3 000", closed(2000, 3000)},
		{"dozens", closed(24, 99)},
		{"hundreds", closed(200, 999)},
		{"several hundred", closed(200, 900)},
		{"thousands", closed(2000, 9999)},
		// Case and spacing do not matter; the longest phrase wins.
		{"More Than  3 000", open(3000)},
		{"not more than 3 000", closed(0, 3000)},
	}
	h := DefaultHedges()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			qs := findQuantities(tt.in+" soldiers", &h)
			if len(qs) != 1 {
				t.Fatalf("findQuantities(%q) = %v, want one quantity", tt.in, texts(qs))
			}
			if qs[0].Value != tt.want || qs[0].Text != tt.in {
				t.Errorf("findQuantities(%q) = %q %v, want %q %v", tt.in, qs[0].Text, qs[0].Value, tt.in, tt.want)
			}
		})
	}
}

// TestHedgesConfigurable: a desk that reads "about" as ±20% and "nearly" as
// within 5%, with its own phrase and vague amounts, gets exactly that.
func TestHedgesConfigurable(t *testing.T) {
	h := DefaultHedges()
	h.AboutLow, h.AboutHigh = 0.8, 1.2
	h.NearlyLow = 0.95
	h.Dozens = closed(20, 100)
	h.Phrases = append(h.Phrases, HedgePhrase{Words: "in the neighbourhood of", Kind: HedgeAbout},
		HedgePhrase{Words: "at the very least", Kind: HedgeAtLeast})
	if err := h.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	tests := []struct {
		in   string
		want Interval
	}{
		{"about 1 000 troops", closed(800, 1200)},
		{"nearly 2 000 troops", closed(1900, 2000)},
		{"dozens of troops", closed(20, 100)},
		{"in the neighbourhood of 500 troops", closed(400, 600)},
		{"at the very least 500 troops", atLeast(500)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			qs := findQuantities(tt.in, &h)
			if len(qs) != 1 || qs[0].Value != tt.want {
				t.Fatalf("findQuantities(%q) = %v, want %v", tt.in, texts(qs), tt.want)
			}
		})
	}
	// The defaults are untouched by the copy.
	d := DefaultHedges()
	if qs := findQuantities("about 1 000", &d); len(qs) != 1 || qs[0].Value != closed(900, 1100) {
		t.Errorf("defaults changed: %v", texts(qs))
	}
}

func TestHedgesValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(h *Hedges)
		errHas string
	}{
		{"about low zero", func(h *Hedges) { h.AboutLow = 0 }, "about_low"},
		{"about high below one", func(h *Hedges) { h.AboutHigh = 0.5 }, "about_high"},
		{"nearly above one", func(h *Hedges) { h.NearlyLow = 1.5 }, "nearly_low"},
		{"inverted vague", func(h *Hedges) { h.Hundreds = closed(999, 200) }, "hundreds"},
		{"empty phrase", func(h *Hedges) { h.Phrases = append(h.Phrases, HedgePhrase{Kind: HedgeAbout}) }, "phrase"},
		{"unknown kind", func(h *Hedges) { h.Phrases = append(h.Phrases, HedgePhrase{Words: "circa", Kind: 99}) }, "unknown kind"},
	}
	if err := DefaultHedges().Validate(); err != nil {
		t.Fatalf("DefaultHedges().Validate() = %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := DefaultHedges()
			tt.change(&h)
			err := h.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.errHas) || !strings.HasPrefix(err.Error(), "claim: hedges: ") {
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.errHas)
			}
		})
	}
}

// TestHedgeNoisyFactors: 0.9 × 2 700 is 2430 exactly, not 2430.0000000000005,
// so that "nearly 2 700" compares equal to an editor's [2430, 2700].
func TestHedgeNoisyFactors(t *testing.T) {
	h := DefaultHedges()
	tests := []struct {
		kind HedgeKind
		n    float64
		want Interval
	}{
		{HedgeNearly, 2700, closed(2430, 2700)},
		{HedgeAbout, 11000, closed(9900, 12100)},
		{HedgeAbout, 12000, closed(10800, 13200)},
		{HedgeAbout, 3, closed(2.7, 3.3)},
		{HedgeAbout, 333, closed(299.7, 366.3)},
		{HedgeAbout, 7, closed(6.3, 7.7)},
		{HedgeNearly, 0.7, closed(0.63, 0.7)},
	}
	for _, tt := range tests {
		if got := h.apply(tt.kind, tt.n, tt.n); got != tt.want {
			t.Errorf("apply(%d, %v) = %#v, want %#v", tt.kind, tt.n, got, tt.want)
		}
	}
}
