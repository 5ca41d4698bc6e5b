package lang

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"sync"
	"testing"
)

// checkTree fails unless a sentence with words has heads forming one tree: one root, every head a
// word of s, every word reaching the root.
func checkTree(t *testing.T, s *Sentence) {
	t.Helper()
	n := len(s.Words)
	if n == 0 {
		return // no words, no tree
	}
	roots := 0
	for i, w := range s.Words {
		if w.Head == -1 {
			roots++
			if w.Rel != "root" {
				t.Errorf("root word %d has relation %q", i, w.Rel)
			}
		} else if w.Head < 0 || w.Head >= n || w.Head == i {
			t.Fatalf("word %d has head %d in a sentence of %d words", i, w.Head, n)
		}
		if w.Rel == "" {
			t.Errorf("word %d has no relation", i)
		}
	}
	if roots != 1 {
		t.Fatalf("%d roots, want 1", roots)
	}
	for i := range s.Words {
		h, steps := i, 0
		for h != -1 {
			h = s.Words[h].Head
			if steps++; steps > n {
				t.Fatalf("word %d is on a cycle", i)
			}
		}
	}
}

func TestProjectivize(t *testing.T) {
	// ROOT is position len(head).
	tests := []struct {
		name       string
		head, want []int32
	}{
		{"projective stays", []int32{1, 3, 3, 4}, []int32{1, 3, 3, 4}},
		// "A hearing is scheduled on the issue today": 0 A, 1 hearing,
		// 2 is, 3 scheduled, 4 on, 5 issue (6 ROOT); "on issue" (5) hangs
		// from hearing across scheduled, and is lifted to scheduled.
		{"crossing arc lifted", []int32{1, 3, 3, 6, 5, 1}, []int32{1, 3, 3, 6, 5, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.head)
			projectivize(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("projectivize(%v) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

// tinyParser trains a parser on the first n sentences of EWT train for a
// few epochs, gold tags, and returns it with EWT dev.
func tinyParser(t *testing.T, n, epochs int) (*Parser, *Doc) {
	t.Helper()
	train := readCorpus(t, "ud-english-ewt/en_ewt-ud-train.conllu")
	dev := readCorpus(t, "ud-english-ewt/en_ewt-ud-dev.conllu")
	train.Sentences = train.Sentences[:n]
	p, err := TrainParser(train, nil, ParserOptions{Epochs: epochs, Bits: 16, Seed: 7}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p, dev
}

func TestParserTreesAreWellFormed(t *testing.T) {
	p, dev := tinyParser(t, 300, 2)
	for i := range dev.Sentences[:300] {
		s := Sentence{Words: slices.Clone(dev.Sentences[i].Words)}
		p.Parse(&s)
		checkTree(t, &s)
	}
	t.Run("one word", func(t *testing.T) {
		s := Sentence{Words: []Word{{Form: "Hello", UPOS: "INTJ", XPOS: "UH", Head: 5}}}
		p.Parse(&s)
		checkTree(t, &s)
	})
	t.Run("no tags", func(t *testing.T) {
		s := Sentence{Words: []Word{{Form: "a"}, {Form: "b"}, {Form: "c"}}}
		p.Parse(&s)
		checkTree(t, &s)
	})
}

func TestParserRoundTripsAndIsConcurrent(t *testing.T) {
	p, dev := tinyParser(t, 200, 1)
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(buf.Bytes())
	zw.Close()
	for _, tt := range []struct {
		name string
		data []byte
	}{{"plain", buf.Bytes()}, {"gzipped", gz.Bytes()}} {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ReadParser(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			sents := dev.Sentences[:100]
			want := make([][]Word, len(sents))
			for i := range sents {
				s := Sentence{Words: slices.Clone(sents[i].Words)}
				p.Parse(&s)
				want[i] = s.Words
			}
			var wg sync.WaitGroup
			errs := make(chan string, 4)
			for range 4 {
				wg.Go(func() {
					for i := range sents {
						s := Sentence{Words: slices.Clone(sents[i].Words)}
						q.Parse(&s)
						if !slices.Equal(s.Words, want[i]) {
							errs <- sents[i].ID
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for id := range errs {
				t.Errorf("sentence %s: read-back parser disagrees with the original", id)
			}
		})
	}
}

func TestReadParserRejectsGarbage(t *testing.T) {
	for _, in := range []string{"", "XCDP", parserMagic, parserMagic + "\x01\x04root", "\x1f\x8bnot gzip"} {
		if _, err := ReadParser(bytes.NewReader([]byte(in))); err == nil {
			t.Errorf("ReadParser(%q) succeeded", in)
		}
	}
	// A number read whole but impossible is named as such, not as a nil error.
	for _, in := range []string{parserMagic + "\x00", parserMagic + "\x01\x01", parserMagic + "\x01\x02\x7f"} {
		_, err := ReadParser(bytes.NewReader([]byte(in)))
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("ReadParser(%q): %v, want an out-of-range error", in, err)
		}
	}
}

// TestBeamOfOneIsGreedy checks the beam search against the greedy decoder:
// with one item they must take the same transitions.
func TestBeamOfOneIsGreedy(t *testing.T) {
	p, dev := tinyParser(t, 200, 1)
	var st parseState
	var bs beamState
	for i := range dev.Sentences[:200] {
		words := dev.Sentences[i].Words
		p.greedy(&st, p.m, words)
		p.search(&bs, p.m, words, 1, false, nil)
		if !slices.Equal(st.head, bs.cur[0].head) || !slices.Equal(st.rel, bs.cur[0].rel) {
			t.Fatalf("sentence %s: beam of one disagrees with greedy", dev.Sentences[i].ID)
		}
	}
}

// TestFeaturesUseEveryTemplate: features emits one feature per template
// seed, so nTemplates neither falls short (a panic at parse time) nor
// computes seeds no template reads.
func TestFeaturesUseEveryTemplate(t *testing.T) {
	var st parseState
	st.reset(wordsOf("The cat saw birds today .").Words, 1)
	st.features()
	if len(st.feats) != nTemplates {
		t.Errorf("features emitted %d features, nTemplates is %d", len(st.feats), nTemplates)
	}
}
