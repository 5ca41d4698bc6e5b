package claim

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Plain turns article text, plain or HTML, into the plain text that
// Claim.Start and Claim.End index into: tags stripped, entities decoded,
// paragraphs separated by a blank line, line endings normalised to "\n" and
// invalid UTF-8 replaced. Plain text that needs none of this is returned as
// it is, so offsets into it are offsets into the caller's text.
func Plain(text string) string {
	if looksHTML(text) {
		return htmlText(text)
	}
	if strings.IndexByte(text, '\r') < 0 && !hasEntity(text) && utf8.ValidString(text) {
		return text
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if hasEntity(text) {
		text = html.UnescapeString(text)
	}
	return text
}

// hasEntity reports an HTML character reference ("&amp;", "&#8217;"), which
// feeds often leave in text that is otherwise plain.
func hasEntity(s string) bool {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 || i+1 >= len(s) {
			return false
		}
		s = s[i+1:]
		j := 0
		for j < len(s) && j < 32 && (isASCIIAlnum(s[j]) || (j == 0 && s[j] == '#')) {
			j++
		}
		if j > 0 && j < len(s) && s[j] == ';' {
			return true
		}
	}
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// htmlTags are the elements whose presence makes a text HTML. A bare "<" in
// wire copy ("<5%") must not send plain text through the HTML parser.
var htmlTags = map[string]bool{
	"p": true, "br": true, "div": true, "span": true, "a": true, "b": true, "i": true,
	"em": true, "strong": true, "ul": true, "ol": true, "li": true, "h1": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true,
	"html": true, "body": true, "head": true, "article": true, "section": true,
	"figure": true, "figcaption": true, "img": true, "table": true, "tr": true,
	"td": true, "th": true, "script": true, "style": true, "header": true,
	"footer": true, "main": true, "aside": true, "nav": true, "pre": true,
	"hr": true, "iframe": true, "picture": true, "source": true, "time": true,
	"u": true, "small": true, "sup": true, "sub": true, "title": true, "meta": true,
	"link": true, "noscript": true, "cite": true, "q": true, "dl": true, "dt": true, "dd": true,
}

func looksHTML(s string) bool {
	for n := 0; n < 64; n++ {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			return false
		}
		s = s[i+1:]
		if strings.HasPrefix(s, "!--") || strings.HasPrefix(s, "!DOCTYPE") || strings.HasPrefix(s, "!doctype") {
			return true
		}
		t := s
		if t[0] == '/' {
			t = t[1:]
		}
		j := 0
		for j < len(t) && j < 12 && isASCIIAlnum(t[j]) {
			j++
		}
		if j == 0 || j >= len(t) {
			continue
		}
		if c := t[j]; c != '>' && c != ' ' && c != '/' && c != '\n' && c != '\t' {
			continue
		}
		if htmlTags[strings.ToLower(t[:j])] {
			return true
		}
	}
	return false
}

// blockTags end a paragraph; br ends a line.
var blockTags = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "article": true,
	"section": true, "figure": true, "figcaption": true, "table": true, "tr": true,
	"header": true, "footer": true, "main": true, "aside": true, "nav": true,
	"pre": true, "hr": true, "dl": true, "dt": true, "dd": true, "body": true,
	"td": true, "th": true, "title": true,
}

// skipTags hold no article text.
var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"head": true, "iframe": true, "object": true, "math": true,
}

func htmlText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	b.Grow(len(src) / 2)
	skip := 0
	brk := 0 // pending break: 1 newline, 2 paragraph
	space := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.ToValidUTF8(strings.TrimSpace(b.String()), "\uFFFD")
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipTags[tag] {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if tag == "br" {
				brk = max(brk, 1)
			} else if blockTags[tag] {
				brk = 2
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			for _, r := range string(z.Text()) {
				if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' {
					space = true
					continue
				}
				if b.Len() > 0 {
					switch {
					case brk == 2:
						b.WriteString("\n\n")
					case brk == 1:
						b.WriteByte('\n')
					case space:
						b.WriteByte(' ')
					}
				}
				brk, space = 0, false
				b.WriteRune(r)
			}
		}
	}
}

// span is one sentence of the plain text.
type span struct {
	start, end int
	para       int // paragraph number
	quote      int // index into quotes of a quotation running over several sentences, or -1
}

type quotation struct {
	first, last int // sentences it opens and closes in
}

// Abbreviation classes: a title never ends a sentence ("Lt. Gen. Budanov"),
// a numbered one does not before a digit ("No. 10", "Feb. 4": the months'
// abbreviations are numbered ones, from the calendar), and an ending
// one ("U.S.", "etc.") ends a sentence only before a word that usually starts
// one.
const (
	abbrTitle = iota + 1
	abbrNumbered
	abbrEnding
)

var abbreviations = map[string]int{
	"mr": abbrTitle, "mrs": abbrTitle, "ms": abbrTitle, "dr": abbrTitle, "prof": abbrTitle,
	"gen": abbrTitle, "lt": abbrTitle, "col": abbrTitle, "maj": abbrTitle, "capt": abbrTitle,
	"cpt": abbrTitle, "sgt": abbrTitle, "adm": abbrTitle, "cmdr": abbrTitle, "gov": abbrTitle,
	"sen": abbrTitle, "rep": abbrTitle, "rev": abbrTitle, "st": abbrTitle, "mt": abbrTitle,
	"ft": abbrTitle, "pres": abbrTitle, "supt": abbrTitle, "brig": abbrTitle, "pvt": abbrTitle,
	"cpl": abbrTitle, "messrs": abbrTitle, "hon": abbrTitle, "vs": abbrTitle, "v": abbrTitle,
	"no": abbrNumbered, "nos": abbrNumbered, "vol": abbrNumbered, "art": abbrNumbered,
	"fig": abbrNumbered, "p": abbrNumbered, "pp": abbrNumbered, "sec": abbrNumbered,
	"approx": abbrNumbered, "est": abbrNumbered, "ca": abbrNumbered,
	"jr": abbrEnding, "sr": abbrEnding, "inc": abbrEnding, "co": abbrEnding, "corp": abbrEnding,
	"ltd": abbrEnding, "etc": abbrEnding, "e.g": abbrEnding, "i.e": abbrEnding,
	"u.s": abbrEnding, "u.k": abbrEnding, "u.n": abbrEnding, "e.u": abbrEnding,
	"a.m": abbrEnding, "p.m": abbrEnding, "d.c": abbrEnding, "bros": abbrEnding,
}

// starters are words that usually open a sentence; after an ending
// abbreviation ("in the U.S. The …") they mark a break.
var starters = map[string]bool{
	"the": true, "he": true, "she": true, "it": true, "they": true, "we": true, "i": true,
	"a": true, "an": true, "in": true, "on": true, "but": true, "this": true, "that": true,
	"there": true, "according": true, "meanwhile": true, "however": true, "his": true,
	"her": true, "their": true, "its": true, "our": true, "some": true, "after": true,
	"earlier": true, "later": true, "officials": true, "at": true, "for": true, "as": true,
}

// maxLineWrap is the length from which a line ending without punctuation is
// taken for hard-wrapped text rather than a heading.
const maxLineWrap = 60

// sentences splits plain text into sentences. Paragraph breaks (a blank
// line) always end one; a single line break ends one after a stop or a short
// line (a heading), and is a space inside hard-wrapped text.
func sentences(p string, out []span) []span {
	para := 0
	start := -1 // start of the current sentence, -1 between sentences
	lineStart := 0
	emit := func(end int) {
		if start < 0 {
			return
		}
		e := end
		for e > start {
			r, n := utf8.DecodeLastRuneInString(p[start:e])
			if !unicode.IsSpace(r) {
				break
			}
			e -= n
		}
		if e > start {
			out = append(out, span{start: start, end: e, para: para, quote: -1})
		}
		start = -1
	}
	for i := 0; i < len(p); {
		c := p[i]
		if c == '\n' {
			j, nl := i, 0
			for j < len(p) && (p[j] == '\n' || p[j] == ' ' || p[j] == '\t' || p[j] == '\r') {
				if p[j] == '\n' {
					nl++
				}
				j++
			}
			if nl >= 2 {
				emit(i)
				para++
			} else if start >= 0 && (i-lineStart < maxLineWrap || endsSentence(p[lineStart:i])) {
				emit(i)
			}
			lineStart = j
			i = j
			continue
		}
		if start >= 0 && c < utf8.RuneSelf && c != '.' && c != '!' && c != '?' {
			i++ // the common case: a plain byte inside a sentence
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(p[i:])
		}
		if start < 0 {
			if unicode.IsSpace(r) {
				i += n
				continue
			}
			start = i
		}
		if r == '.' || r == '!' || r == '?' || r == '…' {
			if end, ok := sentenceEnd(p, i); ok {
				emit(end)
				i = end
				continue
			}
		}
		i += n
	}
	emit(len(p))
	return out
}

// markQuotations finds quotations that run over several sentences of one
// paragraph and stamps their sentences, so that a sentence inside one can
// take the speaker named where the quotation opens or closes.
func markQuotations(p string, ss []span, quotes []quotation) []quotation {
	open := -1 // sentence where the open quotation started
	para := -1
	for si := range ss {
		s := &ss[si]
		if s.para != para {
			para, open = s.para, -1
		}
		for i := s.start; i < s.end; {
			// only '"' and the lead bytes of “ ” „ « » can start a quotation mark
			if c := p[i]; c != '"' && c != 0xE2 && c != 0xC2 {
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(p[i:])
			switch r {
			case '“', '«', '„':
				if open < 0 {
					open = si
				}
			case '”', '»':
				if open >= 0 {
					quotes = stampQuote(ss, quotes, open, si)
					open = -1
				}
			case '"':
				if open < 0 && (i == 0 || isOpenContext(p[:i])) {
					open = si
				} else if open >= 0 {
					quotes = stampQuote(ss, quotes, open, si)
					open = -1
				}
			}
			i += n
		}
	}
	return quotes
}

func stampQuote(ss []span, quotes []quotation, first, last int) []quotation {
	if last == first {
		return quotes
	}
	q := len(quotes)
	quotes = append(quotes, quotation{first: first, last: last})
	for i := first; i <= last; i++ {
		ss[i].quote = q
	}
	return quotes
}

func isOpenContext(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return unicode.IsSpace(r) || r == '(' || r == '[' || r == '—' || r == '–' || r == ':'
}

func endsSentence(line string) bool {
	line = strings.TrimRight(line, " \t")
	r, _ := utf8.DecodeLastRuneInString(line)
	switch r {
	case '.', '!', '?', '…', ':', '"', '”', '»', ')':
		return true
	}
	return false
}

// sentenceEnd decides whether the stop at i ends a sentence and returns the
// offset just past it (and past closing quotes and brackets).
func sentenceEnd(p string, i int) (int, bool) {
	stop := p[i]
	j := i
	// the run of stops and closers
	for j < len(p) {
		r, n := utf8.DecodeRuneInString(p[j:])
		if r == '.' || r == '!' || r == '?' || r == '…' || r == '"' || r == '”' || r == '»' || r == '’' || r == '\'' || r == ')' || r == ']' {
			j += n
			continue
		}
		break
	}
	end := j
	if j < len(p) {
		r, _ := utf8.DecodeRuneInString(p[j:])
		if !unicode.IsSpace(r) {
			return 0, false // "2.7", "U.S.-led", "example.com"
		}
	}
	// the next visible character
	k := j
	for k < len(p) {
		r, n := utf8.DecodeRuneInString(p[k:])
		if !unicode.IsSpace(r) {
			break
		}
		k += n
	}
	if k >= len(p) {
		return end, true
	}
	next, _ := utf8.DecodeRuneInString(p[k:])
	if unicode.IsLower(next) {
		return 0, false
	}
	if stop != '.' || (i+1 < len(p) && p[i+1] == '.') {
		return end, true
	}
	// the word before the full stop
	w := i
	for w > 0 {
		r, n := utf8.DecodeLastRuneInString(p[:w])
		if unicode.IsLetter(r) || r == '.' {
			w -= n
			continue
		}
		break
	}
	word := p[w:i]
	if word == "" {
		return end, true
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		if unicode.IsUpper(r) {
			return 0, false // an initial: "J. Smith"
		}
	}
	var buf [16]byte
	lw := lowerInto(buf[:0], word)
	class := abbreviations[string(lw)]
	if class == 0 && calendar().abbrevs[string(lw)] {
		class = abbrNumbered // the months' abbreviations: "Feb. 4"
	}
	if class == 0 && strings.Contains(word, ".") {
		class = abbrEnding // "U.S", "N.Y"
	}
	switch class {
	case abbrTitle:
		return 0, false
	case abbrNumbered:
		if unicode.IsDigit(next) {
			return 0, false
		}
		if !startsSentence(p[k:]) {
			return 0, false
		}
	case abbrEnding:
		if !startsSentence(p[k:]) {
			return 0, false
		}
	}
	return end, true
}

func startsSentence(s string) bool {
	e := 0
	for e < len(s) && e < 16 {
		r, n := utf8.DecodeRuneInString(s[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += n
	}
	var buf [16]byte
	return starters[string(lowerInto(buf[:0], s[:e]))]
}

// lowerInto appends the lower case of s to dst, folding typographic
// apostrophes to ASCII so "Russia’s" and "Russia's" look the same.
func lowerInto(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '’' || r == 'ʼ' {
			dst = append(dst, '\'')
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += n
	}
	return dst
}
