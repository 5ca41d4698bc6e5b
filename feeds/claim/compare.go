package claim

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Relation is what one claim is to another.
type Relation uint8

const (
	// None: the claims do not bear on each other, or they agree while
	// coming from different claimants.
	None Relation = iota
	// Conflict: two claimants disagree beyond the tolerance.
	Conflict
	// Revision: one claimant changed its figure or its status.
	Revision
	// Corroboration: the same claimant says the same thing again, usually
	// quoted by another outlet.
	Corroboration
	// Update: a tally of a developing event rose as time passed; noted in
	// the thread of an open conflict, never an alert of its own (Judge).
	Update
)

func (r Relation) String() string {
	switch r {
	case None:
		return "none"
	case Conflict:
		return "conflict"
	case Revision:
		return "revision"
	case Corroboration:
		return "corroboration"
	case Update:
		return "update"
	}
	return fmt.Sprintf("relation(%d)", uint8(r))
}

// Rules are the knobs of Compare.
type Rules struct {
	// Tolerance is the relative gap two figures may have before they
	// conflict: the distance between the facing bounds over the larger of
	// them. 0.10 by default.
	Tolerance float64
	// Window is how far apart in time (AsOf) two claims may be and still be
	// about the same state of the world. 14 days by default.
	Window time.Duration
}

// DefaultRules are the rules of DESIGN.md: 10% tolerance, 14-day window.
func DefaultRules() Rules {
	return Rules{Tolerance: 0.10, Window: 14 * 24 * time.Hour}
}

// WithDefaults fills unset (zero or negative) fields from DefaultRules.
func (r Rules) WithDefaults() Rules {
	d := DefaultRules()
	if r.Tolerance <= 0 || math.IsNaN(r.Tolerance) {
		r.Tolerance = d.Tolerance
	}
	if r.Window <= 0 {
		r.Window = d.Window
	}
	return r
}

// Verdict is the outcome of Compare.
type Verdict struct {
	Relation Relation
	// Severity is 0..1: the relative gap between two figures, 1 for
	// opposite statuses, 0 when nothing is wrong.
	Severity float64
	// Topic is the topic key the verdict is about: the shared topic, the
	// total when a part is compared with it, the status when a figure
	// implies one. The place is the more specific of the two.
	Topic string
	// Reason says which rule decided, for editors and for debugging.
	Reason string
}

// Measures that sum into a total. The ledger adds a claimant's parts before
// comparing them with another claimant's total.
const (
	MeasureKilled          = "killed"
	MeasureWounded         = "wounded"
	MeasureKilledOrWounded = "killed or wounded"
	MeasureFighting        = "fighting"
	StatusAtFront          = "at the front"
)

// PartsOf returns the measures that add up to total, or nil when total is
// not a sum of parts.
func PartsOf(total string) []string {
	if total == MeasureKilledOrWounded {
		return []string{MeasureKilled, MeasureWounded}
	}
	return nil
}

// TotalOf returns the total that measure is a part of.
func TotalOf(measure string) (string, bool) {
	switch measure {
	case MeasureKilled, MeasureWounded:
		return MeasureKilledOrWounded, true
	}
	return "", false
}

// impliedStatusMeasure is the status a figure on measure speaks to:
// soldiers "still fighting" in a place are present "at the front" there.
func impliedStatusMeasure(measure string) (string, bool) {
	if measure == MeasureFighting {
		return StatusAtFront, true
	}
	return "", false
}

// ImpliedStatus turns a figure into the status claim it implies (8,000
// still fighting: present at the front; none still fighting: absent). ok is
// false when the figure implies no status or the interval straddles zero
// and so says neither.
func ImpliedStatus(c Claim) (Claim, bool) {
	if c.Kind != Figure {
		return Claim{}, false
	}
	m, ok := impliedStatusMeasure(c.Measure)
	if !ok {
		return Claim{}, false
	}
	s := c
	s.Kind = Status
	s.Measure = m
	s.Value = Interval{}
	switch {
	case c.Value.Low > 0 || (c.Value.Low == 0 && c.Value.LowOpen):
		s.Polarity = Present
	case c.Value.High == 0:
		s.Polarity = Absent
	default:
		return Claim{}, false
	}
	return s, true
}

// RelatedMeasures lists every measure the ledger must look up to judge a
// claim on measure, itself first: the total of a part and the other parts,
// the parts of a total, the status a figure implies and the figures that
// imply a status.
func RelatedMeasures(measure string) []string {
	out := []string{measure}
	if t, ok := TotalOf(measure); ok {
		out = append(out, t)
		for _, p := range PartsOf(t) {
			if p != measure {
				out = append(out, p)
			}
		}
	}
	out = append(out, PartsOf(measure)...)
	if s, ok := impliedStatusMeasure(measure); ok {
		out = append(out, s)
	}
	if measure == StatusAtFront {
		out = append(out, MeasureFighting)
	}
	return out
}

// MediaReports is the claimant of reports attributed to the press at
// large; Extract names the outlets when the text does:
// "media reports (The New York Times, Yonhap)".
const MediaReports = "media reports"

// Party is who a claimant stands for when claims are judged: its name
// without the parenthesised role or sources the extractor keeps for
// display, case-folded, spaces collapsed. "Kyrylo Budanov (HUR)" and
// "Kyrylo Budanov" read in two articles are one person, whose changed
// figure is a revision, not a conflict with himself; and every "media
// reports (…)" is one party with bare "media reports": an article that
// denies "media reports" answers the same reports another article names
// the outlets of, so the two must not make two disputes, nor may the press
// be said to contradict itself. The ledger keys revisions, corroboration
// and conflict IDs by Party and keeps the full claimant for display.
func Party(claimant string) string {
	name, _ := SplitRole(claimant)
	if strings.Contains(name, "  ") || strings.ContainsAny(name, "\t\n\r\v\f") {
		name = strings.Join(strings.Fields(name), " ")
	}
	return strings.ToLower(name)
}

// SplitRole splits a claimant into its name and the parenthesised role or
// sources at its end: "Kyrylo Budanov (HUR)" is "Kyrylo Budanov" and "HUR";
// "media reports (The New York Times, Yonhap)" is "media reports" and the
// outlets. A claimant without one is all name; one that is nothing but a
// parenthesis keeps it as its name.
func SplitRole(claimant string) (name, role string) {
	s := strings.TrimSpace(claimant)
	if !strings.HasSuffix(s, ")") {
		return s, ""
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				name = strings.TrimSpace(s[:i])
				if name == "" {
					return s, ""
				}
				return name, strings.TrimSpace(s[i+1 : len(s)-1])
			}
		}
	}
	return s, ""
}

// PlacesMatch reports whether two places can be about the same thing: equal,
// or one of them unnamed.
func PlacesMatch(a, b string) bool { return a == "" || b == "" || a == b }

// Sum adds parts ("300 killed", "nearly 2,700 wounded") into one claim on
// total, so a claimant's parts can be compared with another's total. Every
// part of total must be there once, all figures by the same party on
// the same subject and on places that match. The sum carries the latest
// part's outlet, URL and dates and all the parts' sentences.
func Sum(total string, parts ...Claim) (Claim, bool) {
	want := PartsOf(total)
	if len(want) == 0 || len(parts) != len(want) {
		return Claim{}, false
	}
	seen := make([]bool, len(want))
	texts := make([]string, len(want))
	var s Claim
	var sentences []string
	for i, p := range parts {
		if p.Kind != Figure || !p.Value.Valid() {
			return Claim{}, false
		}
		idx := -1
		for j, m := range want {
			if m == p.Measure && !seen[j] {
				idx = j
			}
		}
		if idx < 0 {
			return Claim{}, false
		}
		seen[idx] = true
		if i == 0 {
			s = p
			s.Measure = total
			s.Value = Interval{}
		} else {
			if p.Subject != s.Subject || Party(p.Claimant) != Party(s.Claimant) || !PlacesMatch(p.Place, s.Place) {
				return Claim{}, false
			}
			if s.Place == "" {
				s.Place = p.Place
			}
			if p.AsOf.After(s.AsOf) || (p.AsOf.Equal(s.AsOf) && p.Published.After(s.Published)) {
				s.Outlet, s.URL, s.Published, s.AsOf = p.Outlet, p.URL, p.Published, p.AsOf
			}
		}
		s.Value.Low += p.Value.Low
		s.Value.High += p.Value.High
		s.Value.LowOpen = s.Value.LowOpen || p.Value.LowOpen
		s.Value.HighOpen = s.Value.HighOpen || p.Value.HighOpen
		vt := p.ValueText
		if vt == "" {
			vt = p.Value.String()
		}
		texts[idx] = vt + " " + p.Measure
		if p.Sentence != "" && (len(sentences) == 0 || sentences[len(sentences)-1] != p.Sentence) {
			sentences = append(sentences, p.Sentence)
		}
	}
	s.ValueText = strings.Join(texts, " + ")
	s.Sentence = strings.Join(sentences, " … ")
	s.Start, s.End = 0, 0
	return s, true
}

// Compare judges claim a against claim b by the rules of DESIGN.md ("When
// two claims conflict"). It is symmetric in the relation and severity.
func Compare(a, b Claim, r Rules) Verdict {
	r = r.WithDefaults()
	if a.Validate() != nil || b.Validate() != nil {
		return Verdict{Reason: "invalid claim"}
	}
	if a.Subject != b.Subject {
		return Verdict{Reason: "different subjects"}
	}
	if !PlacesMatch(a.Place, b.Place) {
		return Verdict{Reason: fmt.Sprintf("different places (%s, %s)", a.Place, b.Place)}
	}
	if d := a.AsOf.Sub(b.AsOf).Abs(); d > r.Window {
		return Verdict{Reason: fmt.Sprintf("%s apart, outside the %s window", days(d), days(r.Window))}
	}
	place := a.Place
	if place == "" {
		place = b.Place
	}
	same := Party(a.Claimant) == Party(b.Claimant)
	switch {
	case a.Measure == b.Measure && a.Kind == Figure && b.Kind == Figure:
		return compareFigures(a.Value, b.Value, same, TopicKey(a.Subject, a.Measure, place), r, a.valueWords(), b.valueWords())
	case a.Measure == b.Measure && a.Kind == Status && b.Kind == Status:
		return compareStatus(a, b, same, TopicKey(a.Subject, a.Measure, place))
	case a.Kind == Figure && b.Kind == Status, a.Kind == Status && b.Kind == Figure:
		f, s := a, b
		if a.Kind == Status {
			f, s = b, a
		}
		implied, ok := ImpliedStatus(f)
		if !ok || implied.Measure != s.Measure || same {
			// A claimant's figure and its own status are different
			// statements, not a revision of one another.
			return Verdict{Reason: "unrelated measures"}
		}
		v := compareStatus(implied, s, false, TopicKey(s.Subject, s.Measure, place))
		if v.Relation == Conflict {
			v.Reason = fmt.Sprintf("%s %s implies %s %s, against %s", f.valueWords(), f.Measure, implied.Polarity, s.Measure, s.Polarity)
		}
		return v
	case a.Kind == Figure && b.Kind == Figure:
		part, total := a, b
		if t, ok := TotalOf(b.Measure); ok && t == a.Measure {
			part, total = b, a
		}
		if t, ok := TotalOf(part.Measure); !ok || t != total.Measure || same {
			return Verdict{Reason: "unrelated measures"}
		}
		// A part alone only bounds the total from below: 300 killed says
		// nothing about how many were wounded.
		lower := Interval{Low: part.Value.Low, LowOpen: part.Value.LowOpen, High: math.Inf(1)}
		why := fmt.Sprintf("%s %s alone", part.valueWords(), part.Measure)
		return compareFigures(lower, total.Value, false, TopicKey(total.Subject, total.Measure, place), r, why, total.valueWords())
	}
	return Verdict{Reason: "unrelated measures"}
}

// compareFigures judges intervals x and y; wx and wy are how the reason
// names them.
func compareFigures(x, y Interval, same bool, topic string, r Rules, wx, wy string) Verdict {
	g := Gap(x, y)
	v := Verdict{Topic: topic, Severity: g}
	switch {
	case same && g > 0:
		v.Relation = Revision
		v.Reason = fmt.Sprintf("same claimant changed its figure: %s then %s", wx, wy)
	case same:
		v.Relation = Corroboration
		v.Severity = 0
		v.Reason = fmt.Sprintf("same claimant, consistent figures: %s and %s", wx, wy)
	case g > r.Tolerance:
		v.Relation = Conflict
		v.Reason = fmt.Sprintf("%s against %s: %s apart, tolerance %s", wx, wy, percent(g), percent(r.Tolerance))
	default:
		v.Severity = 0
		v.Reason = fmt.Sprintf("%s and %s: %s apart, within tolerance %s", wx, wy, percent(g), percent(r.Tolerance))
	}
	return v
}

func compareStatus(a, b Claim, same bool, topic string) Verdict {
	v := Verdict{Topic: topic}
	switch {
	case a.Polarity != b.Polarity && same:
		v.Relation, v.Severity = Revision, 1
		v.Reason = fmt.Sprintf("same claimant changed its status: %s then %s", a.Polarity, b.Polarity)
	case a.Polarity != b.Polarity:
		v.Relation, v.Severity = Conflict, 1
		v.Reason = fmt.Sprintf("opposite statuses: %s against %s %s", a.Polarity, b.Polarity, a.Measure)
	case same:
		v.Relation = Corroboration
		v.Reason = "same claimant, same status"
	default:
		v.Reason = "same status"
	}
	return v
}

// Gap is how far apart two intervals are: the distance between their
// facing bounds over the larger of those bounds, 0 when they overlap or
// touch. (3,000, ∞) against [990, 1,210] is 1,790/3,000 ≈ 0.6.
func Gap(x, y Interval) float64 {
	if y.High < x.Low {
		x, y = y, x
	}
	if !(x.High < y.Low) {
		return 0
	}
	return (y.Low - x.High) / y.Low
}

// valueWords names a figure in a reason: "about 11 000 [9,900, 12,100]".
func (c Claim) valueWords() string {
	if c.ValueText != "" {
		return c.ValueText + " " + c.Value.String()
	}
	return c.Value.String()
}

func percent(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f*100), "0"), ".") + "%"
}

func days(d time.Duration) string {
	n := d.Hours() / 24
	if n == math.Trunc(n) {
		return fmt.Sprintf("%.0f days", n)
	}
	return fmt.Sprintf("%.1f days", n)
}
