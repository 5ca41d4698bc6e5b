package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// wordSeg is a run of letters and digits inside a word.
type wordSeg struct{ start, end int }

// word lexes, from p, letters and digits joined by inner marks ("U.S",
// "8,000", "Al-Zaman", "don't", "casualties.On") and cuts it into the
// tokens UD English EWT has there. It returns the end of what it took,
// which is past j when a number with spaced thousands ran on ("8 000").
func (l *lexer) word(p, j int) int {
	text := l.text
	segs := l.segs[:0]
	q := p
	if text[q] == '.' { // ".5"
		q++
	}
	for {
		s := q
		for q < j && q-s < maxTokenBytes {
			r, n := runeAt(text, q)
			if !isWordRune(r) {
				break
			}
			q += n
		}
		segs = append(segs, wordSeg{s, q})
		if q >= j || len(segs) > maxConnectors || q-s >= maxTokenBytes {
			break
		}
		r, n := runeAt(text, q)
		if !isConnector(r) || !isWordRuneAt(text[:j], q+n) {
			break
		}
		q += n
	}
	l.segs = segs // reused by the next word: no allocation per word
	segs[0].start = p
	ns := len(segs)
	ts := p
	for k := 0; k < ns-1; k++ {
		if l.joins(segs, k) {
			continue
		}
		if c := text[segs[k].end]; c == ':' || c == '/' || c == ',' || c == '&' {
			// Lex afresh after a mark like these: "contact:john@example.com"
			// holds an address, which only a token start can find.
			return l.lastWord(ts, segs[k].end, j, false)
		}
		l.emitWord(ts, segs[k].end)
		c, cn := segs[k].end, segs[k+1].start
		l.emit(c, cn, connectorKind(text[c]))
		ts = segs[k+1].start
	}
	return l.lastWord(ts, segs[ns-1].end, j, ns == 1)
}

// isConnector reports whether r may join two runs of letters or digits
// into one token; joins decides whether it does.
func isConnector(r rune) bool {
	switch r {
	case '.', ',', ':', '/', '&', '-', '\'', '’', '`':
		return true
	}
	return false
}

func connectorKind(c byte) tokKind {
	switch c {
	case '.':
		return tokPeriod
	case ',', ':':
		return tokComma
	case '-':
		return tokDash
	}
	return tokSymbol
}

// joins reports whether the mark between segs[k] and segs[k+1] stays inside
// the token, following EWT.
func (l *lexer) joins(segs []wordSeg, k int) bool {
	text := l.text
	var buf [16]byte
	left, right := segs[k], segs[k+1]
	L, R := text[left.start:left.end], text[right.start:right.end]
	switch c := text[left.end]; c {
	case '\'', 0xe2, '`': // apostrophes (’ starts with 0xe2): clitics are split later
		return true
	case '.':
		switch {
		case isDigitByte(L[len(L)-1]) && isDigitByte(R[0]): // 3.5, 1.2.3
			return true
		case onlyLetters(L) && onlyLetters(R) && min(runeCount(L), runeCount(R)) == 1 && max(runeCount(L), runeCount(R)) <= 2:
			return true // U.S, a.m, Ph.D
		case onlyLowerASCII(L) && onlyLowerASCII(R) && len(R) >= 2:
			return true // alt.animals.cat: a name, not a sentence end with a lost space
		}
		return l.isDomain(segs, k)
	case ',': // 8,000 and 8,000MW but not "1,2"
		return isDigitByte(L[len(L)-1]) && leadingDigitCount(R) == 3
	case ':': // 5:00, 01:39:56
		return isDigitByte(L[len(L)-1]) && isDigitByte(R[0])
	case '/': // 9/11, 11/28/2000, l/c; "and/or" is split
		return isDigitByte(L[len(L)-1]) && isDigitByte(R[0]) || runeCount(L) <= 2 && runeCount(R) <= 2 && onlyLetters(L) && onlyLetters(R)
	case '&': // AT&T, PG&E, P&L
		return runeCount(L) <= 3 && runeCount(R) <= 3 && onlyLetters(L) && onlyLetters(R)
	case '-':
		if onlyDigits(L) && onlyDigits(R) {
			return l.phoneLike(segs, k)
		}
		// A prefix opens a compound ("e-mail"), it does not sit inside one
		// ("Lashkar-e-Toiba").
		return (k == 0 || text[segs[k-1].end] != '-') && l.lx.prefixes[string(lowerASCIIKey(&buf, L))]
	}
	return false
}

// isDomain reports whether the stops from segs[k] on join a domain name:
// the last of the stop-joined runs is a top-level domain in lower case.
func (l *lexer) isDomain(segs []wordSeg, k int) bool {
	text := l.text
	last := k + 1
	for last+1 < len(segs) && text[segs[last].end] == '.' {
		last++
	}
	tld := text[segs[last].start:segs[last].end]
	return len(tld) <= 4 && onlyLowerASCII(tld) && l.lx.tlds[tld]
}

// phoneLike reports whether the hyphen after segs[k], between digits, is
// inside a telephone number or date (713-853-3989, 11-20-2000, 646-8420)
// rather than a range (1969-1970, 5-10), which EWT splits.
func (l *lexer) phoneLike(segs []wordSeg, k int) bool {
	text := l.text
	digitsAt := func(i int) bool { return onlyDigits(text[segs[i].start:segs[i].end]) }
	a, b := k, k+1
	for a > 0 && text[segs[a-1].end] == '-' && digitsAt(a-1) {
		a--
	}
	for b+1 < len(segs) && text[segs[b].end] == '-' && digitsAt(b+1) {
		b++
	}
	if b-a >= 2 {
		return true
	}
	l1, l2 := segs[k].end-segs[k].start, segs[k+1].end-segs[k+1].start
	return l2 == 4 && (l1 == 3 || l1 == 5) // 646-8420, ZIP+4 20006-3700
}

// lastWord emits the span's last token, which may keep a following full
// stop (an abbreviation), a possessive apostrophe ("parents'"), or the
// spaced thousands of a number ("8 000"). It returns where lexing goes on.
func (l *lexer) lastWord(s, e, j int, whole bool) int {
	text := l.text
	if e < j && text[e] == '.' && (e+1 >= j || text[e+1] != '.') {
		if c := l.abbrevClass(s, e); c != abbrNone {
			t := l.emitWord(s, e+1)
			t.abbr = c
			return e + 1
		}
	}
	if e < j && e-s >= 2 && (text[e-1] == 's' || text[e-1] == 'S') && l.sq == 0 {
		if n := apostropheAt(text, e); n > 0 && !isWordRuneAt(text[:j], e+n) {
			t := l.emit(s, e+n, tokWord)
			t.cuts[0] = int32(e - s)
			return e + n
		}
	}
	if whole && e-s <= 3 && onlyDigits(text[s:e]) && e == j {
		if end := spacedThousands(text, e); end > e {
			l.emit(s, end, tokNumber)
			return end
		}
	}
	l.emitWord(s, e)
	return e
}

// spacedThousands returns the end of the groups " ddd" that follow a
// number of 1–3 digits ending at e ("8 000", "1 250 000"), or e.
//
// A run that goes on with more digits after a space ("650 723 1976") is a
// telephone number, not a figure, and is left alone.
func spacedThousands(text string, e int) int {
	end := e
	for {
		n := thinSpaceAt(text, end)
		if n == 0 || end+n >= len(text) || !isDigitByte(text[end+n]) {
			return end
		}
		if end+n+3 > len(text) || !onlyDigits(text[end+n:end+n+3]) || isWordRuneAt(text, end+n+3) {
			if end > e {
				return e
			}
			return end
		}
		end += n + 3
	}
}

// thinSpaceAt returns the length of the one space that may separate
// thousands (plain, no-break, narrow no-break or thin), or 0.
func thinSpaceAt(text string, i int) int {
	if i >= len(text) {
		return 0
	}
	if text[i] == ' ' {
		return 1
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	if r == 0xa0 || r == 0x202f || r == 0x2009 {
		return n
	}
	return 0
}

func apostropheAt(text string, i int) int {
	switch {
	case i < len(text) && text[i] == '\'':
		return 1
	case i+3 <= len(text) && text[i:i+3] == "’":
		return 3
	}
	return 0
}

// abbrevClass says whether the word text[s:e], followed by a full stop,
// keeps it as an abbreviation, and of which kind.
func (l *lexer) abbrevClass(s, e int) abbrClass {
	text := l.text
	w := text[s:e]
	first, _ := utf8.DecodeRuneInString(w)
	switch {
	case strings.IndexByte(w, '.') >= 0:
		if isDigitByte(w[0]) || longestStopFreeRun(w) > 3 {
			return abbrNone // a number, a domain or a dotted name before its stop
		}
		var buf [16]byte
		if ent, ok := l.lx.abbrevs[string(lowerASCIIKey(&buf, w))]; ok {
			return ent.class // a.m.
		}
		return abbrPlain // U.S., Ph.D.
	case utf8.RuneCountInString(w) == 1 && unicode.IsUpper(first):
		return abbrInitial // "J. Smith", "N. Korea"
	case len(w) > 8 || onlyUpperASCII(w):
		return abbrNone // "EST.", "NATO.": an acronym that ends the sentence
	}
	var buf [16]byte
	ent, ok := l.lx.abbrevs[string(lowerASCIIKey(&buf, w))]
	if !ok || (ent.capital && !unicode.IsUpper(first)) {
		return abbrNone
	}
	if ent.class == abbrNum && !(e+2 < len(text) && text[e+1] == ' ' && isDigitByte(text[e+2])) {
		return abbrNone
	}
	return ent.class
}

// emitWord emits a word token, cutting off the letters written against a
// number ("5pm", "40mins") and marking the multiword tokens of clitics and
// contractions.
func (l *lexer) emitWord(s, e int) *lexTok {
	text := l.text
	if isDigitByte(text[s]) {
		d := s
		for d < e && (isDigitByte(text[d]) || (text[d] == '.' || text[d] == ',') && d+1 < e && isDigitByte(text[d+1])) {
			d++
		}
		var buf [16]byte
		if d < e && onlyLetters(text[d:e]) && !l.lx.numSuffixes[string(lowerASCIIKey(&buf, text[d:e]))] &&
			!(e-d == 1 && text[d] >= 'A' && text[d] <= 'Z' && !l.afterCurrency(s)) {
			l.emit(s, d, tokNumber)
			return l.emit(d, e, tokWord)
		}
		return l.emit(s, e, tokNumber)
	}
	t := l.emit(s, e, tokWord)
	t.cuts = l.mwtCuts(text[s:e])
	return t
}

// afterCurrency reports whether a currency sign is written just before s:
// then a capital after the number is an amount ("$136M"), not a name ("5G").
func (l *lexer) afterCurrency(s int) bool {
	if len(l.toks) == 0 || l.toks[len(l.toks)-1].end != s {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(l.text[:s])
	return unicode.Is(unicode.Sc, r)
}

// mwtCuts returns where a word divides into syntactic words: before a
// clitic ("Russia|'s", "do|n't", "ca|n't") or as a listed contraction
// ("can|not", "do|nt", "du|n|no").
func (l *lexer) mwtCuts(w string) (cuts [2]int32) {
	if a, n := lastApostrophe(w); a > 0 {
		after := w[a+n:]
		for _, c := range l.lx.clitics {
			ci := indexApostrophe(c)
			x, y := c[:ci], c[ci+1:]
			if len(after) == len(y) && sameFoldASCII(after, y) && a-len(x) >= 1 && sameFoldASCII(w[a-len(x):a], x) {
				cuts[0] = int32(a - len(x))
				return cuts
			}
		}
		return cuts
	}
	if i, ok := endingIndex(w); !ok || len(w) > 8 || !l.lx.endings[i] {
		return cuts
	}
	var buf [16]byte
	if cs, ok := l.lx.contractions[string(lowerASCIIKey(&buf, w))]; ok {
		for i, c := range cs {
			cuts[i] = int32(c)
		}
	}
	return cuts
}

// lastApostrophe returns the byte index and length of the last apostrophe
// (' ’ `) in w, or 0, 0.
func lastApostrophe(w string) (int, int) {
	for i := len(w) - 1; i > 0; i-- {
		switch {
		case w[i] == '\'' || w[i] == '`':
			return i, 1
		case w[i] == 0x99 && i >= 2 && w[i-2:i+1] == "’":
			return i - 2, 3
		}
	}
	return 0, 0
}

func indexApostrophe(c string) int {
	for i := 0; i < len(c); i++ {
		if c[i] == '\'' {
			return i
		}
	}
	return 0
}

// lowerASCIIKey returns the ASCII lower case of w, written into buf, as a map
// key (index maps with string(key)); the lists hold short ASCII words, so a longer w gets a key that
// matches nothing. Map look-ups by string(bytes) do not allocate.
func lowerASCIIKey(buf *[16]byte, w string) []byte {
	if len(w) > len(buf) {
		return buf[:1] // zero byte: no list has it
	}
	b := buf[:len(w)]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b
}

func sameFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func leadingDigitCount(s string) int {
	n := 0
	for n < len(s) && isDigitByte(s[n]) {
		n++
	}
	return n
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return false
		}
	}
	return s != ""
}

func onlyLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

func onlyUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

func onlyLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// longestStopFreeRun returns the length of the longest stop-free stretch of s.
func longestStopFreeRun(s string) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			cur = 0
			continue
		}
		cur++
		best = max(best, cur)
	}
	return best
}
