package lang

import (
	"math/rand/v2"
	"slices"
)

// featsModel chooses a word's features when train gave its form and tag
// several: "make"/VB is VerbForm=Inf after "to" and Mood=Imp at the start
// of a sentence, "you"/PRP is Case=Nom before a verb and Case=Acc after
// one, "was"/VBD is Person=1 after "I". An averaged perceptron over the
// tagged context scores the candidates; words with one candidate are not
// scored.
type featsModel struct {
	vals       []uint32 // feature set number → strs index
	cands      []uint16 // candidate lists, feature set numbers
	classCands []span   // tag class → its candidates, for unseen words
	model      *model
}

// span is a slice of featsModel.cands.
type span struct{ lo, n uint32 }

// Feature templates of the features model; numbers are part of the file.
const (
	gBias = iota
	gLower
	gSuf3
	gLowerM1
	gLowerM2
	gLowerM3
	gTagM1
	gTagM1M2
	gLowerP1
	gTagP1
	gNominal
	gNominalTag
	gBigramM1
	gFirst
	gAux
	gTagM1Lower
	nFeatsFeats
)

// featsFeatsAt fills sc.feats with the features-model features of word i
// of class c.
func (sc *tagScratch) featsFeatsAt(words []Word, i, c int) []uint64 {
	f := sc.feats[:nFeatsFeats]
	tag := func(j int) uint64 {
		if j < 0 {
			return noTag
		}
		if j >= len(sc.tags) {
			return endTag
		}
		return uint64(sc.tags[j])
	}
	info := sc.info[i : i+5] // words i-2 … i+2
	lowerM3 := hStart
	if i >= 3 {
		lowerM3 = sc.info[i-1].lower
	}
	nominal, nominalTag := hStart, noTag
	aux := hStart
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		switch words[j].UPOS {
		case "PRON", "NOUN", "PROPN":
			if nominalTag == noTag {
				nominal, nominalTag = sc.info[j+2].lower, uint64(sc.tags[j])
			}
		case "AUX":
			if aux == hStart && j >= i-4 {
				aux = sc.info[j+2].lower
			}
		}
	}
	cc := uint64(c)
	g := func(n int, vs ...uint64) uint64 {
		h := fhash(tmpl(100+n), cc)
		for _, v := range vs {
			h = fhash(h, v)
		}
		return h
	}
	first := uint64(0)
	if i == 0 {
		first = 1
	}
	f[gBias] = g(gBias)
	f[gLower] = g(gLower, info[2].lower)
	f[gSuf3] = g(gSuf3, info[2].suf[2])
	f[gLowerM1] = g(gLowerM1, info[1].lower)
	f[gLowerM2] = g(gLowerM2, info[0].lower)
	f[gLowerM3] = g(gLowerM3, lowerM3)
	f[gTagM1] = g(gTagM1, tag(i-1))
	f[gTagM1M2] = g(gTagM1M2, tag(i-1), tag(i-2))
	f[gLowerP1] = g(gLowerP1, info[3].lower)
	f[gTagP1] = g(gTagP1, tag(i+1))
	f[gNominal] = g(gNominal, nominal)
	f[gNominalTag] = g(gNominalTag, nominalTag)
	f[gBigramM1] = g(gBigramM1, info[1].lower, info[2].lower)
	f[gFirst] = g(gFirst, first)
	f[gAux] = g(gAux, aux)
	f[gTagM1Lower] = g(gTagM1Lower, tag(i-1), info[2].lower)
	return f
}

// choose returns the best of the candidates in cs for word i of class c,
// as a feature set number.
func (fm *featsModel) choose(sc *tagScratch, s scorer, words []Word, i, c int, cs span) int {
	clear(sc.featScores)
	s.Score(sc.featsFeatsAt(words, i, c), sc.featScores)
	best, bv := -1, float32(0)
	for _, k := range fm.cands[cs.lo : cs.lo+cs.n] {
		if v := sc.featScores[k]; best < 0 || v > bv {
			best, bv = int(k), v
		}
	}
	return best
}

// learnFeats trains the features model on train's gold tags; values maps
// a features string to its number, lexCands gives each word's candidates.
func (m *morphology) learnFeats(train *Doc, t *Tagger, index map[tagPair]int, opt TaggerOptions, logf func(string, ...any)) {
	fm := &m.fm
	tr := newTrainer(opt.FeatsBits, len(fm.vals))
	sc := t.newScratch()
	sc.featScores = make([]float32, len(fm.vals))
	order := make([]int, len(train.Sentences))
	for i := range order {
		order[i] = i
	}
	featNum := map[string]int{}
	for k, v := range fm.vals {
		featNum[m.strs[v]] = k
	}
	// Words seen once stand for the unseen words, which choose among their
	// class's candidates: train on them the same way.
	seen := map[uint64]int{}
	var buf []byte
	for si := range train.Sentences {
		for _, w := range train.Sentences[si].Words {
			buf = appendLower(buf[:0], w.Form)
			seen[lexKey(buf, index[tagPair{w.UPOS, w.XPOS}])]++
		}
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6665617473))
	for epoch := 1; epoch <= opt.FeatsEpochs; epoch++ {
		right, total := 0, 0
		for _, si := range order {
			words := train.Sentences[si].Words
			sc.prepare(words, t.amb)
			sc.tags = slices.Grow(sc.tags[:0], len(words))[:len(words)]
			for i := range words {
				sc.tags[i] = index[tagPair{words[i].UPOS, words[i].XPOS}]
			}
			for i := range words {
				info := &sc.info[i+2]
				low := sc.low[info.lo:info.hi]
				cs := m.candidates(low, sc.tags[i])
				if seen[lexKey(low, sc.tags[i])] == 1 {
					cs = fm.classCands[sc.tags[i]]
				}
				if cs.n < 2 {
					continue
				}
				gold, ok := featNum[words[i].Feats]
				if !ok || !slices.Contains(fm.cands[cs.lo:cs.lo+cs.n], uint16(gold)) {
					continue
				}
				guess := fm.choose(sc, tr, words, i, sc.tags[i], cs)
				tr.Update(sc.featsFeatsAt(words, i, sc.tags[i]), gold, guess)
				tr.Tick()
				right += b2i(guess == gold)
				total++
			}
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		logf("features epoch %d: train %.2f%% of %d ambiguous words", epoch, pct(right, total), total)
	}
	fm.model = tr.Model(opt.Prune)
}

// candidates returns the feature sets to choose from for a word.
func (m *morphology) candidates(low []byte, c int) span {
	if e, ok := m.lex[lexKey(low, c)]; ok {
		return e.cands
	}
	if c < len(m.fm.classCands) {
		return m.fm.classCands[c]
	}
	return span{}
}
