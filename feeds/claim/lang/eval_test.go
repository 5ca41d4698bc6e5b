package lang

import (
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	gold, err := ReadCoNLLU(strings.NewReader(
		"1\tTroops\ttroop\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_\n" +
			"2\twithdrew\twithdraw\tVERB\tVBD\tTense=Past\t0\troot\t_\tSpaceAfter=No\n" +
			"3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	sys, _ := ReadCoNLLU(strings.NewReader(
		"1\tTroops\ttroops\tNOUN\tNNS\tNumber=Plur\t2\tnsubj:pass\t_\t_\n" +
			"2\twithdrew\twithdraw\tVERB\tVBN\tTense=Past\t0\troot\t_\tSpaceAfter=No\n" +
			"3\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n"))
	s, err := Score(gold, sys)
	if err != nil {
		t.Fatal(err)
	}
	third := 1.0 / 3
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"UPOS", s.UPOS, 1}, {"XPOS", s.XPOS, 2 * third}, {"Lemma", s.Lemma, 2 * third},
		{"UAS", s.UAS, 2 * third}, {"LAS", s.LAS, 2 * third}, {"LASFull", s.LASFull, third},
	} {
		if c.got < c.want-1e-9 || c.got > c.want+1e-9 {
			t.Errorf("%s = %.3f, want %.3f", c.name, c.got, c.want)
		}
	}
	sys.Sentences[0].Words = sys.Sentences[0].Words[:2]
	if _, err := Score(gold, sys); err == nil || !strings.Contains(err.Error(), "3 gold words, 2 system") {
		t.Errorf("mismatched words: %v", err)
	}
}

func TestScoreSegmentation(t *testing.T) {
	text := "I won't go. He did."
	gold := &Doc{Text: text, Sentences: []Sentence{
		{Start: 0, End: 11, Words: []Word{{Form: "I", Start: 0, End: 1}, {Form: "wo", Start: 2, End: 4}, {Form: "n't", Start: 4, End: 7}, {Form: "go", Start: 8, End: 10}, {Form: ".", Start: 10, End: 11}},
			Tokens: []Token{{Start: 0, End: 1, First: 0, Last: 0}, {Start: 2, End: 7, First: 1, Last: 2}, {Start: 8, End: 10, First: 3, Last: 3}, {Start: 10, End: 11, First: 4, Last: 4}}},
		{Start: 12, End: 19, Words: []Word{{Form: "He", Start: 12, End: 14}, {Form: "did", Start: 15, End: 18}, {Form: ".", Start: 18, End: 19}}},
	}}
	// The system misses the split of "won't" and the sentence break.
	sys := &Doc{Text: text, Sentences: []Sentence{
		{Start: 0, End: 19, Words: []Word{{Form: "I", Start: 0, End: 1}, {Form: "won't", Start: 2, End: 7}, {Form: "go", Start: 8, End: 10}, {Form: ".", Start: 10, End: 11},
			{Form: "He", Start: 12, End: 14}, {Form: "did", Start: 15, End: 18}, {Form: ".", Start: 18, End: 19}}},
	}}
	seg, err := ScoreSegmentation(gold, sys)
	if err != nil {
		t.Fatal(err)
	}
	if seg.Tokens != (F1{Gold: 7, System: 7, Correct: 7}) {
		t.Errorf("tokens %+v", seg.Tokens)
	}
	if seg.Words != (F1{Gold: 8, System: 7, Correct: 6}) {
		t.Errorf("words %+v", seg.Words)
	}
	if seg.Sentences != (F1{Gold: 2, System: 1, Correct: 0}) {
		t.Errorf("sentences %+v", seg.Sentences)
	}
}
