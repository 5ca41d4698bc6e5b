package claim

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The analysis works on tokens: words carry a numeric id from the lexicon
// (0 for words it does not know), so that matching phrases and word classes
// costs a slice lookup instead of string work.

type tokKind uint8

const (
	tWord  tokKind = iota + 1
	tNum           // digits not taken by the number scanner: years, days
	tQty           // one quantity from findQuantities, hedge words included
	tPunct         // one punctuation mark, normalised in token.p
)

type token struct {
	s, e int // byte offsets in the plain text
	kind tokKind
	cap  bool  // starts with an upper-case letter
	id   int32 // lexicon id, 0 if unknown
	q    int32 // index of the quantity for tQty
	p    byte  // '"' for any quotation mark, '-' for any dash
	mk   int32 // index of the mark covering the token, -1 if none
}

// Word classes, one bit each.
const (
	cDet uint64 = 1 << iota
	cOf
	cThat
	cBy
	cTo
	cAccording
	cPronPerson // he, she
	cPronObj    // him, her
	cThey       // they, them, their
	cIt
	cNeg
	cAux
	cModal
	cMonth
	cWeekday
	cSeason
	cTitle
	cFunction // never part of a name
	cSpeech
	cDenyVerb
	cDenialAdj
	cTrue
	cReportsNoun
	cMedia
	cThere
	cIncluding
	cPlacePrep
	cPlaceSuffix
	cClauseStop
	cStill
	cOfWhom // them, those, whom, these (after "of")
	cGroupGlue
	cLatter
	cAnaphorOrg
	cOurSide
	cForces
	cHold
	cCapture
	cControl
	cDateWord
	cGeneric
	cNoSign
	cAnd
	cFrom
	cWhich
)

// Mark payload kinds.
const (
	kOrg = iota + 1
	kOutlet
	kPerson
)

// Measure flags.
const (
	mActive uint8 = 1 << iota // a transitive verb whose object is the count: "sent 11,000"
	mNoun                     // the count is its value: "death toll rose to 45"
	mWeak                     // yields to another measure nearby: "remain missing"
)

// phrase is one lexicon entry. The same words may serve several roles
// ("fighting" is a measure and a presence cue); each role has its field.
type phrase struct {
	words []int32

	nat     string // nationality, canonical ("north korean")
	natNoun string // head implied by a nationality used as a noun ("north koreans")
	head    string // head noun, canonical ("soldiers")
	// statusOnly heads describe presence but are not counted ("units").
	statusOnly bool
	subject    string // a whole subject from the configuration

	measure string
	mflags  uint8

	status int8 // presence cue: +1 present, -1 absent

	claimant string // canonical claimant
	ckind    int
	short    string // what a person's role shows: "HUR"
	side     string // russian or ukrainian, for control claims

	place string
}

type mark struct {
	i, j int // token range [i, j)
	ph   *phrase
}

// lexicon is immutable once built; every Extract call shares it.
type lexicon struct {
	ids     map[string]int32
	cls     []uint64 // by id
	phrases map[int32][]*phrase
	byKey   map[string]*phrase
	maxLen  int

	// needsNationality holds the heads that need a nationality to be
	// worth a claim; opponents, the side a control claim takes from.
	needsNationality map[string]bool
	opponents        map[string]string

	months   []monthID
	weekdays []weekdayID
	poss     int32 // id of "'s"
	maxWord  int   // longest word, in bytes
	// shapes has a bit for each (first byte, last byte, length) of a known
	// word: most words of a text are rejected without hashing them.
	shapes [512]uint64
}

func newLexicon() *lexicon {
	return &lexicon{
		ids:     map[string]int32{},
		cls:     []uint64{0},
		phrases: map[int32][]*phrase{},
		byKey:   map[string]*phrase{},
	}
}

// id returns the id of a lower-case word, adding it when new.
func (lx *lexicon) id(w string) int32 {
	if id, ok := lx.ids[w]; ok {
		return id
	}
	lx.maxWord = max(lx.maxWord, len(w))
	if len(w) > 0 {
		b := shapeBit(w)
		lx.shapes[b/64] |= 1 << (b % 64)
	}
	id := int32(len(lx.cls))
	lx.ids[w] = id
	lx.cls = append(lx.cls, 0)
	return id
}

func (lx *lexicon) class(c uint64, words ...string) {
	for _, w := range words {
		id := lx.id(w)
		lx.cls[id] |= c
	}
}

// splitWords cuts a lexicon entry the way the tokenizer cuts text.
func splitWords(s string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ToLower(s)) {
		f = strings.ReplaceAll(f, "’", "'")
		f = strings.TrimRight(f, ".,")
		if strings.HasSuffix(f, "'s") && len(f) > 2 {
			out = append(out, f[:len(f)-2], "'s")
			continue
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// entry returns the phrase for the words, creating it when new, so roles
// added later merge into it.
func (lx *lexicon) entry(s string) *phrase {
	words := splitWords(s)
	key := strings.Join(words, " ")
	if p, ok := lx.byKey[key]; ok {
		return p
	}
	p := &phrase{}
	for _, w := range words {
		p.words = append(p.words, lx.id(w))
	}
	if len(p.words) == 0 {
		return p
	}
	lx.byKey[key] = p
	first := p.words[0]
	list := append(lx.phrases[first], p)
	// longest first, so the first match is the longest
	for k := len(list) - 1; k > 0 && len(list[k].words) > len(list[k-1].words); k-- {
		list[k], list[k-1] = list[k-1], list[k]
	}
	lx.phrases[first] = list
	lx.maxLen = max(lx.maxLen, len(p.words))
	return p
}

// lookupLower looks a word up by its ASCII-lowered form, lowering again
// only words with other letters or typographic apostrophes.
func (lx *lexicon) lookupLower(word, lower string) int32 {
	if len(word) > lx.maxWord {
		return 0
	}
	for i := 0; i < len(lower); i++ {
		if lower[i] >= utf8.RuneSelf {
			return lx.lookup(word)
		}
	}
	if b := shapeBit(lower); lx.shapes[b/64]&(1<<(b%64)) == 0 {
		return 0
	}
	return lx.ids[lower]
}

func shapeBit(w string) uint32 {
	return uint32(w[0]&31)<<10 | uint32(w[len(w)-1]&31)<<5 | uint32(min(len(w), 31))
}

func (lx *lexicon) lookup(word string) int32 {
	var buf [64]byte
	if len(word) > 48 {
		return 0
	}
	lw := lowerInto(buf[:0], word)
	if len(lw) == 0 {
		return 0
	}
	if b := shapeBit(string(lw)); lx.shapes[b/64]&(1<<(b%64)) == 0 {
		return 0
	}
	return lx.ids[string(lw)]
}

// tokenize cuts p[s:e] into tokens, taking each quantity (sorted by start,
// all inside [s, e)) as one token.
func (lx *lexicon) tokenize(p, lower string, s, e int, qs []Quantity, qbase int, out []token) []token {
	qi := 0
	for i := s; i < e; {
		for qi < len(qs) && qs[qi].Start < i {
			qi++
		}
		if qi < len(qs) && qs[qi].Start == i && qs[qi].End > i && qs[qi].End <= e {
			out = append(out, token{s: i, e: qs[qi].End, kind: tQty, q: int32(qbase + qi), mk: -1})
			i = qs[qi].End
			qi++
			continue
		}
		c := p[i]
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(p[i:])
		}
		switch {
		case r == ' ' || r == '\n' || r == '\t' || unicode.IsSpace(r):
			i += n
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := wordEnd(p, i, e)
			t := token{s: i, e: j, kind: tWord, mk: -1, cap: unicode.IsUpper(r)}
			if unicode.IsDigit(r) {
				t.kind = tNum
			}
			// a possessive is its own word: "Russia's" → "Russia" "'s"
			if j-i > 2 && (p[j-2:j] == "'s" || p[j-2:j] == "'S") {
				t.e = j - 2
			} else if j-i > 4 && p[j-4:j] == "’s" {
				t.e = j - 4
			}
			if t.kind == tWord {
				t.id = lx.lookupLower(p[t.s:t.e], lower[t.s:t.e])
				// "U.S." keeps its last dot
				if j < e && p[j] == '.' && j-i >= 3 && p[j-2] == '.' {
					j++
					t.e = j
				}
			}
			out = append(out, t)
			if t.e < j {
				out = append(out, token{s: t.e, e: j, kind: tWord, id: lx.ids["'s"], mk: -1})
			}
			i = j
		default:
			t := token{s: i, e: i + n, kind: tPunct, mk: -1, p: '*'}
			switch r {
			case '"', '“', '”', '«', '»', '„', '\'', '‘', '’':
				t.p = '"'
			case '—', '–', '-', '―':
				t.p = '-'
			case ',', ';', ':', '.', '!', '?', '(', ')', '[', ']', '/', '&':
				t.p = byte(r)
			case '…':
				t.p = '.'
			}
			out = append(out, t)
			i += n
		}
	}
	return out
}

// wordEnd finds the end of the word starting at i: letters and digits, with
// inner hyphens, apostrophes and dots between letters ("U.S", "Jong-un",
// "O'Brien").
func wordEnd(p string, i, e int) int {
	j := i
	for j < e {
		if c := p[j]; c < utf8.RuneSelf {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				j++
				continue
			}
			if c != '-' && c != '\'' && c != '.' {
				break
			}
		}
		r, n := utf8.DecodeRuneInString(p[j:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			j += n
			continue
		}
		if r == '-' || r == '\'' || r == '’' || r == '.' {
			if j+n < e {
				r2, _ := utf8.DecodeRuneInString(p[j+n:])
				if unicode.IsLetter(r2) && (r != '.' || isDotted(p, i, j)) {
					j += n
					continue
				}
			}
		}
		break
	}
	return j
}

// isDotted reports a dotted abbreviation in progress: single letters
// between dots ("U.S", "D.P.R.K").
func isDotted(p string, i, j int) bool {
	for k := i; k < j; {
		r, n := utf8.DecodeRuneInString(p[k:])
		if k+n < j && p[k+n] != '.' {
			return false
		}
		_ = r
		k += n + 1
	}
	return true
}

// markPhrases finds the longest lexicon phrase at each position.
func (lx *lexicon) markPhrases(ts []token, marks []mark) []mark {
	for i := 0; i < len(ts); {
		t := ts[i]
		if t.kind != tWord || t.id == 0 {
			i++
			continue
		}
		var best *phrase
		for _, ph := range lx.phrases[t.id] {
			if i+len(ph.words) > len(ts) {
				continue
			}
			ok := true
			for k, w := range ph.words {
				if ts[i+k].kind != tWord || ts[i+k].id != w {
					ok = false
					break
				}
			}
			if ok {
				best = ph
				break
			}
		}
		if best == nil {
			i++
			continue
		}
		m := int32(len(marks))
		marks = append(marks, mark{i: i, j: i + len(best.words), ph: best})
		for k := i; k < i+len(best.words); k++ {
			ts[k].mk = m
		}
		i += len(best.words)
	}
	return marks
}
