package claim

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestJudge(t *testing.T) {
	cand := func(seq uint64, c Claim) Candidate { return Candidate{Claim: c, Seq: seq} }
	later := func(c Claim, d time.Duration) Claim { c.AsOf = c.AsOf.Add(d); return c }
	quoted := func(c Claim, outlet string) Claim { c.Outlet = outlet; return c }
	// reported moves a claim's report and the time it speaks of.
	reported := func(c Claim, d time.Duration) Claim {
		c.AsOf, c.Published = c.AsOf.Add(d), c.Published.Add(d)
		return c
	}
	atLeast := func(n float64) Interval { return Interval{Low: n, High: math.Inf(1)} }

	// what a decision says, as a test reads it: relation, other claimant,
	// the seqs of their claims and of my other claims.
	type want struct {
		rel          Relation
		other        string
		theirs, mine []uint64
		position     bool
		reason       string
	}
	tests := []struct {
		name  string
		c     Candidate
		cands []Candidate
		want  []want
	}{
		{
			name:  "two claimants apart beyond the tolerance: a conflict with the other's position as evidence",
			c:     cand(2, fig("Kyrylo Budanov (HUR)", "killed", "kursk", Point(1000))),
			cands: []Candidate{cand(1, fig("South Korea's NIS", "killed", "kursk", Point(300)))},
			want:  []want{{rel: Conflict, other: "South Korea's NIS", theirs: []uint64{1}, position: true, reason: "70% apart"}},
		},
		{
			name:  "within the tolerance: nothing",
			c:     cand(2, fig("Kyrylo Budanov (HUR)", "killed", "kursk", Point(1000))),
			cands: []Candidate{cand(1, fig("South Korea's NIS", "killed", "kursk", Point(950)))},
		},
		{
			name:  "the same claimant changing its figure later: a revision",
			c:     cand(2, later(fig("Kyrylo Budanov", "killed", "kursk", Point(1000)), time.Hour)),
			cands: []Candidate{cand(1, fig("Kyrylo Budanov (HUR)", "killed", "kursk", Point(300)))},
			want:  []want{{rel: Revision, reason: "same claimant changed its figure"}},
		},
		{
			name:  "an older statement of the same claimant coming in late revises nothing",
			c:     cand(2, later(fig("Kyrylo Budanov", "killed", "kursk", Point(300)), -time.Hour)),
			cands: []Candidate{cand(1, fig("Kyrylo Budanov", "killed", "kursk", Point(1000)))},
		},
		{
			name:  "two outlets quoting one claimant: corroboration, no decision",
			c:     cand(2, quoted(fig("Kyrylo Budanov", "killed", "kursk", Point(1000)), "Other Wire")),
			cands: []Candidate{cand(1, fig("Kyrylo Budanov", "killed", "kursk", Point(1000)))},
		},
		{
			name:  "different places: nothing",
			c:     cand(2, fig("Kyrylo Budanov", "killed", "kursk", Point(1000))),
			cands: []Candidate{cand(1, fig("South Korea's NIS", "killed", "donetsk", Point(300)))},
		},
		{
			name: "my part summed with my other part against their total",
			c:    cand(3, fig("South Korea's NIS", MeasureWounded, "kursk", Point(2700))),
			cands: []Candidate{
				cand(2, fig("Kyrylo Budanov", MeasureKilledOrWounded, "kursk", Point(1000))),
				cand(1, fig("South Korea's NIS", MeasureKilled, "kursk", Point(300))),
			},
			want: []want{{rel: Conflict, other: "Kyrylo Budanov", theirs: []uint64{2}, mine: []uint64{1}, position: true}},
		},
		{
			name: "my total against their parts, summed",
			c:    cand(3, fig("Kyrylo Budanov", MeasureKilledOrWounded, "kursk", Point(1000))),
			cands: []Candidate{
				cand(2, fig("South Korea's NIS", MeasureWounded, "kursk", Point(2700))),
				cand(1, fig("South Korea's NIS", MeasureKilled, "kursk", Point(300))),
			},
			want: []want{{rel: Conflict, other: "South Korea's NIS", theirs: []uint64{2, 1}}},
		},
		{
			name:  "opposite statuses of two claimants",
			c:     cand(2, status("Ukrainian intelligence", StatusAtFront, "kursk", Absent)),
			cands: []Candidate{cand(1, status("Russian MoD", StatusAtFront, "kursk", Present))},
			want:  []want{{rel: Conflict, other: "Russian MoD", theirs: []uint64{1}, position: true, reason: "opposite statuses"}},
		},
		{
			name:  "a toll that rose by evening, from another source: an update, not a conflict",
			c:     cand(2, reported(fig("Civil protection", "killed", "kursk", Point(24)), 10*time.Hour)),
			cands: []Candidate{cand(1, fig("Regional governor", "killed", "kursk", Point(5)))},
			want:  []want{{rel: Update, other: "Regional governor", theirs: []uint64{1}, reason: "rose from"}},
		},
		{
			name:  "two sources on the same moment: a conflict",
			c:     cand(2, reported(fig("Civil protection", "killed", "kursk", Point(24)), 2*time.Hour)),
			cands: []Candidate{cand(1, fig("Regional governor", "killed", "kursk", Point(5)))},
			want:  []want{{rel: Conflict, other: "Regional governor", theirs: []uint64{1}, position: true}},
		},
		{
			name:  "a later figure below an earlier one from another source: a conflict",
			c:     cand(2, reported(fig("Civil protection", "killed", "kursk", Point(5)), 48*time.Hour)),
			cands: []Candidate{cand(1, fig("Regional governor", "killed", "kursk", Point(24)))},
			want:  []want{{rel: Conflict, other: "Regional governor", theirs: []uint64{1}, position: true}},
		},
		{
			name:  "an older, lower figure arriving late still meets the newer one",
			c:     cand(2, fig("Regional governor", "killed", "kursk", Point(5))),
			cands: []Candidate{cand(1, reported(fig("Civil protection", "killed", "kursk", Point(24)), 48*time.Hour))},
			want:  []want{{rel: Conflict, other: "Civil protection", theirs: []uint64{1}, position: true}},
		},
		{
			name:  "a lower bound below a larger figure of another claimant: nothing",
			c:     cand(2, fig("Civil protection", "killed", "kursk", atLeast(300))),
			cands: []Candidate{cand(1, fig("Regional governor", "killed", "kursk", Point(600)))},
		},
		{
			name:  "two crowd counts of one day conflict",
			c:     cand(2, reported(fig("Union", "protesting", "paris", Point(500000)), 8*time.Hour)),
			cands: []Candidate{cand(1, fig("Police", "protesting", "paris", Point(87000)))},
			want:  []want{{rel: Conflict, other: "Police", theirs: []uint64{1}, position: true}},
		},
		{
			name:  "levels of two different days are not compared",
			c:     cand(2, reported(fig("Union", "protesting", "paris", Point(500000)), 72*time.Hour)),
			cands: []Candidate{cand(1, fig("Police", "protesting", "paris", Point(87000)))},
		},
		{
			name: "a revision comes before the conflicts the same claim takes part in",
			c:    cand(3, later(fig("Kyrylo Budanov", "killed", "kursk", Point(1000)), time.Hour)),
			cands: []Candidate{
				cand(2, fig("South Korea's NIS", "killed", "kursk", Point(300))),
				cand(1, fig("Kyrylo Budanov", "killed", "kursk", Point(300))),
			},
			want: []want{{rel: Revision}, {rel: Conflict, other: "South Korea's NIS", theirs: []uint64{2}, position: true}},
		},
	}
	seqs := func(cs []Candidate) []uint64 {
		var out []uint64
		for _, c := range cs {
			out = append(out, c.Seq)
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Judge(tt.c, tt.cands, DefaultRules())
			if len(got) != len(tt.want) {
				t.Fatalf("Judge made %d decisions, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				d := got[i]
				if d.Verdict.Relation != w.rel || d.Other != w.other {
					t.Errorf("decision %d: %s with %q, want %s with %q (%s)", i, d.Verdict.Relation, d.Other, w.rel, w.other, d.Verdict.Reason)
				}
				if g := seqs(d.Theirs); !slices.Equal(g, w.theirs) {
					t.Errorf("decision %d: their claims %v, want %v", i, g, w.theirs)
				}
				if g := seqs(d.Mine); !slices.Equal(g, w.mine) {
					t.Errorf("decision %d: my other claims %v, want %v", i, g, w.mine)
				}
				if (d.Position != nil) != w.position {
					t.Errorf("decision %d: position %v, want one: %v", i, d.Position, w.position)
				}
				if !strings.Contains(d.Verdict.Reason, w.reason) {
					t.Errorf("decision %d: reason %q, want it to say %q", i, d.Verdict.Reason, w.reason)
				}
			}
		})
	}
}

func TestPositions(t *testing.T) {
	k := func(party, place string) PositionKey {
		return PositionKey{Party: party, Measure: "killed", Place: place}
	}
	tests := []struct {
		name string
		keys []PositionKey
		want []int
	}{
		{"a party's newest claim hides its older one on the same place", []PositionKey{k("nis", "kursk"), k("nis", "kursk")}, []int{0}},
		{"a newer claim without a place speaks for every place", []PositionKey{k("nis", ""), k("nis", "kursk")}, []int{0}},
		{"claims on two places both stand", []PositionKey{k("nis", "kursk"), k("nis", "donetsk")}, []int{0, 1}},
		{"each party keeps its own position", []PositionKey{k("nis", "kursk"), k("hur", "kursk")}, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Positions(tt.keys); !slices.Equal(got, tt.want) {
				t.Errorf("Positions = %v, want %v", got, tt.want)
			}
		})
	}
}
