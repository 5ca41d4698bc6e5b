package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTokenBytes caps one surface token: a longer run of letters (or of one
// punctuation mark) is cut into pieces, so no token, and no word a tagger
// sees, is unbounded.
const maxTokenBytes = 1024

// maxURLBytes caps a URL, which may rightly be longer than a word.
const maxURLBytes = 4 * maxTokenBytes

// maxConnectors caps the inner marks (stops, hyphens, apostrophes, …) one
// word span is analysed over at once, so the look-ahead that decides each
// mark stays bounded on input like "a-a-a-a-…".
const maxConnectors = 64

// tokKind is what a surface token is, as far as sentence splitting cares.
type tokKind uint8

const (
	tokWord     tokKind = iota // letters (and digits) of one word
	tokNumber                  // starts with a digit
	tokURL                     // URL, e-mail address, @handle, #hashtag
	tokPeriod                  // "."
	tokQuestion                // a run of ?, ! and stops with at least one ? or !
	tokEllipsis                // "...", "…"
	tokOpen                    // opening quote or bracket
	tokClose                   // closing quote or bracket
	tokComma                   // , ; :
	tokDash                    // - -- – —
	tokBullet                  // a list mark at the start of a line
	tokEmoticon                // an emoticon or emoji: it may trail a sentence's final mark
	tokSymbol                  // anything else: $ % &, bytes that are not text
)

// lexTok is one surface token found by the lexer.
type lexTok struct {
	start, end int
	cuts       [2]int32 // offsets from start where its words divide; 0 = none
	kind       tokKind
	abbr       abbrClass // a word whose final stop was kept, and its kind
	nl         uint8     // newlines in the whitespace before it, at most 2
	space      bool      // whitespace before it
}

// words returns how many syntactic words the token holds.
func (t *lexTok) words() int {
	switch {
	case t.cuts[1] != 0:
		return 3
	case t.cuts[0] != 0:
		return 2
	}
	return 1
}

// lexer cuts a text into surface tokens. Quote state is kept per paragraph
// so a straight quote can be told to open or close.
type lexer struct {
	text  string
	pos   int  // where lexing goes on
	cs    int  // start of the whitespace-free chunk pos is in
	ce    int  // its end; pos >= ce between chunks
	hasAt bool // the chunk holds an @, so e-mail addresses are looked for
	lx    *tokLexicon
	toks  []lexTok
	nl    int  // newlines seen since the last token
	space bool // whitespace seen since the last token
	dq    bool // a straight double quote is open
	sq    int  // single quotes open
	segs  []wordSeg
}

// newLexer returns a lexer at the start of text. Tokens are lexed on
// demand (fill) and dropped once used (drop), so the lexer holds a bounded
// window of them, never the whole text's.
func newLexer(text string, lx *tokLexicon) *lexer {
	return &lexer{text: text, lx: lx, toks: make([]lexTok, 0, min(2*MaxWords, len(text)/4+splitLookahead))}
}

// fill lexes until at least n tokens are queued or the text is used up,
// and reports whether n are. Every byte is looked at a bounded number of
// times, so lexing costs time linear in len(text).
func (l *lexer) fill(n int) bool {
	text := l.text
	for len(l.toks) < n && l.pos < len(text) {
		if l.pos < l.ce {
			l.pos = l.item(l.pos)
			continue
		}
		if k := spaceLenAt(text, l.pos); k > 0 {
			if breaks := lineBreaksAt(text, l.pos); breaks > 0 {
				l.nl += breaks
				if l.nl >= 2 {
					l.dq, l.sq = false, 0 // quotes never run over a paragraph
				}
			}
			l.space = true
			l.pos += k
			continue
		}
		l.cs, l.ce = l.pos, chunkEnd(text, l.pos)
		l.hasAt = strings.IndexByte(text[l.cs:l.ce], '@') >= 0
	}
	return len(l.toks) >= n
}

// drop forgets the first n queued tokens.
func (l *lexer) drop(n int) {
	l.toks = l.toks[:copy(l.toks, l.toks[n:])]
}

// spaceLenAt returns the byte length of the whitespace or control character at
// text[i], or 0 if there is none. Control characters separate tokens like
// spaces do: they are never part of a word.
func spaceLenAt(text string, i int) int {
	c := text[i]
	if c < utf8.RuneSelf {
		if c <= ' ' || c == 0x7f {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	if r == utf8.RuneError {
		return 0
	}
	if unicode.IsSpace(r) || (r >= 0x80 && r <= 0x9f) || r == 0x200b || r == 0xfeff || r == 0x2060 {
		return n
	}
	return 0
}

// lineBreaksAt returns how many line breaks the space at text[i] makes: one
// for a newline, vertical tab, form feed, NEL or line separator, two (a
// paragraph) for the paragraph separator.
func lineBreaksAt(text string, i int) int {
	switch c := text[i]; {
	case c == '\n' || c == '\v' || c == '\f':
		return 1
	case c < utf8.RuneSelf:
		return 0
	}
	switch r, _ := utf8.DecodeRuneInString(text[i:]); r {
	case 0x85, 0x2028:
		return 1
	case 0x2029:
		return 2
	}
	return 0
}

// chunkEnd returns the end of the run of non-space text starting at i.
func chunkEnd(text string, i int) int {
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf { // the common case, kept inline
			if c <= ' ' || c == 0x7f {
				return i
			}
			i++
			continue
		}
		if spaceLenAt(text, i) > 0 {
			return i
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return i
}

// emit appends a token, giving it the whitespace seen before it.
func (l *lexer) emit(start, end int, kind tokKind) *lexTok {
	nl := l.nl
	if nl > 2 {
		nl = 2
	}
	l.toks = append(l.toks, lexTok{start: start, end: end, kind: kind, nl: uint8(nl), space: l.space})
	l.nl, l.space = 0, false
	return &l.toks[len(l.toks)-1]
}

// item lexes one token (or one word span) at l.pos, inside the current
// whitespace-free chunk l.cs:l.ce, and returns where lexing goes on. A
// chunk is lexed an item at a time, so a megabyte without a space fills
// the queue no faster than the sentenceBuilder empties it.
func (l *lexer) item(p int) int {
	text, cs, j := l.text, l.cs, l.ce
	prevAlnum := p > cs && wordRuneBefore(text, p)
	if !prevAlnum {
		if q := l.special(p, j, l.hasAt); q > p {
			return q
		}
	}
	r, n := runeAt(text, p)
	switch {
	case isWordRune(r) || (r == '.' && !prevAlnum && p+1 < j && isDigitByte(text[p+1])):
		p = l.word(p, j)
		if p > j { // "8 000": the number took the next chunk's digits
			l.ce = chunkEnd(text, p)
		}
		return p
	case r == '.' || r == '!' || r == '?' || r == '…':
		return l.stops(p, j)
	case isQuoteMark(r):
		return l.quote(p, j, cs, r, n)
	}
	return l.punct(p, j, cs, r, n)
}

// special lexes a token that must not be cut at its inner punctuation: a
// URL, e-mail address, @handle, #hashtag or emoticon. It returns p when
// there is none at p.
func (l *lexer) special(p, j int, hasAt bool) int {
	end, kind := l.urlEnd(p, j), tokURL
	switch c := l.text[p]; {
	case end > p:
	case c == '@' || c == '#':
		end = handleEnd(l.text, p, j)
	case isWordByte(c):
		if hasAt {
			end = emailEnd(l.text, p, j)
		}
	default:
		end, kind = l.emoticonEnd(p, j), tokEmoticon
	}
	if end > p {
		l.emit(p, end, kind)
	}
	return end
}

// urlEnd returns the end of a URL starting at p, or p.
func (l *lexer) urlEnd(p, j int) int {
	s := l.text[p:j]
	if c := s[0] | 0x20; c != 'h' && c != 'f' && c != 'w' && c != 'm' {
		return p // the common case, decided on one byte
	}
	if !hasPrefixFoldASCII(s, "http://") && !hasPrefixFoldASCII(s, "https://") && !hasPrefixFoldASCII(s, "ftp://") &&
		!hasPrefixFoldASCII(s, "www.") && !hasPrefixFoldASCII(s, "mailto:") {
		return p
	}
	end := p + trimURL(s)
	if end-p <= len("www.") {
		return p
	}
	return capURLEnd(l.text, p, end)
}

// handleEnd returns the end of an @handle or #hashtag starting at p, or p.
func handleEnd(text string, p, j int) int {
	if p+1 >= j || !isWordByte(text[p+1]) || text[p] == '#' && isDigitByte(text[p+1]) {
		return p // "#1" is a number sign and a number
	}
	q := p + 1
	for q < j && q-p < maxTokenBytes && isWordByte(text[q]) {
		q++
	}
	return q
}

// emoticonEnd returns the end of an emoticon starting at p, or p.
func (l *lexer) emoticonEnd(p, j int) int {
	s := l.text[p:j]
	for _, e := range l.lx.emoticons {
		if strings.HasPrefix(s, e) && (len(s) == len(e) || !isWordRuneAt(l.text, p+len(e))) {
			return p + len(e)
		}
	}
	return p
}

// trimURL returns the length of the URL at the start of s, without the
// punctuation that ends the sentence or closes a bracket around it.
func trimURL(s string) int {
	n := len(s)
	if n > maxURLBytes {
		n = maxURLBytes
	}
	// A closing bracket is the URL's own only if it opened one inside it
	// (en.wikipedia.org/wiki/Mercury_(planet)).
	parens := strings.Count(s[:n], "(") - strings.Count(s[:n], ")")
	squares := strings.Count(s[:n], "[") - strings.Count(s[:n], "]")
	angle := strings.IndexByte(s[:n], '<') >= 0
	for n > 0 {
		c := s[n-1]
		if strings.IndexByte(".,;:!?'\"", c) >= 0 || (c == ')' && parens < 0) || (c == ']' && squares < 0) || (c == '>' && !angle) {
			switch c {
			case ')':
				parens++
			case ']':
				squares++
			}
			n--
			continue
		}
		if r, size := utf8.DecodeLastRuneInString(s[:n]); isQuoteMark(r) {
			n -= size
			continue
		}
		break
	}
	return n
}

// emailEnd returns the end of an e-mail address starting at p, or p. The
// scan is bounded (64 bytes of local part, as RFC 5321 allows, and 255 of
// domain) so trying it at every word start stays linear.
func emailEnd(text string, p, j int) int {
	q := p
	for q < j && q-p <= 64 && (isWordByte(text[q]) || strings.IndexByte(".%+-", text[q]) >= 0) {
		q++
	}
	if q == p || q >= j || text[q] != '@' {
		return p
	}
	d := q + 1
	end, dots, label := d, 0, 0
	for k := d; k < j && k-d <= 255; k++ {
		c := text[k]
		switch {
		case isWordByte(c) || c == '-':
			label++
			if label >= 2 && dots > 0 {
				end = k + 1
			}
		case c == '.' && label > 0:
			dots++
			label = 0
		default:
			k = j
		}
	}
	if end == d {
		return p
	}
	return end
}

// stops lexes a run of full stops, question and exclamation marks.
func (l *lexer) stops(p, j int) int {
	text := l.text
	q, dots, other := p, 0, 0
	for q < j && q-p < maxTokenBytes {
		r, n := runeAt(text, q)
		switch r {
		case '.', '…':
			dots++
		case '!', '?':
			other++
		default:
			goto done
		}
		q += n
	}
done:
	kind := tokQuestion
	switch {
	case other > 0:
	case q-p == 1:
		kind = tokPeriod
	default:
		kind = tokEllipsis
	}
	l.emit(p, q, kind)
	return q
}

// quote lexes a quotation mark or apostrophe that is not inside a word.
func (l *lexer) quote(p, j, cs int, r rune, n int) int {
	text := l.text
	// '90s, ’73: an apostrophe that stands for a century.
	if (r == '\'' || r == '’' || r == '‘') && p+n+1 < j && isDigitByte(text[p+n]) && isDigitByte(text[p+n+1]) &&
		(p+n+2 == j || !isDigitByte(text[p+n+2])) {
		q := p + n + 2
		if q < j && text[q] == 's' && (q+1 == j || !isWordRuneAt(text, q+1)) {
			q++
		}
		l.emit(p, q, tokNumber)
		return q
	}
	q := p + n
	for q < j && q-p < 16 && strings.HasPrefix(text[q:], text[p:p+n]) {
		q += n // '' and ``, written for one double quote
	}
	// The spacing says whether a quote opens or closes; between two marks,
	// what touches it does; the glyph decides only when neither can (“
	// closes in „German“ quotes, ” opens in Swedish ones).
	before, after := p > cs, q < j
	curlyOpen := r == '“' || r == '«' || r == '„' || r == '‚' || r == '‘' || r == '‹' || r == '`'
	curlyClose := r == '”' || r == '»' || r == '’' || r == '›'
	var open bool
	switch {
	case before && !after:
		open = false
	case !before && after:
		open = true
	case before && after && !isWordRuneAt(text[:j], q): // “farce“.  "no",
		open = false
	case before && after && !wordRuneBefore(text, p) && !curlyOpen && !curlyClose:
		pr, _ := utf8.DecodeLastRuneInString(text[:p])
		open = !strings.ContainsRune(".,;:!?", pr) // ("Hi  but  said."Then
	case curlyOpen:
		open = true
	case curlyClose:
		open = false
	case r == '\'':
		open = l.sq == 0
	default:
		open = !l.dq
	}
	kind := tokClose
	if open {
		kind = tokOpen
	}
	switch r {
	case '"':
		l.dq = open
	case '\'', '‘', '’':
		if open {
			l.sq++
		} else if l.sq > 0 {
			l.sq--
		}
	}
	l.emit(p, q, kind)
	return q
}

// punct lexes any other mark: brackets, commas, dashes, bullets, symbols,
// emoji and bytes that are not text. A run of one mark ("--", "***") is one
// token, as EWT has it.
func (l *lexer) punct(p, j, cs int, r rune, n int) int {
	text := l.text
	q := p + n
	if isEmoji(r) {
		q = emojiEnd(text, q, j)
		l.emit(p, q, tokEmoticon)
		return q
	}
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		// Bytes that are not text are kept together, not one token each.
		for q < j && q-p < maxTokenBytes {
			r2, n2 := runeAt(text, q)
			if r2 != utf8.RuneError && unicode.IsPrint(r2) {
				break
			}
			q += n2
		}
		l.emit(p, q, tokSymbol)
		return q
	}
	for q < j && q-p < maxTokenBytes && strings.HasPrefix(text[q:], text[p:p+n]) {
		q += n
	}
	kind := tokSymbol
	lineStart := p == cs && (l.nl > 0 || len(l.toks) == 0)
	switch r {
	case '(', '[', '{':
		kind = tokOpen
	case ')', ']', '}':
		kind = tokClose
	case ',', ';', ':':
		kind = tokComma
	case '-', '–', '—', '―', '−':
		kind = tokDash
		if lineStart && q == j {
			kind = tokBullet
		}
	case '•', '·', '▪', '●', '◦', '‣', '■', '□', '►', '➢', '*':
		if lineStart {
			kind = tokBullet
		}
	}
	l.emit(p, q, kind)
	return q
}

// emojiEnd returns the end of the emoji sequence whose first rune ends at
// q: variation selectors, skin tones, keycaps, tags, a second regional
// indicator and zero-width-joined emoji belong to it.
func emojiEnd(text string, q, j int) int {
	for q < j && q < len(text) {
		r, n := runeAt(text, q)
		switch {
		case r == 0xfe0f || r == 0xfe0e || r == 0x20e3 || (r >= 0x1f3fb && r <= 0x1f3ff) ||
			(r >= 0xe0020 && r <= 0xe007f) || (r >= 0x1f1e6 && r <= 0x1f1ff):
			q += n
		case r == 0x200d && q+n < j:
			r2, n2 := runeAt(text, q+n)
			if !isEmoji(r2) {
				return q
			}
			q += n + n2
		default:
			return q
		}
	}
	return q
}

func isEmoji(r rune) bool {
	return (r >= 0x1f000 && r <= 0x1faff) || (r >= 0x2600 && r <= 0x27bf) || r == 0x2b50 || r == 0x2b55 ||
		(r >= 0x2300 && r <= 0x23ff && unicode.Is(unicode.So, r))
}

func isQuoteMark(r rune) bool {
	switch r {
	case '"', '\'', '`', '“', '”', '‘', '’', '«', '»', '„', '‚', '‹', '›':
		return true
	}
	return false
}

// runeAt returns the rune at text[i] and its length; an invalid byte is
// RuneError of length 1.
func runeAt(text string, i int) (rune, int) {
	if c := text[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(text[i:])
}

// isWordRune reports whether r can be part of a word: a letter, digit, mark,
// underscore ("Analysis_0712") or invisible joiner.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWordByte[r]
	}
	switch r {
	case utf8.RuneError:
		return false
	case 0xad, 0x200c, 0x200d:
		// A soft hyphen (left in text taken from HTML) or a zero-width
		// (non-)joiner sits inside a word and must not cut it.
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

func isWordRuneAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := runeAt(text, i)
	return isWordRune(r)
}

func wordRuneBefore(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return isWordRune(r)
}

func isWordByte(c byte) bool { return c < utf8.RuneSelf && asciiWordByte[c] }

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

var asciiWordByte = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

func hasPrefixFoldASCII(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// capURLEnd limits a URL starting at p to maxURLBytes, cutting at a rune
// boundary.
func capURLEnd(text string, p, end int) int {
	if end-p <= maxURLBytes {
		return end
	}
	end = p + maxURLBytes
	for end > p && !utf8.RuneStart(text[end]) {
		end--
	}
	return end
}
