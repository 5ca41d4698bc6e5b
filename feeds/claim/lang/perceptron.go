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

// Add adds delta to the weights of feats for class c: one half of a
// structured update, as a beam's global update adds the gold sequence's
// features and subtracts those of the sequence it predicted.
func (t *trainer) Add(feats []uint64, c int, delta float32) {
	d := float64(delta) * t.step
	for _, f := range feats {
		i := int(f&t.mask)*t.classes + c
		t.w[i] += delta
		t.acc[i] += d
	}
}

// Tick counts one training instance, for the average.
func (t *trainer) Tick() { t.step++ }

// Model returns the averaged weights as a sparse model, dropping weights
// whose magnitude is below prune.
func (t *trainer) Model(prune float32) *model {
	m := newModel(t.classes, t.mask)
	for r := 0; r <= int(t.mask); r++ {
		base := r * t.classes
		for c := 0; c < t.classes; c++ {
			avg := float32(float64(t.w[base+c]) - t.acc[base+c]/t.step)
			if avg > prune || avg < -prune {
				m.cw = append(m.cw, classWeight{uint32(c), avg})
			}
		}
		m.start[r+1] = uint32(len(m.cw))
	}
	return m
}

// model is a trained perceptron: the kept weights of every row, packed row
// after row, found through a direct index of row starts. Scoring a feature
// is then two memory reads that do not depend on each other's neighbours
// (the row's start and its weights), with no probing, so the processor
// overlaps the cache misses of a configuration's many features; an
// open-addressing table costs several dependent misses per feature, which
// made parsing several times slower. The index costs 4 bytes per row of
// the training table (4 MB for 2^20 rows).
type model struct {
	classes int
	mask    uint64
	start   []uint32 // row r's weights are cw[start[r]:start[r+1]]; len mask+2
	cw      []classWeight
}

// classWeight is one kept weight: its class and value, together so that
// scoring reads one cache line for both.
type classWeight struct {
	c uint32
	w float32
}

func newModel(classes int, mask uint64) *model {
	return &model{classes: classes, mask: mask, start: make([]uint32, mask+2)}
}

// Score adds the weights of feats to scores (len classes). It first reads
// every feature's row bounds, then their weights: each pass's loads are
// independent of one another, so their cache misses overlap instead of
// queueing behind the additions.
func (m *model) Score(feats []uint64, scores []float32) {
	var span [64][2]uint32
	for len(feats) > 0 {
		k := min(len(feats), len(span))
		for i, f := range feats[:k] {
			r := f & m.mask
			span[i] = [2]uint32{m.start[r], m.start[r+1]}
		}
		for _, sp := range span[:k] {
			for _, e := range m.cw[sp[0]:sp[1]] {
				scores[e.c] += e.w
			}
		}
		feats = feats[k:]
	}
}

// Weights returns the number of weights the model keeps.
func (m *model) Weights() int { return len(m.cw) }

const modelMagic = "XCPM1"

// maxModelBits bounds the table a model file may ask for (its row index
// costs 4 bytes a row), so a corrupt file cannot make readModel allocate
// gigabytes.
const maxModelBits = 24

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
	rows := 0
	for r := uint64(0); r <= m.mask; r++ {
		if m.start[r+1] > m.start[r] {
			rows++
		}
	}
	put(uint64(rows))
	prev := uint64(0)
	for r := uint64(0); r <= m.mask; r++ {
		lo, hi := m.start[r], m.start[r+1]
		if hi == lo {
			continue
		}
		put(r - prev)
		prev = r
		put(uint64(hi - lo))
		pc := uint32(0)
		for _, e := range m.cw[lo:hi] {
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

// errOutOfRange reports a number in a model file that was read whole but
// is not one the model can hold.
var errOutOfRange = errors.New("out of range")

// readModel reads a model written by WriteTo.
func readModel(r io.ByteReader) (*model, error) {
	bad := func(what string, err error) (*model, error) {
		switch {
		case err == nil: // the value was read but is not one a model can hold
			err = errOutOfRange
		case errors.Is(err, io.EOF):
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
	if err != nil || mask >= 1<<maxModelBits || mask&(mask+1) != 0 {
		return bad("table size", err)
	}
	nrows, err := get()
	if err != nil || nrows > mask+1 {
		return bad("rows", err)
	}
	m := newModel(int(classes), mask)
	row, next := uint64(0), uint64(0) // next: the least row number the next row may have
	var w [4]byte
	for i := uint64(0); i < nrows; i++ {
		d, err := get()
		if err != nil {
			return bad("row", err)
		}
		row += d
		k, err := get()
		if err != nil || k == 0 || k > classes || row > mask || row < next {
			return bad("row", err)
		}
		for r := next; r <= row; r++ {
			m.start[r] = uint32(len(m.cw))
		}
		next = row + 1
		c := uint64(0)
		for j := uint64(0); j < k; j++ {
			dc, err := get()
			if err != nil {
				return bad("class", err)
			}
			c += dc
			if c >= classes || (j > 0 && dc == 0) {
				return bad("class", nil)
			}
			for b := range w {
				if w[b], err = r.ReadByte(); err != nil {
					return bad("weight", err)
				}
			}
			m.cw = append(m.cw, classWeight{uint32(c), math.Float32frombits(binary.LittleEndian.Uint32(w[:]))})
		}
	}
	for r := next; r <= mask+1; r++ {
		m.start[r] = uint32(len(m.cw))
	}
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
