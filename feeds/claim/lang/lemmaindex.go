package lang

import (
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LemmaIndex tells, without tagging, whether a word form may be given one
// of a set of lemmas: a reader that only needs the sentences holding certain
// words asks it before paying for the tagger and the parser. It tries the
// form under every tag the tagger knows, with the tagger's own lexicon and
// lemma rules, so it may say yes to a form the tagger then lemmatizes
// otherwise, but never no to one it would give a lemma of the set (compared
// in lower case, as the lemma or with a final "." dropped). It is immutable
// and safe for concurrent use.
type LemmaIndex struct {
	m       *morphology
	classes int
	targets map[string]bool // lower-cased lemmas, and each with a final "."
	// known are the lexicon keys (lower-cased form, class) whose lemma is a
	// target: a known word's edit gives its lower-cased lemma too.
	known map[uint64]bool
	// stems are the form prefixes some lemma rule's edit (strip bytes,
	// append a string) turns into a target, each with the form lengths it
	// needs; strips lists the strip lengths. A form matching none needs no
	// rule tried.
	stems  map[string][]int
	strips []int
}

// LemmaIndex builds the index of lemmas over the tagger's morphology.
func (p *Pipeline) LemmaIndex(lemmas []string) *LemmaIndex {
	m := &p.tagger.morph
	ix := &LemmaIndex{m: m, classes: len(p.tagger.classes), targets: map[string]bool{}, known: map[uint64]bool{}, stems: map[string][]int{}}
	for _, l := range lemmas {
		l = strings.ToLower(l)
		ix.targets[l], ix.targets[l+"."] = true, true
	}
	for k, e := range m.lex {
		if ix.targets[strings.ToLower(m.strs[e.lemma])] || ix.targets[m.strs[e.lowed]] {
			ix.known[k] = true
		}
	}
	edits := map[lemmaEdit]bool{}
	for _, e := range m.rules {
		edits[e] = true
	}
	strips := map[int]bool{}
	for e := range edits {
		app := strings.ToLower(m.strs[e.app])
		for l := range ix.targets {
			if pre, ok := strings.CutSuffix(l, app); ok {
				if n := len(pre) + int(e.strip); !slices.Contains(ix.stems[pre], n) {
					ix.stems[pre] = append(ix.stems[pre], n)
				}
				strips[int(e.strip)] = true
			}
		}
	}
	ix.strips = slices.Sorted(maps.Keys(strips))
	return ix
}

// May reports whether form may be lemmatized to one of the index's lemmas
// under some tag. buf is scratch space; the grown buffer is returned for
// the next call.
func (ix *LemmaIndex) May(form string, buf []byte) (bool, []byte) {
	low := buf[:0]
	for _, r := range form {
		low = utf8.AppendRune(low, unicode.ToLower(r))
	}
	n := len(low)
	if ix.targets[string(low)] {
		return true, low
	}
	m := ix.m
	h := bhash(low)
	for c := range ix.classes {
		if ix.known[fhash(h, uint64(c))] { // lexKey(low, c)
			return true, low
		}
	}
	stem := false
	for _, s := range ix.strips {
		if s <= n && slices.Contains(ix.stems[string(low[:n-s])], n) {
			stem = true
			break
		}
	}
	if !stem {
		return false, low
	}
	// edited checks the form with an edit applied, built past its end in
	// the buffer, as morphology.lemma builds it.
	edited := func(e lemmaEdit) bool {
		strip := min(int(e.strip), n)
		low = append(append(low[:n], low[:n-strip]...), m.strs[e.app]...)
		lem := low[n:]
		for i, c := range lem {
			if c >= 'A' && c <= 'Z' {
				lem[i] = c + 'a' - 'A'
			}
		}
		return ix.targets[string(lem)]
	}
	// An unknown word takes the edit of the rule for its longest suffix.
	for c := range ix.classes {
		if _, known := m.lex[fhash(h, uint64(c))]; !known && c < len(m.classFeats) && edited(m.rule(c, low[:n])) {
			return true, low[:n]
		}
	}
	return false, low[:n]
}
