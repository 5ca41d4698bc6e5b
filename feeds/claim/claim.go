package claim

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Kind tells a figure ("8 000 still fighting") from a status claim
// ("have not been seen at the front").
type Kind uint8

const (
	Figure Kind = iota + 1
	Status
)

func (k Kind) String() string {
	switch k {
	case Figure:
		return "figure"
	case Status:
		return "status"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Polarity is the truth value of a status claim.
type Polarity int8

const (
	Absent  Polarity = -1
	Present Polarity = 1
)

func (p Polarity) String() string {
	switch p {
	case Present:
		return "present"
	case Absent:
		return "absent"
	}
	return ""
}

// Interval is the set of values a hedged figure allows. An unbounded end is
// ±Inf; LowOpen and HighOpen mark ends that are excluded ("more than 3 000"
// is (3000, +Inf)).
type Interval struct {
	Low, High         float64
	LowOpen, HighOpen bool
}

// Point is the exact interval [n, n].
func Point(n float64) Interval { return Interval{Low: n, High: n} }

// Valid reports whether the interval can be stored and compared: no NaN, no
// negative bound, and Low not above High.
func (iv Interval) Valid() bool {
	if math.IsNaN(iv.Low) || math.IsNaN(iv.High) || iv.Low < 0 || iv.High < 0 {
		return false
	}
	if math.IsInf(iv.Low, 0) {
		return false
	}
	return iv.Low <= iv.High
}

// Bounded reports whether the upper end is finite.
func (iv Interval) Bounded() bool { return !math.IsInf(iv.High, 1) }

func (iv Interval) String() string {
	lb, rb := "[", "]"
	if iv.LowOpen {
		lb = "("
	}
	if iv.HighOpen || !iv.Bounded() {
		rb = ")"
	}
	hi := "∞"
	if iv.Bounded() {
		hi = FormatNumber(iv.High)
	}
	return lb + FormatNumber(iv.Low) + ", " + hi + rb
}

// FormatNumber writes n the way a wire editor reads it: 12,100 or 2.5.
func FormatNumber(n float64) string {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		return fmt.Sprint(n)
	}
	if n != math.Trunc(n) || math.Abs(n) >= 1e15 {
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", n), "0"), ".")
	}
	s := fmt.Sprintf("%d", int64(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Claim is one checkable statement with its evidence.
type Claim struct {
	Kind Kind

	// Subject is what is counted or described, canonical
	// ("north korean soldiers").
	Subject string
	// Measure is what happened to the subject ("killed", "deployed",
	// "fighting") or, for a status claim, the status ("at the front").
	Measure string
	// Place is canonical ("kursk"); empty when the text names none, in which
	// case the claim matches claims on any place.
	Place string

	// Value is set for figures; ValueText holds the words it came from
	// ("nearly 2 700").
	Value     Interval
	ValueText string
	// Polarity is set for status claims.
	Polarity Polarity

	// Claimant is who asserts the claim, canonical
	// ("Kyrylo Budanov (HUR)"); the outlet itself when nobody is quoted.
	Claimant string

	Outlet    string
	URL       string
	Published time.Time
	// AsOf is the time the claim is about; Published when the text says
	// nothing more precise.
	AsOf time.Time

	// Sentence is the evidence; Start and End are its byte offsets in the
	// article's plain text (see Plain).
	Sentence   string
	Start, End int
}

// Topic is the ledger's index key: subject | measure | place.
func (c Claim) Topic() string { return TopicKey(c.Subject, c.Measure, c.Place) }

// TopicKey builds the topic key from its parts.
func TopicKey(subject, measure, place string) string {
	return subject + " | " + measure + " | " + place
}

// Validate refuses a claim that must not reach the ledger: a figure whose
// value is NaN, infinite at the low end, negative or inverted, a status
// without polarity, or one missing its subject, measure or claimant.
func (c Claim) Validate() error {
	switch {
	case c.Subject == "" || c.Measure == "":
		return fmt.Errorf("claim: missing subject or measure in %q", c.Sentence)
	case c.Claimant == "":
		return fmt.Errorf("claim: missing claimant in %q", c.Sentence)
	}
	switch c.Kind {
	case Figure:
		if !c.Value.Valid() {
			return fmt.Errorf("claim: invalid value %v for %s", c.Value, c.Topic())
		}
	case Status:
		if c.Polarity != Present && c.Polarity != Absent {
			return fmt.Errorf("claim: status %s without polarity", c.Topic())
		}
	default:
		return fmt.Errorf("claim: unknown kind %d", c.Kind)
	}
	return nil
}

// ValueString renders the figure or the status as an editor reads it:
// "8 000", "Twenty-three (23)", "nearly 2 700 [2,430, 2,700]" or
// "not at the front". The interval is shown only where the words alone
// hide how they were read.
func (c Claim) ValueString() string {
	if c.Kind == Status {
		if c.Polarity == Absent {
			return "not " + c.Measure
		}
		return c.Measure
	}
	switch {
	case c.ValueText == "":
		return c.Value.String()
	case c.Value.Low != c.Value.High:
		return c.ValueText + " " + c.Value.String()
	case strings.ContainsAny(c.ValueText, "0123456789"):
		return c.ValueText
	}
	return c.ValueText + " (" + FormatNumber(c.Value.Low) + ")"
}
