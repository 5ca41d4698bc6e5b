package lang

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpus returns the path of a file under ../shared/corpora, skipping the
// test with a message when the shared material is absent.
func corpus(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "..", "shared", "corpora", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("lang: %s not found (the shared corpora sit beside the repository): %v", p, err)
	}
	return p
}

func TestReadCoNLLUMultiwordTokens(t *testing.T) {
	in := "# sent_id = s1\n# text = I won't go.\n" +
		"1\tI\tI\tPRON\tPRP\tCase=Nom\t4\tnsubj\t_\t_\n" +
		"2-3\twon't\t_\t_\t_\t_\t_\t_\t_\t_\n" +
		"2\two\twill\tAUX\tMD\t_\t4\taux\t_\t_\n" +
		"3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n" +
		"4\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n" +
		"5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n"
	doc, err := ReadCoNLLU(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != "I won't go." {
		t.Fatalf("text %q", doc.Text)
	}
	s := doc.Sentences[0]
	if got := []string{doc.Text[s.Words[1].Start:s.Words[1].End], doc.Text[s.Words[2].Start:s.Words[2].End]}; got[0] != "wo" || got[1] != "n't" {
		t.Errorf("multiword token split into %q", got)
	}
	if s.Words[1].MWT != 1 || s.Words[0].MWT != -1 || s.Root() != 3 || s.Words[0].Head != 3 {
		t.Errorf("words %+v", s.Words)
	}
	var out bytes.Buffer
	if err := WriteCoNLLU(&out, doc); err != nil {
		t.Fatal(err)
	}
	if out.String() != in {
		t.Errorf("round trip:\n%s\nwant\n%s", out.String(), in)
	}
}

func TestReadCoNLLUErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1\ta\n", "line 1: 2 columns"},
		{"2\ta\ta\tX\tX\t_\t0\troot\t_\t_\n", "line 1: word ID \"2\" out of sequence"},
		{"1\ta\ta\tX\tX\t_\t7\troot\t_\t_\n\n", "line 2: sentence \"\": head 7 out of range"},
	} {
		_, err := ReadCoNLLU(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadCoNLLU(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestReadCoNLLUTreebank reads the whole EWT dev file and checks that every
// word's offsets spell its form and that the rebuilt text matches the
// treebank's own # text lines.
func TestReadCoNLLUTreebank(t *testing.T) {
	p := corpus(t, "ud-english-ewt/en_ewt-ud-dev.conllu")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ReadCoNLLU(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "# text = "); ok {
			texts = append(texts, v)
		}
	}
	if len(doc.Sentences) != len(texts) {
		t.Fatalf("%d sentences, %d # text lines", len(doc.Sentences), len(texts))
	}
	mismatch := 0
	for i, s := range doc.Sentences {
		if s.Text(doc) != texts[i] {
			mismatch++
		}
		for _, w := range s.Words {
			if got := doc.Text[w.Start:w.End]; w.MWT < 0 && got != w.Form {
				t.Fatalf("%s: word %q spans %q", s.ID, w.Form, got)
			}
		}
	}
	if mismatch > 0 {
		t.Errorf("%d of %d sentences rebuilt differently from # text", mismatch, len(texts))
	}
}
