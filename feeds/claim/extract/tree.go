package extract

import (
	"strings"
	"unicode"

	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

// sent is one analysed sentence with what the engine asks of it often:
// each word's children and lower-cased lemma.
type sent struct {
	s      *lang.Sentence
	text   string // the whole plain text; word offsets index it
	kids   [][]int
	lemmas []string
	low    lowerer
}

// lowerer lower-cases words, keeping each capitalised one it has seen: an
// article names the same people and places again and again, and
// strings.ToLower allocates every time.
type lowerer map[string]string

func (lw lowerer) of(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] < 'A' || s[i] > 'Z' && s[i] < 0x80
	}
	if plain {
		return s
	}
	if v, ok := lw[s]; ok {
		return v
	}
	v := strings.ToLower(s)
	if lw != nil && len(lw) < 1<<14 {
		lw[s] = v
	}
	return v
}

// newSent indexes a sentence; low is the article's lowerer (nil for none).
func newSent(s *lang.Sentence, text string, low lowerer) *sent {
	n := len(s.Words)
	st := &sent{s: s, text: text, kids: make([][]int, n), lemmas: make([]string, n), low: low}
	// Every word's children are cut from one array, in text order: a
	// sentence costs a few allocations, not one per word with children.
	ends := make([]int, n+1)
	for i := range s.Words {
		if h := s.Words[i].Head; h >= 0 && h < n {
			ends[h+1]++
		}
	}
	for h := range n {
		ends[h+1] += ends[h]
	}
	flat := make([]int, ends[n])
	for h := range n {
		st.kids[h] = flat[ends[h]:ends[h]:ends[h+1]]
	}
	for i := range s.Words {
		w := &s.Words[i]
		if h := w.Head; h >= 0 && h < n {
			st.kids[h] = append(st.kids[h], i)
		}
		l := w.Lemma
		if l == "" {
			l = w.Form
		}
		// "Feb." and "feb" are one word to the data files.
		st.lemmas[i] = strings.TrimSuffix(low.of(l), ".")
	}
	return st
}

// is reports whether word i's lemma or lower-cased form is in s: data
// lists name words as they are written ("according"), which a lemmatizer
// may have turned into another word ("accord").
func (st *sent) is(i int, s set) bool {
	return s[st.lemmas[i]] || s[st.low.of(st.s.Words[i].Form)]
}

// parsed reports a sentence the parser has read (an unparsed one has its
// tags and no relations).
func (st *sent) parsed() bool {
	for i := range st.s.Words {
		if st.s.Words[i].Rel != "" {
			return true
		}
	}
	return false
}

func (st *sent) w(i int) *lang.Word { return &st.s.Words[i] }
func (st *sent) rel(i int) string   { return st.s.Words[i].Rel }
func (st *sent) head(i int) int     { return st.s.Words[i].Head }
func (st *sent) upos(i int) string  { return st.s.Words[i].UPOS }

// child returns the first child of i whose relation is one of rels, or -1.
func (st *sent) child(i int, rels ...string) int {
	for _, c := range st.kids[i] {
		for _, r := range rels {
			if st.rel(c) == r {
				return c
			}
		}
	}
	return -1
}

// childLemma reports whether i has a child (of any relation) whose lemma
// is in s.
func (st *sent) childLemma(i int, s set) bool {
	for _, c := range st.kids[i] {
		if s[st.lemmas[c]] {
			return true
		}
	}
	return false
}

// caseOf returns the lemma of i's case marker ("in" for "in Kursk"), or "".
func (st *sent) caseOf(i int) string {
	for _, c := range st.kids[i] {
		if st.rel(c) == "case" {
			return st.lemmas[c]
		}
	}
	return ""
}

// span returns the text of words [a, b] (inclusive).
func (st *sent) span(a, b int) string {
	return st.text[st.s.Words[a].Start:st.s.Words[b].End]
}

// name returns the proper name headed by i: i with its flat and compound
// proper-noun children ("Kyrylo Budanov", "El Fasher"), or "" when i is no
// proper noun.
func (st *sent) name(i int) string {
	if st.upos(i) != "PROPN" {
		return ""
	}
	if r := []rune(st.s.Words[i].Form); len(r) == 0 || !unicode.IsUpper(r[0]) {
		return "" // a tagger's PROPN on a lower-case word is no name
	}
	a, b := i, i
	for _, c := range st.kids[i] {
		r := st.rel(c)
		if (r == "flat" || r == "compound" || r == "flat:name") && st.upos(c) == "PROPN" {
			a, b = min(a, c), max(b, c)
		}
	}
	return st.span(a, b)
}

// nameNear returns the proper name at i, or beside the description at i
// ("the commander, Abu Karim al-Masri", "militia commander Abu Karim
// al-Masri" parsed with the name below the noun).
func (st *sent) nameNear(i int) string {
	if n := st.name(i); n != "" {
		return n
	}
	for _, c := range st.kids[i] {
		switch st.rel(c) {
		case "appos", "flat", "compound":
			if st.upos(c) == "PROPN" && st.w(c).Start > st.w(i).Start {
				return st.name(c)
			}
		}
	}
	return ""
}

// phrase returns the noun phrase headed by i without determiners, clauses
// or punctuation: "Ukraine's military intelligence chief Kyrylo Budanov",
// "the fire service" → "fire service".
func (st *sent) phrase(i int) string {
	a, b := i, i
	var walk func(j int, depth int)
	walk = func(j, depth int) {
		for _, c := range st.kids[j] {
			switch st.rel(c) {
			case "compound", "flat", "amod", "nmod:poss", "case", "nummod", "fixed", "goeswith":
				if st.rel(c) == "case" && j == i {
					continue // the phrase's own preposition
				}
				a, b = min(a, c), max(b, c)
				if depth < 3 {
					walk(c, depth+1)
				}
			case "det":
				if st.lemmas[c] != "the" && st.lemmas[c] != "a" && st.lemmas[c] != "an" {
					a, b = min(a, c), max(b, c)
				}
			}
		}
	}
	walk(i, 0)
	// Keep the span contiguous from the head's side: a dropped word inside
	// it is kept (the words between a and b are all the phrase's).
	// Nor does a phrase run back over a comma before its head: words
	// there are a misattached adverbial ("Earlier this week, Chinese
	// state media").
	for j := i - 1; j > a; j-- {
		if st.upos(j) == "PUNCT" && st.w(j).Form == "," {
			a = j + 1
			break
		}
	}
	for a < i && (st.upos(a) == "PUNCT" || st.lemmas[a] == "the" || st.lemmas[a] == "a") {
		a++
	}
	return strings.TrimSpace(st.span(a, b))
}

// clauseHeads walks from i up through the relations that stay inside one
// claim's clause chain and calls f on each word until f returns false.
func (st *sent) ancestors(i int, f func(j int) bool) {
	for steps := 0; i >= 0 && steps < len(st.s.Words); steps++ {
		if !f(i) {
			return
		}
		i = st.head(i)
	}
}
