package lang

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func embedded(t testing.TB) *Pipeline {
	t.Helper()
	p, err := Load()
	if err != nil {
		t.Fatalf("embedded models: %v", err)
	}
	return p
}

// TestConstructions: the wire-copy constructions claims are read from, and
// the attachment each must get: which word a number counts, which verb a
// subject governs, a participle or relative clause that only describes a
// noun, a passive. Each case names a word and its expected head and
// relation; known records what the committed model does instead where it
// is wrong, so the case still fails on any other change and says so when
// the model gets it right.
func TestConstructions(t *testing.T) {
	p := embedded(t)
	for _, tc := range []struct {
		name, text string
		word, head string
		rel        string
		known      string // "head rel" the committed model gives instead
	}{
		{"a number counts its noun", "Ukraine said 8,000 soldiers were killed.", "8,000", "soldiers", "nummod", ""},
		{"passive subject", "About 300 people were killed in the attack.", "people", "killed", "nsubj:pass", ""},
		{"reported speech", "Officials said 45 people had died.", "died", "said", "ccomp", ""},
		{"a relative clause describes", "Volunteers who died fighting were buried on Sunday.", "died", "Volunteers", "acl:relcl", ""},
		{"a participle describes", "Troops stationed along the border were put on alert.", "stationed", "Troops", "acl", "ROOT root"},
		{"according to", "The toll rose to 45, according to the ministry.", "ministry", "rose", "obl", "rose nmod"},
		{"the toll rose to", "The death toll has risen to 4,200.", "4,200", "risen", "obl", ""},
		{"of the 4,000", "Of the 4,000 evacuated, 300 were children.", "4,000", "children", "obl", "evacuated compound"},
		{"coordinated numbers", "Three people were killed and 12 wounded.", "wounded", "killed", "conj", "12 advmod"},
		{"negation", "The troops have not been seen at the front.", "not", "seen", "advmod", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := p.Analyze(tc.text)
			if len(doc.Sentences) != 1 {
				t.Fatalf("%d sentences", len(doc.Sentences))
			}
			s := &doc.Sentences[0]
			for _, w := range s.Words {
				if w.Form != tc.word {
					continue
				}
				head := "ROOT"
				if w.Head >= 0 {
					head = s.Words[w.Head].Form
				}
				got := head + " " + w.Rel
				switch {
				case got == tc.head+" "+tc.rel && tc.known != "":
					t.Errorf("%q: %q now hangs right (%s): drop it from the known errors", tc.text, tc.word, got)
				case got == tc.head+" "+tc.rel:
				case got == tc.known:
					t.Logf("known error: %q: %q hangs from %s, want %q as %s", tc.text, tc.word, got, tc.head, tc.rel)
				default:
					var b strings.Builder
					WriteTree(&b, doc)
					t.Errorf("%q: %q hangs from %s, want %q as %s\n%s", tc.text, tc.word, got, tc.head, tc.rel, b.String())
				}
				return
			}
			t.Fatalf("no word %q in %q", tc.word, tc.text)
		})
	}
}

// TestAnnotateKeepsWords: Annotate fills in a given tokenization (as from
// CoNLL-U) and leaves its words and offsets alone.
func TestAnnotateKeepsWords(t *testing.T) {
	doc, err := ReadCoNLLU(strings.NewReader("1\tTroops\t_\t_\t_\t_\t_\t_\t_\t_\n2\twithdrew\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n3\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	given := slices.Clone(doc.Sentences[0].Words)
	embedded(t).Annotate(doc)
	s := doc.Sentences[0]
	if len(s.Words) != 3 || s.Words[1].Lemma != "withdraw" || s.Words[1].UPOS != "VERB" || s.Root() != 1 || s.Words[0].Rel != "nsubj" {
		t.Errorf("annotated %+v", s.Words)
	}
	for i, w := range s.Words[:min(len(s.Words), len(given))] {
		g := given[i]
		if w.Form != g.Form || w.Start != g.Start || w.End != g.End || w.MWT != g.MWT || w.SpaceAfter != g.SpaceAfter {
			t.Errorf("word %d became %q [%d,%d) MWT %d SpaceAfter %v, was %q [%d,%d) MWT %d SpaceAfter %v",
				i, w.Form, w.Start, w.End, w.MWT, w.SpaceAfter, g.Form, g.Start, g.End, g.MWT, g.SpaceAfter)
		}
	}
}

// TestAnalyzeBadInput: odd input gives a well-formed analysis: every
// sentence one tree (see checkTree).
func TestAnalyzeBadInput(t *testing.T) {
	p := embedded(t)
	for _, in := range []string{"", "\x00\xff\xfe", strings.Repeat("word ", 3000), "🙂🙂 — «» 数字 8 000.", strings.Repeat("1,", 2000)} {
		t.Run(fmt.Sprintf("%q", in[:min(len(in), 20)]), func(t *testing.T) {
			doc := p.Analyze(in)
			for i := range doc.Sentences {
				checkTree(t, &doc.Sentences[i])
			}
		})
	}
}

// BenchmarkAnalyze: the whole layer on 1 MB of news prose, one core.
func BenchmarkAnalyze(b *testing.B) {
	p := embedded(b)
	prose, err := os.ReadFile("testdata/news.txt")
	if err != nil {
		b.Fatal(err)
	}
	var text strings.Builder
	for text.Len() < 1<<20 {
		text.Write(prose)
		text.WriteString("\n\n")
	}
	in := text.String()
	b.SetBytes(int64(len(in)))
	words := 0
	for _, s := range p.Analyze(in).Sentences {
		words += len(s.Words)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Analyze(in)
	}
	b.ReportMetric(float64(words)*float64(b.N)/b.Elapsed().Seconds(), "words/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(words), "ns/word")
}

// BenchmarkLoad: decoding the embedded models, which the first call pays.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFS(modelFiles, "model"); err != nil {
			b.Fatal(err)
		}
	}
}
