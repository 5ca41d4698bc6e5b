package lang

import (
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
}

// LemmaIndex builds the index of lemmas over the tagger's morphology.
func (p *Pipeline) LemmaIndex(lemmas []string) *LemmaIndex {
	ix := &LemmaIndex{m: &p.tagger.morph, classes: len(p.tagger.classes), targets: map[string]bool{}}
	for _, l := range lemmas {
		l = strings.ToLower(l)
		ix.targets[l], ix.targets[l+"."] = true, true
	}
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
	for c := range ix.classes {
		if e, known := m.lex[fhash(h, uint64(c))]; known { // lexKey(low, c)
			if ix.targets[strings.ToLower(m.strs[e.lemma])] || ix.targets[strings.ToLower(m.strs[e.lowed])] || edited(e.edit) {
				return true, low[:n]
			}
		} else if c < len(m.classFeats) && edited(m.rule(c, low[:n])) {
			return true, low[:n]
		}
	}
	return false, low[:n]
}
