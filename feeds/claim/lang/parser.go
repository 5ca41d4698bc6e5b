package lang

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// The parser is a greedy transition-based dependency parser in the
// arc-hybrid system (Kuhlmann, Gómez-Rodríguez and Satta 2011) with
// labelled transitions, scored by an averaged perceptron over the rich
// feature set of Zhang and Nivre (2011) and trained with the dynamic oracle
// of Goldberg and Nivre (2013); see parser_train.go.
//
// A configuration is a stack, whose bottom is the virtual ROOT, and a buffer
// of the words not yet read. There are three kinds of transition:
//
//	SHIFT     push the buffer's front b0 onto the stack
//	LEFT-l    make b0 the head of the stack's top s0 with relation l; pop s0
//	RIGHT-l   make s1 the head of s0 with relation l; pop s0
//
// A word gets its head exactly when it leaves the stack, so every word gets
// one head and no cycle can form. RIGHT from ROOT is allowed only once the
// buffer is empty and carries the relation root, so every sentence gets
// exactly one root: the output is always a well-formed tree.

// Parser assigns every word of a sentence its head and relation. It is
// immutable once trained or read, and safe for concurrent use.
type Parser struct {
	labels []string // relation names; class 1+2l is LEFT-l, 2+2l is RIGHT-l
	rootL  int      // index of "root" in labels
	m      *model
	beam   int       // beam width; 1 is greedy
	pool   sync.Pool // *parseState or *beamState, reused scratch
}

// ParserOptions tune training. The zero value means the defaults.
type ParserOptions struct {
	Epochs int    // passes over the training data; default 15
	Seed   uint64 // seeds the order of sentences and the exploration; 0 is a fixed default
	Beam   int    // beam width, trained globally with early update; 0 or 1 means greedy with the dynamic oracle
	// Warmup is, with a beam, the number of first epochs trained greedily
	// with the dynamic oracle before global training starts: early update
	// learns slowly from nothing, and a greedy start gives it a good
	// model to correct. Default Epochs/2.
	Warmup int
	Bits   uint // log2 of the training table's rows; default 20
	// Prune drops averaged weights of at most this magnitude; default 1,
	// which on EWT dev keeps 40% of the weights of 0.5 (7 MB gzipped, not
	// 18) at the same scores, and parses faster.
	Prune   float32
	Explore float64 // after the first epoch, the probability of following the model's own transition; default 0.9
}

func (o ParserOptions) withDefaults() ParserOptions {
	if o.Epochs <= 0 {
		o.Epochs = 8
	}
	if o.Beam > 1 && o.Warmup == 0 {
		o.Warmup = o.Epochs / 2
	}
	if o.Bits == 0 {
		o.Bits = 20
	}
	if o.Prune == 0 {
		o.Prune = 1
	}
	if o.Explore == 0 {
		o.Explore = 0.9
	}
	return o
}

// shiftClass is SHIFT; relation l has LEFT-l at 1+2l and RIGHT-l at 2+2l.
const shiftClass = 0

func leftClass(l int) int  { return 1 + 2*l }
func rightClass(l int) int { return 2 + 2*l }

// classLabel returns a class's relation, or -1 for SHIFT.
func classLabel(c int) int { return (c - 1) / 2 }

// parseState is one configuration plus the scratch the features and scores
// need. Positions 0..n-1 are words, n is ROOT, n+1 is "none".
type parseState struct {
	n     int
	stack []int32
	b     int32 // buffer front; the buffer is b..n-1

	head []int32 // per position; none until attached
	rel  []int32 // relation index +1, 0 for none
	lc1  []int32 // leftmost, second leftmost, rightmost, second rightmost child
	lc2  []int32
	rc1  []int32
	rc2  []int32
	nl   []uint32 // number of left and right children
	nr   []uint32
	ls   []uint64 // bitsets of the left and right children's relations
	rs   []uint64

	tok    *sentHashes // shared by every configuration of one sentence
	feats  []uint64
	scores []float32
}

// sentHashes are a sentence's per-position value hashes: word, tag (Penn),
// universal tag, lemma, features, and word+tag; and the template seeds.
type sentHashes struct {
	hw, hp, hu, hl, hf, hwp []uint64
	tm                      *templates
}

func (st *parseState) none() int32 { return int32(st.n + 1) }
func (st *parseState) root() int32 { return int32(st.n) }

// reset prepares st for a sentence of n words.
func (st *parseState) reset(words []Word, classes int) {
	n := len(words)
	st.n = n
	m := n + 2
	grow32 := func(s []int32) []int32 {
		if cap(s) < m {
			return make([]int32, m, 2*m)
		}
		return s[:m]
	}
	growU := func(s []uint32) []uint32 {
		if cap(s) < m {
			return make([]uint32, m, 2*m)
		}
		return s[:m]
	}
	st.head, st.rel = grow32(st.head), grow32(st.rel)
	st.lc1, st.lc2, st.rc1, st.rc2 = grow32(st.lc1), grow32(st.lc2), grow32(st.rc1), grow32(st.rc2)
	st.nl, st.nr = growU(st.nl), growU(st.nr)
	st.ls, st.rs = grow64(st.ls, m), grow64(st.rs, m)
	none := st.none()
	for i := range m {
		st.head[i], st.rel[i] = none, 0
		st.lc1[i], st.lc2[i], st.rc1[i], st.rc2[i] = none, none, none, none
		st.nl[i], st.nr[i], st.ls[i], st.rs[i] = 0, 0, 0, 0
	}
	st.stack = append(st.stack[:0], st.root())
	st.b = 0
	if cap(st.scores) < classes {
		st.scores = make([]float32, classes)
	}
	st.scores = st.scores[:classes]
	if st.tok == nil {
		st.tok = new(sentHashes)
	}
	st.tok.reset(words)
}

// reset computes the hashes of words' values.
func (t *sentHashes) reset(words []Word) {
	n := len(words)
	m := n + 2
	t.hw, t.hp, t.hu, t.hl, t.hf, t.hwp = grow64(t.hw, m), grow64(t.hp, m), grow64(t.hu, m), grow64(t.hl, m), grow64(t.hf, m), grow64(t.hwp, m)
	for i := range words {
		w := &words[i]
		t.hw[i] = normHash(w.Form)
		t.hp[i] = shash(w.XPOS)
		t.hu[i] = shash(w.UPOS)
		t.hl[i] = shash(w.Lemma)
		t.hf[i] = shash(w.Feats)
	}
	for i, v := range [2]uint64{rootValue, noneValue} {
		t.hw[n+i], t.hp[n+i], t.hu[n+i], t.hl[n+i], t.hf[n+i] = v, v, v, v, v
	}
	for i := range m {
		t.hwp[i] = fhash(t.hw[i], t.hp[i])
	}
	if t.tm == nil {
		t.tm = newTemplates()
	}
}

// copyFrom makes st the configuration src, sharing src's hashes.
func (st *parseState) copyFrom(src *parseState) {
	st.n, st.b, st.tok = src.n, src.b, src.tok
	st.stack = append(st.stack[:0], src.stack...)
	st.head = append(st.head[:0], src.head...)
	st.rel = append(st.rel[:0], src.rel...)
	st.lc1 = append(st.lc1[:0], src.lc1...)
	st.lc2 = append(st.lc2[:0], src.lc2...)
	st.rc1 = append(st.rc1[:0], src.rc1...)
	st.rc2 = append(st.rc2[:0], src.rc2...)
	st.nl = append(st.nl[:0], src.nl...)
	st.nr = append(st.nr[:0], src.nr...)
	st.ls = append(st.ls[:0], src.ls...)
	st.rs = append(st.rs[:0], src.rs...)
	if cap(st.scores) < len(src.scores) {
		st.scores = make([]float32, len(src.scores))
	}
	st.scores = st.scores[:len(src.scores)]
}

func grow64(s []uint64, m int) []uint64 {
	if cap(s) < m {
		return make([]uint64, m, 2*m)
	}
	return s[:m]
}

// Distinct values for the virtual root and for "nothing here", outside the
// range string hashes of real annotation are likely to take.
const (
	rootValue = 0x726f6f74726f6f74
	noneValue = 0x6e6f6e656e6f6e65
)

// normHash hashes a word form lower-cased, with every digit read as 0, so
// "1,200" and "3,400" or "The" and "the" share their features.
func normHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= '0' && c <= '9':
			c = '0'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func (st *parseState) terminal() bool { return int(st.b) >= st.n && len(st.stack) == 1 }

// legal reports whether class c may be applied, with rootL the index of the
// relation root.
func (st *parseState) legal(c, rootL int) bool {
	bufEmpty := int(st.b) >= st.n
	if c == shiftClass {
		return !bufEmpty
	}
	k := len(st.stack)
	l := classLabel(c)
	if c == leftClass(l) {
		return !bufEmpty && k >= 2 && l != rootL // s0 is a word: ROOT is never popped
	}
	if k < 2 {
		return false
	}
	if st.stack[k-2] == st.root() {
		return bufEmpty && l == rootL
	}
	return l != rootL
}

// apply performs class c, which must be legal.
func (st *parseState) apply(c int) {
	if c == shiftClass {
		st.stack = append(st.stack, st.b)
		st.b++
		return
	}
	k := len(st.stack)
	d := st.stack[k-1]
	l := classLabel(c)
	h := st.b
	if c == rightClass(l) {
		h = st.stack[k-2]
	}
	st.stack = st.stack[:k-1]
	st.attach(h, d, l)
}

func (st *parseState) attach(h, d int32, l int) {
	st.head[d], st.rel[d] = h, int32(l+1)
	bit := uint64(1) << (uint(l) & 63)
	none := st.none()
	if d < h {
		st.nl[h]++
		st.ls[h] |= bit
		switch {
		case st.lc1[h] == none || d < st.lc1[h]:
			st.lc2[h], st.lc1[h] = st.lc1[h], d
		case st.lc2[h] == none || d < st.lc2[h]:
			st.lc2[h] = d
		}
		return
	}
	st.nr[h]++
	st.rs[h] |= bit
	switch {
	case st.rc1[h] == none || d > st.rc1[h]:
		st.rc2[h], st.rc1[h] = st.rc1[h], d
	case st.rc2[h] == none || d > st.rc2[h]:
		st.rc2[h] = d
	}
}

// Parse fills in Head and Rel of every word of s from the words' Form,
// Lemma, UPOS, XPOS and Feats. Every sentence gets a tree: one root, every
// other word a head, no cycles.
func (p *Parser) Parse(s *Sentence) {
	if len(s.Words) == 0 {
		return
	}
	if p.beam > 1 {
		bs, _ := p.pool.Get().(*beamState)
		if bs == nil {
			bs = new(beamState)
		}
		p.search(bs, p.m, s.Words, p.beam, false, nil)
		p.output(bs.cur[0], s)
		p.pool.Put(bs)
		return
	}
	st, _ := p.pool.Get().(*parseState)
	if st == nil {
		st = new(parseState)
	}
	p.greedy(st, p.m, s.Words)
	p.output(st, s)
	p.pool.Put(st)
}

// greedy parses words into st, taking the best legal transition each step.
func (p *Parser) greedy(st *parseState, sc scorer, words []Word) {
	st.reset(words, 1+2*len(p.labels))
	for !st.terminal() {
		st.features()
		clear(st.scores)
		sc.Score(st.feats, st.scores)
		st.apply(p.best(st))
	}
}

// output copies the tree of the final configuration st into s.
func (p *Parser) output(st *parseState, s *Sentence) {
	for i := range s.Words {
		w := &s.Words[i]
		h := st.head[i]
		if h == st.root() {
			h = -1
		}
		w.Head, w.Rel = int(h), p.labels[st.rel[i]-1]
	}
}

// best returns the highest-scoring legal class.
func (p *Parser) best(st *parseState) int {
	bi, best := -1, float32(0)
	for c, s := range st.scores {
		if (bi < 0 || s > best) && st.legal(c, p.rootL) {
			bi, best = c, s
		}
	}
	return bi
}

const parserMagic = "XCDP1"

// WriteTo writes the parser in its binary form: the relation names, then
// the perceptron.
func (p *Parser) WriteTo(w io.Writer) (int64, error) {
	var hdr bytes.Buffer
	hdr.WriteString(parserMagic)
	var buf [binary.MaxVarintLen64]byte
	put := func(v uint64) { hdr.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	put(uint64(p.beam))
	put(uint64(len(p.labels)))
	for _, l := range p.labels {
		put(uint64(len(l)))
		hdr.WriteString(l)
	}
	n, err := w.Write(hdr.Bytes())
	if err != nil {
		return int64(n), fmt.Errorf("lang: write parser: %w", err)
	}
	m, err := p.m.WriteTo(w)
	return int64(n) + m, err
}

// ReadParser reads a parser written by WriteTo, gzipped or not.
func ReadParser(r io.Reader) (*Parser, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("lang: read parser: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	magic := make([]byte, len(parserMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != parserMagic {
		return nil, errors.New("lang: read parser: not a parser model")
	}
	beam, err := binary.ReadUvarint(br)
	if err != nil || beam == 0 || beam > 64 {
		return nil, fmt.Errorf("lang: read parser: beam width: %w", cmp.Or(err, errOutOfRange))
	}
	nl, err := binary.ReadUvarint(br)
	if err != nil || nl < 2 || nl > 1<<12 { // root and at least one other, or words could not attach
		return nil, fmt.Errorf("lang: read parser: relation count: %w", cmp.Or(err, errOutOfRange))
	}
	p := &Parser{labels: make([]string, nl), rootL: -1, beam: int(beam)}
	for i := range p.labels {
		k, err := binary.ReadUvarint(br)
		if err != nil || k > 64 {
			return nil, fmt.Errorf("lang: read parser: relation %d: %w", i, cmp.Or(err, errOutOfRange))
		}
		b := make([]byte, k)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("lang: read parser: relation %d: %w", i, err)
		}
		p.labels[i] = string(b)
		if p.labels[i] == "root" {
			p.rootL = i
		}
	}
	if p.rootL < 0 {
		return nil, errors.New("lang: read parser: no root relation")
	}
	if p.m, err = readModel(br); err != nil {
		return nil, err
	}
	if p.m.classes != 1+2*len(p.labels) {
		return nil, fmt.Errorf("lang: read parser: %d classes for %d relations", p.m.classes, len(p.labels))
	}
	return p, nil
}

// Labels returns the relations the parser predicts.
func (p *Parser) Labels() []string { return append([]string(nil), p.labels...) }
