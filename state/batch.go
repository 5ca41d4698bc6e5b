package state

import (
	"bytes"
	"cmp"
	"math/rand/v2"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// batch holds a write transaction's puts and deletes and writes them at
// flush, bucket by bucket, each in key order. bbolt inserts a key into its
// page's in-memory node by moving every key after it, and splits nodes
// only at commit, so keys in hash order into one large transaction cost
// time quadratic in their number; in key order each lands after the last,
// and the commit is linear (bbolt's docs advise sorted keys for bulk
// loads). Reads through the batch see its pending
// writes, so a poll's later claims are judged against its earlier ones.
// Everything still goes into the one transaction: a poll is stored whole
// or not at all.
type batch struct {
	tx      *bolt.Tx
	rng     *rand.Rand
	pending map[string]*pendingBucket
	// seeks, when set (by tests), counts the cursor seeks made through
	// the batch: the work of the ledger's lookups.
	seeks *int
	// seqs are a read-only batch's sequence numbers (nextSequence).
	seqs map[string]uint64
}

// batchBucket reads one bucket through the batch, its pending writes
// applied.
type batchBucket struct {
	b    *batch
	name []byte
}

func (bb batchBucket) Get(k []byte) []byte { return bb.b.get(bb.name, k) }

// nextSequence is bucket's next sequence number. A read-only batch (a
// preview's) counts on from the stored sequence in memory: nothing it
// numbers is ever stored.
func (b *batch) nextSequence(bucket []byte) (uint64, error) {
	if b.tx.Writable() {
		return b.tx.Bucket(bucket).NextSequence()
	}
	if b.seqs == nil {
		b.seqs = map[string]uint64{}
	}
	n, ok := b.seqs[string(bucket)]
	if !ok {
		if bk := b.tx.Bucket(bucket); bk != nil {
			n = bk.Sequence()
		}
	}
	n++
	b.seqs[string(bucket)] = n
	return n, nil
}

func newBatch(tx *bolt.Tx) *batch {
	return &batch{tx: tx, rng: rand.New(rand.NewPCG(1, 2)), pending: map[string]*pendingBucket{}}
}

// pendingBucket holds one bucket's pending writes. Until a cursor asks for
// them in order they sit in a slice, sorted once at flush, which stays
// cache-friendly at 100,000 keys where a skip list misses the cache at
// every step; a map finds them once a get has asked (a bucket only written
// needs none: the last write of a key wins at flush). From the first
// cursor on they live in an ordered set that cursors can walk.
type pendingBucket struct {
	writes []pendingWrite
	index  map[string]int
	set    *orderedSet
}

type pendingWrite struct {
	key, val []byte
	del      bool
	// n orders writes of one key: the last wins.
	n int
}

func (b *batch) bucket(name []byte) *pendingBucket {
	p := b.pending[string(name)]
	if p == nil {
		p = &pendingBucket{}
		b.pending[string(name)] = p
	}
	return p
}

func (p *pendingBucket) store(w pendingWrite) {
	if p.set != nil {
		p.set.store(w.key, w.val, w.del)
		return
	}
	if p.index != nil {
		if i, ok := p.index[string(w.key)]; ok {
			p.writes[i] = w
			return
		}
		p.index[string(w.key)] = len(p.writes)
	}
	w.n = len(p.writes)
	p.writes = append(p.writes, w)
}

func (p *pendingBucket) lookup(k []byte) (pendingWrite, bool) {
	if p.set != nil {
		if n := p.set.ge(k); n != nil && bytes.Equal(n.key, k) {
			return pendingWrite{key: n.key, val: n.val, del: n.del}, true
		}
		return pendingWrite{}, false
	}
	if p.index == nil {
		// The first get: index what is there, the last write of a key
		// winning, and keep the index from now on.
		p.index = make(map[string]int, len(p.writes))
		kept := p.writes[:0]
		for _, w := range p.writes {
			if i, ok := p.index[string(w.key)]; ok {
				kept[i] = w
				continue
			}
			p.index[string(w.key)] = len(kept)
			kept = append(kept, w)
		}
		p.writes = kept
	}
	i, ok := p.index[string(k)]
	if !ok {
		return pendingWrite{}, false
	}
	return p.writes[i], true
}

// ordered moves the pending writes into an ordered set, once.
func (p *pendingBucket) ordered(rng *rand.Rand) *orderedSet {
	if p.set == nil {
		p.set = &orderedSet{rng: rng}
		for _, w := range p.writes {
			p.set.store(w.key, w.val, w.del)
		}
		p.writes, p.index = nil, nil
	}
	return p.set
}

// inOrder calls f for each pending write in key order.
func (p *pendingBucket) inOrder(f func(pendingWrite) error) error {
	if p.set != nil {
		for n := p.set.first(); n != nil; n = n.next[0] {
			if err := f(pendingWrite{key: n.key, val: n.val, del: n.del}); err != nil {
				return err
			}
		}
		return nil
	}
	// Of several writes of one key the last comes last (a stable sort
	// would do, at O(n log² n)).
	slices.SortFunc(p.writes, func(a, b pendingWrite) int {
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.n, b.n)
	})
	for i, w := range p.writes {
		if i+1 < len(p.writes) && bytes.Equal(p.writes[i+1].key, w.key) {
			continue
		}
		if err := f(w); err != nil {
			return err
		}
	}
	return nil
}

// put stores a copy of k and v at flush.
func (b *batch) put(bucket, k, v []byte) {
	// Never nil, so get tells an empty value from none.
	val := make([]byte, len(v))
	copy(val, v)
	b.bucket(bucket).store(pendingWrite{key: slices.Clone(k), val: val})
}

// del removes k at flush.
func (b *batch) del(bucket, k []byte) {
	b.bucket(bucket).store(pendingWrite{key: slices.Clone(k), del: true})
}

// get is bucket's value for k with the pending writes applied; nil when
// there is none.
func (b *batch) get(bucket, k []byte) []byte {
	if p := b.pending[string(bucket)]; p != nil {
		if w, ok := p.lookup(k); ok {
			if w.del {
				return nil
			}
			return w.val
		}
	}
	if bk := b.tx.Bucket(bucket); bk != nil {
		return bk.Get(k)
	}
	return nil
}

// cursor walks bucket with the pending writes applied.
func (b *batch) cursor(bucket []byte) *batchCursor {
	return &batchCursor{bc: b.tx.Bucket(bucket).Cursor(), set: b.bucket(bucket).ordered(b.rng), seeks: b.seeks}
}

// flush writes the pending writes, buckets in name order and keys in key
// order, and forgets them.
func (b *batch) flush() error {
	names := make([]string, 0, len(b.pending))
	for name := range b.pending {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		bk, err := b.tx.CreateBucketIfNotExists([]byte(name))
		if err != nil {
			return err
		}
		err = b.pending[name].inOrder(func(w pendingWrite) error {
			if w.del {
				return bk.Delete(w.key)
			}
			return bk.Put(w.key, w.val)
		})
		if err != nil {
			return err
		}
	}
	clear(b.pending)
	return nil
}

// batchCursor is a bbolt cursor over a bucket with a batch's pending
// writes laid over it. Each step seeks afresh (O(log n)), so the two
// sources need no shared position.
type batchCursor struct {
	bc    *bolt.Cursor
	set   *orderedSet
	cur   []byte
	seeks *int
}

func (c *batchCursor) count() {
	if c.seeks != nil {
		*c.seeks++
	}
}

// Seek moves to the first key at or after k.
func (c *batchCursor) Seek(k []byte) ([]byte, []byte) { return c.at(c.ge(k)) }

// Next moves to the key after the current one.
func (c *batchCursor) Next() ([]byte, []byte) {
	if c.cur == nil {
		return nil, nil
	}
	return c.at(c.ge(append(slices.Clip(c.cur), 0)))
}

// Prev moves to the key before the current one; after the end, to the
// last key.
func (c *batchCursor) Prev() ([]byte, []byte) { return c.at(c.lt(c.cur)) }

// Last moves to the last key.
func (c *batchCursor) Last() ([]byte, []byte) { return c.at(c.lt(nil)) }

func (c *batchCursor) at(k, v []byte) ([]byte, []byte) {
	c.cur = k
	return k, v
}

func (c *batchCursor) ge(k []byte) ([]byte, []byte) {
	for {
		c.count()
		bk, bv := c.bc.Seek(k)
		n := c.set.ge(k)
		if n == nil || (bk != nil && bytes.Compare(bk, n.key) < 0) {
			return bk, bv
		}
		if !n.del {
			return n.key, n.val
		}
		k = append(slices.Clip(n.key), 0)
	}
}

// lt finds the last key before k; k nil means past every key.
func (c *batchCursor) lt(k []byte) ([]byte, []byte) {
	for {
		c.count()
		var bk, bv []byte
		if k == nil {
			bk, bv = c.bc.Last()
		} else if bk, _ = c.bc.Seek(k); bk == nil {
			bk, bv = c.bc.Last()
		} else {
			bk, bv = c.bc.Prev()
		}
		n := c.set.lt(k)
		if n == nil || (bk != nil && bytes.Compare(bk, n.key) > 0) {
			return bk, bv
		}
		if !n.del {
			return n.key, n.val
		}
		k = n.key
	}
}

// orderedSet is a skip list of pending writes, for cursors: O(log n)
// inserts and lookups, walked in key order at flush.
type orderedSet struct {
	head  slNode
	level int
	rng   *rand.Rand
}

type slNode struct {
	key, val []byte
	del      bool
	next     []*slNode
}

const slMaxLevel = 32

// preds finds, on each level, the last node before key.
func (s *orderedSet) preds(key []byte) (out [slMaxLevel]*slNode) {
	if s.head.next == nil {
		s.head.next = make([]*slNode, slMaxLevel)
	}
	x := &s.head
	for i := s.level - 1; i >= 0; i-- {
		for x.next[i] != nil && bytes.Compare(x.next[i].key, key) < 0 {
			x = x.next[i]
		}
		out[i] = x
	}
	return out
}

func (s *orderedSet) store(key, val []byte, del bool) {
	p := s.preds(key)
	if s.level > 0 {
		if n := p[0].next[0]; n != nil && bytes.Equal(n.key, key) {
			n.val, n.del = val, del
			return
		}
	}
	lvl := 1
	for lvl < slMaxLevel && s.rng.Uint32()&3 == 0 {
		lvl++
	}
	for ; s.level < lvl; s.level++ {
		p[s.level] = &s.head
	}
	n := &slNode{key: key, val: val, del: del, next: make([]*slNode, lvl)}
	for i := range lvl {
		n.next[i], p[i].next[i] = p[i].next[i], n
	}
}

func (s *orderedSet) first() *slNode {
	if s.level == 0 {
		return nil
	}
	return s.head.next[0]
}

// ge is the first node at or after key.
func (s *orderedSet) ge(key []byte) *slNode {
	if s.level == 0 {
		return nil
	}
	return s.preds(key)[0].next[0]
}

// lt is the last node before key; key nil means past every key.
func (s *orderedSet) lt(key []byte) *slNode {
	if s.level == 0 {
		return nil
	}
	x := &s.head
	for i := s.level - 1; i >= 0; i-- {
		for x.next[i] != nil && (key == nil || bytes.Compare(x.next[i].key, key) < 0) {
			x = x.next[i]
		}
	}
	if x == &s.head {
		return nil
	}
	return x
}

// putIfAbsent puts an empty value under key unless the bucket holds it.
func (b *batch) putIfAbsent(bucket, key []byte) {
	if b.get(bucket, key) == nil {
		b.put(bucket, key, nil)
	}
}
