package lang

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteTree writes doc for a person: each sentence's text, then its tree
// drawn from the root down, a word a line with its tags, lemma and relation,
// children in text order:
//
//	# 1: Troops withdrew.
//	withdrew  VERB VBD  withdraw  root
//	├─ Troops  NOUN NNS  troop  nsubj
//	└─ .  PUNCT .  .  punct
//
// Words without a head (an unparsed analysis) are listed flat.
func WriteTree(w io.Writer, doc *Doc) error {
	bw := bufio.NewWriter(w)
	for si := range doc.Sentences {
		s := &doc.Sentences[si]
		fmt.Fprintf(bw, "# %d: %s\n", si+1, oneLine(s.Text(doc)))
		kids := make([][]int, len(s.Words))
		var roots []int
		for i := range s.Words {
			if h := s.Words[i].Head; h >= 0 && h < len(s.Words) && h != i {
				kids[h] = append(kids[h], i)
			} else {
				roots = append(roots, i)
			}
		}
		seen := make([]bool, len(s.Words))
		var walk func(i int, prefix string, last, top bool)
		walk = func(i int, prefix string, last, top bool) {
			if seen[i] { // a cycle in a damaged tree: draw each word once
				return
			}
			seen[i] = true
			branch, next := "", ""
			if !top {
				branch, next = "├─ ", "│  "
				if last {
					branch, next = "└─ ", "   "
				}
			}
			wd := &s.Words[i]
			fmt.Fprintf(bw, "%s%s%s  %s %s  %s  %s\n", prefix, branch, wd.Form, dash(wd.UPOS), dash(wd.XPOS), dash(wd.Lemma), dash(wd.Rel))
			for k, c := range kids[i] {
				walk(c, prefix+next, k == len(kids[i])-1, false)
			}
		}
		for _, r := range roots {
			walk(r, "", true, true)
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("lang: write tree: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "_"
	}
	return strings.ReplaceAll(s, " ", "_")
}
