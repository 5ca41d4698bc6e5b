package lang

import (
	"unicode"
	"unicode/utf8"
)

// cutWindow is how far back from MaxWords a run-on sentence may be cut at a
// comma or semicolon rather than at the limit itself.
const cutWindow = 40

// wrappedLine is the length from which a line that ends in a lower-case
// word, with no stop, is taken to be prose wrapped at a fixed width rather
// than a headline.
const wrappedLine = 60

// Tokenize splits text into sentences and words without tagging or parsing.
//
// It follows UD English EWT: punctuation is split off, hyphenated
// compounds are split ("Al-Zaman" → Al - Zaman) except after prefixes
// ("e-mail"), clitics and contractions are multiword tokens ("don't" → do +
// n't, "Russia's" → Russia + 's, "cannot" → can + not), URLs, e-mail
// addresses, @handles and numbers ("8,000", "3.5", "8 000") stay whole. A
// sentence ends at a stop, question or exclamation mark (with the quotes
// and brackets that close after it), at a blank line, and at the end of a
// headline line; abbreviations ("Lt. Gen.", "Feb. 4", "U.S.") keep their
// stop. Sentences of more than MaxWords words are cut.
//
// Words have no tags and Head -1. The cost is linear in len(text), whatever
// it holds.
func Tokenize(text string) *Doc {
	lx := tokLexiconOnce()
	b := &sentenceBuilder{text: text, lx: lx, lex: newLexer(text, lx)}
	b.doc = &Doc{Text: text, Sentences: make([]Sentence, 0, len(text)/120+1)}
	b.split()
	return b.doc
}

// sentenceBuilder groups the lexer's tokens into sentences.
type sentenceBuilder struct {
	text   string
	lx     *tokLexicon
	lex    *lexer
	toks   []lexTok // the lexer's queue: the sentence being built and a look-ahead
	doc    *Doc
	words  []Word  // arena the sentences' Words are cut from
	tokens []Token // arena the sentences' Tokens are cut from
}

// splitLookahead is how many tokens past the current one a boundary decision
// may look at (past opening quotes, to the next word).
const splitLookahead = 4

// split walks the tokens once, ending a sentence where boundary says so and
// cutting one that would pass MaxWords. The sentence being built always
// starts at token 0 of the queue: emitted tokens are dropped.
func (b *sentenceBuilder) split() {
	words := 0
	line := 0 // byte offset of the start of the line the previous token is on
	for i := 0; b.fill(i+splitLookahead) || i < len(b.toks); i++ {
		if i > 0 && b.boundary(line, i) {
			b.emitDrop(b.splitFinalStop(i, words))
			i, words = 0, 0
		}
		t := &b.toks[i]
		if t.nl > 0 {
			line = t.start
		}
		if n := t.words(); words+n > MaxWords {
			cut := b.cutPoint(i)
			b.emitDrop(cut)
			i -= cut
			words = 0
			for k := 0; k < i; k++ {
				words += b.toks[k].words()
			}
		}
		words += b.toks[i].words()
	}
	if len(b.toks) > 0 {
		b.emitDrop(b.splitFinalStop(len(b.toks), words))
	}
}

// splitFinalStop gives an abbreviation that ends the sentence toks[:z], of
// so many words, its stop back as a token of its own, as EWT writes it
// ("etc" + "."), unless that would take it past MaxWords. It returns the
// sentence's new length.
func (b *sentenceBuilder) splitFinalStop(z, words int) int {
	t := &b.toks[z-1]
	if t.kind != tokWord || !t.abbr.mayEnd() || t.cuts[0] != 0 || t.end-t.start < 2 || words >= MaxWords {
		return z
	}
	t.end--
	t.abbr = abbrNone
	stop := lexTok{start: t.end, end: t.end + 1, kind: tokPeriod}
	b.lex.toks = append(b.lex.toks, lexTok{})
	copy(b.lex.toks[z+1:], b.lex.toks[z:])
	b.lex.toks[z] = stop
	b.toks = b.lex.toks
	return z + 1
}

// fill has the lexer queue n tokens if the text holds them.
func (b *sentenceBuilder) fill(n int) bool {
	ok := b.lex.fill(n)
	b.toks = b.lex.toks
	return ok
}

// emitDrop emits the sentence toks[:z] and drops its tokens.
func (b *sentenceBuilder) emitDrop(z int) {
	b.emit(0, z)
	b.lex.drop(z)
	b.toks = b.lex.toks
}

// cutPoint returns where to cut the sentence toks[:i] that token i would
// take past MaxWords: after the last comma or semicolon within cutWindow
// words of the limit, else before token i.
func (b *sentenceBuilder) cutPoint(i int) int {
	cut, words := i, 0
	for k := 0; k < i; k++ {
		words += b.toks[k].words()
		if t := &b.toks[k]; words >= MaxWords-cutWindow && t.kind == tokComma && (b.text[t.start] == ',' || b.text[t.start] == ';') {
			cut = k + 1
		}
	}
	return cut
}

// boundary reports whether the sentence toks[:i] ends before token i. line
// is where the line token i-1 is on begins.
func (b *sentenceBuilder) boundary(line, i int) bool {
	next := &b.toks[i]
	switch {
	case next.nl >= 2: // a blank line: a paragraph ends
		return true
	case next.kind == tokBullet || b.numberedItem(i):
		return true
	case b.endsSentence(i):
		return true
	case next.nl == 1:
		return b.headlineEnds(line, i)
	}
	return false
}

// numberedItem reports whether token i starts a numbered list item: a
// number at the start of a line, then a stop or bracket and a space ("2. ",
// "3) ").
func (b *sentenceBuilder) numberedItem(i int) bool {
	t := &b.toks[i]
	if t.nl == 0 || t.kind != tokNumber || i+2 >= len(b.toks) {
		return false
	}
	mark, after := &b.toks[i+1], &b.toks[i+2]
	return (mark.kind == tokPeriod || mark.kind == tokClose) && !mark.space && after.space
}

// endsSentence reports whether the punctuation before token i ends the
// sentence: a stop, question or exclamation mark or ellipsis, with the
// closing quotes and brackets after it, and a next word that can start a
// sentence.
func (b *sentenceBuilder) endsSentence(i int) bool {
	if b.trails(i) {
		return false // the sentence takes its closing quote or bracket first
	}
	k := i - 1
	for k > 0 && b.trails(k) {
		k--
	}
	fin := &b.toks[k]
	// The first word of what follows, past opening quotes and brackets.
	m := i
	for m < len(b.toks) && m-i < 3 && b.toks[m].kind == tokOpen {
		m++
	}
	if m == len(b.toks) {
		return true
	}
	nt := &b.toks[m]
	switch fin.kind {
	case tokPeriod:
		if k < i-1 && b.lowerWord(nt) {
			return false // `"We will go." he said`: the quote goes on
		}
		return b.stopEnds(k, m == i, nt)
	case tokQuestion:
		if nt.kind == tokComma || nt.kind == tokPeriod || nt.kind == tokQuestion {
			return false
		}
		// `"Why?" he asked` goes on; "Why? he asked" (web text) does not.
		return k == i-1 || !b.lowerWord(nt)
	case tokEllipsis:
		return b.upperWord(nt)
	case tokWord:
		return nt.kind == tokWord && b.abbrevEnds(fin.abbr, nt)
	}
	return false
}

// stopEnds reports whether the full stop toks[k] ends the sentence before
// nt; direct says nt follows it with no opening quote between.
func (b *sentenceBuilder) stopEnds(k int, direct bool, nt *lexTok) bool {
	switch {
	case k == 1 && b.toks[0].kind == tokNumber && b.toks[0].nl > 0:
		return false // "2. Second item": a numbered list item goes on
	case direct && !nt.space && b.lowerWord(nt):
		return false // "alt.animals": a name with a stop inside
	case k > 0 && b.lowerWord(&b.toks[k-1]) && b.toks[k-1].end-b.toks[k-1].start == 1:
		// "4 p. m. ET": a spaced-out abbreviation ends a sentence only
		// before a usual opener, as abbreviations do.
		return b.opens(nt)
	}
	return nt.kind != tokComma && nt.kind != tokPeriod && nt.kind != tokQuestion
}

// abbrevEnds reports whether an abbreviation of class c, which kept its
// stop, ends the sentence before the word nt.
func (b *sentenceBuilder) abbrevEnds(c abbrClass, nt *lexTok) bool {
	switch c {
	case abbrPlain:
		return b.opens(nt)
	case abbrInitial: // "J. A. Smith" goes on, "Plan B. The" does not
		return nt.end-nt.start > 1 && b.opens(nt)
	case abbrTime: // "9 a.m. Monday" goes on, "9 a.m. Officials said" does not
		return b.upperWord(nt) && !b.lx.dateWords[b.text[nt.start:nt.end]]
	}
	return false // titles and numbers' abbreviations go on
}

// opens reports whether the word nt usually opens a sentence ("The", "It's").
func (b *sentenceBuilder) opens(nt *lexTok) bool {
	return nt.kind == tokWord && b.lx.starters[b.firstWord(nt)]
}

// trails reports whether token i belongs after the final mark of the
// sentence before it: a closing quote or bracket written against it, or an
// emoticon ("Great day! :)").
func (b *sentenceBuilder) trails(i int) bool {
	t := &b.toks[i]
	return t.kind == tokClose && !t.space || t.kind == tokEmoticon && t.nl == 0
}

// headlineEnds reports whether the line break before token i ends a
// sentence that has no stop: a headline, a dateline or a list item on a
// line of its own. Prose wrapped at a fixed width does not end there.
func (b *sentenceBuilder) headlineEnds(line, i int) bool {
	prev, next := &b.toks[i-1], &b.toks[i]
	switch {
	case b.toks[0].start < line: // the sentence already runs over lines: wrapped prose
		return false
	case prev.kind == tokComma || prev.kind == tokDash || prev.kind == tokOpen:
		return false
	case b.lowerWord(next):
		return false
	case prev.end-line >= wrappedLine && b.lowerWord(prev):
		return false
	}
	return true
}

// firstWord returns the first syntactic word of a token ("It" of "It's").
func (b *sentenceBuilder) firstWord(t *lexTok) string {
	if t.cuts[0] != 0 {
		return b.text[t.start : t.start+int(t.cuts[0])]
	}
	return b.text[t.start:t.end]
}

func (b *sentenceBuilder) lowerWord(t *lexTok) bool {
	if t.kind != tokWord {
		return false
	}
	r, _ := utf8.DecodeRuneInString(b.text[t.start:])
	return unicode.IsLower(r)
}

func (b *sentenceBuilder) upperWord(t *lexTok) bool {
	if t.kind != tokWord && t.kind != tokNumber {
		return false
	}
	r, _ := utf8.DecodeRuneInString(b.text[t.start:])
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// emit appends the sentence made of toks[a:z]. Its Words and Tokens are cut
// from shared arenas, with their capacity capped so an append by a caller
// copies rather than overwriting the next sentence.
func (b *sentenceBuilder) emit(a, z int) {
	nw := 0
	for k := a; k < z; k++ {
		nw += b.toks[k].words()
	}
	left := (len(b.text)-b.toks[a].start)/5 + z - a // tokens still to come, about
	words := arenaCut(&b.words, nw, left+left/8)
	tokens := arenaCut(&b.tokens, z-a, left)
	text := b.text
	wi := 0
	for k := a; k < z; k++ {
		t := &b.toks[k]
		ti := k - a
		space := t.end < len(text) && spaceLenAt(text, t.end) > 0
		first, mwt := wi, -1
		if t.cuts[0] != 0 {
			mwt = ti
		}
		ps := t.start
		for _, c := range t.cuts {
			if c == 0 {
				break
			}
			pe := t.start + int(c)
			fillWord(&words[wi], text, ps, pe, mwt, false)
			wi++
			ps = pe
		}
		fillWord(&words[wi], text, ps, t.end, mwt, space)
		wi++
		tk := &tokens[ti]
		tk.Form, tk.Start, tk.End, tk.First, tk.Last, tk.SpaceAfter = text[t.start:t.end], t.start, t.end, first, wi-1, space
	}
	b.doc.Sentences = append(b.doc.Sentences, Sentence{
		Start: b.toks[a].start, End: b.toks[z-1].end, Words: words, Tokens: tokens,
	})
}

// fillWord fills a zeroed arena word field by field: assigning a whole Word
// would also write its empty tag strings, each a pointer the garbage
// collector's write barrier must see.
func fillWord(w *Word, text string, start, end, mwt int, space bool) {
	w.Form, w.Start, w.End, w.MWT, w.SpaceAfter, w.Head = text[start:end], start, end, mwt, space, -1
}

// arenaCut cuts n elements from the arena, starting a new block (sized for
// about want more) when it is full. Blocks are never shared between texts.
func arenaCut[T any](arena *[]T, n, want int) []T {
	const maxBlock = 8192
	if cap(*arena)-len(*arena) < n {
		size := min(max(want, n), maxBlock)
		*arena = make([]T, 0, max(size, n))
	}
	s := len(*arena)
	*arena = (*arena)[:s+n]
	return (*arena)[s : s+n : s+n]
}
