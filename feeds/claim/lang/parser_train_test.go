package lang

import "testing"

// TestTrainParserLearns trains a small parser on 600 sentences of EWT
// train (gold tags, a few seconds) and checks it clears a floor on dev well
// above any baseline without learning (attaching every word to its
// neighbour gets about 30% UAS), and that training is deterministic.
func TestTrainParserLearns(t *testing.T) {
	train := readCorpus(t, "ud-english-ewt/en_ewt-ud-train.conllu")
	dev := readCorpus(t, "ud-english-ewt/en_ewt-ud-dev.conllu")
	train.Sentences = train.Sentences[:600]
	dev.Sentences = dev.Sentences[:300]
	opt := ParserOptions{Epochs: 2, Bits: 16, Seed: 1}
	var logged int
	p, err := TrainParser(train, dev, opt, func(string, ...any) { logged++ })
	if err != nil {
		t.Fatal(err)
	}
	sc := p.Evaluate(dev)
	t.Logf("dev: %s", sc)
	if sc.UAS < 0.70 || sc.LAS < 0.64 {
		t.Errorf("dev %s; want UAS ≥ 70, LAS ≥ 64", sc)
	}
	if logged != opt.Epochs+1 {
		t.Errorf("logged %d lines, want one per epoch and the choice", logged)
	}
	q, err := TrainParser(train, dev, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sq := q.Evaluate(dev); sq != sc {
		t.Errorf("second training with the same seed scores %s, first %s", sq, sc)
	}
}

func TestTrainParserRejectsEmpty(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  *Doc
	}{
		{"nil", nil},
		{"no sentences", &Doc{}},
		{"no trees", &Doc{Sentences: []Sentence{{Words: []Word{{Form: "a", Head: -1}}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := TrainParser(tt.doc, nil, ParserOptions{Bits: 10}, nil); err == nil {
				t.Error("TrainParser succeeded")
			}
		})
	}
}
