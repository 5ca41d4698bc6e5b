package lang

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Tagger assigns every word its UPOS and XPOS tags, morphological features
// and lemma. Tags come from a greedy left-to-right averaged perceptron over
// the joint UPOS+XPOS pair (so the two never disagree); features and lemmas
// come from tables learned from the treebank (see morph.go).
//
// A Tagger is read-only once trained or read: Tag is safe for concurrent
// use. Do not copy a Tagger.
type Tagger struct {
	classes []tagPair         // class number → tags, in sorted order
	model   *model            // the first pass's perceptron
	model2  *model            // the second pass's, or nil
	dict    map[uint64]uint16 // shash(form) → class of frequent unambiguous words
	amb     map[uint64]uint64 // shash(lower form) → its ambiguity class, for words seen often
	morph   morphology        // features and lemmas
	pool    sync.Pool         // *tagScratch
}

type tagPair struct{ UPOS, XPOS string }

// TaggerOptions tune training. The zero value gives the defaults.
type TaggerOptions struct {
	Epochs int    // passes over train (default 6, where dev UPOS peaks)
	Seed   uint64 // seeds the shuffle of train between epochs
	// Bits sets the training table to 2^Bits feature rows (default 19);
	// hashed features that share a row merge.
	Bits uint
	// Prune drops averaged weights of magnitude at or below it (default
	// 0.5: on EWT dev, 1 costs 0.15 points of UPOS and 0.001 gains
	// nothing for a larger, slower model).
	Prune float32
	// DictMinCount and DictMinShare decide which words the tag dictionary
	// tags without scoring: seen at least DictMinCount times (default 20),
	// with one tag pair at least DictMinShare of the time (default 0.97).
	DictMinCount int
	DictMinShare float64
	// AmbMinCount is how often a word must be seen for its ambiguity class
	// (the tags it takes) to be a feature (default 3); rarer words would
	// teach the perceptron to trust a class that is just their gold tag.
	AmbMinCount int
	// TwoPass adds a second pass that also sees the first pass's classes
	// to the right; Folds is how many parts train is cut into to give it
	// realistic first-pass classes (default 4). On EWT dev it gains 0.06
	// to 0.1 points of UPOS for 2.3 times the tagging time, so it is off
	// by default.
	TwoPass bool
	Folds   int
	// FeatsEpochs and FeatsBits are Epochs and Bits of the perceptron
	// that chooses features by context (defaults 5 and 18).
	FeatsEpochs int
	FeatsBits   uint
}

func (o TaggerOptions) withDefaults() TaggerOptions {
	if o.Epochs <= 0 {
		o.Epochs = 6
	}
	if o.Bits == 0 {
		o.Bits = 19
	}
	if o.Prune == 0 {
		o.Prune = 0.5
	}
	if o.DictMinCount <= 0 {
		o.DictMinCount = 20
	}
	if o.FeatsEpochs <= 0 {
		o.FeatsEpochs = 5
	}
	if o.FeatsBits == 0 {
		o.FeatsBits = 18
	}
	if o.Folds < 2 {
		o.Folds = 4
	}
	if o.AmbMinCount <= 0 {
		o.AmbMinCount = 3
	}
	if o.DictMinShare <= 0 {
		o.DictMinShare = 0.97
	}
	return o
}

// Feature templates. The numbers are part of the model file: changing one
// changes every hash, so add new templates at the end.
const (
	fBias = iota
	fForm
	fLower
	fPre1
	fPre2
	fPre3
	fPre4
	fSuf1
	fSuf2
	fSuf3
	fSuf4
	fShape
	fFlags
	fLowerM1
	fSuf3M1
	fLowerM2
	fLowerP1
	fSuf3P1
	fLowerP2
	fBigramM1
	fBigramP1
	fShapeP1
	fShapeM1
	fSuf2P1
	fAmb
	fAmbP1
	fAmbP2
	fAmbM1P1
	nStatic // static templates end here: the rest use predicted tags
)

const (
	fTagM1 = nStatic + iota
	fTagM2M1
	fTagM1Lower
	fTagM2
	fTagM1Suf3
	fTagM1LowerP1
	nFeats1 // the second pass adds the first pass's classes
	fR0     = nStatic + iota - 1
	fR1
	fR2
	fR1R2
	fTagM1R1
	fR1Lower
	fR0Lower
	nFeats2
)

// Word flags, folded into one feature.
const (
	flagDigit = 1 << iota
	flagHyphen
	flagUpper // some upper-case letter
	flagInitCap
	flagAllCaps
	flagFirst // sentence-initial
	flagAlpha // some letter
)

// wordInfo holds a word's hashes, computed once per sentence.
type wordInfo struct {
	form, lower, shape uint64
	pre, suf           [4]uint64 // of the lower-cased form, 1–4 bytes
	amb                uint64    // ambiguity class, hRare if unseen
	flags              uint8
	lo, hi             int32 // its lower-cased form in tagScratch.low
}

var (
	hStart = shash("\x00-START-")
	hEnd   = shash("\x00-END-")
	hRare  = shash("\x00-RARE-")
)

// tagScratch is the per-call working memory of Tag, reused through the
// Tagger's pool so tagging does not allocate per word.
type tagScratch struct {
	info       []wordInfo // with two pads either side
	static     []uint64   // nStatic per word
	feats      []uint64
	scores     []float32
	tags       []int
	first      []int // the first pass's classes
	featScores []float32
	low        []byte
	arena      []byte // lemmas built this call
	pending    []pendingLemma
}

func (t *Tagger) scratch() *tagScratch {
	if s, ok := t.pool.Get().(*tagScratch); ok {
		return s
	}
	return t.newScratch()
}

// prepare fills sc.info and sc.static for the words.
func (sc *tagScratch) prepare(words []Word, amb map[uint64]uint64) {
	n := len(words)
	sc.info = slices.Grow(sc.info[:0], n+4)[:n+4]
	pad := wordInfo{form: hStart, amb: hStart, lower: hStart, shape: hStart, pre: [4]uint64{hStart, hStart, hStart, hStart}, suf: [4]uint64{hStart, hStart, hStart, hStart}}
	sc.info[0], sc.info[1] = pad, pad
	pad = wordInfo{form: hEnd, amb: hEnd, lower: hEnd, shape: hEnd, pre: [4]uint64{hEnd, hEnd, hEnd, hEnd}, suf: [4]uint64{hEnd, hEnd, hEnd, hEnd}}
	sc.info[n+2], sc.info[n+3] = pad, pad
	sc.low = sc.low[:0]
	for i := range words {
		sc.info[i+2] = sc.word(words[i].Form, i == 0)
		a, ok := amb[sc.info[i+2].lower]
		if !ok {
			a = hRare
		}
		sc.info[i+2].amb = a
	}
	sc.static = slices.Grow(sc.static[:0], n*nStatic)[:n*nStatic]
	for i := range n {
		staticFeats(sc.info[i:i+5], sc.static[i*nStatic:(i+1)*nStatic])
	}
}

// word computes a word's hashes, appending its lower-cased form to sc.low.
func (sc *tagScratch) word(form string, first bool) wordInfo {
	w := wordInfo{form: shash(form), lo: int32(len(sc.low))}
	shape := uint64(14695981039346656037)
	var last rune = -1
	run, letters, uppers := 0, 0, 0
	for i, r := range form {
		var c rune
		switch {
		case r >= '0' && r <= '9':
			c = 'd'
			w.flags |= flagDigit
		case unicode.IsUpper(r):
			c = 'X'
			letters++
			uppers++
			if i == 0 {
				w.flags |= flagInitCap
			}
		case unicode.IsLetter(r):
			c = 'x'
			letters++
		default:
			c = r
			if r == '-' {
				w.flags |= flagHyphen
			}
		}
		if c == last {
			run++
		} else {
			run = 0
		}
		last = c
		if run < 4 { // "Xxxxx" and "Xxxxxxxx" share a shape
			shape = (shape ^ uint64(c)) * 1099511628211
		}
		sc.low = utf8.AppendRune(sc.low, unicode.ToLower(r))
	}
	w.hi = int32(len(sc.low))
	w.shape = shape
	if uppers > 0 {
		w.flags |= flagUpper
	}
	if letters > 0 {
		w.flags |= flagAlpha
		if uppers == letters && letters > 1 {
			w.flags |= flagAllCaps
		}
	}
	if first {
		w.flags |= flagFirst
	}
	low := sc.low[w.lo:w.hi]
	w.lower = bhash(low)
	for k := 1; k <= 4; k++ {
		m := min(k, len(low))
		w.pre[k-1] = bhash(low[:m])
		w.suf[k-1] = bhash(low[len(low)-m:])
	}
	return w
}

// bhash is shash of a byte slice.
func bhash(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// staticFeats writes the features of the word at win[2] that do not depend
// on predicted tags; win holds the words at -2…+2.
func staticFeats(win []wordInfo, out []uint64) {
	w := &win[2]
	out[fBias] = tmpl(fBias)
	out[fForm] = fhash(tmpl(fForm), w.form)
	out[fLower] = fhash(tmpl(fLower), w.lower)
	for k := 0; k < 4; k++ {
		out[fPre1+k] = fhash(tmpl(fPre1+k), w.pre[k])
		out[fSuf1+k] = fhash(tmpl(fSuf1+k), w.suf[k])
	}
	out[fShape] = fhash(tmpl(fShape), w.shape)
	out[fFlags] = fhash(tmpl(fFlags), uint64(w.flags))
	out[fLowerM1] = fhash(tmpl(fLowerM1), win[1].lower)
	out[fSuf3M1] = fhash(tmpl(fSuf3M1), win[1].suf[2])
	out[fLowerM2] = fhash(tmpl(fLowerM2), win[0].lower)
	out[fLowerP1] = fhash(tmpl(fLowerP1), win[3].lower)
	out[fSuf3P1] = fhash(tmpl(fSuf3P1), win[3].suf[2])
	out[fLowerP2] = fhash(tmpl(fLowerP2), win[4].lower)
	out[fBigramM1] = fhash(fhash(tmpl(fBigramM1), win[1].lower), w.lower)
	out[fBigramP1] = fhash(fhash(tmpl(fBigramP1), w.lower), win[3].lower)
	out[fShapeP1] = fhash(tmpl(fShapeP1), win[3].shape)
	out[fShapeM1] = fhash(tmpl(fShapeM1), win[1].shape)
	out[fSuf2P1] = fhash(tmpl(fSuf2P1), win[3].suf[1])
	out[fAmb] = fhash(tmpl(fAmb), w.amb)
	out[fAmbP1] = fhash(tmpl(fAmbP1), win[3].amb)
	out[fAmbP2] = fhash(tmpl(fAmbP2), win[4].amb)
	out[fAmbM1P1] = fhash(fhash(tmpl(fAmbM1P1), win[1].amb), win[3].amb)
}

// featsAt fills sc.feats for word i given the classes predicted before it
// and, in the second pass, the first pass's classes (right, else nil).
func (sc *tagScratch) featsAt(i int, right []int) []uint64 {
	f := sc.feats[:nFeats1]
	copy(f, sc.static[i*nStatic:(i+1)*nStatic])
	p1, p2 := noTag, noTag
	if i > 0 {
		p1 = uint64(sc.tags[i-1])
	}
	if i > 1 {
		p2 = uint64(sc.tags[i-2])
	}
	w := &sc.info[i+2]
	f[fTagM1] = fhash(tmpl(fTagM1), p1)
	f[fTagM2M1] = fhash(fhash(tmpl(fTagM2M1), p2), p1)
	f[fTagM1Lower] = fhash(fhash(tmpl(fTagM1Lower), p1), w.lower)
	f[fTagM2] = fhash(tmpl(fTagM2), p2)
	f[fTagM1Suf3] = fhash(fhash(tmpl(fTagM1Suf3), p1), w.suf[2])
	f[fTagM1LowerP1] = fhash(fhash(tmpl(fTagM1LowerP1), p1), sc.info[i+3].lower)
	if right == nil {
		return f
	}
	f = sc.feats[:nFeats2]
	r0, r1, r2 := uint64(right[i]), endTag, endTag
	if i+1 < len(right) {
		r1 = uint64(right[i+1])
	}
	if i+2 < len(right) {
		r2 = uint64(right[i+2])
	}
	f[fR0] = fhash(tmpl(fR0), r0)
	f[fR1] = fhash(tmpl(fR1), r1)
	f[fR2] = fhash(tmpl(fR2), r2)
	f[fR1R2] = fhash(fhash(tmpl(fR1R2), r1), r2)
	f[fTagM1R1] = fhash(fhash(tmpl(fTagM1R1), p1), r1)
	f[fR1Lower] = fhash(fhash(tmpl(fR1Lower), r1), w.lower)
	f[fR0Lower] = fhash(fhash(tmpl(fR0Lower), r0), w.lower)
	return f
}

// Pseudo-classes for the tag features beyond the sentence's ends.
const (
	noTag  = uint64(1 << 16)
	endTag = uint64(1<<16 + 1)
)

// Tag fills UPOS, XPOS, Feats and Lemma of every word of s from its Form.
func (t *Tagger) Tag(s *Sentence) {
	if len(s.Words) == 0 {
		return
	}
	sc := t.scratch()
	defer t.pool.Put(sc)
	t.tagClasses(sc, s.Words)
	sc.arena = sc.arena[:0]
	for i := range s.Words {
		w := &s.Words[i]
		c := sc.tags[i]
		w.UPOS, w.XPOS = t.classes[c].UPOS, t.classes[c].XPOS
	}
	t.morph.annotate(sc, s.Words)
}

// tagClasses predicts the class of every word into sc.tags: a first
// greedy pass, then, with a second model, a second pass that also sees
// the first pass's classes to the right.
func (t *Tagger) tagClasses(sc *tagScratch, words []Word) {
	sc.prepare(words, t.amb)
	t.greedy(sc, t.model, nil, nil, nil)
	if t.model2 == nil {
		return
	}
	sc.first = append(sc.first[:0], sc.tags...)
	t.greedy(sc, t.model2, sc.first, nil, nil)
}

// scorer is a trainer or a model.
type scorer interface {
	Score(feats []uint64, scores []float32)
}

// greedy tags the prepared sentence left to right into sc.tags, with the
// first pass's classes when right is not nil. When gold is not nil it
// trains tr (which is also s) on every word scored.
func (t *Tagger) greedy(sc *tagScratch, s scorer, right, gold []int, tr *trainer) {
	n := len(sc.info) - 4
	sc.tags = slices.Grow(sc.tags[:0], n)[:n]
	for i := range n {
		if c, ok := t.dict[sc.info[i+2].form]; ok {
			sc.tags[i] = int(c)
			continue
		}
		clear(sc.scores)
		f := sc.featsAt(i, right)
		s.Score(f, sc.scores)
		guess := argmax(sc.scores, nil)
		if gold != nil {
			tr.Update(f, gold[i], guess)
			tr.Tick()
		}
		sc.tags[i] = guess
	}
}

// TrainTagger trains a tagger on train, logging each epoch's accuracy on
// dev (when dev is not nil) through logf (when not nil). Training is
// deterministic for a given train and options.
//
// The second pass learns from first-pass classes as they will be at run
// time, not as good as on the first pass's own training data: train is
// cut into Folds, and each fold is tagged by a first pass trained on the
// others (jackknifing).
func TrainTagger(train, dev *Doc, opt TaggerOptions, logf func(format string, args ...any)) (*Tagger, error) {
	opt = opt.withDefaults()
	if logf == nil {
		logf = func(string, ...any) {}
	}
	t := &Tagger{}
	index, err := t.learnClasses(train)
	if err != nil {
		return nil, err
	}
	t.learnDict(train, index, opt)
	t.learnAmb(train, index, opt)
	gold := make([][]int, len(train.Sentences))
	for si := range train.Sentences {
		ws := train.Sentences[si].Words
		gold[si] = make([]int, len(ws))
		for i := range ws {
			gold[si][i] = index[tagPair{ws[i].UPOS, ws[i].XPOS}]
		}
	}
	tt := &tagTraining{train: train, gold: gold, opt: opt}
	all := make([]int, len(train.Sentences))
	for i := range all {
		all[i] = i
	}
	var first [][]int
	if opt.TwoPass {
		first = make([][]int, len(train.Sentences))
		sc := t.newScratch()
		for k := range opt.Folds {
			var in, out []int
			for _, si := range all {
				if si%opt.Folds == k {
					out = append(out, si)
				} else {
					in = append(in, si)
				}
			}
			m := t.trainPass(tt, in, nil, nil, func(string, ...any) {})
			right, total := 0, 0
			for _, si := range out {
				sc.prepare(train.Sentences[si].Words, t.amb)
				t.greedy(sc, m, nil, nil, nil)
				first[si] = slices.Clone(sc.tags)
				for i, c := range sc.tags {
					right += b2i(c == gold[si][i])
				}
				total += len(sc.tags)
			}
			logf("tagger fold %d/%d: first pass %.2f%% on the held-out fold", k+1, opt.Folds, pct(right, total))
		}
	}
	t.model = t.trainPass(tt, all, nil, dev, logf)
	if first != nil {
		t.model2 = t.trainPass(tt, all, first, dev, logf)
	}
	t.morph.learn(train, t, index)
	t.morph.learnFeats(train, t, index, opt, logf)
	return t, nil
}

func (t *Tagger) newScratch() *tagScratch {
	return &tagScratch{feats: make([]uint64, max(nFeats2, nFeatsFeats)), scores: make([]float32, len(t.classes)), featScores: make([]float32, len(t.morph.fm.vals))}
}

// trainPass trains one pass's perceptron on the sentences of train listed
// in which, the first pass's classes being first (nil when training the
// first pass).
// tagTraining is what every pass of training reads: train, its gold
// classes, the options.
type tagTraining struct {
	train *Doc
	gold  [][]int
	opt   TaggerOptions
}

func (t *Tagger) trainPass(tt *tagTraining, which []int, first [][]int, dev *Doc, logf func(string, ...any)) *model {
	train, gold, opt := tt.train, tt.gold, tt.opt
	tr := newTrainer(opt.Bits, len(t.classes))
	sc := t.newScratch()
	order := slices.Clone(which)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x746167676572))
	pass := 1
	if first != nil {
		pass = 2
	}
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		right, total := 0, 0
		for _, si := range order {
			sc.prepare(train.Sentences[si].Words, t.amb)
			var r []int
			if first != nil {
				r = first[si]
			}
			t.greedy(sc, tr, r, gold[si], tr)
			for i, c := range sc.tags {
				right += b2i(c == gold[si][i])
			}
			total += len(sc.tags)
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if dev != nil && (epoch == opt.Epochs || epoch%2 == 0) {
			m := tr.Model(opt.Prune)
			logf("tagger pass %d epoch %d: train %.2f%%, dev UPOS %.2f%%, %d weights", pass, epoch, pct(right, total), t.devUPOS(dev, m, pass), m.Weights())
		} else {
			logf("tagger pass %d epoch %d: train %.2f%%", pass, epoch, pct(right, total))
		}
	}
	return tr.Model(opt.Prune)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// devUPOS is the UPOS accuracy on dev of the tagger with m as its pass
// (the first pass being t.model when pass is 2).
func (t *Tagger) devUPOS(dev *Doc, m *model, pass int) float64 {
	u := &Tagger{classes: t.classes, model: t.model, dict: t.dict, amb: t.amb}
	if pass == 1 {
		u.model, u.model2 = m, nil
	} else {
		u.model2 = m
	}
	sc := u.newScratch()
	right, total := 0, 0
	for si := range dev.Sentences {
		ws := dev.Sentences[si].Words
		u.tagClasses(sc, ws)
		for i := range ws {
			right += b2i(u.classes[sc.tags[i]].UPOS == ws[i].UPOS)
			total++
		}
	}
	return pct(right, total)
}

// learnClasses collects the tag pairs of train, numbered in sorted order.
func (t *Tagger) learnClasses(train *Doc) (map[tagPair]int, error) {
	seen := map[tagPair]bool{}
	for si := range train.Sentences {
		for _, w := range train.Sentences[si].Words {
			if w.UPOS == "" {
				return nil, fmt.Errorf("lang: train tagger: sentence %q: word %q has no UPOS", train.Sentences[si].ID, w.Form)
			}
			seen[tagPair{w.UPOS, w.XPOS}] = true
		}
	}
	if len(seen) == 0 {
		return nil, errors.New("lang: train tagger: no words")
	}
	if len(seen) > 1<<16 {
		return nil, fmt.Errorf("lang: train tagger: %d tag pairs, at most %d", len(seen), 1<<16)
	}
	for p := range seen {
		t.classes = append(t.classes, p)
	}
	slices.SortFunc(t.classes, func(a, b tagPair) int {
		return cmp.Or(cmp.Compare(a.UPOS, b.UPOS), cmp.Compare(a.XPOS, b.XPOS))
	})
	index := make(map[tagPair]int, len(t.classes))
	for i, p := range t.classes {
		index[p] = i
	}
	return index, nil
}

// learnDict finds the frequent words that (nearly) always have one tag
// pair; Tag gives them that pair without scoring.
func (t *Tagger) learnDict(train *Doc, index map[tagPair]int, opt TaggerOptions) {
	counts := map[string]map[int]int{}
	for si := range train.Sentences {
		for _, w := range train.Sentences[si].Words {
			m := counts[w.Form]
			if m == nil {
				m = map[int]int{}
				counts[w.Form] = m
			}
			m[index[tagPair{w.UPOS, w.XPOS}]]++
		}
	}
	t.dict = map[uint64]uint16{}
	for form, m := range counts {
		total, best, bc := 0, 0, -1
		for c, n := range m {
			total += n
			if n > best || n == best && c < bc {
				best, bc = n, c
			}
		}
		if total >= opt.DictMinCount && float64(best) >= opt.DictMinShare*float64(total) {
			t.dict[shash(form)] = uint16(bc)
		}
	}
}

// learnAmb gives every word seen at least AmbMinCount times its ambiguity
// class: the set of classes it takes at least 5% of the time.
func (t *Tagger) learnAmb(train *Doc, index map[tagPair]int, opt TaggerOptions) {
	counts := map[string]map[int]int{}
	var buf []byte
	for si := range train.Sentences {
		for _, w := range train.Sentences[si].Words {
			buf = appendLower(buf[:0], w.Form)
			m := counts[string(buf)]
			if m == nil {
				m = map[int]int{}
				counts[string(buf)] = m
			}
			m[index[tagPair{w.UPOS, w.XPOS}]]++
		}
	}
	t.amb = map[uint64]uint64{}
	var set []int
	for low, m := range counts {
		total := 0
		for _, n := range m {
			total += n
		}
		if total < opt.AmbMinCount {
			continue
		}
		set = set[:0]
		for c, n := range m {
			if 20*n >= total {
				set = append(set, c)
			}
		}
		slices.Sort(set)
		h := uint64(0x616d62)
		for _, c := range set {
			h = fhash(h, uint64(c))
		}
		t.amb[shash(low)] = h
	}
}
