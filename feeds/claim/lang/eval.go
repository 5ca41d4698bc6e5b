package lang

import (
	"fmt"
)

// Scores are the figures of the CoNLL 2018 shared task's evaluation for an
// analysis made on gold words (tokenization given), as fractions of the
// words: tags, features, lemmas and attachment. LAS compares the universal
// part of the relation (nmod:poss counts as nmod), as the shared task's
// script does; LASFull compares the whole relation, subtype included.
// Punctuation is included throughout.
type Scores struct {
	Words                              int
	UPOS, XPOS, UFeats, AllTags, Lemma float64
	UAS, LAS, LASFull                  float64
}

func (s Scores) String() string {
	return fmt.Sprintf("words=%d UPOS=%.2f XPOS=%.2f UFeats=%.2f AllTags=%.2f Lemma=%.2f UAS=%.2f LAS=%.2f LAS(full labels)=%.2f",
		s.Words, 100*s.UPOS, 100*s.XPOS, 100*s.UFeats, 100*s.AllTags, 100*s.Lemma, 100*s.UAS, 100*s.LAS, 100*s.LASFull)
}

// Score compares sys with gold word by word. Both must hold the same
// sentences of the same words (sys made by Annotate on a copy of gold's
// words); the error names the first sentence that differs.
func Score(gold, sys *Doc) (Scores, error) {
	if len(gold.Sentences) != len(sys.Sentences) {
		return Scores{}, fmt.Errorf("lang: score: %d gold sentences, %d system", len(gold.Sentences), len(sys.Sentences))
	}
	var n, upos, xpos, feats, all, lemma, uas, las, full int
	for i := range gold.Sentences {
		g, s := gold.Sentences[i].Words, sys.Sentences[i].Words
		if len(g) != len(s) {
			return Scores{}, fmt.Errorf("lang: score: sentence %d (%s): %d gold words, %d system", i+1, gold.Sentences[i].ID, len(g), len(s))
		}
		for j := range g {
			gw, sw := &g[j], &s[j]
			if gw.Form != sw.Form {
				return Scores{}, fmt.Errorf("lang: score: sentence %d (%s) word %d: gold %q, system %q", i+1, gold.Sentences[i].ID, j+1, gw.Form, sw.Form)
			}
			n++
			upos += b2i(gw.UPOS == sw.UPOS)
			xpos += b2i(gw.XPOS == sw.XPOS)
			feats += b2i(gw.Feats == sw.Feats)
			all += b2i(gw.UPOS == sw.UPOS && gw.XPOS == sw.XPOS && gw.Feats == sw.Feats)
			lemma += b2i(gw.Lemma == sw.Lemma)
			if gw.Head == sw.Head {
				uas++
				las += b2i(universal(gw.Rel) == universal(sw.Rel))
				full += b2i(gw.Rel == sw.Rel)
			}
		}
	}
	if n == 0 {
		return Scores{}, fmt.Errorf("lang: score: no words")
	}
	f := func(k int) float64 { return float64(k) / float64(n) }
	return Scores{Words: n, UPOS: f(upos), XPOS: f(xpos), UFeats: f(feats), AllTags: f(all), Lemma: f(lemma),
		UAS: f(uas), LAS: f(las), LASFull: f(full)}, nil
}

// F1 counts a segmentation's units: in gold, in the system's output, and
// in both (the same span).
type F1 struct{ Gold, System, Correct int }

// Precision, Recall and F1 as fractions; 0 when undefined.
func (f F1) Precision() float64 { return ratio(f.Correct, f.System) }
func (f F1) Recall() float64    { return ratio(f.Correct, f.Gold) }
func (f F1) F1() float64        { return ratio(2*f.Correct, f.Gold+f.System) }

func (f F1) String() string {
	return fmt.Sprintf("P=%.2f R=%.2f F1=%.2f", 100*f.Precision(), 100*f.Recall(), 100*f.F1())
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Segmentation is how well a tokenizer found gold's units from raw text.
type Segmentation struct{ Tokens, Words, Sentences F1 }

// ScoreSegmentation compares the surface tokens, words and sentences of sys
// with gold's by their spans in the text, as the CoNLL 2018 script aligns
// them. Both must analyse the same text. A word of a multiword token is
// matched by its token's span, its position in it and its form.
func ScoreSegmentation(gold, sys *Doc) (Segmentation, error) {
	if gold.Text != sys.Text {
		return Segmentation{}, fmt.Errorf("lang: score segmentation: the two analyses are of different texts")
	}
	type span struct{ a, b int }
	type word struct {
		tok  span
		pos  int
		form string
	}
	var seg Segmentation
	collect := func(d *Doc) (toks map[span]bool, words map[word]bool, sents map[span]bool) {
		toks, words, sents = map[span]bool{}, map[word]bool{}, map[span]bool{}
		for si := range d.Sentences {
			s := &d.Sentences[si]
			a, b := trimSpan(d.Text, s.Start, s.End)
			sents[span{a, b}] = true
			for _, t := range surfaceTokens(s) {
				toks[span{t.Start, t.End}] = true
				for i := t.First; i <= t.Last; i++ {
					words[word{span{t.Start, t.End}, i - t.First, s.Words[i].Form}] = true
				}
			}
		}
		return
	}
	gt, gw, gs := collect(gold)
	st, sw, ss := collect(sys)
	seg.Tokens, seg.Words, seg.Sentences = setF1(gt, st), setF1(gw, sw), setF1(gs, ss)
	return seg, nil
}

// setF1 counts the units of gold and sys and those in both.
func setF1[K comparable](gold, sys map[K]bool) F1 {
	f := F1{Gold: len(gold), System: len(sys)}
	for k := range sys {
		f.Correct += b2i(gold[k])
	}
	return f
}

// surfaceTokens returns the sentence's tokens, making one per word when the
// sentence has none (see Sentence.Tokens).
func surfaceTokens(s *Sentence) []Token {
	if s.Tokens != nil {
		return s.Tokens
	}
	out := make([]Token, len(s.Words))
	for i, w := range s.Words {
		out[i] = Token{Form: w.Form, Start: w.Start, End: w.End, First: i, Last: i, SpaceAfter: w.SpaceAfter}
	}
	return out
}

func trimSpan(text string, a, b int) (int, int) {
	for a < b && isSpace(text[a]) {
		a++
	}
	for b > a && isSpace(text[b-1]) {
		b--
	}
	return a, b
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
