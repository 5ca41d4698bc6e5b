package lang

import (
	"compress/gzip"
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
	open := func(path string) *os.File {
		f, err := os.Open(path)
		if err != nil {
			tb.Skipf("model absent (%v): train it with go run ./cmd/langtrain", err)
		}
		return f
	}
	tf := open(taggerModelPath)
	defer tf.Close()
	pf := open(parserModelPath)
	defer pf.Close()
	zr, err := gzip.NewReader(tf)
	if err != nil {
		tb.Fatalf("%s: %v", taggerModelPath, err)
	}
	tg, err := ReadTagger(zr)
	if err != nil {
		tb.Fatalf("%s: %v", taggerModelPath, err)
	}
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

// TestCommittedParserMeetsTheBars scores the committed models on EWT test
// (touched only here, to measure) with gold tokenization and predicted tags,
// punctuation included, against the bars the parser was built to: UAS ≥ 88,
// LAS ≥ 85. PUD (news and Wikipedia, never trained or tuned on) is reported.
func TestCommittedParserMeetsTheBars(t *testing.T) {
	tg, p := committedModels(t)
	for _, tt := range []struct {
		name, file string
		bars       bool
	}{
		{"EWT test", "ud-english-ewt/en_ewt-ud-test.conllu", true},
		{"PUD", "ud-english-pud/en_pud-ud-test.conllu", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gold := readCorpus(t, tt.file)
			sc := p.Evaluate(retagged(gold, tg))
			t.Logf("%s: %s", tt.name, sc)
			if tt.bars && (sc.UAS < 0.88 || sc.LAS < 0.85) {
				t.Errorf("%s: %s; want UAS ≥ 88, LAS ≥ 85", tt.name, sc)
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
