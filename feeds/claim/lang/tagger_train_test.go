package lang

import (
	"compress/gzip"
	"os"
	"testing"
	"time"
)

// tagScores are the CoNLL 2018 shared task's tagging figures, in percent
// of words (gold tokenization, so words align one to one).
type tagScores struct {
	UPOS, XPOS, UFeats, AllTags, Lemma float64
	Words                              int
}

// scoreTagger tags a copy of every sentence of gold (see retagged) and
// scores it with Score, in percent.
func scoreTagger(tg *Tagger, gold *Doc) tagScores {
	sc, err := Score(gold, retagged(gold, tg))
	if err != nil {
		return tagScores{}
	}
	return tagScores{100 * sc.UPOS, 100 * sc.XPOS, 100 * sc.UFeats, 100 * sc.AllTags, 100 * sc.Lemma, sc.Words}
}

func readCorpus(t testing.TB, rel string) *Doc {
	t.Helper()
	f, err := os.Open(corpus(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := ReadCoNLLU(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestTrainTaggerSmall trains on a slice of EWT train for two epochs, so
// the training code runs in CI in seconds, and checks the result beats a
// floor on dev that a broken feature or update would miss.
func TestTrainTaggerSmall(t *testing.T) {
	train := readCorpus(t, "ud-english-ewt/en_ewt-ud-train.conllu")
	dev := readCorpus(t, "ud-english-ewt/en_ewt-ud-dev.conllu")
	train.Sentences = train.Sentences[:2000]
	tg, err := TrainTagger(train, nil, TaggerOptions{Epochs: 2, Bits: 16}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	got := scoreTagger(tg, dev)
	t.Logf("dev after 2000 sentences: %+v", got)
	floor := tagScores{UPOS: 88, XPOS: 86, Lemma: 94, UFeats: 80}
	if got.UPOS < floor.UPOS || got.XPOS < floor.XPOS || got.Lemma < floor.Lemma || got.UFeats < floor.UFeats {
		t.Errorf("dev UPOS %.2f XPOS %.2f UFeats %.2f lemma %.2f, want at least %.0f %.0f %.0f %.0f",
			got.UPOS, got.XPOS, got.UFeats, got.Lemma, floor.UPOS, floor.XPOS, floor.UFeats, floor.Lemma)
	}
}

// TestTrainTaggerFull trains the full model when CROSSCHECK_TAGGER_OUT
// names the file to write (gzip), and reports dev figures; it is how
// model/tagger.bin.gz is made:
//
//	CROSSCHECK_TAGGER_OUT=/tmp/tagger.bin.gz go test ./feeds/claim/lang/ -run TestTrainTaggerFull -v -timeout 30m
func TestTrainTaggerFull(t *testing.T) {
	out := os.Getenv("CROSSCHECK_TAGGER_OUT")
	if out == "" {
		t.Skip("set CROSSCHECK_TAGGER_OUT to train the full tagger")
	}
	train := readCorpus(t, "ud-english-ewt/en_ewt-ud-train.conllu")
	dev := readCorpus(t, "ud-english-ewt/en_ewt-ud-dev.conllu")
	start := time.Now()
	tg, err := TrainTagger(train, dev, TaggerOptions{}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained in %s", time.Since(start).Round(time.Second))
	t.Logf("dev: %+v", scoreTagger(tg, dev))
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	if _, err := tg.WriteTo(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(out)
	t.Logf("wrote %s: %d bytes", out, st.Size())
}
