package claim

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"
	"time"
)

//go:embed data/tallies.yaml
var talliesYAML []byte

// measureMotion says, per measure, whether it is a tally or a level.
type measureMotion struct{ tallies, levels map[string]bool }

var loadMotion = sync.OnceValue(func() measureMotion {
	var d struct{ Tallies, Levels []string }
	if err := decodeStrict("data/tallies.yaml", talliesYAML, &d); err != nil {
		panic(err) // the embedded file is tested; a broken one is a build error
	}
	m := measureMotion{tallies: map[string]bool{}, levels: map[string]bool{}}
	for _, t := range d.Tallies {
		m.tallies[t] = true
	}
	for _, l := range d.Levels {
		m.levels[l] = true
	}
	return m
})

// IsTally reports whether a measure only grows while its event goes on.
func IsTally(measure string) bool { return loadMotion().tallies[measure] }

// IsLevel reports whether a measure goes up and down.
func IsLevel(measure string) bool { return loadMotion().levels[measure] }

// Moments. Two tallies within SameMoment are about the same moment, and
// disagree if apart; two levels are compared only within SameDay.
const (
	SameMoment = 6 * time.Hour
	SameDay    = 24 * time.Hour
)

// Candidate is a claim already recorded that a new claim may be judged
// against, with the sequence number that orders claims of one instant and
// names the claim to the store.
type Candidate struct {
	Claim
	Seq uint64
}

// Newer orders candidates by AsOf, then by the order they were recorded.
func (a Candidate) Newer(b Candidate) bool {
	if !a.AsOf.Equal(b.AsOf) {
		return a.AsOf.After(b.AsOf)
	}
	return a.Seq > b.Seq
}

// Decision is one thing a new claim does: take part in a conflict with
// another claimant, revise its own claimant's word, or update a developing
// tally another claimant gave earlier (Relation says which). The pair (the new claim and Theirs) is the evidence.
type Decision struct {
	Verdict Verdict
	Kind    Kind
	// Other is the opposing claimant of a conflict; Theirs are its claims
	// stating the position the new claim contradicts (a part's whole sum);
	// Mine are the new claimant's other claims that took part (the other
	// parts of a sum).
	Other        string
	Theirs, Mine []Candidate
	// Position, when set, is the other side's claim whose corroborators
	// (other outlets quoting it, see Corroborating) stand with it if the
	// conflict is new.
	Position *Candidate
}

// PositionKey is what the store knows of a candidate from its index alone:
// enough to tell which claims still speak for their claimant.
type PositionKey struct {
	Party, Measure, Place string
}

// Positions picks, from keys ordered newest first, those that are still
// their claimant's position: a party's newest claim on a measure, and older
// ones only where no newer claim speaks for their place (a claim without a
// place speaks for every place). An older figure its claimant has since
// revised is no longer that claimant's word. It returns the indexes kept,
// so the store decodes only those.
func Positions(keys []PositionKey) []int {
	var kept []int
	for i, k := range keys {
		superseded := slices.ContainsFunc(kept, func(j int) bool {
			o := keys[j]
			return o.Party == k.Party && o.Measure == k.Measure && PlacesMatch(o.Place, k.Place)
		})
		if !superseded {
			kept = append(kept, i)
		}
	}
	return kept
}

// Judge compares a new claim with each other claimant's position (cands,
// as Positions keeps them, newest first) on every related topic, with a
// claimant's parts summed before they meet a total. It returns the
// conflicts and revisions the claim takes part in, revisions first: a
// revision is the more telling note when the same claim also adds evidence
// to a conflict of its claimant.
func Judge(c Candidate, cands []Candidate, r Rules) []Decision {
	j := judgement{c: c, cands: cands, rules: r, party: Party(c.Claimant), parties: make([]string, len(cands))}
	for i := range cands {
		j.parties[i] = Party(cands[i].Claimant)
	}
	var out []Decision
	total, isPart := TotalOf(c.Measure)
	for i := range cands {
		pos := cands[i]
		switch {
		case isPart && pos.Measure == total:
			out = j.partAgainstTotal(out, i, total)
		case isPart && pos.Measure != c.Measure:
			// Another part: only meets a total through a sum.
		case PartsOf(c.Measure) != nil && pos.Measure != c.Measure:
			out = j.totalAgainstPart(out, i)
		default:
			out = j.same(out, &cands[i])
		}
	}
	slices.SortStableFunc(out, func(a, b Decision) int {
		return cmpBool(a.Verdict.Relation != Revision, b.Verdict.Relation != Revision)
	})
	return out
}

// Corroborating keeps the claims of group (claims of pos's claimant on its
// topic) that say what pos says: other outlets quoting it, who stand with
// it in a new conflict.
func Corroborating(pos Candidate, group []Candidate, r Rules) []Candidate {
	var out []Candidate
	for _, p := range group {
		if p.Seq != pos.Seq && Compare(pos.Claim, p.Claim, r).Relation == Corroboration {
			out = append(out, p)
		}
	}
	return out
}

// judgement is one Judge call.
type judgement struct {
	c     Candidate
	cands []Candidate
	rules Rules
	// party is c's claimant's party and parties the candidates', worked
	// out once: sums look them up for every candidate.
	party   string
	parties []string
}

// partAgainstTotal judges my part (summed with my other parts when I gave
// them all) against their total.
func (j judgement) partAgainstTotal(out []Decision, i int, total string) []Decision {
	pos := j.cands[i]
	if j.parties[i] == j.party {
		return out
	}
	mine := j.c.Claim
	var used []Candidate
	if s, u, ok := j.sumOf(total, j.c, j.party); ok {
		mine, used = s, u
	}
	v := Compare(mine, pos.Claim, j.rules)
	if v.Relation != Conflict {
		return out
	}
	p := pos
	return append(out, Decision{Verdict: v, Kind: Figure, Other: pos.Claimant, Theirs: []Candidate{pos}, Mine: used, Position: &p})
}

// totalAgainstPart judges their part against my total: summed with their
// other parts when they gave them all, once per claimant and part set,
// from the latest part.
func (j judgement) totalAgainstPart(out []Decision, i int) []Decision {
	pos := j.cands[i]
	if j.parties[i] == j.party {
		return out
	}
	theirs := pos.Claim
	used := []Candidate{pos}
	if s, u, ok := j.sumOf(j.c.Measure, pos, j.parties[i]); ok {
		if !lastOfParts(pos, u) {
			return out
		}
		theirs, used = s, append(used, u...)
	}
	v := Compare(j.c.Claim, theirs, j.rules)
	if v.Relation != Conflict {
		return out
	}
	return append(out, Decision{Verdict: v, Kind: Figure, Other: pos.Claimant, Theirs: used})
}

// same judges two claims on one measure, or a figure against the status it
// implies.
func (j judgement) same(out []Decision, pos *Candidate) []Decision {
	v := Compare(j.c.Claim, pos.Claim, j.rules)
	kind := kindOf(j.c.Claim, pos.Claim)
	switch v.Relation {
	case Conflict:
		if m, ok := developing(j.c, *pos); ok {
			v.Relation, v.Reason = m.rel, m.why
			if m.rel == Update {
				return append(out, Decision{Verdict: v, Kind: kind, Other: pos.Claimant, Theirs: []Candidate{*pos}})
			}
			return out
		}
		return append(out, Decision{Verdict: v, Kind: kind, Other: pos.Claimant, Theirs: []Candidate{*pos}, Position: pos})
	case Revision:
		if !j.c.Newer(*pos) {
			return out // an older statement coming in late revises nothing
		}
		return append(out, Decision{Verdict: v, Kind: kind})
	}
	return out
}

type motion struct {
	rel Relation
	why string
}

// developing tells a disagreement of two figures on one measure that time
// explains: a tally that rose between two moments (an update), or two
// levels of different days (nothing). ok is false when the two conflict:
// tallies of the same moment, a later tally below an earlier one, levels
// of the same day.
func developing(a, b Candidate) (motion, bool) {
	if a.Kind != Figure || b.Kind != Figure || a.Measure != b.Measure {
		return motion{}, false
	}
	// Two figures of one report are of one moment, whatever times they
	// name: the reporter set them side by side.
	gap := min(a.AsOf.Sub(b.AsOf).Abs(), a.Published.Sub(b.Published).Abs())
	switch {
	case IsTally(a.Measure) && gap > SameMoment && a.AsOf.After(b.AsOf):
		// Only a new report can bring the story on: an older, lower
		// figure coming in late is still judged against the newer one.
		if Gap(b.Value, a.Value) > 0 && a.Value.Low >= b.Value.High {
			return motion{Update, fmt.Sprintf("the %s rose from %s to %s as the event went on", a.Measure, b.valueWords(), a.valueWords())}, true
		}
	case IsLevel(a.Measure) && gap > SameDay:
		return motion{None, fmt.Sprintf("levels of %s %s apart are not the same moment", a.Measure, days(gap))}, true
	}
	return motion{}, false
}

// lastPart is a claimant's latest position on a part measure whose place
// fits place.
func (j judgement) lastPart(party, measure, place string) (Candidate, bool) {
	var best Candidate
	found := false
	for i, p := range j.cands {
		if j.parties[i] == party && p.Measure == measure && PlacesMatch(place, p.Place) && (!found || p.Newer(best)) {
			best, found = p, true
		}
	}
	return best, found
}

// sumOf completes a claimant's parts into a total, with anchor (of party)
// as one of them.
func (j judgement) sumOf(total string, anchor Candidate, party string) (Claim, []Candidate, bool) {
	parts := []Claim{anchor.Claim}
	var used []Candidate
	for _, m := range PartsOf(total) {
		if m == anchor.Measure {
			continue
		}
		p, ok := j.lastPart(party, m, anchor.Place)
		if !ok {
			return Claim{}, nil, false
		}
		parts = append(parts, p.Claim)
		used = append(used, p)
	}
	s, ok := Sum(total, parts...)
	return s, used, ok
}

func kindOf(a, b Claim) Kind {
	if a.Kind == Status || b.Kind == Status {
		return Status
	}
	return Figure
}

// lastOfParts reports whether pos is the newest of the parts of its sum, so
// a sum is judged once, not once per part.
func lastOfParts(pos Candidate, others []Candidate) bool {
	for _, o := range others {
		if o.Newer(pos) {
			return false
		}
	}
	return true
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
