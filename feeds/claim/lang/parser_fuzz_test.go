package lang

import (
	"bytes"
	"strings"
	"testing"
)

// toyParser trains a parser in milliseconds on a few sentences written
// here, so the fuzz targets need neither the shared corpora nor a model.
func toyParser(tb testing.TB, beam int) *Parser {
	tb.Helper()
	const conllu = "1\tDogs\tdog\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n" +
		"2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\t_\n" +
		"3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n" +
		"1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n" +
		"2\tcat\tcat\tNOUN\tNN\t_\t3\tnsubj\t_\t_\n" +
		"3\tsaw\tsee\tVERB\tVBD\t_\t0\troot\t_\t_\n" +
		"4\tbirds\tbird\tNOUN\tNNS\t_\t3\tobj\t_\t_\n" +
		"5\ttoday\ttoday\tNOUN\tNN\t_\t3\tobl:tmod\t_\t_\n\n"
	doc, err := ReadCoNLLU(strings.NewReader(conllu))
	if err != nil {
		tb.Fatal(err)
	}
	p, err := TrainParser(doc, nil, ParserOptions{Epochs: 3, Bits: 8, Beam: beam, Warmup: 1}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

var fuzzTags = []string{"NOUN", "VERB", "DET", "ADP", "PUNCT", "", "PROPN", "X"}

// wordsOf makes a sentence of the fields of in, tagging each by its first
// byte, so the fuzzer controls both words and tags.
func wordsOf(in string) *Sentence {
	var s Sentence
	for i, f := range strings.Fields(in) {
		if i == MaxWords {
			break
		}
		tag := fuzzTags[int(f[0])%len(fuzzTags)]
		s.Words = append(s.Words, Word{Form: f, UPOS: tag, XPOS: tag, Lemma: f, Head: -7, Rel: "junk"})
	}
	return &s
}

func FuzzParse(f *testing.F) {
	f.Add("The cat saw birds today .")
	f.Add("bark")
	f.Add(". . . , , ; the the the")
	greedy, beam := toyParser(f, 1), toyParser(f, 3)
	f.Fuzz(func(t *testing.T, in string) {
		for _, p := range []*Parser{greedy, beam} {
			s := wordsOf(in)
			p.Parse(s)
			checkTree(t, s)
		}
	})
}

func FuzzReadParser(f *testing.F) {
	var model bytes.Buffer
	if _, err := toyParser(f, 2).WriteTo(&model); err != nil {
		f.Fatal(err)
	}
	f.Add(model.Bytes())
	f.Add([]byte(parserMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadParser(bytes.NewReader(data))
		if err != nil {
			return
		}
		s := wordsOf("A model that reads must parse .")
		p.Parse(s)
		checkTree(t, s)
	})
}
