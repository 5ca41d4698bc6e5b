package claim

import (
	"fmt"
	"math"
)

// HedgeKind is how a hedge word bends a figure N into an interval.
type HedgeKind uint8

const (
	// HedgeExact keeps N as [N, N] ("exactly 300", "equal to 20").
	HedgeExact HedgeKind = iota + 1
	// HedgeAbout widens N to [AboutLow·N, AboutHigh·N] ("about", "some").
	HedgeAbout
	// HedgeNearly gives [NearlyLow·N, N] ("nearly", "almost").
	HedgeNearly
	// HedgeOver gives (N, ∞) ("more than", "over").
	HedgeOver
	// HedgeAtLeast gives [N, ∞) ("at least", "N or more").
	HedgeAtLeast
	// HedgeUpTo gives [0, N] ("up to", "as many as").
	HedgeUpTo
	// HedgeUnder gives [0, N) ("fewer than", "under").
	HedgeUnder
)

// HedgePhrase is one hedge: its words (lower case, single spaces; a word
// ending in "." must be written with its dot) and what it does. A Suffix
// phrase follows the figure ("300 or more"); the others precede it.
type HedgePhrase struct {
	Words  string
	Kind   HedgeKind
	Suffix bool
}

// Hedges holds the parameters of DESIGN's hedge table. A desk can change
// the factors, the vague amounts and the phrase list in its configuration;
// DefaultHedges gives the table as designed.
type Hedges struct {
	// AboutLow and AboutHigh bound "about N": [AboutLow·N, AboutHigh·N].
	AboutLow, AboutHigh float64
	// NearlyLow bounds "nearly N": [NearlyLow·N, N].
	NearlyLow float64

	// Vague amounts. Larger plurals are scaled from these: "tens of
	// thousands" is Thousands·10, "hundreds of thousands" Hundreds·1000,
	// "millions" Thousands·1000, "several thousand" SeveralHundred·10.
	Dozens, Hundreds, SeveralHundred, Thousands Interval

	// Phrases are matched longest first, case-insensitively, across any
	// run of spaces.
	Phrases []HedgePhrase
}

// DefaultHedges returns DESIGN's hedge table.
func DefaultHedges() Hedges {
	return Hedges{
		AboutLow:       0.9,
		AboutHigh:      1.1,
		NearlyLow:      0.9,
		Dozens:         Interval{Low: 24, High: 99},
		Hundreds:       Interval{Low: 200, High: 999},
		SeveralHundred: Interval{Low: 200, High: 900},
		Thousands:      Interval{Low: 2000, High: 9999},
		Phrases:        defaultPhrases(),
	}
}

func defaultPhrases() []HedgePhrase {
	p := func(kind HedgeKind, words ...string) []HedgePhrase {
		out := make([]HedgePhrase, len(words))
		for i, w := range words {
			out[i] = HedgePhrase{Words: w, Kind: kind}
		}
		return out
	}
	s := func(kind HedgeKind, words ...string) []HedgePhrase {
		out := p(kind, words...)
		for i := range out {
			out[i].Suffix = true
		}
		return out
	}
	var all []HedgePhrase
	for _, g := range [][]HedgePhrase{
		p(HedgeExact, "exactly", "precisely", "equal to", "equals", "equals to", "equaling to",
			"equalling", "equaling", "a total of"),
		p(HedgeAbout, "about", "around", "approximately", "approx.", "some", "roughly",
			"an estimated", "estimated", "circa", "ca.", "more or less", "in the region of",
			"on the order of", "an approximate", "give or take"),
		p(HedgeNearly, "nearly", "almost", "close to", "just under", "just shy of", "not quite",
			"just below", "just short of", "short of"),
		p(HedgeOver, "more than", "over", "above", "exceeded", "exceed", "exceeds", "exceeding",
			"upwards of", "upward of", "greater than", "larger than", "bigger than", "higher than",
			"surpass", "surpassed", "surpasses", "surpassing", "in excess of", "well over",
			"just over", "just above", "well above", "topped", "tops", "top"),
		p(HedgeAtLeast, "at least", "no fewer than", "no less than", "not less than",
			"not fewer than", "a minimum of", "at minimum", "at a minimum",
			"greater than or equal to", "more than or equal to", "equal to or more than",
			"equal to or greater than", "at least or equal to", "bigger or equal than",
			"higher or equal than", "larger or equal than", "greater or equal than",
			"more or equal than", "no fewer", "as few as"),
		p(HedgeUpTo, "up to", "as many as", "no more than", "not more than", "at most",
			"a maximum of", "at maximum", "at the most", "less than or equal to",
			"fewer than or equal to", "equal to or less than", "equal to or fewer than",
			"smaller or equal than", "less or equal than", "lower or equal than",
			"smaller than or equal to", "lower than or equal to", "no greater than"),
		p(HedgeUnder, "fewer than", "less than", "under", "below", "smaller than", "lower than",
			"well under", "well below"),
		s(HedgeAtLeast, "or more", "or above", "or greater", "or higher", "or over",
			"and more", "and above", "and over", "or greater than", "or more than", "plus"),
		s(HedgeUpTo, "or less", "or fewer", "or lower", "or below", "or under", "and less",
			"and fewer", "and below", "and under"),
		s(HedgeAbout, "or so"),
	} {
		all = append(all, g...)
	}
	return all
}

// apply bends [lo, hi] by the hedge. The interval is built once here so
// that every caller shares the same rounding.
func (h *Hedges) apply(kind HedgeKind, lo, hi float64) Interval {
	inf := math.Inf(1)
	switch kind {
	case HedgeAbout:
		return Interval{Low: tidyFloat(lo * h.AboutLow), High: tidyFloat(hi * h.AboutHigh)}
	case HedgeNearly:
		return Interval{Low: tidyFloat(lo * h.NearlyLow), High: hi}
	case HedgeOver:
		return Interval{Low: lo, High: inf, LowOpen: true}
	case HedgeAtLeast:
		return Interval{Low: lo, High: inf}
	case HedgeUpTo:
		return Interval{Low: 0, High: hi}
	case HedgeUnder:
		return Interval{Low: 0, High: hi, HighOpen: true}
	}
	return Interval{Low: lo, High: hi}
}

// tidyFloat removes the binary noise a factor such as 0.9 leaves behind, so that
// "nearly 2 700" is exactly 2430, as an editor would write it.
func tidyFloat(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) || v == 0 {
		return v
	}
	a := math.Abs(v)
	if a >= 1e12 {
		return math.Round(v)
	}
	r := math.Round(v*1e6) / 1e6
	return r
}

// Validate refuses a configuration that would bend figures out of shape:
// "about N" must contain N, and each vague amount must be a finite interval.
func (h Hedges) Validate() error {
	switch {
	case !(h.AboutLow > 0 && h.AboutLow <= 1):
		return fmt.Errorf("claim: hedges: about_low %v not in (0, 1]", h.AboutLow)
	case !(h.AboutHigh >= 1 && h.AboutHigh < 100):
		return fmt.Errorf("claim: hedges: about_high %v not in [1, 100)", h.AboutHigh)
	case !(h.NearlyLow > 0 && h.NearlyLow <= 1):
		return fmt.Errorf("claim: hedges: nearly_low %v not in (0, 1]", h.NearlyLow)
	}
	for _, v := range [...]struct {
		name string
		iv   Interval
	}{{"dozens", h.Dozens}, {"hundreds", h.Hundreds}, {"several_hundred", h.SeveralHundred}, {"thousands", h.Thousands}} {
		if !v.iv.Valid() || !v.iv.Bounded() {
			return fmt.Errorf("claim: hedges: %s %v is not a finite interval", v.name, v.iv)
		}
	}
	for _, p := range h.Phrases {
		if p.Words == "" || p.Kind < HedgeExact || p.Kind > HedgeUnder {
			return fmt.Errorf("claim: hedges: phrase %q has no words or an unknown kind %d", p.Words, p.Kind)
		}
	}
	return nil
}

// prefixHedge finds the longest hedge phrase that ends right before pos
// ("more than 300", "an estimated 11 000"); it returns its kind and start,
// or pos when there is none.
func (sc *numScanner) prefixHedge(pw *nearWords, pos int) (HedgeKind, int) {
	s := sc.s
	if pw.n == 0 || !sc.before.has(pw.text(s, 0)) {
		return HedgeExact, pos
	}
	best, bestStart, bestLen := HedgeExact, pos, 0
	key := uint16(filterKey(pw.text(s, 0)))
	for i, p := range sc.h.Phrases {
		if p.Suffix || len(p.Words) <= bestLen || i < len(sc.keys) && sc.keys[i] != key {
			continue
		}
		if st, ok := matchBack(s, pw, p.Words); ok {
			best, bestStart, bestLen = p.Kind, st, len(p.Words)
		}
	}
	return best, bestStart
}

// matchBack matches phrase against the words before a number, last word
// first.
func matchBack(s string, pw *nearWords, phrase string) (int, bool) {
	k := 0
	e := len(phrase)
	for e > 0 {
		b := e
		for b > 0 && phrase[b-1] != ' ' {
			b--
		}
		if k >= pw.n {
			return 0, false
		}
		w := phrase[b:e]
		dot := false
		if w[len(w)-1] == '.' {
			dot = true
			w = w[:len(w)-1]
		}
		if pw.w[k].dot != dot || !foldEq(s[pw.w[k].start:pw.w[k].end], w) {
			return 0, false
		}
		k++
		e = b - 1
	}
	return pw.w[k-1].start, true
}

// suffixHedge finds a hedge after a number: "300 or more", "5,000+",
// "5,000-plus", and "or equal (to)", which closes an open bound ("more than
// 5000 or equal to"). It returns end unchanged when there is none.
func (sc *numScanner) suffixHedge(end int) (HedgeKind, int, bool) {
	s := sc.s
	if end < len(s) && s[end] == '+' && !(end+1 < len(s) && digitByte(s[end+1])) {
		return HedgeAtLeast, end + 1, false
	}
	if foldPrefixAt(s, end, "-plus") && !letterRuneAt(s, end+5) {
		return HedgeAtLeast, end + 5, false
	}
	nw := wordsAfter(s, end)
	if nw.n == 0 || !sc.after.has(nw.text(s, 0)) {
		return HedgeExact, end, false
	}
	best, bestEnd, bestLen := HedgeExact, end, 0
	key := uint16(filterKey(nw.text(s, 0)))
	for i, p := range sc.h.Phrases {
		if !p.Suffix || len(p.Words) <= bestLen || i < len(sc.keys) && sc.keys[i] != key {
			continue
		}
		if e, ok := matchFwd(s, &nw, p.Words); ok && !numberFollows(s, e) && !hedgeFollows(s, e) {
			best, bestEnd, bestLen = p.Kind, e, len(p.Words)
		}
	}
	{
		for _, ph := range [...]string{"or equal to", "or equal", "or equals", "and equal to"} {
			if e, ok := matchFwd(s, &nw, ph); ok && !numberFollows(s, e) && !(ph == "or equal" && hedgeFollows(s, e)) && e > bestEnd {
				if bestLen > 0 {
					return best, e, true
				}
				return HedgeExact, e, true
			}
		}
	}
	return best, bestEnd, false
}

// matchFwd matches phrase against the words after a number, first word
// first; it returns the end of the last.
func matchFwd(s string, nw *nearWords, phrase string) (int, bool) {
	k := 0
	b := 0
	for b < len(phrase) {
		e := b
		for e < len(phrase) && phrase[e] != ' ' {
			e++
		}
		if k >= nw.n {
			return 0, false
		}
		w := phrase[b:e]
		if !foldEq(s[nw.w[k].start:nw.w[k].end], w) {
			return 0, false
		}
		if nw.w[k].dot && e < len(phrase) {
			return 0, false
		}
		k++
		b = e + 1
	}
	return nw.w[k-1].end, true
}

// numberFollows reports a number right after p: "or more than 4500" is a
// second figure, not a suffix.
func numberFollows(s string, p int) bool {
	q := p
	for k := 0; k < 4; k++ {
		n := hSpace(s, q)
		if n == 0 {
			break
		}
		q += n
	}
	if q == p || q >= len(s) {
		return false
	}
	if digitByte(s[q]) {
		return true
	}
	if alphaByte(s[q]) {
		k, _, _ := lookupWord(s[q:alphaRunEnd(s, q)])
		return k == wUnit || k == wTeen || k == wTens || k == wA
	}
	return false
}

// hedgeFollows reports a word that carries on into the next figure's own
// hedge: in "more than 20 and less or equal than 35", "and less" is not a
// suffix of 20.
func hedgeFollows(s string, p int) bool {
	nw := wordsAfter(s, p)
	w := nw.text(s, 0)
	return foldEq(w, "than") || foldEq(w, "or") || foldEq(w, "equal") || foldEq(w, "to") || foldEq(w, "and")
}
