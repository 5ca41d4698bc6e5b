package lang

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
)

// tinyTreebank is a few sentences of CoNLL-U, enough to train a tagger
// that knows its words, without the shared corpora.
const tinyTreebank = `# sent_id = t1
1	The	the	DET	DT	Definite=Def|PronType=Art	2	det	_	_
2	forces	force	NOUN	NNS	Number=Plur	3	nsubj	_	_
3	were	be	AUX	VBD	Mood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin	4	aux	_	_
4	killed	kill	VERB	VBN	Tense=Past|VerbForm=Part|Voice=Pass	0	root	_	SpaceAfter=No
5	.	.	PUNCT	.	_	4	punct	_	_

# sent_id = t2
1	I	I	PRON	PRP	Case=Nom|Number=Sing|Person=1|PronType=Prs	2	nsubj	_	_
2	saw	see	VERB	VBD	Mood=Ind|Number=Sing|Person=1|Tense=Past|VerbForm=Fin	0	root	_	_
3	Paris	Paris	PROPN	NNP	Number=Sing	2	obj	_	SpaceAfter=No
4	.	.	PUNCT	.	_	2	punct	_	_

# sent_id = t3
1	Make	make	VERB	VB	Mood=Imp|VerbForm=Fin	0	root	_	_
2	the	the	DET	DT	Definite=Def|PronType=Art	3	det	_	_
3	forces	force	NOUN	NNS	Number=Plur	1	obj	_	_
4	to	to	PART	TO	_	5	mark	_	_
5	make	make	VERB	VB	VerbForm=Inf	1	xcomp	_	_
6	peace	peace	NOUN	NN	Number=Sing	5	obj	_	SpaceAfter=No
7	.	.	PUNCT	.	_	1	punct	_	_

`

func tinyTagger(t testing.TB) *Tagger {
	t.Helper()
	doc, err := ReadCoNLLU(strings.NewReader(tinyTreebank))
	if err != nil {
		t.Fatal(err)
	}
	// Three copies, so each fold of the jackknife has seen every sentence.
	doc.Sentences = slices.Concat(doc.Sentences, doc.Sentences, doc.Sentences)
	tg, err := TrainTagger(doc, nil, TaggerOptions{Epochs: 5, Bits: 10, FeatsBits: 10, TwoPass: true, Folds: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func formsOnly(words ...string) *Sentence {
	s := &Sentence{Words: make([]Word, len(words))}
	for i, w := range words {
		s.Words[i] = Word{Form: w, MWT: -1}
	}
	return s
}

func annotations(s *Sentence) string {
	var b strings.Builder
	for _, w := range s.Words {
		b.WriteString(w.Form + "/" + w.UPOS + "/" + w.XPOS + "/" + w.Feats + "/" + w.Lemma + " ")
	}
	return b.String()
}

// TestTaggerTagsItsTrainingWords checks a tagger trained on three
// sentences gives their words back the tags, features and lemmas it saw,
// cased as the treebank cases them.
func TestTaggerTagsItsTrainingWords(t *testing.T) {
	tg := tinyTagger(t)
	tests := []struct {
		words            []string
		upos, lemma, fts []string
	}{
		{[]string{"The", "forces", "were", "killed", "."},
			[]string{"DET", "NOUN", "AUX", "VERB", "PUNCT"},
			[]string{"the", "force", "be", "kill", "."},
			[]string{"Definite=Def|PronType=Art", "Number=Plur", "Mood=Ind|Number=Plur|Person=3|Tense=Past|VerbForm=Fin", "Tense=Past|VerbForm=Part|Voice=Pass", ""}},
		{[]string{"I", "saw", "Paris", "."},
			[]string{"PRON", "VERB", "PROPN", "PUNCT"},
			[]string{"I", "see", "Paris", "."},
			nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			s := formsOnly(tt.words...)
			tg.Tag(s)
			for i, w := range s.Words {
				if w.UPOS != tt.upos[i] || w.Lemma != tt.lemma[i] || tt.fts != nil && w.Feats != tt.fts[i] {
					t.Errorf("%q: %s %q %q, want %s %q %q", w.Form, w.UPOS, w.Lemma, w.Feats, tt.upos[i], tt.lemma[i], tt.fts)
				}
			}
		})
	}
}

// TestTaggerRoundTrip writes a tagger, reads it back, and checks the copy
// tags like the original and writes the same bytes; training twice with
// one seed gives the same bytes too.
func TestTaggerRoundTrip(t *testing.T) {
	tg := tinyTagger(t)
	var a, b, c bytes.Buffer
	if _, err := tg.WriteTo(&a); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTagger(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("read and written again: %d bytes, first written %d", b.Len(), a.Len())
	}
	if _, err := tinyTagger(t).WriteTo(&c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("two trainings with the same seed wrote different models")
	}
	for _, words := range [][]string{{"Make", "peace", "."}, {"Unseen", "words", "glimmered", "oddly", "."}} {
		s1, s2 := formsOnly(words...), formsOnly(words...)
		tg.Tag(s1)
		back.Tag(s2)
		if annotations(s1) != annotations(s2) {
			t.Errorf("original: %s\ncopy:     %s", annotations(s1), annotations(s2))
		}
	}
}

// TestReadTaggerRejectsDamage checks every truncation of a model file and
// a few corruptions fail with an error instead of a panic or a tagger.
func TestReadTaggerRejectsDamage(t *testing.T) {
	var buf bytes.Buffer
	if _, err := tinyTagger(t).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for n := 0; n < len(data); n += max(1, len(data)/500) {
		if _, err := ReadTagger(bytes.NewReader(data[:n])); err == nil {
			t.Fatalf("a model cut to %d of %d bytes was read", n, len(data))
		}
	}
	if _, err := ReadTagger(strings.NewReader("XCPM1 not a tagger")); err == nil {
		t.Error("a file with the wrong magic was read")
	}
}

// TestTagConcurrent tags from several goroutines at once on one Tagger
// (run with -race) and checks each gets what a lone call gets.
func TestTagConcurrent(t *testing.T) {
	tg := tinyTagger(t)
	sentences := [][]string{{"The", "forces", "were", "killed", "."}, {"I", "saw", "Paris", "."}, {"Strangers", "visited", "Mumbai", "twice", "."}}
	want := make([]string, len(sentences))
	for i, ws := range sentences {
		s := formsOnly(ws...)
		tg.Tag(s)
		want[i] = annotations(s)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(sentences))
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for k := 0; k < 50; k++ {
				i := (g + k) % len(sentences)
				s := formsOnly(sentences[i]...)
				tg.Tag(s)
				if got := annotations(s); got != want[i] {
					errs <- got
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Tag gave %s", e)
	}
}

func TestTagEmptySentence(t *testing.T) {
	s := &Sentence{}
	tinyTagger(t).Tag(s) // must not panic
	if len(s.Words) != 0 {
		t.Errorf("words appeared: %v", s.Words)
	}
}

// FuzzReadTagger feeds damaged model files to ReadTagger: it must fail or
// give a tagger that tags without panicking, gives every word a tag pair
// it knows, and writes itself back byte for byte.
func FuzzReadTagger(f *testing.F) {
	var buf bytes.Buffer
	if _, err := tinyTagger(f).WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		tg, err := ReadTagger(bytes.NewReader(data))
		if err != nil {
			return
		}
		s := formsOnly("The", "Forces", "make", "peace", "in", "Zürich", "3,000", "times", ".")
		tg.Tag(s)
		for _, w := range s.Words {
			if !slices.Contains(tg.classes, tagPair{w.UPOS, w.XPOS}) {
				t.Fatalf("%q tagged %s/%s, not one of the tagger's classes", w.Form, w.UPOS, w.XPOS)
			}
		}
		var out, again bytes.Buffer
		if _, err := tg.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		back, err := ReadTagger(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("a tagger read from a file does not read back: %v", err)
		}
		if _, err := back.WriteTo(&again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatalf("a tagger read back writes %d bytes, %d before", again.Len(), out.Len())
		}
	})
}

// FuzzTag tags arbitrary words (cut from the input at spaces): every word
// must get one of the tagger's tag pairs and, when its form is not empty,
// a lemma, whatever its script or case.
func FuzzTag(f *testing.F) {
	for _, s := range []string{"The forces were killed .", "İstanbul ǅemal ΣΟΦΙΑ straße", "a\x00b \xff\xfe", "I I I I", "MAKE peace"} {
		f.Add(s)
	}
	tg := tinyTagger(f)
	f.Fuzz(func(t *testing.T, in string) {
		s := formsOnly(strings.Split(in, " ")...)
		tg.Tag(s)
		for _, w := range s.Words {
			if !slices.Contains(tg.classes, tagPair{w.UPOS, w.XPOS}) {
				t.Fatalf("%q tagged %s/%s, not one of the tagger's classes", w.Form, w.UPOS, w.XPOS)
			}
			if w.Form != "" && w.Lemma == "" {
				t.Fatalf("%q got no lemma", w.Form)
			}
		}
	})
}
