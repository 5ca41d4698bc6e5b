package claim

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quantity is a count found in a sentence, hedge applied.
type Quantity struct {
	// Start and End are byte offsets in the text given, covering hedge
	// words, currency sign and number ("nearly 2 700", "more than $5m").
	Start, End int
	Value      Interval
	// Text is the words it came from: "nearly 2 700", "between 100 and 300".
	Text string
	// Percent marks a share ("40%", "40 percent"), not a count.
	Percent bool
	// Fraction marks "half", "two-thirds": Value holds the fraction, 0..1.
	Fraction bool
	// Vague marks "dozens", "hundreds", "several hundred", "thousands".
	Vague bool
	// Money marks an amount of money ("$5 million", "300 euros"): kept,
	// because a reader may want it, but it never counts people.
	Money bool
}

// findQuantities returns the counts, shares and amounts in text, in order of
// Start, with the hedges of h applied (DefaultHedges when h is nil). Years,
// dates, times of day, ages, ordinals, phone numbers, labels ("No. 10",
// "Article 5", "Route 66", "10 Downing Street") and model numbers ("Su-34")
// are not counts and give nothing. It runs in time linear in len(text) and
// never panics, whatever the bytes.
func findQuantities(text string, h *Hedges) []Quantity {
	if h == nil {
		d := DefaultHedges()
		h = &d
	}
	sc := numScanner{s: text, h: h}
	sc.prepare()
	sc.run()
	mergeBounds(text, sc.out)
	return sc.outTidy()
}

// scanNumbers returns the bare numbers in text (no hedges, no ranges, no
// percent signs) after the not-count filters: the layer the Recognizers-Text
// NumberModel specs measure.
func scanNumbers(text string) []Quantity {
	d := DefaultHedges()
	sc := numScanner{s: text, h: &d, raw: true}
	sc.prepare()
	sc.run()
	return sc.out
}

type numScanner struct {
	s   string
	h   *Hedges
	raw bool
	out []Quantity
	// before and after are filters over the words a hedge phrase can end
	// with (before a number) or begin with (after it), keyed by first
	// letter and length, so that most figures skip the phrase list.
	before, after wordFilter
	// keys holds, for each of the first len(keys) phrases, the filter key
	// of the word that meets the number, to skip mismatches in one compare.
	keys [256]uint16
}

// wordFilter is a bitmap over (first letter, length) of words.
type wordFilter [8]uint64

func filterKey(w string) uint {
	c := w[0] | 0x20
	return uint(c&31)<<4 | uint(len(w)&15)
}

func (f *wordFilter) add(w string) {
	if w == "" {
		return
	}
	k := filterKey(w)
	f[k>>6] |= 1 << (k & 63)
}

func (f *wordFilter) has(w string) bool {
	if w == "" {
		return false
	}
	k := filterKey(w)
	return f[k>>6]&(1<<(k&63)) != 0
}

func (sc *numScanner) prepare() {
	for i, p := range sc.h.Phrases {
		w := p.Words
		var near string
		if p.Suffix {
			e := 0
			for e < len(w) && w[e] != ' ' {
				e++
			}
			near = w[:e]
			sc.after.add(near)
		} else {
			b := len(w)
			for b > 0 && w[b-1] != ' ' {
				b--
			}
			near = strings.TrimSuffix(w[b:], ".")
			sc.before.add(near)
		}
		if i < len(sc.keys) && near != "" {
			sc.keys[i] = uint16(filterKey(near))
		}
	}
	sc.after.add("or")
	sc.after.add("and")
}

func (sc *numScanner) run() {
	s := sc.s
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case digitByte(c), c == '.' && i+1 < len(s) && digitByte(s[i+1]) && (i == 0 || !digitByte(s[i-1])):
		case alphaByte(c):
			if !sc.wordStart(i) {
				i = alphaRunEnd(s, i)
				continue
			}
			if skip := urlEnd(s, i); skip > i {
				i = skip
				continue
			}
			if e := alphaRunEnd(s, i); e-i > 9 || e-i < 3 || !numberPrefix(s[i], s[i+1], s[i+2]) {
				// No number word is longer than "seventeen", shorter than
				// "one", or starts otherwise: most words leave here.
				i = e
				continue
			}
		case c == '+':
			// "+1-222-2222": a phone number; skip the whole of it.
			if i+1 < len(s) && digitByte(s[i+1]) {
				i = phoneEnd(s, i+1)
				continue
			}
			i++
			continue
		case c >= 0x80:
			if _, n := vulgarAt(s, i); n > 0 && sc.wordStart(i) {
				break
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		default:
			i++
			continue
		}
		if digitByte(c) && !sc.wordStart(i) {
			// "MH17", "F16", "x2": glued to letters, an identifier.
			i = identEnd(s, i)
			continue
		}
		next := sc.quantityAt(i)
		if next <= i {
			next = i + 1
		}
		i = next
	}
}

// numberPrefix reports whether a word that can begin a number ("three",
// "dozens", "half") starts with these three letters.
func numberPrefix(a, b, c byte) bool {
	switch uint32(a|0x20)<<16 | uint32(b|0x20)<<8 | uint32(c|0x20) {
	case 'z'<<16 | 'e'<<8 | 'r', 'n'<<16 | 'o'<<8 | 'u', 'n'<<16 | 'a'<<8 | 'u', 'o'<<16 | 'n'<<8 | 'e',
		't'<<16 | 'w'<<8 | 'o', 't'<<16 | 'h'<<8 | 'r', 'f'<<16 | 'o'<<8 | 'u', 'f'<<16 | 'i'<<8 | 'v',
		's'<<16 | 'i'<<8 | 'x', 's'<<16 | 'e'<<8 | 'v', 'e'<<16 | 'i'<<8 | 'g', 'n'<<16 | 'i'<<8 | 'n',
		't'<<16 | 'e'<<8 | 'n', 'e'<<16 | 'l'<<8 | 'e', 't'<<16 | 'w'<<8 | 'e', 't'<<16 | 'h'<<8 | 'i',
		'f'<<16 | 'i'<<8 | 'f', 'f'<<16 | 'o'<<8 | 'r', 'h'<<16 | 'u'<<8 | 'n', 't'<<16 | 'h'<<8 | 'o',
		'm'<<16 | 'i'<<8 | 'l', 'b'<<16 | 'i'<<8 | 'l', 't'<<16 | 'r'<<8 | 'i', 'l'<<16 | 'a'<<8 | 'k',
		'l'<<16 | 'a'<<8 | 'c', 'c'<<16 | 'r'<<8 | 'o', 'd'<<16 | 'o'<<8 | 'z', 'h'<<16 | 'a'<<8 | 'l',
		'q'<<16 | 'u'<<8 | 'a':
		return true
	}
	return false
}

// wordStart reports whether position i begins a token: the rune before it
// is neither a letter nor a digit (nor a '.' glued to a digit, as in the
// second half of "192.168").
func (sc *numScanner) wordStart(i int) bool {
	if i == 0 {
		return true
	}
	s := sc.s
	c := s[i-1]
	if c < 0x80 {
		if alphaByte(c) || digitByte(c) || c == '_' {
			return false
		}
		if (c == '.' || c == ',') && i >= 2 && digitByte(s[i-2]) && digitByte(s[i]) {
			// Inside "192.168" or "1,2,3" after a rejected head.
			return c == ','
		}
		if c == '-' && i >= 2 && (alphaByte(s[i-2]) || s[i-2] >= 0x80) && digitByte(s[i]) {
			// "Su-34", "F-16", "Kursk-2": a model or a name.
			return false
		}
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// quantityAt reads the quantity starting at i and appends it; it returns
// where scanning continues.
func (sc *numScanner) quantityAt(i int) int {
	a := sc.number(i)
	if !a.ok {
		return a.end
	}
	s := sc.s
	q := Quantity{Start: a.start, End: a.end}
	lo, hi := a.lo, a.hi
	percent := false
	end := a.end
	if pe := percentAfter(s, end); pe > end {
		percent = true
		end = pe
	}

	// Ranges: "1,000-3,000", "15,000 to 18,000", "between 100 and 300".
	rangeStart := a.start
	between, from := -1, -1
	pw := wordsBefore(s, a.start)
	if pw.is(s, 0, "between") {
		between = pw.w[0].start
	} else if pw.is(s, 0, "from") {
		from = pw.w[0].start
	}
	ranged := false
	var b numRead
	if conn, after := rangeConnector(s, end, between >= 0); conn != connNone {
		if b = sc.number(after); b.ok && !b.vague && !a.vague {
			blo, bhi := b.lo, b.hi
			alo := lo
			if b.scale > 1 && a.scale <= 1 && !a.frac && alo*b.scale <= blo {
				// "2 to 3 million": the scale word serves both ends.
				alo *= b.scale
			}
			bend := b.end
			bpct := false
			if pe := percentAfter(s, bend); pe > bend {
				bpct = true
				bend = pe
			}
			switch {
			case conn == connDash && a.plain > 0 && b.plain > 0 && dashChain(s, b.end):
				// "222-2222-2222", "2024-10-24": a phone number or a date.
				return skipChain(s, b.end)
			case yearLike(a) && (yearLike(b) || (conn == connDash && b.plain == 2)):
				// "2024-2025", "2024-25", "from 2000 to 2005": years.
				return bend
			case conn == connDash && b.plain > 1 && s[b.start] == '0':
				// "1995-01": a year and a month.
				return bend
			case conn == connTo && pw.is(s, 0, "by"):
				// "rose by 1,200 to 790,000": a change and a total.
			case alo <= bhi && (percent == bpct || !percent):
				ranged = true
				lo, hi = alo, bhi
				percent = percent || bpct
				end = bend
				q.Money = false
			}
		}
	}
	if ranged {
		if between >= 0 {
			rangeStart = between
		} else if from >= 0 {
			rangeStart = from
		}
		nw := wordsAfter(s, end)
		if sc.notCount(&a, &pw, &nw, a.start, end) || sc.notCount(&b, &pw, &nw, a.start, end) {
			return end
		}
		if sc.raw {
			sc.emitRaw(a)
			sc.emitRaw(b)
			return b.end
		}
	} else {
		if between >= 0 {
			// "between" without "and B" is not a range.
			between = -1
		}
		nw := wordsAfter(s, end)
		if sc.notCount(&a, &pw, &nw, a.start, end) {
			return end
		}
		if sc.raw {
			sc.emitRaw(a)
			return a.end
		}
	}

	// Currency before the number: "$20", "US$ 1MM", "€3.5bn".
	start := rangeStart
	if cs := currencyBefore(s, a.start); cs < a.start && rangeStart == a.start {
		q.Money = true
		start = cs
	}
	if !percent && end < len(s) && s[end] == ' ' && currencyWordAfter(s, end) {
		q.Money = true
	}

	// Hedges. A range's own words ("between", "from") are not hedges.
	kind := HedgeExact
	hedged := false
	startBeforeHedge := start
	if rangeStart == a.start {
		hpw := &pw
		if start != a.start {
			w := wordsBefore(s, start)
			hpw = &w
		}
		if k, hs := sc.prefixHedge(hpw, start); hs < start {
			kind, start, hedged = k, hs, true
		}
	}
	if k, he, orEqual := sc.suffixHedge(end); he > end {
		end = he
		switch {
		case orEqual && kind == HedgeOver:
			kind = HedgeAtLeast
		case orEqual && kind == HedgeUnder:
			kind = HedgeUpTo
		case orEqual:
		case !hedged || kind == HedgeExact || kind == HedgeAbout:
			if kind == HedgeAbout && k != HedgeAbout {
				// "about 500 or more": the suffix decides, and "about" no
				// longer describes the interval.
				start = startBeforeHedge
			}
			kind = k
		}
	}
	if ranged {
		q.Value = sc.h.apply(kind, lo, hi)
		if kind == HedgeOver || kind == HedgeAtLeast {
			q.Value = sc.h.apply(kind, lo, lo)
		}
	} else {
		q.Value = sc.h.apply(kind, lo, hi)
	}
	if a.vague && !ranged && kind == HedgeExact {
		q.Vague = true
	}
	q.Fraction = a.frac && !ranged && !percent
	q.Percent = percent
	q.Start, q.End = start, end
	q.Text = s[start:end]
	if q.Value.Valid() {
		sc.out = append(sc.out, q)
	}
	return end
}

func (sc *numScanner) emitRaw(a numRead) {
	q := Quantity{Start: a.start, End: a.end, Value: Interval{Low: a.lo, High: a.hi}, Text: sc.s[a.start:a.end],
		Fraction: a.frac, Vague: a.vague}
	if q.Value.Valid() {
		sc.out = append(sc.out, q)
	}
}

// outTidy returns the quantities, in order, without overlaps (a merged
// bound pair leaves a zero-width hole behind).
func (sc *numScanner) outTidy() []Quantity {
	out := sc.out[:0]
	for _, q := range sc.out {
		if q.End <= q.Start {
			continue
		}
		if len(out) > 0 && q.Start < out[len(out)-1].End {
			continue
		}
		out = append(out, q)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// mergeBounds joins a lower and an upper bound said together: "more than
// 10 and less than 40" is (10, 40); "at most 100 and at least 20" [20, 100].
func mergeBounds(s string, qs []Quantity) {
	for k := 0; k+1 < len(qs); k++ {
		a, b := &qs[k], &qs[k+1]
		if a.Percent != b.Percent || a.Vague || b.Vague {
			continue
		}
		if b.Start < a.End {
			continue
		}
		gap := s[a.End:b.Start]
		if !joinerGap(gap) {
			continue
		}
		lower, upper := a, b
		if a.Value.Bounded() {
			lower, upper = b, a
		}
		if lower.Value.Bounded() || !upper.Value.Bounded() || upper.Value.Low != 0 || !prefixHedged(a.Text) || !prefixHedged(b.Text) {
			continue
		}
		if lower.Value.Low > upper.Value.High || (lower.Value.Low == upper.Value.High && (lower.Value.LowOpen || upper.Value.HighOpen)) {
			continue
		}
		merged := Interval{Low: lower.Value.Low, LowOpen: lower.Value.LowOpen, High: upper.Value.High, HighOpen: upper.Value.HighOpen}
		a.Value = merged
		a.End = b.End
		a.Text = s[a.Start:a.End]
		a.Money = a.Money || b.Money
		b.Start = b.End
		k++
	}
}

// prefixHedged reports a quantity whose words begin with a hedge ("at
// most 100"), not with its number ("300 or more", "a dozen").
func prefixHedged(text string) bool {
	if text == "" || !alphaByte(text[0]) {
		return false
	}
	k, _, _ := lookupWord(text[:alphaRunEnd(text, 0)])
	return k == wNone
}

func joinerGap(gap string) bool {
	i := 0
	sawWord := false
	for i < len(gap) {
		if n := hSpace(gap, i); n > 0 {
			i += n
			continue
		}
		if gap[i] == ',' {
			i++
			sawWord = true
			continue
		}
		e := alphaRunEnd(gap, i)
		if e == i {
			return false
		}
		w := gap[i:e]
		if !(foldEq(w, "and") || foldEq(w, "but")) {
			return false
		}
		sawWord = true
		i = e
	}
	return sawWord
}

// numRead is one number as read, before hedges.
type numRead struct {
	ok         bool
	start, end int
	lo, hi     float64
	frac       bool    // a pure fraction ("two-thirds")
	vague      bool    // "hundreds"
	words      bool    // spelled out, at least in part
	plain      int     // length of a bare digit run ("2024"), else 0
	isInt      bool    // an integer value
	scale      float64 // the last scale word or suffix (1e6 for "2.7 million")
	single     bool    // one token only
	firstWord  numWord // the kind of the first token
	one        bool    // the word "one" alone
}

func yearLike(n numRead) bool {
	return n.plain == 4 && n.lo >= 1000 && n.lo <= 2100
}

// ---- tokens ----

type numWord uint8

const (
	wNone numWord = iota
	wDigits
	wUnit    // zero .. nine
	wTeen    // ten .. nineteen
	wTens    // twenty .. ninety
	wHundred // hundred(s)
	wScale   // thousand, million, billion, trillion, lakh, crore
	wDozen   // dozen(s), dz
	wFrac    // half, third(s), quarter(s) .. tenth(s)
	wTensOf  // "tens" (of thousands)
	wAnd
	wA // a, an
	wOf
	wPoint
	wAbbr // bn, mn, k after digits
)

type numTok struct {
	kind   numWord
	val    float64
	end    int
	plural bool
	d      digitTok
}

func (sc *numScanner) token(i int) numTok {
	s := sc.s
	if i >= len(s) {
		return numTok{end: i}
	}
	c := s[i]
	if digitByte(c) || (c == '.' && i+1 < len(s) && digitByte(s[i+1])) {
		d := sc.digits(i)
		return numTok{kind: wDigits, val: d.val, end: d.end, d: d}
	}
	if alphaByte(c) {
		e := alphaRunEnd(s, i)
		if e < len(s) && s[e] >= 0x80 {
			if r, _ := utf8.DecodeRuneInString(s[e:]); unicode.IsLetter(r) {
				return numTok{end: e}
			}
		}
		if e-i > 12 {
			return numTok{end: e}
		}
		k, v, pl := lookupWord(s[i:e])
		if k == wNone {
			if m := abbrScale(s[i:e]); m > 0 {
				return numTok{kind: wAbbr, val: m, end: e}
			}
		}
		return numTok{kind: k, val: v, end: e, plural: pl}
	}
	if c >= 0x80 {
		if v, n := vulgarAt(s, i); n > 0 {
			return numTok{kind: wDigits, val: v, end: i + n, d: digitTok{val: v, end: i + n, fraction: true}}
		}
	}
	return numTok{end: i}
}

// number reads one number at i: digits with separators and suffixes, words
// and their compounds, fractions and vague amounts. ok is false when there
// is no number there or when it is one that never counts (a dotted
// identifier, a time, an ordinal, a measure glued to a unit); end then says
// where to go on.
func (sc *numScanner) number(i int) numRead {
	s := sc.s
	t := sc.token(i)
	n := numRead{start: i, end: t.end, firstWord: t.kind, single: true}
	if t.end <= i {
		n.end = i + 1
		return n
	}
	var st numState
	st.lastScale = math.Inf(1)
	switch t.kind {
	case wDigits:
		if t.d.reject {
			return n
		}
		if t.d.fraction {
			st.fracVal = t.d.val
			st.last = wFrac
			n.frac = t.d.val < 1
			st.cur = t.d.val
		} else {
			st.cur = t.d.val
			st.last = wDigits
			st.digitsInt = t.d.isInt && t.d.scale == 0 && !t.d.grouped
			n.plain = t.d.plain
			if t.d.scale > 0 {
				st.scale = t.d.scale
				st.last = wAbbr
			}
		}
	case wUnit, wTeen, wTens:
		st.cur = t.val
		st.last = t.kind
		n.words = true
		n.one = t.kind == wUnit && t.val == 1
	case wHundred, wScale, wDozen:
		n.words = true
		if t.plural {
			return sc.vague(i, t, n)
		}
		// "a hundred", "a dozen": the article is added by the caller; a
		// bare "thousand" is 1000 only when an article or "hundred
		// thousand" makes it a number.
		st.cur = 1
		st.last = wUnit
		sc.applyMult(&st, t)
	case wFrac:
		n.words = true
		if !(t.val == 2 && !t.plural) && !(t.val == 4 && !t.plural) {
			// "third", "fifth" alone are ordinals; "a third" is handled by
			// the article look-back.
			if !articleBefore(s, i) || !fracFollow(s, t.end) {
				// "a third time" is an ordinal too.
				n.end = t.end
				return n
			}
		}
		st.cur = 1 / t.val
		st.fracVal = st.cur
		st.last = wFrac
		n.frac = true
	case wTensOf:
		n.words = true
		return sc.vague(i, t, n)
	default:
		return n
	}
	n.ok = true
	end := t.end
	tokens := 1
	for tokens < 64 {
		p, hy := numSepAfter(s, end)
		if p == end {
			break
		}
		if hy && st.last == wDigits && digitAt(s, p) {
			break // "1000-5000" is a range
		}
		t2 := sc.token(p)
		if t2.kind == wAnd {
			p2, _ := numSepAfter(s, t2.end)
			if p2 == t2.end {
				break
			}
			if st.last == wFrac || st.last == wDozen {
				break
			}
			if fv, fe, ok := sc.fracPhrase(p2); ok && !(st.last == wHundred && sc.token(p2).kind == wTens) {
				// "one and a half", "3 million and a half", "twenty and three fifths".
				if m, me, ok := sc.scaleAfter(fe); ok {
					if math.IsInf(st.lastScale, 1) {
						// "five and a half million" is 5.5 million.
						st.total += (st.cur + fv) * m
						st.cur = 0
					} else {
						// "one billion and a half million".
						st.total += fv * m
					}
					end = me
					st.scale = m
				} else if st.lastScale >= 1e6 && !math.IsInf(st.lastScale, 0) && st.cur == 0 {
					st.total += fv * st.lastScale
					end = fe
				} else if st.last == wAbbr || (st.last == wDigits || st.last == wScale) && st.scale >= 1e6 {
					st.cur += fv * max(st.scale, 1)
					end = fe
				} else {
					st.cur += fv
					end = fe
				}
				st.last = wFrac
				n.isInt = false
				tokens++
				break
			}
			t3 := sc.token(p2)
			if !sc.accept(&st, t3, true) {
				break
			}
			if !sc.hundredAllowed(&st, t3) {
				break
			}
			sc.take(&st, t3)
			end = t3.end
			tokens++
			continue
		}
		if t2.kind == wPoint && (st.last == wUnit || st.last == wTeen || st.last == wTens || st.last == wHundred || st.last == wScale) {
			if v, e, ok := sc.spokenDecimals(t2.end); ok {
				st.cur += v
				end = e
				st.last = wPoint
				tokens++
			}
			break
		}
		if t2.kind == wDigits && t2.d.fraction && st.last == wDigits && st.digitsInt && !hy && s[end] == ' ' {
			// "2  1/4": a mixed number.
			st.cur += t2.d.val
			end = t2.end
			st.last = wFrac
			tokens++
			break
		}
		if st.last == wFrac && (t2.kind == wScale || t2.kind == wHundred) && !t2.plural {
			// "half million", "quarter million".
			st.cur *= t2.val
			st.scale = t2.val
			st.last = t2.kind
			end = t2.end
			n.frac = false
			tokens++
			break
		}
		if (t2.kind == wA || t2.kind == wOf) && st.last == wFrac {
			// "half a dozen", "two thirds of a million".
			p3, _ := numSepAfter(s, t2.end)
			t3 := sc.token(p3)
			if t2.kind == wOf && t3.kind == wA {
				p3, _ = numSepAfter(s, t3.end)
				t3 = sc.token(p3)
			} else if t2.kind == wOf {
				break
			}
			if (t3.kind == wScale || t3.kind == wHundred || t3.kind == wDozen) && !t3.plural {
				st.cur *= t3.val
				st.scale = t3.val
				st.last = t3.kind
				end = t3.end
				n.frac = false
				tokens++
			}
			break
		}
		if t2.kind == wFrac && st.last != wFrac {
			// "two thirds", "five eighths", "one-eighth".
			if !(st.last == wUnit || st.last == wTeen || st.last == wTens || st.last == wDigits && st.digitsInt) {
				break
			}
			if (st.total != 0 || st.groupHundred) && !t2.plural {
				break
			}
			if !t2.plural && st.cur != 1 && t2.val != 2 {
				break
			}
			if !t2.plural && t2.val != 2 && !hy && !fracFollow(s, t2.end) {
				break
			}
			// "one hundred thirty-two fifths" is 132/5.
			st.cur = (st.total + st.cur) / t2.val
			st.total = 0
			st.fracVal = st.cur
			st.last = wFrac
			n.frac = st.cur < 1
			end = t2.end
			tokens++
			continue
		}
		if !sc.accept(&st, t2, false) {
			break
		}
		if !sc.hundredAllowed(&st, t2) {
			break
		}
		if t2.kind == wDigits && !hy && !(st.last == wHundred || st.last == wScale) {
			break
		}
		sc.take(&st, t2)
		end = t2.end
		tokens++
	}
	if st.last == wFrac && st.fracVal > 0 && tokens == 1 && t.kind == wFrac && t.val == 4 && !t.plural {
		// A bare "quarter" is a number only as "quarter million" or "a quarter".
		if !articleBefore(s, i) {
			n.ok = false
			n.end = t.end
			return n
		}
	}
	v := st.total + st.cur
	n.lo, n.hi = v, v
	n.end = end
	n.single = tokens == 1
	n.scale = st.scale
	n.isInt = v == math.Trunc(v)
	if tokens > 1 {
		n.plain = 0
		n.words = n.words || t.kind != wDigits
	}
	if n.frac && v >= 1 {
		n.frac = false
	}
	// A number that starts with "hundred", "thousand" or "dozen" needs an
	// article ("a thousand"), which extends it; "hundred thousand" stands.
	if t.kind == wHundred || t.kind == wScale || t.kind == wDozen {
		if as := articleStart(s, i); as < i {
			n.start = as
			if hs := halfBefore(s, as); hs < as {
				n.start = hs
				n.lo, n.hi = v/2, v/2
			}
		} else if ps := severalBefore(s, i); ps < i && tokens == 1 {
			iv := sc.h.SeveralHundred
			n.start = ps
			n.lo, n.hi = iv.Low/100*t.val, iv.High/100*t.val
			n.vague = true
		} else if !(t.kind == wHundred && tokens > 1) {
			n.ok = false
			return n
		}
	}
	if t.kind == wFrac && st.last == wFrac {
		if as := articleStart(s, i); as < i {
			n.start = as
		}
	} else if t.kind == wFrac {
		if as := articleStart(s, i); as < i {
			n.start = as
		}
	}
	return n
}

type numState struct {
	total, cur, seg float64
	lastScale       float64
	last            numWord
	groupHundred    bool
	digitsInt       bool
	scale           float64
	fracVal         float64
}

// accept says whether t may continue the number read so far.
func (sc *numScanner) accept(st *numState, t numTok, afterAnd bool) bool {
	switch t.kind {
	case wUnit:
		if t.val == 0 {
			return false // "4 thousand 3 hundred and 0" is two numbers
		}
		switch st.last {
		case wTens:
			return math.Mod(st.cur, 10) == 0
		case wHundred, wScale:
			return true
		}
		return false
	case wTeen, wTens:
		return st.last == wHundred || st.last == wScale
	case wDigits:
		if t.d.reject || t.d.fraction || !t.d.isInt || t.d.grouped || t.d.scale > 0 || t.val == 0 {
			return false
		}
		switch st.last {
		case wHundred:
			return t.val < 100
		case wScale:
			return t.val < 1000 && t.val < st.lastScale
		}
		return false
	case wHundred:
		if t.plural {
			// "five hundreds": a multiplier after a number.
			if st.last != wUnit && st.last != wTeen && st.last != wDigits {
				return false
			}
		}
		if afterAnd || st.groupHundred {
			return false
		}
		switch st.last {
		case wUnit, wTeen:
			return true
		case wTens:
			return math.Mod(st.cur, 10) != 0 // "ninety-five hundred"
		case wDigits:
			return st.digitsInt || st.cur != math.Trunc(st.cur)
		}
		return false
	case wScale, wAbbr:
		if t.kind == wAbbr && st.last != wDigits {
			return false
		}
		if afterAnd {
			return false
		}
		switch st.last {
		case wUnit, wTeen, wTens, wHundred, wDigits:
			return t.val < st.lastScale || math.IsInf(st.lastScale, 1)
		case wScale:
			return st.cur == 0 && t.val > st.lastScale // "three lakh crore"
		}
		return false
	case wDozen:
		switch st.last {
		case wUnit, wTeen, wTens, wDigits:
			return true
		}
		return false
	}
	return false
}

// hundredAllowed refuses a small number that a following "hundred" would
// make a second group of hundreds ("3 hundred and 2 hundred").
func (sc *numScanner) hundredAllowed(st *numState, t numTok) bool {
	if !st.groupHundred || (t.kind != wUnit && t.kind != wTeen && t.kind != wDigits) {
		return true
	}
	p, _ := numSepAfter(sc.s, t.end)
	if p == t.end {
		return true
	}
	return sc.token(p).kind != wHundred
}

func (sc *numScanner) take(st *numState, t numTok) {
	switch t.kind {
	case wUnit, wTeen, wTens, wDigits:
		st.cur += t.val
		st.seg += t.val
		st.last = t.kind
		if t.kind == wDigits {
			st.digitsInt = t.d.isInt
		}
	default:
		sc.applyMult(st, t)
	}
}

func (sc *numScanner) applyMult(st *numState, t numTok) {
	switch t.kind {
	case wHundred:
		if st.cur == 0 {
			st.cur = 1
		}
		st.cur *= 100
		st.seg = 0
		st.groupHundred = true
		st.last = wHundred
	case wScale, wAbbr:
		if st.last == wScale && st.cur == 0 {
			st.total *= t.val
		} else {
			if st.cur == 0 {
				st.cur = 1
			}
			st.total += st.cur * t.val
		}
		st.cur, st.seg = 0, 0
		st.lastScale = t.val
		st.scale = t.val
		st.groupHundred = false
		st.last = wScale
	case wDozen:
		// "three hundred and two dozens" is 300 + 24: the dozen takes only
		// the words since the last hundred.
		seg := st.seg
		if seg == 0 {
			seg = st.cur
			st.cur = 0
		} else {
			st.cur -= seg
		}
		st.cur += seg * 12
		st.seg = 0
		st.last = wDozen
	}
}

// vague reads "dozens", "hundreds", "thousands", "tens of thousands",
// "hundreds of thousands", "millions".
func (sc *numScanner) vague(i int, t numTok, n numRead) numRead {
	s := sc.s
	h := sc.h
	var iv Interval
	end := t.end
	switch t.kind {
	case wDozen:
		iv = h.Dozens
	case wHundred:
		iv = h.Hundreds
	case wScale:
		iv = scaleIv(h.Thousands, t.val/1000)
	}
	// "hundreds of thousands", "tens of thousands".
	if p, _ := numSepAfter(s, end); p > end {
		if o := sc.token(p); o.kind == wOf {
			if p2, _ := numSepAfter(s, o.end); p2 > o.end {
				if u := sc.token(p2); u.kind == wScale && u.plural && (t.kind == wHundred || t.kind == wTensOf || t.kind == wDozen) {
					switch t.kind {
					case wHundred:
						iv = scaleIv(h.Hundreds, u.val)
					case wTensOf:
						iv = scaleIv(h.Thousands, u.val/100)
					case wDozen:
						iv = scaleIv(h.Dozens, u.val)
					}
					end = u.end
				}
			}
		}
	}
	if t.kind == wTensOf && end == t.end {
		n.end = t.end
		return n
	}
	n.ok = true
	n.vague = true
	n.lo, n.hi = iv.Low, iv.High
	n.end = end
	n.single = false
	return n
}

func scaleIv(iv Interval, f float64) Interval {
	return Interval{Low: iv.Low * f, High: iv.High * f}
}

// fracPhrase reads "a half", "one third", "three quarters", "2/3" after
// "and" in a mixed number.
func (sc *numScanner) fracPhrase(p int) (float64, int, bool) {
	s := sc.s
	t := sc.token(p)
	numer := 0.0
	switch t.kind {
	case wA:
		numer = 1
	case wUnit, wTeen:
		numer = t.val
	case wTens:
		numer = t.val
		if p2, hy := numSepAfter(s, t.end); p2 > t.end {
			if u := sc.token(p2); u.kind == wUnit && u.val > 0 && (hy || true) {
				if p3, _ := numSepAfter(s, u.end); p3 > u.end && sc.token(p3).kind == wFrac {
					numer += u.val
					t = u
				}
			}
		}
	case wDigits:
		if t.d.fraction {
			return t.d.val, t.end, true
		}
		return 0, 0, false
	default:
		return 0, 0, false
	}
	if numer == 0 {
		return 0, 0, false
	}
	p2, _ := numSepAfter(s, t.end)
	if p2 == t.end {
		return 0, 0, false
	}
	f := sc.token(p2)
	if f.kind != wFrac {
		return 0, 0, false
	}
	if numer != 1 && !f.plural && f.val != 2 {
		return 0, 0, false
	}
	return numer / f.val, f.end, true
}

// scaleAfter reads a scale word right after p ("and a half million").
func (sc *numScanner) scaleAfter(p int) (float64, int, bool) {
	q, _ := numSepAfter(sc.s, p)
	if q == p {
		return 0, 0, false
	}
	t := sc.token(q)
	if t.kind == wScale && !t.plural {
		return t.val, t.end, true
	}
	return 0, 0, false
}

// spokenDecimals reads the digits after "point": "zero three", "seventy-one".
func (sc *numScanner) spokenDecimals(p int) (float64, int, bool) {
	s := sc.s
	var digits [24]byte
	nd := 0
	end := p
	for nd < 20 {
		q, _ := numSepAfter(s, end)
		if q == end {
			break
		}
		t := sc.token(q)
		switch t.kind {
		case wUnit:
			digits[nd] = byte(t.val)
			nd++
		case wTeen:
			digits[nd], digits[nd+1] = 1, byte(t.val-10)
			nd += 2
		case wTens:
			d2 := 0.0
			e := t.end
			if q2, hy := numSepAfter(s, t.end); q2 > t.end && hy {
				if u := sc.token(q2); u.kind == wUnit && u.val > 0 {
					d2 = u.val
					e = u.end
				}
			}
			digits[nd], digits[nd+1] = byte(t.val/10), byte(d2)
			nd += 2
			t.end = e
		default:
			q = -1
		}
		if q < 0 {
			break
		}
		end = t.end
	}
	if nd == 0 {
		return 0, 0, false
	}
	var m uint64
	for _, d := range digits[:nd] {
		m = m*10 + uint64(d)
	}
	return float64(m) / math.Pow10(nd), end, true
}

// fracFollow says whether a singular fraction word is a share, not an
// ordinal: "a third of", "a fifth." against "a third time".
func fracFollow(s string, e int) bool {
	p, _ := numSepAfter(s, e)
	if p >= len(s) || p == e && (e >= len(s) || !alphaByte(s[e])) {
		return true
	}
	if !alphaByte(s[p]) {
		return true
	}
	w := s[p:alphaRunEnd(s, p)]
	if foldEq(w, "of") || foldEq(w, "and") || foldEq(w, "or") {
		return true
	}
	k, _, pl := lookupWord(w)
	return k == wScale && !pl
}

// ---- digits ----

type digitTok struct {
	end      int
	val      float64
	plain    int     // length of a bare digit run, else 0
	isInt    bool    // no decimals
	grouped  bool    // thousands separators used
	scale    float64 // a glued suffix: 12k, 3.5bn
	fraction bool    // 3/4, ½
	reject   bool
}

// digits reads a figure written with digits at i.
func (sc *numScanner) digits(i int) digitTok {
	s := sc.s
	var t digitTok
	j := i
	var m uint64
	nd, fd := 0, 0 // digits, of which decimals
	for j < len(s) && digitByte(s[j]) {
		if nd < 19 {
			m = m*10 + uint64(s[j]-'0')
		}
		nd++
		j++
	}
	if nd > 18 {
		t.end = identEnd(s, i)
		t.reject = true
		return t
	}
	lead := nd
	grouped := false
	euro := false
	if nd >= 1 && nd <= 3 && j < len(s) {
		if sl := groupSep(s, j); sl > 0 && j+sl < len(s) && digitByte(s[j+sl]) {
			sep := s[j : j+sl]
			g3 := 0
			k := j
			gm := m
			for {
				if k+sl > len(s) || s[k:k+sl] != sep {
					break
				}
				p := k + sl
				q := p
				for q < len(s) && digitByte(s[q]) && q-p < 4 {
					q++
				}
				if q-p != 3 || (q < len(s) && digitByte(s[q])) || nd+3*(g3+1) > 18 {
					break
				}
				gm = gm*1000 + uint64(s[p]-'0')*100 + uint64(s[p+1]-'0')*10 + uint64(s[p+2]-'0')
				g3++
				k = q
			}
			switch sep {
			case ",":
				if g3 > 0 {
					m, nd, j, grouped = gm, nd+3*g3, k, true
				} else if ie, im, ok := indianGroups(s, j, m, nd); ok {
					m, nd, j, grouped = im, 0, ie, true
					nd = digitsIn(s[i:ie])
				} else if p := j + 1; p < len(s) && digitByte(s[p]) {
					// "5,00", "1,3": a decimal comma, unless a list follows.
					q := p
					for q < len(s) && digitByte(s[q]) {
						q++
					}
					if q-p <= 2 && !(q+1 < len(s) && s[q] == ',' && digitByte(s[q+1])) {
						for _, c := range []byte(s[p:q]) {
							m = m*10 + uint64(c-'0')
						}
						fd = q - p
						nd += fd
						j = q
					}
				}
			case ".":
				if g3 >= 2 && !(k+1 < len(s) && s[k] == '.' && digitByte(s[k+1])) {
					m, nd, j, grouped, euro = gm, nd+3*g3, k, true, true
				} else if g3 == 1 && k+1 < len(s) && s[k] == ',' && digitByte(s[k+1]) {
					m, nd, j, grouped, euro = gm, nd+3, k, true, true
				}
			default:
				if g3 > 0 && sl <= 3 {
					m, nd, j, grouped = gm, nd+3*g3, k, true
				}
			}
		}
	}
	// Decimals.
	if euro {
		if j+1 < len(s) && s[j] == ',' && digitByte(s[j+1]) {
			q := j + 1
			for q < len(s) && digitByte(s[q]) && nd < 18 {
				m = m*10 + uint64(s[q]-'0')
				q++
				nd++
				fd++
			}
			j = q
		}
	} else if fd == 0 && j+1 < len(s) && s[j] == '.' && digitByte(s[j+1]) {
		q := j + 1
		for q < len(s) && digitByte(s[q]) {
			if nd < 18 {
				m = m*10 + uint64(s[q]-'0')
				fd++
				nd++
			}
			q++
		}
		j = q
		if j+1 < len(s) && s[j] == '.' && digitByte(s[j+1]) {
			// "192.168.1.2", "1.2.3": an address or a version.
			t.end = dottedEnd(s, j)
			t.reject = true
			return t
		}
	}
	if !grouped && j+1 < len(s) && s[j] == '.' && digitByte(s[j+1]) {
		t.end = dottedEnd(s, j)
		t.reject = true
		return t
	}
	t.end = j
	t.isInt = fd == 0
	t.grouped = grouped
	if !grouped && fd == 0 {
		t.plain = lead
	}
	t.val = float64(m)
	if fd > 0 {
		t.val = float64(m) / math.Pow10(fd)
	}
	if j >= len(s) {
		return t
	}
	c := s[j]
	switch {
	case c == ':' && j+1 < len(s) && digitByte(s[j+1]):
		// "10:30", "3:1": a time or a score.
		t.end = dottedEnd(s, j)
		t.reject = true
	case c == '/' && j+1 < len(s) && digitByte(s[j+1]):
		q := j + 1
		var den uint64
		for q < len(s) && digitByte(s[q]) && q-j < 6 {
			den = den*10 + uint64(s[q]-'0')
			q++
		}
		if q < len(s) && (digitByte(s[q]) || s[q] == '/' && q+1 < len(s) && digitByte(s[q+1])) || !t.isInt || grouped ||
			den < 2 || den > 10 || m >= den || (q < len(s) && alphaByte(s[q])) {
			// "24/10/2024", "5/17": a date.
			t.end = dottedEnd(s, j)
			t.reject = true
			return t
		}
		t.val = float64(m) / float64(den)
		t.fraction = true
		t.end = q
		t.plain = 0
	case alphaByte(c):
		e := alphaRunEnd(s, j)
		if e < len(s) && (digitByte(s[e]) || s[e] >= 0x80 && letterRuneAt(s, e)) {
			t.end = identEnd(s, e)
			t.reject = true
			return t
		}
		suf := s[j:e]
		if f := gluedScale(suf, currencyBefore(s, i) < i); f > 0 {
			t.scale = f
			t.val = mulScale(m, fd, f)
			t.end = e
			t.plain = 0
			return t
		}
		// Ordinals (5th), decades (1990s), units (29km, 180ml).
		t.end = e
		t.reject = true
	case c >= 0x80:
		if v, n := vulgarAt(s, j); n > 0 && t.isInt {
			t.val += v
			t.end = j + n
			t.plain = 0
			t.isInt = false
		} else if letterRuneAt(s, j) || prefixAt(s, j, "°") {
			t.end = identEnd(s, j)
			t.reject = true
		}
	case c == '_' || c == '@':
		t.end = identEnd(s, j+1)
		t.reject = true
	}
	return t
}

// mulScale multiplies m/10^fd by the scale f without the rounding noise a
// float product of 2.7 and 1e6 would leave.
func mulScale(m uint64, fd int, f float64) float64 {
	e := int(math.Round(math.Log10(f)))
	if math.Pow10(e) != f {
		return float64(m) / math.Pow10(fd) * f
	}
	if e >= fd {
		return float64(m) * math.Pow10(e-fd)
	}
	return float64(m) / math.Pow10(fd-e)
}

// indianGroups reads "12,34,567": groups of two then a final three.
func indianGroups(s string, j int, m uint64, nd int) (int, uint64, bool) {
	if nd > 2 {
		return 0, 0, false
	}
	k := j
	twos := 0
	for {
		if k+1 >= len(s) || s[k] != ',' {
			return 0, 0, false
		}
		p := k + 1
		q := p
		for q < len(s) && digitByte(s[q]) && q-p < 4 {
			q++
		}
		switch {
		case q-p == 2 && twos < 6:
			m = m*100 + uint64(s[p]-'0')*10 + uint64(s[p+1]-'0')
			twos++
			k = q
		case q-p == 3 && twos > 0 && !(q < len(s) && digitByte(s[q])):
			m = m*1000 + uint64(s[p]-'0')*100 + uint64(s[p+1]-'0')*10 + uint64(s[p+2]-'0')
			return q, m, true
		default:
			return 0, 0, false
		}
	}
}

func digitsIn(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if digitByte(s[i]) {
			n++
		}
	}
	return n
}

// gluedScale reads a suffix glued to digits: 12k, 10M, 3.5bn, 2mil, 1MM.
// A lower-case "m" is a million only after a currency sign ("£3m"); alone
// it is a metre.
func gluedScale(suf string, money bool) float64 {
	switch suf {
	case "k", "K":
		return 1e3
	case "M", "MM", "mn", "mln", "mil":
		return 1e6
	case "m":
		if money {
			return 1e6
		}
	case "b", "bn", "B", "bln", "Bn":
		return 1e9
	case "tn", "tln", "trn", "T":
		return 1e12
	}
	return 0
}

// abbrScale reads a scale abbreviation written apart: "10 bln", "2.33 k".
func abbrScale(w string) float64 {
	switch w {
	case "k", "K":
		return 1e3
	case "M", "MM", "mn", "mln", "mil":
		return 1e6
	case "bn", "bln", "Bn":
		return 1e9
	case "tn", "tln", "trn":
		return 1e12
	}
	return 0
}

// lookupWord classifies a word; value is the number it stands for (the
// denominator for a fraction word).
func lookupWord(w string) (numWord, float64, bool) {
	if len(w) == 0 || len(w) > 12 {
		return wNone, 0, false
	}
	var buf [12]byte
	switch string(lowerASCII(buf[:], w)) {
	case "zero", "nought", "naught":
		return wUnit, 0, false
	case "one":
		return wUnit, 1, false
	case "two":
		return wUnit, 2, false
	case "three":
		return wUnit, 3, false
	case "four":
		return wUnit, 4, false
	case "five":
		return wUnit, 5, false
	case "six":
		return wUnit, 6, false
	case "seven":
		return wUnit, 7, false
	case "eight":
		return wUnit, 8, false
	case "nine":
		return wUnit, 9, false
	case "ten":
		return wTeen, 10, false
	case "eleven":
		return wTeen, 11, false
	case "twelve":
		return wTeen, 12, false
	case "thirteen":
		return wTeen, 13, false
	case "fourteen":
		return wTeen, 14, false
	case "fifteen":
		return wTeen, 15, false
	case "sixteen":
		return wTeen, 16, false
	case "seventeen":
		return wTeen, 17, false
	case "eighteen":
		return wTeen, 18, false
	case "nineteen":
		return wTeen, 19, false
	case "twenty":
		return wTens, 20, false
	case "thirty":
		return wTens, 30, false
	case "forty", "fourty":
		return wTens, 40, false
	case "fifty":
		return wTens, 50, false
	case "sixty":
		return wTens, 60, false
	case "seventy":
		return wTens, 70, false
	case "eighty":
		return wTens, 80, false
	case "ninety":
		return wTens, 90, false
	case "hundred":
		return wHundred, 100, false
	case "hundreds":
		return wHundred, 100, true
	case "thousand":
		return wScale, 1e3, false
	case "thousands":
		return wScale, 1e3, true
	case "million":
		return wScale, 1e6, false
	case "millions":
		return wScale, 1e6, true
	case "billion":
		return wScale, 1e9, false
	case "billions":
		return wScale, 1e9, true
	case "trillion":
		return wScale, 1e12, false
	case "trillions":
		return wScale, 1e12, true
	case "lakh", "lac":
		return wScale, 1e5, false
	case "lakhs":
		return wScale, 1e5, true
	case "crore":
		return wScale, 1e7, false
	case "crores":
		return wScale, 1e7, true
	case "dozen":
		return wDozen, 12, false
	case "dozens":
		return wDozen, 12, true
	case "dz", "dzs", "doz", "dozs":
		return wDozen, 12, false
	case "half":
		return wFrac, 2, false
	case "halves":
		return wFrac, 2, true
	case "third":
		return wFrac, 3, false
	case "thirds":
		return wFrac, 3, true
	case "quarter", "fourth":
		return wFrac, 4, false
	case "quarters", "fourths":
		return wFrac, 4, true
	case "fifth":
		return wFrac, 5, false
	case "fifths":
		return wFrac, 5, true
	case "sixth":
		return wFrac, 6, false
	case "sixths":
		return wFrac, 6, true
	case "seventh":
		return wFrac, 7, false
	case "sevenths":
		return wFrac, 7, true
	case "eighth":
		return wFrac, 8, false
	case "eighths":
		return wFrac, 8, true
	case "ninth":
		return wFrac, 9, false
	case "ninths":
		return wFrac, 9, true
	case "tenth":
		return wFrac, 10, false
	case "tenths":
		return wFrac, 10, true
	case "tens":
		return wTensOf, 10, true
	case "and":
		return wAnd, 0, false
	case "a", "an":
		return wA, 0, false
	case "of":
		return wOf, 0, false
	case "point":
		return wPoint, 0, false
	}
	return wNone, 0, false
}

// vulgarAt reads a vulgar fraction rune (½, ⅔, ¾ …) at i.
func vulgarAt(s string, i int) (float64, int) {
	if i >= len(s) || s[i] < 0xC2 {
		return 0, 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '½':
		return 0.5, n
	case '⅓':
		return 1.0 / 3, n
	case '⅔':
		return 2.0 / 3, n
	case '¼':
		return 0.25, n
	case '¾':
		return 0.75, n
	case '⅕':
		return 0.2, n
	case '⅖':
		return 0.4, n
	case '⅗':
		return 0.6, n
	case '⅘':
		return 0.8, n
	case '⅙':
		return 1.0 / 6, n
	case '⅚':
		return 5.0 / 6, n
	case '⅛':
		return 0.125, n
	case '⅜':
		return 0.375, n
	case '⅝':
		return 0.625, n
	case '⅞':
		return 0.875, n
	}
	return 0, 0
}

// ---- bytes ----

func digitByte(c byte) bool { return '0' <= c && c <= '9' }
func alphaByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func digitAt(s string, i int) bool { return i < len(s) && digitByte(s[i]) }

func letterRuneAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if s[i] < 0x80 {
		return alphaByte(s[i])
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func alphaRunEnd(s string, i int) int {
	for i < len(s) && alphaByte(s[i]) {
		i++
	}
	return i
}

// identEnd skips an identifier: ASCII letters, digits and non-ASCII letters.
func identEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if alphaByte(c) || digitByte(c) || c == '_' {
			i++
			continue
		}
		if c >= 0x80 {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				i += n
				continue
			}
		}
		break
	}
	return i
}

// dottedEnd skips the rest of "192.168.1.2", "10:30:15", "24/10/2024".
func dottedEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if digitByte(c) || alphaByte(c) {
			i++
			continue
		}
		if (c == '.' || c == ':' || c == '/' || c == '-') && i+1 < len(s) && (digitByte(s[i+1]) || alphaByte(s[i+1])) {
			i++
			continue
		}
		break
	}
	return i
}

// phoneEnd skips "1-222-2222/2222", "380 44 123 4567" after a '+'.
func phoneEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if digitByte(c) || c == '(' || c == ')' {
			i++
			continue
		}
		if (c == '-' || c == ' ' || c == '.' || c == '/') && i+1 < len(s) && (digitByte(s[i+1]) || s[i+1] == '(') {
			i++
			continue
		}
		break
	}
	return i
}

// hSpace is the length of the horizontal space at i: space, tab, no-break
// space, thin space, narrow no-break space, figure space; 0 if none.
func hSpace(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch s[i] {
	case ' ', '\t':
		return 1
	case 0xC2:
		if i+1 < len(s) && s[i+1] == 0xA0 {
			return 2
		}
	case 0xE2:
		if i+2 < len(s) && s[i+1] == 0x80 {
			switch s[i+2] {
			case 0x87, 0x89, 0xAF, 0x8A, 0x88:
				return 3
			}
		}
	}
	return 0
}

// groupSep is the length of a thousands separator at i.
func groupSep(s string, i int) int {
	switch s[i] {
	case ',', '.':
		return 1
	}
	return hSpace(s, i)
}

// dashLen is the length of a hyphen, en dash, em dash or minus sign at i.
func dashLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if s[i] == '-' {
		return 1
	}
	if s[i] == 0xE2 && i+2 < len(s) {
		if s[i+1] == 0x80 && (s[i+2] == 0x93 || s[i+2] == 0x94 || s[i+2] == 0x90 || s[i+2] == 0x91) {
			return 3
		}
		if s[i+1] == 0x88 && s[i+2] == 0x92 {
			return 3
		}
	}
	return 0
}

// numSepAfter skips the spaces (and at most one hyphen) between two words of
// a number: "fifty - two", "twenty-one", "four-thousand-100". It returns p
// unchanged when nothing separates.
func numSepAfter(s string, p int) (int, bool) {
	q := p
	for k := 0; k < 8; k++ {
		n := hSpace(s, q)
		if n == 0 {
			break
		}
		q += n
	}
	hy := false
	if n := dashLen(s, q); n > 0 {
		hy = true
		q += n
		for k := 0; k < 8; k++ {
			n := hSpace(s, q)
			if n == 0 {
				break
			}
			q += n
		}
	}
	if q == p {
		return p, false
	}
	if q >= len(s) || !(alphaByte(s[q]) || digitByte(s[q]) || s[q] >= 0x80) {
		return p, false
	}
	return q, hy
}

func prefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

// foldEq compares w with the lower-case ASCII word lit, ignoring case.
func foldEq(w, lit string) bool {
	if len(w) != len(lit) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if lowerByte(w[i]) != lit[i] {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}

// lowerASCII writes w lower-cased into buf, which must be at least as long,
// and returns that prefix. Callers pass a stack array so the word lists can
// be matched with a string switch without allocating; unlike lowerInto it
// leaves non-ASCII bytes alone, so the result is as long as w.
func lowerASCII(buf []byte, w string) []byte {
	b := buf[:len(w)]
	for i := 0; i < len(w); i++ {
		b[i] = lowerByte(w[i])
	}
	return b
}

// urlEnd skips a URL or an e-mail-like token starting at i; it returns i
// when there is none.
func urlEnd(s string, i int) int {
	c := s[i] | 0x20
	if c != 'h' && c != 'w' && c != 'f' {
		return i
	}
	if !(foldPrefixAt(s, i, "http://") || foldPrefixAt(s, i, "https://") || foldPrefixAt(s, i, "www.") || foldPrefixAt(s, i, "ftp://")) {
		return i
	}
	j := i
	for j < len(s) && s[j] > ' ' && s[j] != '"' && s[j] != '<' && s[j] != '>' {
		j++
	}
	return j
}

func foldPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && foldEq(s[i:i+len(p)], p)
}

// ---- context: what surrounds a number decides whether it counts ----

// nearWord is a word next to a number; dot marks a '.' right after it
// ("No.", "Jan.") that also ends the chain of words looked at.
type nearWord struct {
	start, end int
	dot        bool
}

type nearWords struct {
	w [6]nearWord
	n int
}

func (ws *nearWords) text(s string, k int) string {
	if k >= ws.n {
		return ""
	}
	return s[ws.w[k].start:ws.w[k].end]
}

// is reports whether word k is lit, with no dot after it.
func (ws *nearWords) is(s string, k int, lit string) bool {
	return k < ws.n && !ws.w[k].dot && foldEq(s[ws.w[k].start:ws.w[k].end], lit)
}

// spaceBefore is the length of the horizontal space (or single line break)
// that ends at q, 0 if none.
func spaceBefore(s string, q int) int {
	if q <= 0 {
		return 0
	}
	switch s[q-1] {
	case ' ', '\t':
		return 1
	case '\n':
		if q >= 2 && s[q-2] == '\n' {
			return 0 // a paragraph break ends the context
		}
		return 1
	case 0xA0:
		if q >= 2 && s[q-2] == 0xC2 {
			return 2
		}
	case 0x87, 0x89, 0xAF:
		if q >= 3 && s[q-3] == 0xE2 && s[q-2] == 0x80 {
			return 3
		}
	}
	return 0
}

// wordsBefore returns up to six words before pos, nearest first, as long as
// only spaces separate them. Each is capped in length so that the look-back
// stays bounded whatever the input.
func wordsBefore(s string, pos int) (ws nearWords) {
	p := pos
	for ws.n < len(ws.w) {
		q := p
		for k := 0; k < 8; k++ {
			n := spaceBefore(s, q)
			if n == 0 {
				break
			}
			q -= n
		}
		if q == p {
			break
		}
		dot := false
		if q > 0 && s[q-1] == '.' {
			dot = true
			q--
		}
		e := q
		for q > 0 && alphaByte(s[q-1]) && e-q < 24 {
			q--
		}
		if q == e {
			break
		}
		if q > 0 {
			c := s[q-1]
			if alphaByte(c) || digitByte(c) || c >= 0x80 && prevIsLetter(s, q) {
				break
			}
		}
		ws.w[ws.n] = nearWord{start: q, end: e, dot: dot}
		ws.n++
		if dot {
			break
		}
		if q > 0 && s[q-1] == '\'' {
			break
		}
		p = q
	}
	return ws
}

func prevIsLetter(s string, q int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:q])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordsAfter returns up to six words after pos while only spaces separate
// them.
func wordsAfter(s string, pos int) (ws nearWords) {
	p := pos
	for ws.n < len(ws.w) {
		q := p
		for k := 0; k < 8; k++ {
			n := hSpace(s, q)
			if n == 0 {
				if q < len(s) && s[q] == '\n' && !(q+1 < len(s) && s[q+1] == '\n') {
					n = 1
				} else {
					break
				}
			}
			q += n
		}
		if q == p {
			break
		}
		e := q
		for e < len(s) && alphaByte(s[e]) && e-q < 24 {
			e++
		}
		if e == q || e < len(s) && (alphaByte(s[e]) || digitByte(s[e])) {
			break
		}
		dot := e < len(s) && s[e] == '.'
		ws.w[ws.n] = nearWord{start: q, end: e, dot: dot}
		ws.n++
		if dot || e < len(s) && s[e] != ' ' && hSpace(s, e) == 0 {
			break
		}
		p = e
	}
	return ws
}

// notCount applies the rules that make a number not a count: years, dates,
// times, ages, labels, street numbers and the pronoun "one".
func (sc *numScanner) notCount(n *numRead, pw, nw *nearWords, start, end int) bool {
	s := sc.s
	if start > 0 && (s[start-1] == '#' || suffixAt(s, start, "№")) {
		return true
	}
	if pw.n > 0 {
		w0 := pw.text(s, 0)
		if labelWord(w0, pw.w[0].dot) {
			return true
		}
		if !pw.w[0].dot && (foldEq(w0, "aged") || foldEq(w0, "age") || foldEq(w0, "ages")) {
			return true
		}
	}
	if yearLike(*n) && currencyBefore(s, start) == start {
		if pw.n > 0 && !pw.w[0].dot && yearPrep(pw.text(s, 0), true) {
			return true
		}
		if pw.n > 0 && monthWord(pw.text(s, 0), pw.w[0].dot) {
			return true
		}
		if pw.n > 0 && !pw.w[0].dot && yearPrep(pw.text(s, 0), false) && !(nw.n > 0 && lowerWord(nw.text(s, 0)) && !joinWord(nw.text(s, 0))) {
			return true
		}
		// "the 2022 invasion", "Ukraine's 2025 budget": a year names the
		// thing after it; a count takes a plural ("2000 troops").
		if nw.n > 0 && yearNoun(nw.text(s, 0)) {
			return true
		}
		// "October 24, 2024".
		if start >= 3 && s[start-1] == ' ' && s[start-2] == ',' && digitByte(s[start-3]) {
			return true
		}
	}
	if n.isInt && n.plain >= 1 && n.plain <= 2 && n.lo >= 1 && n.lo <= 31 {
		if pw.n > 0 && monthWord(pw.text(s, 0), pw.w[0].dot) {
			return true
		}
		if nw.n > 0 && monthWord(nw.text(s, 0), nw.w[0].dot) {
			return true
		}
		if nw.n > 0 && foldEq(nw.text(s, 0), "of") && nw.n > 1 && monthWord(nw.text(s, 1), nw.w[1].dot) {
			return true
		}
	}
	if n.plain > 0 && n.plain <= 2 && nw.n > 0 && clockWord(s, nw.w[0]) {
		return true
	}
	if ageAfter(s, end) {
		return true
	}
	if n.plain > 0 && n.plain <= 5 && streetAfter(s, *nw) {
		return true
	}
	if n.one && n.single {
		if pw.n > 0 && !pw.w[0].dot && determinerWord(pw.text(s, 0)) {
			return true
		}
		if pw.is(s, 0, "only") && pw.is(s, 1, "the") {
			return true // "the only one"
		}
		if nw.n > 0 && (foldEq(nw.text(s, 0), "another") || foldEq(nw.text(s, 0), "who")) {
			return true
		}
	}
	return false
}

func suffixAt(s string, end int, suf string) bool {
	return end >= len(suf) && s[end-len(suf):end] == suf
}

// yearNoun reports a word that a year, not a count, stands before: a
// lower-case singular noun ("invasion", "budget") or an event plural
// ("elections", "talks").
func yearNoun(w string) bool {
	if len(w) < 3 || !lowerWord(w) {
		return false
	}
	for _, e := range [...]string{"elections", "olympics", "games", "talks", "protests", "sanctions", "polls",
		"midterms", "accords", "riots", "floods", "figures", "statistics", "levels", "prices", "results"} {
		if w == e {
			return true
		}
	}
	if w[len(w)-1] == 's' || len(w) > 2 && w[len(w)-2:] == "ed" {
		return false
	}
	for _, c := range [...]string{"people", "men", "women", "children", "personnel", "military", "staff", "more",
		"dead", "strong", "were", "have", "had", "will", "would", "are", "and", "the", "for", "from", "with",
		"who", "whom", "which", "that", "out", "other", "others", "new", "fewer", "less", "extra", "additional",
		"foreign", "russian", "ukrainian", "korean", "north", "south", "infantry", "police", "reservists",
		"over", "under", "per", "each", "plus", "into", "onto", "than", "then"} {
		if w == c {
			return false
		}
	}
	return true
}

func lowerWord(w string) bool { return w != "" && 'a' <= w[0] && w[0] <= 'z' }

func joinWord(w string) bool {
	return foldEq(w, "and") || foldEq(w, "or") || foldEq(w, "but") || foldEq(w, "when") || foldEq(w, "while") ||
		foldEq(w, "after") || foldEq(w, "before") || foldEq(w, "as") || foldEq(w, "that") || foldEq(w, "to") ||
		foldEq(w, "the") || foldEq(w, "in") || foldEq(w, "on") || foldEq(w, "at") || foldEq(w, "with") ||
		foldEq(w, "was") || foldEq(w, "were") || foldEq(w, "is") || foldEq(w, "will") || foldEq(w, "had") ||
		foldEq(w, "has") || foldEq(w, "elections") || foldEq(w, "election")
}

// yearPrep: words after which a four-digit number is a year. The strong
// ones ("in 2024", "since 2014") decide alone; the weak ones ("of 2024",
// "by 2030") only when no noun follows ("of 2000 soldiers" is a count).
func yearPrep(w string, strong bool) bool {
	if len(w) > 8 {
		return false
	}
	var buf [8]byte
	lw := string(lowerASCII(buf[:], w))
	if strong {
		switch lw {
		case "in", "since", "until", "till", "during", "early", "late", "mid", "spring", "summer", "autumn",
			"fall", "winter", "year", "circa", "ca", "through", "throughout":
			return true
		}
		return false
	}
	switch lw {
	case "of", "by", "from", "to", "between", "before", "after", "and", "the", "for", "end":
		return true
	}
	return false
}

func monthWord(w string, dot bool) bool {
	if len(w) < 3 || len(w) > 9 {
		return false
	}
	var buf [9]byte
	lw := lowerASCII(buf[:], w)
	c := calendar()
	if _, ok := c.months[string(lw)]; !ok {
		return false
	}
	capital := w[0] >= 'A' && w[0] <= 'Z'
	switch {
	case c.homographs[string(lw)]:
		// Words too: only "March 5", "May 4" with a capital.
		return capital
	case c.abbrevs[string(lw)]:
		return dot || capital
	}
	return true
}

func clockWord(s string, w nearWord) bool {
	t := s[w.start:w.end]
	switch {
	case foldEq(t, "pm") || foldEq(t, "am"):
		return true
	case foldEq(t, "gmt") || foldEq(t, "utc") || foldEq(t, "cet") || foldEq(t, "cest") || foldEq(t, "eet") ||
		foldEq(t, "eest") || foldEq(t, "est") || foldEq(t, "edt") || foldEq(t, "pst") || foldEq(t, "msk") || foldEq(t, "kst"):
		return t[0] >= 'A' && t[0] <= 'Z'
	case (foldEq(t, "p") || foldEq(t, "a")) && w.dot:
		return foldPrefixAt(s, w.end, ".m.") || foldPrefixAt(s, w.end, ".m")
	case foldEq(t, "o") && (prefixAt(s, w.end, "'clock") || prefixAt(s, w.end, "’clock")):
		return true
	}
	return false
}

// ageAfter: "45-year-old", "30 years old", "6 months old", "aged 30" is
// handled by the word before.
func ageAfter(s string, end int) bool {
	if end+1 >= len(s) || s[end] != '-' && s[end] != ' ' {
		return false
	}
	switch s[end+1] | 0x20 {
	case 'y', 'm', 'd', 'w':
	default:
		return false
	}
	for _, suf := range [...]string{"-year-old", "-years-old", "-year old", " year-old", " years old", " year old",
		" years of age", "-month-old", "-months-old", " months old", "-day-old", "-week-old", " weeks old", " days old"} {
		if foldPrefixAt(s, end, suf) {
			return true
		}
	}
	return false
}

// labelWord: words that name rather than count ("No. 10", "Article 5",
// "Route 66", "Resolution 2231"). Without a dot, "no", "version", "order",
// "case" and "bill" stay out: they stand before counts as often as labels.
func labelWord(w string, dot bool) bool {
	if len(w) > 12 {
		return false
	}
	var buf [12]byte
	lw := string(lowerASCII(buf[:], w))
	if dot {
		switch lw {
		case "no", "nos", "nr", "nrs", "art", "sec", "para", "vol", "p", "pp", "ch", "fig", "tel", "apt", "st", "rm", "ex":
			return true
		}
		return false
	}
	switch lw {
	case "section", "sections", "article", "articles", "chapter", "paragraph", "clause", "resolution", "amendment",
		"route", "highway", "interstate", "motorway", "room", "suite", "flight", "platform", "gate", "page", "pages",
		"volume", "apartment", "building", "exit", "terminal", "track", "item", "rule", "protocol", "decree",
		"phase", "episode", "season", "grade", "district", "sector", "unit", "bus", "tram", "line", "channel",
		"bloc", "block", "hall", "ward", "bed", "seat", "row", "lane", "street", "avenue", "road", "square",
		"number", "nos", "nr", "tel", "telephone", "phone", "fax", "code", "zip", "postcode", "ext", "extension",
		"level", "category", "class", "type", "model", "series", "mark", "mk", "part", "title",
		"figure", "table", "act", "law", "regulation", "directive", "convention":
		return true
	}
	return false
}

func determinerWord(w string) bool {
	for _, d := range [...]string{"the", "this", "that", "which", "each", "every", "any", "no", "another",
		"last", "next", "someone", "anyone", "whichever", "little", "big", "right", "wrong", "new", "old"} {
		if foldEq(w, d) {
			return true
		}
	}
	return false
}

// streetAfter: "10 Downing Street", "1600 Pennsylvania Avenue".
func streetAfter(s string, nw nearWords) bool {
	for k := 0; k < nw.n && k < 3; k++ {
		w := nw.text(s, k)
		if w == "" || w[0] < 'A' || w[0] > 'Z' {
			return false
		}
		if k == 0 {
			continue
		}
		switch {
		case foldEq(w, "street") || foldEq(w, "avenue") || foldEq(w, "road") || foldEq(w, "boulevard") ||
			foldEq(w, "lane") || foldEq(w, "drive") || foldEq(w, "square") || foldEq(w, "place") ||
			foldEq(w, "terrace") || foldEq(w, "embankment") || foldEq(w, "prospekt") || foldEq(w, "court") ||
			foldEq(w, "crescent") || foldEq(w, "strasse") || foldEq(w, "ulitsa") || foldEq(w, "vulytsia"):
			return true
		case nw.w[k].dot && (foldEq(w, "st") || foldEq(w, "ave") || foldEq(w, "rd") || foldEq(w, "blvd") || foldEq(w, "sq")):
			return true
		}
		if nw.w[k].dot {
			return false
		}
	}
	return false
}

// articleBefore reports "a" or "an" right before i.
func articleBefore(s string, i int) bool { return articleStart(s, i) < i }

func articleStart(s string, i int) int {
	pw := wordsBefore(s, i)
	if pw.is(s, 0, "a") || pw.is(s, 0, "an") {
		return pw.w[0].start
	}
	return i
}

// halfBefore: "half" before the article of "half a dozen".
func halfBefore(s string, i int) int {
	pw := wordsBefore(s, i)
	if pw.is(s, 0, "half") {
		return pw.w[0].start
	}
	return i
}

// severalBefore: "several hundred", "a few thousand".
func severalBefore(s string, i int) int {
	pw := wordsBefore(s, i)
	if pw.is(s, 0, "several") {
		return pw.w[0].start
	}
	if pw.is(s, 0, "few") && pw.is(s, 1, "a") {
		return pw.w[1].start
	}
	return i
}

// percentAfter returns the end of a percent sign or word right after end
// ("40%", "40 %", "40 percent", "40 per cent"), or end when there is none.
func percentAfter(s string, end int) int {
	p := end
	if hSpace(s, p) == 1 {
		p++
	}
	if p < len(s) && s[p] == '%' {
		if p+2 < len(s) && hexByte(s[p+1]) && hexByte(s[p+2]) && (digitByte(s[p+1]) || digitByte(s[p+2])) {
			return end // "%25" in a URL
		}
		return p + 1
	}
	if p == end {
		return end
	}
	e := alphaRunEnd(s, p)
	if e < len(s) && (digitByte(s[e]) || s[e] >= 0x80 && letterRuneAt(s, e)) {
		return end
	}
	w := s[p:e]
	switch {
	case foldEq(w, "percent"), foldEq(w, "percents"), foldEq(w, "percentage"), foldEq(w, "pct"):
		return e
	case foldEq(w, "per"):
		if q := e; q < len(s) && (s[q] == ' ' || s[q] == '-') {
			if e2 := alphaRunEnd(s, q+1); foldEq(s[q+1:e2], "cent") || foldEq(s[q+1:e2], "cents") {
				return e2
			}
		}
	}
	return end
}

func hexByte(c byte) bool { return digitByte(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

type connKind uint8

const (
	connNone connKind = iota
	connDash
	connTo
	connAnd
)

// rangeConnector finds what joins the two ends of a range after end: a
// dash, "~", "to", "through", or "and" after "between". It returns where
// the second number starts.
func rangeConnector(s string, end int, between bool) (connKind, int) {
	p := end
	for k := 0; k < 4; k++ {
		n := hSpace(s, p)
		if n == 0 {
			break
		}
		p += n
	}
	if n := dashLen(s, p); n > 0 || p < len(s) && s[p] == '~' {
		if n == 0 {
			n = 1
		}
		q := p + n
		for k := 0; k < 4; k++ {
			m := hSpace(s, q)
			if m == 0 {
				break
			}
			q += m
		}
		if q < len(s) && (digitByte(s[q]) || alphaByte(s[q])) {
			return connDash, q
		}
		return connNone, end
	}
	if p == end {
		return connNone, end
	}
	e := alphaRunEnd(s, p)
	w := s[p:e]
	kind := connNone
	switch {
	case foldEq(w, "to"), foldEq(w, "through"), foldEq(w, "thru"):
		kind = connTo
	case between && foldEq(w, "and"):
		kind = connAnd
	default:
		return connNone, end
	}
	q := e
	for k := 0; k < 4; k++ {
		m := hSpace(s, q)
		if m == 0 {
			break
		}
		q += m
	}
	if q == e || q >= len(s) || !(digitByte(s[q]) || alphaByte(s[q]) || s[q] == '.') {
		return connNone, end
	}
	return kind, q
}

// dashChain reports a third dash-joined group after p ("222-2222-2222").
func dashChain(s string, p int) bool {
	return p+1 < len(s) && (s[p] == '-' || s[p] == '/' || s[p] == '.') && digitByte(s[p+1])
}

func skipChain(s string, p int) int { return dottedEnd(s, p) }

// currencyBefore returns where a currency sign before pos starts ("$20",
// "US$ 1MM", "€ 5"), or pos.
func currencyBefore(s string, pos int) int {
	p := pos
	if n := spaceBefore(s, p); n > 0 && s[p-1] != '\n' {
		p -= n
	}
	if p <= 0 {
		return pos
	}
	switch {
	case s[p-1] == '$':
		q := p - 1
		for q > 0 && q > p-4 && 'A' <= s[q-1] && s[q-1] <= 'Z' {
			q--
		}
		if q > 0 && alphaByte(s[q-1]) {
			q = p - 1
		}
		return q
	case suffixAt(s, p, "€"), suffixAt(s, p, "£"), suffixAt(s, p, "¥"), suffixAt(s, p, "₴"),
		suffixAt(s, p, "₽"), suffixAt(s, p, "₹"), suffixAt(s, p, "₩"):
		_, n := utf8.DecodeLastRuneInString(s[:p])
		return p - n
	}
	return pos
}

// currencyWordAfter: "300 euros", "5 million dollars", "$5m".
func currencyWordAfter(s string, end int) bool {
	nw := wordsAfter(s, end)
	w := nw.text(s, 0)
	for _, c := range [...]string{"dollars", "dollar", "euros", "euro", "pounds", "sterling", "hryvnias", "hryvnia",
		"hryvnas", "rubles", "roubles", "ruble", "rouble", "yuan", "yen", "rupees", "francs", "usd", "eur", "uah",
		"rub", "gbp", "cents", "bucks", "lira", "lire", "zloty", "shekels", "renminbi"} {
		if foldEq(w, c) {
			return true
		}
	}
	return false
}

// FindQuantities returns the counts, shares and amounts in text, as
// findQuantities does; the extraction engine over the language layer reads
// its figures with it.
func FindQuantities(text string, h *Hedges) []Quantity { return findQuantities(text, h) }
