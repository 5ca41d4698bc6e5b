package lang

import (
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// committedTagger reads model/tagger.bin.gz, the model the package ships.
func committedTagger(t testing.TB) *Tagger {
	t.Helper()
	f, err := os.Open(taggerModelPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("lang: %v (train it: see TestTrainTaggerFull)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", taggerModelPath, err)
	}
	tg, err := ReadTagger(zr)
	if err != nil {
		t.Fatalf("%s: %v", taggerModelPath, err)
	}
	return tg
}

// TestCommittedTaggerScores measures the committed tagger on EWT test
// (gold tokenization) and PUD (news, never trained or tuned on), and
// fails if either falls below what the committed model scored when it was
// made (EWT test UPOS 95.28, lemma 96.87; PUD 94.93, 97.25) by more than
// a rounding: a regression, not a bar. The design's targets, UPOS 95.5
// and lemma 97 on EWT test, are not reached by this model.
func TestCommittedTaggerScores(t *testing.T) {
	tg := committedTagger(t)
	bars := map[string]tagScores{
		"ud-english-ewt/en_ewt-ud-test.conllu": {UPOS: 95.2, Lemma: 96.8},
		"ud-english-pud/en_pud-ud-test.conllu": {UPOS: 94.8, Lemma: 97.1},
	}
	for _, rel := range []string{"ud-english-ewt/en_ewt-ud-test.conllu", "ud-english-pud/en_pud-ud-test.conllu"} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			got := scoreTagger(tg, readCorpus(t, rel))
			t.Logf("%d words: UPOS %.2f XPOS %.2f UFeats %.2f AllTags %.2f lemma %.2f", got.Words, got.UPOS, got.XPOS, got.UFeats, got.AllTags, got.Lemma)
			bar := bars[rel]
			if got.UPOS < bar.UPOS || got.Lemma < bar.Lemma {
				t.Errorf("UPOS %.2f, lemma %.2f; want at least %.2f and %.2f", got.UPOS, got.Lemma, bar.UPOS, bar.Lemma)
			}
		})
	}
}

// TestCommittedTaggerExamples checks what a reader of the package doc
// expects of the shipped model: lemmas cased as EWT cases them.
func TestCommittedTaggerExamples(t *testing.T) {
	tg := committedTagger(t)
	tests := []struct {
		words, upos, lemma []string
	}{
		{[]string{"American", "forces", "were", "killed", "near", "the", "border", "."},
			[]string{"ADJ", "NOUN", "AUX", "VERB", "ADP", "DET", "NOUN", "PUNCT"},
			[]string{"American", "force", "be", "kill", "near", "the", "border", "."}},
		{[]string{"I", "saw", "three", "children", "in", "Paris", "yesterday", "."},
			[]string{"PRON", "VERB", "NUM", "NOUN", "ADP", "PROPN", "NOUN", "PUNCT"},
			[]string{"I", "see", "three", "child", "in", "Paris", "yesterday", "."}},
		{[]string{"The", "children", "were", "taken", "to", "the", "hospital", "."},
			[]string{"DET", "NOUN", "AUX", "VERB", "ADP", "DET", "NOUN", "PUNCT"},
			[]string{"the", "child", "be", "take", "to", "the", "hospital", "."}},
		{[]string{"He", "has", "been", "found", "guilty", "."},
			[]string{"PRON", "AUX", "AUX", "VERB", "ADJ", "PUNCT"},
			[]string{"he", "have", "be", "find", "guilty", "."}},
	}
	for _, tt := range tests {
		t.Run(tt.words[0]+"_"+tt.words[1], func(t *testing.T) {
			s := formsOnly(tt.words...)
			tg.Tag(s)
			for i, w := range s.Words {
				if w.UPOS != tt.upos[i] || w.Lemma != tt.lemma[i] {
					t.Errorf("%q: %s %q, want %s %q", w.Form, w.UPOS, w.Lemma, tt.upos[i], tt.lemma[i])
				}
			}
		})
	}
}

// BenchmarkTag tags the EWT dev sentences (tags, features and lemmas) with
// the committed model and reports words per second.
func BenchmarkTag(b *testing.B) {
	tg := committedTagger(b)
	dev := readCorpus(b, "ud-english-ewt/en_ewt-ud-dev.conllu")
	words := 0
	for _, s := range dev.Sentences {
		words += len(s.Words)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range dev.Sentences {
			tg.Tag(&dev.Sentences[i])
		}
	}
	b.ReportMetric(float64(words)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(float64(words), "tokens/op")
}
