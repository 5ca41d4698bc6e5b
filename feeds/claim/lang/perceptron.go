package lang

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// The tagger and the parser are multiclass averaged perceptrons over hashed
// features (Collins 2002; the design of spaCy's first tagger and parser).
// A feature is a 64-bit hash of its template and values (see fhash); it
// selects a row of class weights. Training keeps dense rows in a table of
// 2^bits rows indexed by the hash's low bits, so an update is two array
// writes and collisions only merge rare features. The trained model keeps
// only the rows and classes whose averaged weight is not negligible, in an
// open-addressing table, which makes it small and fast to score.

// Feature hashing. A feature is built by folding values into a template's
// seed: fhash(fhash(tmplSeed(3), wordHash), tagID). The mix is
// splitmix64's finaliser, cheap and well spread in the low bits, which the
// tables index by.
func fhash(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// shash hashes a string (FNV-1a): stable across processes and versions, as
// a model file needs.
func shash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// tmpl is the seed of feature template n.
func tmpl(n int) uint64 { return fhash(0x5bd1e995, uint64(n)) }

// trainer is a perceptron being trained.
type trainer struct {
	classes int
	mask    uint64
	w       []float32 // current weights, rows × classes
	acc     []float64 // Σ step·Δw, for the average (Daumé's trick)
	step    float64   // instances seen, +1 per Tick
}

// newTrainer makes a trainer with 2^bits rows of classes weights. Memory is
// 12 bytes per row and class.
func newTrainer(bits uint, classes int) *trainer {
	n := (1 << bits) * classes
	return &trainer{classes: classes, mask: 1<<bits - 1, w: make([]float32, n), acc: make([]float64, n), step: 1}
}

// Score adds the current weights of feats to scores (len classes).
func (t *trainer) Score(feats []uint64, scores []float32) {
	for _, f := range feats {
		row := t.w[int(f&t.mask)*t.classes:][:t.classes]
		for c, w := range row {
			scores[c] += w
		}
	}
}

// Update moves the weights of feats towards class good and away from bad.
func (t *trainer) Update(feats []uint64, good, bad int) {
	if good == bad {
		return
	}
	for _, f := range feats {
		base := int(f&t.mask) * t.classes
		t.w[base+good]++
		t.acc[base+good] += t.step
		t.w[base+bad]--
		t.acc[base+bad] -= t.step
	}
}

// Tick counts one training instance, for the average.
func (t *trainer) Tick() { t.step++ }

// Model returns the averaged weights as a sparse model, dropping weights
// whose magnitude is below prune.
func (t *trainer) Model(prune float32) *model {
	m := &model{classes: t.classes, mask: t.mask}
	var cls []uint16
	var wts []float32
	for r := 0; r <= int(t.mask); r++ {
		cls, wts = cls[:0], wts[:0]
		base := r * t.classes
		for c := 0; c < t.classes; c++ {
			avg := float32(float64(t.w[base+c]) - t.acc[base+c]/t.step)
			if avg > prune || avg < -prune {
				cls = append(cls, uint16(c))
				wts = append(wts, avg)
			}
		}
		if len(cls) > 0 {
			m.addRow(uint32(r), cls, wts)
		}
	}
	m.index()
	return m
}

// model is a trained perceptron: sparse rows found through an
// open-addressing table keyed by row number. Scoring is bound by memory
// latency, so what it reads is packed: a slot holds its row's span of
// weights, and the weights it adds are int16 multiples of one scale (q,
// 4 bytes a weight with its class; the float32 ents are kept for WriteTo).
type model struct {
	classes int
	mask    uint64
	rows    []uint32 // row numbers, in the order added
	offs    []uint32 // rows[i]'s weights are ents[offs[i]:offs[i+1]]
	ents    []weight
	slots   []slot // open addressing; n == 0 marks an empty slot
	q       []qweight
	scale   float32 // q[k].w * scale ≈ ents[k].w
}

type qweight struct {
	c uint16
	w int16
}

type weight struct {
	c uint16
	w float32
}

type slot struct{ row, lo, n uint32 }

func (m *model) addRow(r uint32, cls []uint16, wts []float32) {
	if len(m.offs) == 0 {
		m.offs = append(m.offs, 0)
	}
	m.rows = append(m.rows, r)
	for k, c := range cls {
		m.ents = append(m.ents, weight{c, wts[k]})
	}
	m.offs = append(m.offs, uint32(len(m.ents)))
}

// index builds the lookup table at a load factor of at most one half,
// and the quantised weights.
func (m *model) index() {
	maxAbs := float32(0)
	for _, e := range m.ents {
		maxAbs = max(maxAbs, e.w, -e.w)
	}
	m.scale = maxAbs / math.MaxInt16
	m.q = make([]qweight, len(m.ents))
	for k, e := range m.ents {
		if m.scale > 0 {
			m.q[k] = qweight{e.c, int16(math.Round(float64(e.w / m.scale)))}
		}
	}
	n := 1
	for n < 2*len(m.rows) {
		n <<= 1
	}
	m.slots = make([]slot, n)
	for i, r := range m.rows {
		s := slotOf(r, n)
		for m.slots[s].n != 0 {
			s = (s + 1) & (n - 1)
		}
		m.slots[s] = slot{row: r, lo: m.offs[i], n: m.offs[i+1] - m.offs[i]}
	}
}

func slotOf(r uint32, n int) int { return int((uint64(r) * 0x9e3779b97f4a7c15) >> 32 & uint64(n-1)) }

// Score adds the weights of feats to scores (len classes). It finds the
// rows of a batch of features before reading any weights, so the cache
// misses of one batch overlap instead of queueing.
func (m *model) Score(feats []uint64, scores []float32) {
	n := len(m.slots)
	if n == 0 {
		return
	}
	var found [32]slot
	for len(feats) > 0 {
		batch := feats[:min(len(feats), len(found))]
		feats = feats[len(batch):]
		k := 0
		for _, f := range batch {
			r := uint32(f & m.mask)
			for s := slotOf(r, n); ; s = (s + 1) & (n - 1) {
				sl := m.slots[s]
				if sl.n == 0 {
					break
				}
				if sl.row == r {
					found[k] = sl
					k++
					break
				}
			}
		}
		for _, sl := range found[:k] {
			for _, e := range m.q[sl.lo : sl.lo+sl.n] {
				scores[e.c] += float32(e.w) * m.scale
			}
		}
	}
}

// Weights returns the number of weights the model keeps.
func (m *model) Weights() int { return len(m.ents) }

const modelMagic = "XCPM1"

// WriteTo writes the model in a compact binary form: row numbers as
// deltas, classes as deltas, weights as float32.
func (m *model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var buf [binary.MaxVarintLen64]byte
	var n int64
	put := func(v uint64) {
		k := binary.PutUvarint(buf[:], v)
		bw.Write(buf[:k])
		n += int64(k)
	}
	bw.WriteString(modelMagic)
	n += int64(len(modelMagic))
	put(uint64(m.classes))
	put(uint64(m.mask))
	put(uint64(len(m.rows)))
	prev := uint32(0)
	for i, r := range m.rows {
		put(uint64(r - prev))
		prev = r
		lo, hi := m.offs[i], m.offs[i+1]
		put(uint64(hi - lo))
		pc := uint16(0)
		for _, e := range m.ents[lo:hi] {
			put(uint64(e.c - pc))
			pc = e.c
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(e.w))
			bw.Write(buf[:4])
			n += 4
		}
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("lang: write model: %w", err)
	}
	return n, nil
}

// readModel reads a model written by WriteTo.
func readModel(r io.ByteReader) (*model, error) {
	bad := func(what string, err error) (*model, error) {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("lang: read model: %s: %w", what, err)
	}
	for i := 0; i < len(modelMagic); i++ {
		c, err := r.ReadByte()
		if err != nil {
			return bad("magic", err)
		}
		if c != modelMagic[i] {
			return nil, errors.New("lang: read model: not a model file")
		}
	}
	get := func() (uint64, error) { return binary.ReadUvarint(r) }
	classes, err := get()
	if err != nil || classes == 0 || classes > 1<<16 {
		return bad("classes", err)
	}
	mask, err := get()
	if err != nil || mask >= 1<<32 || mask&(mask+1) != 0 {
		return bad("table size", err)
	}
	nrows, err := get()
	if err != nil || nrows > mask+1 {
		return bad("rows", err)
	}
	m := &model{classes: int(classes), mask: mask}
	m.rows = make([]uint32, 0, min(nrows, 1<<16)) // a count read is not yet a promise: cap what it allocates
	m.offs = make([]uint32, 1, min(nrows, 1<<16)+1)
	row := uint64(0)
	var w [4]byte
	for i := uint64(0); i < nrows; i++ {
		d, err := get()
		if err != nil {
			return bad("row", err)
		}
		row += d
		k, err := get()
		if err != nil || k > classes || row > mask {
			return bad("row", err)
		}
		c := uint64(0)
		for j := uint64(0); j < k; j++ {
			dc, err := get()
			if err != nil {
				return bad("class", err)
			}
			c += dc
			if c >= classes {
				return bad("class", errors.New("out of range"))
			}
			for b := range w {
				if w[b], err = r.ReadByte(); err != nil {
					return bad("weight", err)
				}
			}
			m.ents = append(m.ents, weight{uint16(c), math.Float32frombits(binary.LittleEndian.Uint32(w[:]))})
		}
		m.rows = append(m.rows, uint32(row))
		m.offs = append(m.offs, uint32(len(m.ents)))
	}
	m.index()
	return m, nil
}

// argmax returns the index of the highest score among the allowed classes
// (all when allowed is nil), the lowest index on ties.
func argmax(scores []float32, allowed func(int) bool) int {
	best, bi := float32(math.Inf(-1)), -1
	for c, s := range scores {
		if s > best && (allowed == nil || allowed(c)) {
			best, bi = s, c
		}
	}
	return bi
}
