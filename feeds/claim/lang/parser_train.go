package lang

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Training follows Goldberg and Nivre (2013), "Training deterministic
// parsers with non-deterministic oracles": at every configuration the
// dynamic oracle gives the cost of each transition (how many gold arcs it
// makes unreachable, plus one for a wrong relation on the arc it adds); the
// perceptron is updated towards the best-scoring cheapest transition when
// its own choice costs more; and after the first epoch the parser follows
// its own choice most of the time, so it learns to recover from its
// mistakes instead of only ever seeing gold configurations.
//
// The arc-hybrid oracle is exact for projective trees. About 2% of EWT's
// training sentences are not projective; their trees are projectivised
// first by lifting (Nivre and Nilsson 2005): the shortest non-projective arc
// is moved to its head's head, relation unchanged, until no arc crosses
// another. The parser so never predicts a non-projective arc; the lifted arcs
// cost well under 1% of the attachments.

// TrainParser trains a parser on train's gold trees, reading the words'
// Form, Lemma, UPOS, XPOS and Feats as Parse will (train on predicted tags
// for a parser that will see predicted tags). After every epoch it scores
// dev, when given, and keeps the epoch with the best labelled attachment
// score. logf, when not nil, gets one line per epoch.
func TrainParser(train, dev *Doc, opt ParserOptions, logf func(format string, args ...any)) (*Parser, error) {
	opt = opt.withDefaults()
	if logf == nil {
		logf = func(string, ...any) {}
	}
	labels, golds, err := goldTrees(train)
	if err != nil {
		return nil, err
	}
	p := &Parser{labels: labels, rootL: slices.Index(labels, "root"), beam: max(opt.Beam, 1)}
	classes := 1 + 2*len(labels)
	tr := newTrainer(opt.Bits, classes)
	rng := splitmix{opt.Seed ^ 0x70617273657231}
	order := make([]int, len(golds))
	for i := range order {
		order[i] = i
	}
	var (
		st       parseState
		or       oracle
		bs       beamState
		gold     []int
		best     *model
		bestLAS  = -1.0
		bestEpoc int
	)
	for epoch := range opt.Epochs {
		start := time.Now()
		for i := len(order) - 1; i > 0; i-- {
			j := int(rng.next() % uint64(i+1))
			order[i], order[j] = order[j], order[i]
		}
		var steps, wrong int
		for _, si := range order {
			g := &golds[si]
			if p.beam > 1 && epoch >= opt.Warmup {
				gold = p.goldSequence(&st, &or, g, gold)
				if p.trainBeam(tr, &bs, g, gold, p.beam) {
					wrong++
				}
				tr.Tick()
				steps++
				continue
			}
			s, w := p.trainSentence(tr, &st, &or, g, epoch > 0, opt.Explore, &rng)
			steps += s
			wrong += w
		}
		p.m = tr.Model(opt.Prune)
		unit := "transitions"
		if p.beam > 1 && epoch >= opt.Warmup {
			unit = "sentences"
		}
		msg := fmt.Sprintf("parser: epoch %d: %d %s, %.2f%% updated, %d weights, %s",
			epoch+1, steps, unit, 100*float64(wrong)/float64(max(steps, 1)), p.m.Weights(), time.Since(start).Round(time.Millisecond))
		if dev == nil {
			best = p.m
			logf("%s", msg)
			continue
		}
		sc := p.Evaluate(dev)
		logf("%s; dev %s", msg, sc)
		if sc.LAS > bestLAS {
			best, bestLAS, bestEpoc = p.m, sc.LAS, epoch+1
		}
	}
	p.m = best
	if dev != nil {
		logf("parser: keeping epoch %d (dev LAS %.2f)", bestEpoc, 100*bestLAS)
	}
	return p, nil
}

// goldTree is one training sentence: its words and its projectivised tree
// with positions as parseState has them (ROOT is len(words)).
type goldTree struct {
	words []Word
	head  []int32
	rel   []int32 // relation index
}

// goldTrees collects the relations of train, sorted, and its sentences'
// projectivised trees.
func goldTrees(train *Doc) ([]string, []goldTree, error) {
	if train == nil || len(train.Sentences) == 0 {
		return nil, nil, errors.New("lang: train parser: no training sentences")
	}
	seen := map[string]bool{"root": true}
	for _, s := range train.Sentences {
		for _, w := range s.Words {
			if w.Rel != "" {
				seen[w.Rel] = true
			}
		}
	}
	if len(seen) < 2 {
		return nil, nil, errors.New("lang: train parser: no relation but root")
	}
	labels := make([]string, 0, len(seen))
	for l := range seen {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	index := make(map[string]int32, len(labels))
	for i, l := range labels {
		index[l] = int32(i)
	}
	var golds []goldTree
	for _, s := range train.Sentences {
		n := len(s.Words)
		g := goldTree{words: s.Words, head: make([]int32, n), rel: make([]int32, n)}
		roots, ok := 0, n > 0
		for i, w := range s.Words {
			if w.Rel == "" {
				ok = false
				break
			}
			if w.Head < 0 {
				g.head[i] = int32(n)
				roots++
				w.Rel = "root" // the root's relation is root, whatever the file says
			} else {
				g.head[i] = int32(w.Head)
			}
			g.rel[i] = index[w.Rel]
		}
		if !ok || roots != 1 || !acyclic(g.head) {
			continue // not a tree the parser could produce: nothing to learn from
		}
		projectivize(g.head)
		golds = append(golds, g)
	}
	if len(golds) == 0 {
		return nil, nil, errors.New("lang: train parser: no sentence has a dependency tree")
	}
	return labels, golds, nil
}

// acyclic reports whether every word reaches ROOT (len(head)) by its heads.
func acyclic(head []int32) bool {
	n := int32(len(head))
	for i := range head {
		h, steps := int32(i), 0
		for h != n {
			h = head[h]
			if steps++; steps > len(head) {
				return false
			}
		}
	}
	return true
}

// projectivize lifts non-projective arcs, shortest first, until the tree is
// projective. ROOT (len(head)) sits before the first word, so its arc is
// never non-projective, and neither is any arc of the single root word, so
// no word is ever lifted onto ROOT.
func projectivize(head []int32) {
	for {
		d := -1
		span := len(head) + 1
		for i, h := range head {
			if int(h) == len(head) {
				continue
			}
			lo, hi := min(int(h), i), max(int(h), i)
			if hi-lo < span && !projectiveArc(head, int(h), lo, hi) {
				d, span = i, hi-lo
			}
		}
		if d < 0 {
			return
		}
		head[d] = head[head[d]]
	}
}

// projectiveArc reports whether every word strictly between lo and hi
// descends from h.
func projectiveArc(head []int32, h, lo, hi int) bool {
	n := int32(len(head))
	for k := lo + 1; k < hi; k++ {
		a := int32(k)
		for a != n && int(a) != h {
			a = head[a]
		}
		if int(a) != h {
			return false
		}
	}
	return true
}

// oracle tracks, for the configuration being trained on, what the dynamic
// oracle's costs need: each position's gold dependents still in the buffer
// and on the stack, and which positions are on the stack.
type oracle struct {
	g       *goldTree
	inBuf   []int32 // gold dependents of each position in the buffer
	inStack []int32 // gold dependents of each position on the stack
	stacked []bool
	cost    []int32 // per class, for the current configuration
}

func (o *oracle) reset(g *goldTree, classes int) {
	n := len(g.words)
	o.g = g
	o.inBuf = append(o.inBuf[:0], make([]int32, n+2)...)
	o.inStack = append(o.inStack[:0], make([]int32, n+2)...)
	o.stacked = append(o.stacked[:0], make([]bool, n+2)...)
	o.stacked[n] = true // ROOT
	for _, h := range g.head {
		o.inBuf[h]++
	}
	o.cost = append(o.cost[:0], make([]int32, classes)...)
}

// gold returns word d's gold head and relation.
func (o *oracle) gold(d int32) (int32, int32) { return o.g.head[d], o.g.rel[d] }

// costs fills o.cost for every legal class of st (others are left as they
// are) and returns the least cost.
func (o *oracle) costs(st *parseState, rootL int) int32 {
	n := int32(st.n)
	k := len(st.stack)
	s0, s1 := st.stack[k-1], st.none()
	if k >= 2 {
		s1 = st.stack[k-2]
	}
	b0 := st.b
	inB := func(x int32) bool { return x >= b0 && x < n }
	var left, right, shift int32 = -1, -1, -1
	if b0 < n {
		gh, _ := o.gold(b0)
		shift = o.inStack[b0]
		if o.stacked[gh] && gh != s0 {
			shift++
		}
	}
	var gh, gl int32 = -1, -1
	if s0 < n {
		gh, gl = o.gold(s0)
		deps := o.inBuf[s0]
		left, right = deps, deps
		if gh == s1 || (inB(gh) && gh != b0) {
			left++
		}
		if inB(gh) {
			right++
		}
	}
	least := int32(1 << 30)
	for c := range o.cost {
		if !st.legal(c, rootL) {
			continue
		}
		var v int32
		switch l := int32(classLabel(c)); {
		case c == shiftClass:
			v = shift
		case c == leftClass(int(l)):
			v = left
			if gh == b0 && gl != l {
				v++
			}
		default:
			v = right
			if gh == s1 && gl != l {
				v++
			}
		}
		o.cost[c] = v
		least = min(least, v)
	}
	return least
}

// apply keeps the oracle's counts in step with st.apply(c).
func (o *oracle) apply(st *parseState, c int) {
	if c == shiftClass {
		b0 := st.b
		gh, _ := o.gold(b0)
		o.inBuf[gh]--
		o.inStack[gh]++
		o.stacked[b0] = true
		return
	}
	s0 := st.stack[len(st.stack)-1]
	gh, _ := o.gold(s0)
	o.inStack[gh]--
	o.stacked[s0] = false
}

// trainSentence runs the parser over one gold tree, updating tr, and
// returns the transitions taken and how many were updated.
func (p *Parser) trainSentence(tr *trainer, st *parseState, o *oracle, g *goldTree, explore bool, pExplore float64, rng *splitmix) (steps, wrong int) {
	classes := 1 + 2*len(p.labels)
	st.reset(g.words, classes)
	o.reset(g, classes)
	for !st.terminal() {
		st.features()
		clear(st.scores)
		tr.Score(st.feats, st.scores)
		least := o.costs(st, p.rootL)
		pred := p.best(st)
		good, gs := -1, float32(0)
		for c, s := range st.scores {
			if (good < 0 || s > gs) && st.legal(c, p.rootL) && o.cost[c] == least {
				good, gs = c, s
			}
		}
		if o.cost[pred] > least {
			tr.Update(st.feats, good, pred)
			wrong++
		}
		tr.Tick()
		steps++
		next := good
		if explore && rng.float() < pExplore {
			next = pred
		}
		o.apply(st, next)
		st.apply(next)
	}
	return steps, wrong
}

// splitmix is a small deterministic generator (splitmix64) for shuffling
// and exploration, so training is reproducible for a seed.
type splitmix struct{ s uint64 }

func (r *splitmix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *splitmix) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// ParseScores are attachment scores in the CoNLL 2018 shared task's sense,
// punctuation included: the share of words with the right head (UAS), the
// right head and relation (LAS), and the right head and universal relation,
// subtypes dropped (LASUniversal).
type ParseScores struct {
	Words                  int
	UAS, LAS, LASUniversal float64
}

func (s ParseScores) String() string {
	return fmt.Sprintf("UAS %.2f LAS %.2f LAS(universal) %.2f over %d words", 100*s.UAS, 100*s.LAS, 100*s.LASUniversal, s.Words)
}

// Evaluate parses a copy of every sentence of gold (its words' tags as
// given) and scores the trees against gold's.
func (p *Parser) Evaluate(gold *Doc) ParseScores {
	sys := &Doc{Text: gold.Text, Sentences: make([]Sentence, len(gold.Sentences))}
	for i := range gold.Sentences {
		s := gold.Sentences[i]
		s.Words = append([]Word(nil), s.Words...)
		p.Parse(&s)
		sys.Sentences[i] = s
	}
	sc, err := Score(gold, sys)
	if err != nil {
		return ParseScores{} // no words: nothing to score
	}
	return ParseScores{Words: sc.Words, UAS: sc.UAS, LAS: sc.LASFull, LASUniversal: sc.LAS}
}

// universal drops a relation's subtype: "obl:tmod" → "obl".
func universal(rel string) string {
	r, _, _ := strings.Cut(rel, ":")
	return r
}
