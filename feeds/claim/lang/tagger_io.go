package lang

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// The tagger's file: a magic string, the classes, the tag dictionary, the
// morphology tables and the perceptron, in that order; maps are written in
// key order so a model's bytes depend only on what was learned.
const taggerMagic = "XCTG1"

// maxTableLen bounds every count read from a model file, so a corrupt file
// fails instead of asking for gigabytes.
const maxTableLen = 1 << 24

// WriteTo writes the tagger in its binary form (see ReadTagger).
func (t *Tagger) WriteTo(w io.Writer) (int64, error) {
	e := &encoder{w: bufio.NewWriter(w)}
	e.str(taggerMagic)
	e.uint(uint64(len(t.classes)))
	for _, c := range t.classes {
		e.str(c.UPOS)
		e.str(c.XPOS)
	}
	e.uint(uint64(len(t.dict)))
	for _, k := range slices.Sorted(maps.Keys(t.dict)) {
		e.u64(k)
		e.uint(uint64(t.dict[k]))
	}
	e.uint(uint64(len(t.amb)))
	for _, k := range slices.Sorted(maps.Keys(t.amb)) {
		e.u64(k)
		e.u64(t.amb[k])
	}
	m := &t.morph
	e.uint(uint64(len(m.strs)))
	for _, s := range m.strs {
		e.str(s)
	}
	for _, f := range m.classFeats {
		e.uint(uint64(f))
	}
	for _, c := range m.casing {
		e.uint(uint64(c))
	}
	e.uint(uint64(m.maxSuffix))
	e.uint(uint64(len(m.fm.vals)))
	for _, v := range m.fm.vals {
		e.uint(uint64(v))
	}
	e.uint(uint64(len(m.fm.cands)))
	for _, v := range m.fm.cands {
		e.uint(uint64(v))
	}
	for _, sp := range m.fm.classCands {
		e.span(sp)
	}
	e.uint(uint64(len(m.lex)))
	for _, k := range slices.Sorted(maps.Keys(m.lex)) {
		x := m.lex[k]
		e.u64(k)
		e.uint(uint64(x.feats))
		e.uint(uint64(x.lemma))
		e.uint(uint64(x.lowed))
		e.edit(x.edit)
		e.uint(uint64(x.casing))
		e.span(x.cands)
	}
	e.uint(uint64(len(m.rules)))
	for _, k := range slices.Sorted(maps.Keys(m.rules)) {
		e.u64(k)
		e.edit(m.rules[k])
	}
	// The perceptrons: first pass, second pass or none, features or none.
	models := []*model{t.model, t.model2, m.fm.model}
	for _, pm := range models[1:] {
		e.uint(uint64(b2i(pm != nil)))
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return e.n, fmt.Errorf("lang: write tagger: %w", e.err)
	}
	total := e.n
	for _, pm := range models {
		if pm == nil {
			continue
		}
		n, err := pm.WriteTo(w)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// ReadTagger reads a tagger written by WriteTo.
func ReadTagger(r io.Reader) (*Tagger, error) {
	br := bufio.NewReader(r)
	d := &decoder{r: br}
	if magic := d.str(); d.err == nil && magic != taggerMagic {
		return nil, errors.New("lang: read tagger: not a tagger file")
	}
	t := &Tagger{}
	nc := d.count(1 << 16)
	for i := 0; i < nc && d.err == nil; i++ {
		t.classes = append(t.classes, tagPair{d.str(), d.str()})
	}
	nd := d.count(maxTableLen)
	t.dict = make(map[uint64]uint16, min(nd, 1<<16))
	for i := 0; i < nd && d.err == nil; i++ {
		k := d.u64()
		t.dict[k] = uint16(d.index(nc))
	}
	na := d.count(maxTableLen)
	t.amb = make(map[uint64]uint64, min(na, 1<<16))
	for i := 0; i < na && d.err == nil; i++ {
		k := d.u64()
		t.amb[k] = d.u64()
	}
	m := &t.morph
	ns := d.count(maxTableLen)
	for i := 0; i < ns && d.err == nil; i++ {
		m.strs = append(m.strs, d.str())
	}
	if ns == 0 && d.err == nil {
		d.err = errors.New("empty string table")
	}
	m.classFeats = make([]uint32, nc)
	for i := range m.classFeats {
		m.classFeats[i] = uint32(d.index(ns))
	}
	m.casing = make([]uint8, nc*casingKeys)
	for i := range m.casing {
		m.casing[i] = uint8(d.index(caseLower + 1))
	}
	m.maxSuffix = d.index(maxLemmaSuffix + 1)
	m.fm.vals = make([]uint32, d.count(1<<16))
	for i := range m.fm.vals {
		m.fm.vals[i] = uint32(d.index(ns))
	}
	m.fm.cands = make([]uint16, d.count(maxTableLen))
	for i := range m.fm.cands {
		m.fm.cands[i] = uint16(d.index(len(m.fm.vals)))
	}
	m.fm.classCands = make([]span, nc)
	for i := range m.fm.classCands {
		m.fm.classCands[i] = d.span(len(m.fm.cands))
	}
	nl := d.count(maxTableLen)
	m.lex = make(map[uint64]lexEntry, min(nl, 1<<16))
	for i := 0; i < nl && d.err == nil; i++ {
		k := d.u64()
		m.lex[k] = lexEntry{feats: uint32(d.index(ns)), lemma: uint32(d.index(ns)), lowed: uint32(d.index(ns)), edit: d.edit(ns),
			casing: uint8(d.index(caseLower + 1)), cands: d.span(len(m.fm.cands))}
	}
	nr := d.count(maxTableLen)
	m.rules = make(map[uint64]lemmaEdit, min(nr, 1<<16))
	for i := 0; i < nr && d.err == nil; i++ {
		k := d.u64()
		m.rules[k] = d.edit(ns)
	}
	has2, hasFeats := d.index(2) == 1, d.index(2) == 1
	if d.err != nil {
		if errors.Is(d.err, io.EOF) {
			d.err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("lang: read tagger: %w", d.err)
	}
	var err error
	read := func(classes int) *model {
		if err != nil {
			return nil
		}
		var pm *model
		if pm, err = readModel(br); err == nil && pm.classes != classes {
			err = fmt.Errorf("lang: read tagger: perceptron has %d classes, want %d", pm.classes, classes)
		}
		return pm
	}
	t.model = read(nc)
	if has2 {
		t.model2 = read(nc)
	}
	if hasFeats {
		m.fm.model = read(len(m.fm.vals))
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// encoder writes uvarints and strings, keeping the first error.
type encoder struct {
	w   *bufio.Writer
	n   int64
	err error
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) write(b []byte) {
	if e.err != nil {
		return
	}
	k, err := e.w.Write(b)
	e.n += int64(k)
	e.err = err
}

func (e *encoder) uint(v uint64) { e.write(e.buf[:binary.PutUvarint(e.buf[:], v)]) }

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.write(e.buf[:8])
}

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	if e.err == nil {
		k, err := e.w.WriteString(s)
		e.n += int64(k)
		e.err = err
	}
}

func (e *encoder) span(s span) {
	e.uint(uint64(s.lo))
	e.uint(uint64(s.n))
}

func (e *encoder) edit(x lemmaEdit) {
	e.uint(uint64(x.strip))
	e.uint(uint64(x.app))
}

// decoder reads what encoder writes, keeping the first error; after one,
// every read returns zero.
type decoder struct {
	r   *bufio.Reader
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	d.err = err
	return v
}

func (d *decoder) u64() uint64 {
	var b [8]byte
	if d.err == nil {
		_, d.err = io.ReadFull(d.r, b[:])
	}
	return binary.LittleEndian.Uint64(b[:])
}

// count reads a length of at most limit.
func (d *decoder) count(limit int) int { return d.index(limit + 1) }

// index reads a number below n.
func (d *decoder) index(n int) int {
	v := d.uint()
	if d.err == nil && v >= uint64(n) {
		d.err = fmt.Errorf("value %d out of range [0, %d)", v, n)
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.count(1 << 16)
	if d.err != nil {
		return ""
	}
	b := make([]byte, n)
	_, d.err = io.ReadFull(d.r, b)
	return string(b)
}

// span reads a span of a list of n.
func (d *decoder) span(n int) span {
	lo := d.index(n + 1)
	k := d.index(n - lo + 1)
	return span{uint32(lo), uint32(k)}
}

func (d *decoder) edit(ns int) lemmaEdit {
	return lemmaEdit{strip: uint8(d.index(256)), app: uint32(d.index(ns))}
}
