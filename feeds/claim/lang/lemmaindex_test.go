package lang

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestLemmaIndex: every word the tagger gives a lemma of the set is one
// May accepts, whatever lemmas the set holds, and May rejects most other
// words (it filters). The sets are cut from the tagged text itself: the
// verbs, the nouns, and every third lemma of any part of speech.
func TestLemmaIndex(t *testing.T) {
	p := embedded(t)
	raw, err := os.ReadFile("testdata/news.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw) + "\nShe was seen alive. They fled; the ship sank and 40 people died.\nTHE FERRY SANK. Mr. Ilic's men were evacuated."
	doc := p.Analyze(text)
	var words []Word
	for _, s := range doc.Sentences {
		words = append(words, s.Words...)
	}
	lemma := func(w Word) string { return strings.TrimSuffix(strings.ToLower(w.Lemma), ".") }
	pick := map[string]func(i int, w Word) bool{
		"verbs":       func(_ int, w Word) bool { return w.UPOS == "VERB" },
		"nouns":       func(_ int, w Word) bool { return w.UPOS == "NOUN" },
		"every third": func(i int, _ Word) bool { return i%3 == 0 },
	}
	for name, in := range pick {
		t.Run(name, func(t *testing.T) {
			var lemmas []string
			for i, w := range words {
				if in(i, w) && !slices.Contains(lemmas, lemma(w)) {
					lemmas = append(lemmas, lemma(w))
				}
			}
			ix := p.LemmaIndex(lemmas)
			var buf []byte
			yes, others := 0, 0
			for _, w := range words {
				var ok bool
				ok, buf = ix.May(w.Form, buf)
				if slices.Contains(lemmas, lemma(w)) {
					if !ok {
						t.Errorf("%q, lemmatized %q, is not accepted", w.Form, w.Lemma)
					}
					continue
				}
				others++
				if ok {
					yes++
				}
			}
			if others == 0 || yes*2 > others {
				t.Errorf("%d of %d words of other lemmas accepted: the index does not filter", yes, others)
			}
			t.Logf("%d lemmas; of %d words of other lemmas, %d accepted", len(lemmas), others, yes)
		})
	}
}
