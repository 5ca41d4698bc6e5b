package lang

import "slices"

// Beam search (Zhang and Clark 2008; Zhang and Nivre 2011): instead of
// committing to the best transition at every step, the parser keeps the k
// best partial sequences by their summed scores. Every arc-hybrid sequence
// for n words has exactly 2n transitions, so all of a beam's items finish
// together. A beam parser is trained globally with early update (Collins and
// Roark 2004): the canonical gold sequence is followed alongside the beam,
// and as soon as it falls out of the beam, or when the sentence ends with
// another item on top, the weights move towards the gold prefix's features
// and away from the best item's.
//
// Measured on EWT dev (gold tags), it does not pay here: decoding the
// greedy model with a beam of 4 loses 6 points of UAS (the dynamic-oracle
// perceptron's scores are not comparable across sequences), one epoch of
// global training after six greedy ones gained 0.03, and early update needs
// many more epochs than the 20-minute training budget holds, while a beam
// of k parses k times slower than the speed bar allows. Greedy (Beam 0 or
// 1) is the default; the beam stays an option, tested against greedy.

// beamCand is a candidate for the next beam: an item of the current beam
// and a transition applied to it.
type beamCand struct {
	parent, class int
	score         float64
}

// beamState is a beam's scratch, reused from sentence to sentence.
type beamState struct {
	cur, next []*parseState
	curScore  []float64
	cands     []beamCand
	back      [][]beamCand // per step, the candidates kept (training only)
	seqA      []int
	replay    parseState
}

func (bs *beamState) items(k int) {
	for len(bs.cur) < k {
		bs.cur = append(bs.cur, new(parseState))
		bs.next = append(bs.next, new(parseState))
	}
	if cap(bs.curScore) < k {
		bs.curScore = make([]float64, k)
	}
	bs.curScore = bs.curScore[:k]
}

// offer adds a candidate to the k best, kept sorted best first; ties keep
// the earlier candidate first, so search is deterministic.
func (bs *beamState) offer(c beamCand, k int) {
	n := len(bs.cands)
	if n == k && c.score <= bs.cands[n-1].score {
		return
	}
	if n < k {
		bs.cands = append(bs.cands, c)
	} else {
		n--
	}
	i := n
	for i > 0 && bs.cands[i-1].score < c.score {
		bs.cands[i] = bs.cands[i-1]
		i--
	}
	bs.cands[i] = c
}

// search runs a beam of width k over words; with keepBack it records every
// step's kept candidates in bs.back. After it, bs.cur[0] is the best
// finished configuration. step, when not nil, is called after each step
// with the step number and may stop the search by returning false.
func (p *Parser) search(bs *beamState, sc scorer, words []Word, k int, keepBack bool, step func(t int) bool) {
	classes := 1 + 2*len(p.labels)
	bs.items(k)
	bs.cur[0].reset(words, classes)
	bs.curScore[0] = 0
	live := 1
	steps := 2 * len(words)
	if keepBack {
		for len(bs.back) < steps {
			bs.back = append(bs.back, nil)
		}
	}
	for t := range steps {
		bs.cands = bs.cands[:0]
		for i := range live {
			st := bs.cur[i]
			st.features()
			clear(st.scores)
			sc.Score(st.feats, st.scores)
			for c, s := range st.scores {
				if st.legal(c, p.rootL) {
					bs.offer(beamCand{i, c, bs.curScore[i] + float64(s)}, k)
				}
			}
		}
		for j, cd := range bs.cands {
			nx := bs.next[j]
			nx.copyFrom(bs.cur[cd.parent])
			nx.apply(cd.class)
			bs.curScore[j] = cd.score
		}
		live = len(bs.cands)
		bs.cur, bs.next = bs.next, bs.cur
		if keepBack {
			bs.back[t] = append(bs.back[t][:0], bs.cands...)
		}
		if step != nil && !step(t) {
			return
		}
	}
}

// history writes into seq the transitions of item j after step t.
func (bs *beamState) history(seq []int, t, j int) []int {
	seq = seq[:t+1]
	for ; t >= 0; t-- {
		cd := bs.back[t][j]
		seq[t] = cd.class
		j = cd.parent
	}
	return seq
}

// goldSequence returns the canonical transitions that build g's tree: the
// cheapest transition at every step, preferring LEFT, then RIGHT, then
// SHIFT, so a word is reduced as soon as it is complete.
func (p *Parser) goldSequence(st *parseState, o *oracle, g *goldTree, seq []int) []int {
	classes := 1 + 2*len(p.labels)
	st.reset(g.words, classes)
	o.reset(g, classes)
	seq = seq[:0]
	for !st.terminal() {
		least := o.costs(st, p.rootL)
		c := shiftClass
	find:
		for first := 1; first <= 2; first++ {
			for cand := first; cand < classes; cand += 2 {
				if st.legal(cand, p.rootL) && o.cost[cand] == least {
					c = cand
					break find
				}
			}
		}
		o.apply(st, c)
		st.apply(c)
		seq = append(seq, c)
	}
	return seq
}

// trainBeam trains on one sentence with a beam of width k and early
// update, following gold (from goldSequence); it returns whether it
// updated.
func (p *Parser) trainBeam(tr *trainer, bs *beamState, g *goldTree, gold []int, k int) bool {
	slot, fell := 0, -1
	p.search(bs, tr, g.words, k, true, func(t int) bool {
		prev := slot
		slot = -1
		for j, cd := range bs.back[t] {
			if cd.parent == prev && cd.class == gold[t] {
				slot = j
				break
			}
		}
		if slot < 0 {
			fell = t
			return false
		}
		return true
	})
	t := len(gold) - 1
	switch {
	case fell >= 0:
		t = fell
	case slot == 0:
		return false
	}
	bs.seqA = bs.history(slices.Grow(bs.seqA[:0], t+1), t, 0)
	p.globalUpdate(tr, &bs.replay, g.words, gold[:t+1], bs.seqA)
	return true
}

// globalUpdate adds the features of the gold transitions and subtracts
// those of the predicted ones. Their common prefix cancels out, so the
// replay scores features only from where they part.
func (p *Parser) globalUpdate(tr *trainer, st *parseState, words []Word, gold, pred []int) {
	from := 0
	for from < len(gold) && gold[from] == pred[from] {
		from++
	}
	classes := 1 + 2*len(p.labels)
	for _, run := range [2]struct {
		seq   []int
		delta float32
	}{{gold, 1}, {pred, -1}} {
		st.reset(words, classes)
		for t, c := range run.seq {
			if t >= from {
				st.features()
				tr.Add(st.feats, c, run.delta)
			}
			st.apply(c)
		}
	}
}
