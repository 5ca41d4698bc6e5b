package lang

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxCoNLLULine caps one CoNLL-U line; a longer one is an error, not a
// reason to buffer without bound.
const maxCoNLLULine = 1 << 20

// ReadCoNLLU reads sentences in CoNLL-U format (universaldependencies.org/
// format.html). Words keep every annotation the file gives ("_" becomes "");
// multiword token lines become Tokens, and empty nodes (enhanced
// dependencies only) are skipped. Doc.Text is rebuilt from the forms and
// their SpaceAfter=No marks, one sentence per line, so every word has
// offsets into it.
//
// An error names the line at fault.
func ReadCoNLLU(r io.Reader) (*Doc, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxCoNLLULine)
	var (
		doc  Doc
		text strings.Builder
		cur  Sentence
		mwt  = -1 // index of the open multiword token in cur.Tokens
		mwtE int  // its last word ID
		line int
		hasM bool
	)
	flush := func() error {
		if len(cur.Words) == 0 {
			cur = Sentence{}
			return nil
		}
		for i := range cur.Words {
			if h := cur.Words[i].Head; h >= len(cur.Words) || h < -1 {
				return fmt.Errorf("lang: conllu line %d: sentence %q: head %d out of range", line, cur.ID, h+1)
			}
		}
		layout(&cur, &text, hasM)
		doc.Sentences = append(doc.Sentences, cur)
		cur, mwt, hasM = Sentence{}, -1, false
		return nil
	}
	for sc.Scan() {
		line++
		l := strings.TrimRight(sc.Text(), "\r")
		switch {
		case l == "":
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		case strings.HasPrefix(l, "#"):
			if v, ok := strings.CutPrefix(l, "# sent_id ="); ok {
				cur.ID = strings.TrimSpace(v)
			}
			continue
		}
		cols := strings.Split(l, "\t")
		if len(cols) != 10 {
			return nil, fmt.Errorf("lang: conllu line %d: %d columns, want 10", line, len(cols))
		}
		id := cols[0]
		if strings.Contains(id, ".") {
			continue // empty node
		}
		if a, b, ok := strings.Cut(id, "-"); ok {
			first, err1 := strconv.Atoi(a)
			last, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || first != len(cur.Words)+1 || last < first {
				return nil, fmt.Errorf("lang: conllu line %d: bad multiword token ID %q", line, id)
			}
			cur.Tokens = append(cur.Tokens, Token{Form: cols[1], First: first - 1, Last: last - 1, SpaceAfter: !noSpace(cols[9])})
			mwt, mwtE, hasM = len(cur.Tokens)-1, last, true
			continue
		}
		n, err := strconv.Atoi(id)
		if err != nil || n != len(cur.Words)+1 {
			return nil, fmt.Errorf("lang: conllu line %d: word ID %q out of sequence", line, id)
		}
		head := -1
		if cols[6] != "_" {
			h, err := strconv.Atoi(cols[6])
			if err != nil || h < 0 {
				return nil, fmt.Errorf("lang: conllu line %d: bad head %q", line, cols[6])
			}
			head = h - 1
		}
		w := Word{
			Form: cols[1], Lemma: blank(cols[2]), UPOS: blank(cols[3]), XPOS: blank(cols[4]),
			Feats: blank(cols[5]), Head: head, Rel: blank(cols[7]), MWT: -1,
			SpaceAfter: !noSpace(cols[9]),
		}
		if mwt >= 0 && n <= mwtE {
			w.MWT = mwt
			w.SpaceAfter = n == mwtE && cur.Tokens[mwt].SpaceAfter
		} else {
			mwt = -1
			cur.Tokens = append(cur.Tokens, Token{Form: w.Form, First: n - 1, Last: n - 1, SpaceAfter: w.SpaceAfter})
		}
		cur.Words = append(cur.Words, w)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("lang: conllu line %d: longer than %d bytes", line+1, maxCoNLLULine)
		}
		return nil, fmt.Errorf("lang: conllu: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	doc.Text = text.String()
	return &doc, nil
}

// layout appends the sentence's text to text and sets every token's and
// word's offsets. Without multiword tokens, Tokens is dropped (see Sentence).
func layout(s *Sentence, text *strings.Builder, keepTokens bool) {
	if text.Len() > 0 {
		text.WriteByte('\n')
	}
	s.Start = text.Len()
	for ti := range s.Tokens {
		t := &s.Tokens[ti]
		t.Start = text.Len()
		text.WriteString(t.Form)
		t.End = text.Len()
		off := t.Start
		cut := true // do the words' forms spell the token?
		var b strings.Builder
		for i := t.First; i <= t.Last; i++ {
			b.WriteString(s.Words[i].Form)
		}
		cut = b.String() == t.Form
		for i := t.First; i <= t.Last; i++ {
			w := &s.Words[i]
			if cut {
				w.Start, w.End = off, off+len(w.Form)
				off = w.End
			} else {
				w.Start, w.End = t.Start, t.End
			}
		}
		if t.SpaceAfter && ti < len(s.Tokens)-1 {
			text.WriteByte(' ')
		}
	}
	s.End = text.Len()
	if !keepTokens {
		s.Tokens = nil
	}
}

// WriteCoNLLU writes doc in CoNLL-U: a sent_id (the sentence's own, or its
// number) and text comment per sentence, multiword token lines, and one line
// per word. Heads and relations are written when the words have them.
func WriteCoNLLU(w io.Writer, doc *Doc) error {
	bw := bufio.NewWriter(w)
	for si := range doc.Sentences {
		s := &doc.Sentences[si]
		id := s.ID
		if id == "" {
			id = strconv.Itoa(si + 1)
		}
		fmt.Fprintf(bw, "# sent_id = %s\n# text = %s\n", id, oneLine(doc.Text[s.Start:s.End]))
		ti := 0
		for i := range s.Words {
			wd := &s.Words[i]
			for ti < len(s.Tokens) && s.Tokens[ti].Last < i {
				ti++
			}
			if ti < len(s.Tokens) && s.Tokens[ti].First == i && s.Tokens[ti].Last > i {
				t := &s.Tokens[ti]
				fmt.Fprintf(bw, "%d-%d\t%s\t_\t_\t_\t_\t_\t_\t_\t%s\n", t.First+1, t.Last+1, t.Form, misc(t.SpaceAfter || ti == len(s.Tokens)-1))
			}
			head, rel := "_", "_"
			if wd.Rel != "" {
				head, rel = strconv.Itoa(wd.Head+1), wd.Rel
			}
			sp := wd.SpaceAfter || i == len(s.Words)-1
			if wd.MWT >= 0 {
				sp = true // SpaceAfter belongs to the multiword token line
			}
			fmt.Fprintf(bw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t_\t%s\n", i+1, field(wd.Form), field(wd.Lemma),
				field(wd.UPOS), field(wd.XPOS), field(wd.Feats), head, rel, misc(sp))
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("lang: write conllu: %w", err)
	}
	return nil
}

func blank(s string) string {
	if s == "_" {
		return ""
	}
	return s
}

// field writes an empty annotation as "_" and keeps a form free of the
// characters that would break the format.
func field(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func misc(spaceAfter bool) string {
	if spaceAfter {
		return "_"
	}
	return "SpaceAfter=No"
}

func noSpace(misc string) bool {
	for _, m := range strings.Split(misc, "|") {
		if m == "SpaceAfter=No" {
			return true
		}
	}
	return false
}
