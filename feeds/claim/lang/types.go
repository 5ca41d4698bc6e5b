package lang

import "strings"

// MaxWords is the longest sentence the tagger and parser see. Longer
// sentences are cut into pieces of at most MaxWords words (at a comma or
// semicolon near the limit when there is one), so a run-on text costs linear
// time and bounded memory. News sentences rarely exceed 80 words.
const MaxWords = 250

// Doc is the analysis of one text.
type Doc struct {
	Text      string     // the text analysed; offsets index into it
	Sentences []Sentence // in text order
}

// Sentence is one sentence: its span in the text, its syntactic words and
// the surface tokens they come from.
type Sentence struct {
	ID         string // the sentence's sent_id when read from CoNLL-U, else ""
	Start, End int    // byte span in Doc.Text
	Words      []Word // the syntactic words, in order; IDs are index+1
	// Tokens are the surface tokens, in order. A token covering a single word
	// has First == Last. Tokens is nil when the sentence was read from
	// CoNLL-U without multiword tokens (every word is its own token).
	Tokens []Token
}

// Token is one surface token: a span of text covering one or more words.
type Token struct {
	Form        string // surface form
	Start, End  int    // byte span in Doc.Text
	First, Last int    // indexes into Sentence.Words of its first and last word
	SpaceAfter  bool   // whether whitespace follows it in the text
}

// Word is one syntactic word with its annotation. Index-based fields refer to
// Sentence.Words: Head is the index of the word's head, or -1 for the root.
type Word struct {
	Form       string // the word as in the text (or as split from its token)
	Start, End int    // byte span in Doc.Text (see the package doc for multiword tokens)
	MWT        int    // index into Sentence.Tokens of its multiword token, or -1
	SpaceAfter bool   // whether whitespace follows the word in the text

	UPOS  string // universal part of speech: NOUN, VERB, PROPN, NUM, …
	XPOS  string // Penn Treebank tag: NN, VBD, NNP, CD, …
	Feats string // UD features, "Number=Plur|Tense=Past", or "" for none
	Lemma string // dictionary form: "forces" → "force", "were" → "be"

	Head int    // index of the head word in Sentence.Words, -1 for the root
	Rel  string // UD basic relation: nsubj, obj, nummod, obl:tmod, …
}

// Feat returns the value of one morphological feature ("Number" → "Plur"),
// or "" when the word does not have it.
func (w *Word) Feat(name string) string {
	f := w.Feats
	for f != "" {
		var kv string
		if i := strings.IndexByte(f, '|'); i >= 0 {
			kv, f = f[:i], f[i+1:]
		} else {
			kv, f = f, ""
		}
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			return kv[len(name)+1:]
		}
	}
	return ""
}

// Children returns the indexes of the words whose head is word i, in order.
func (s *Sentence) Children(i int) []int {
	var out []int
	for j := range s.Words {
		if s.Words[j].Head == i {
			out = append(out, j)
		}
	}
	return out
}

// Root returns the index of the sentence's root word, or -1 if it has no
// words.
func (s *Sentence) Root() int {
	for j := range s.Words {
		if s.Words[j].Head == -1 {
			return j
		}
	}
	return -1
}

// Text returns the sentence's text.
func (s *Sentence) Text(doc *Doc) string { return doc.Text[s.Start:s.End] }
