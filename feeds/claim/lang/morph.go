package lang

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// morphology gives a tagged word its features and lemma from tables
// learned from the treebank:
//
//   - lex, keyed by (lower-cased form, tag class): the word's most frequent
//     features and lemma in train, and how its lemma is cased when the form
//     is capitalised;
//   - classFeats: each class's most frequent features, for words not in lex;
//   - rules, keyed by (class, last k bytes of the lower-cased form): the most
//     frequent edit turning a form into its lemma (strip n bytes, append a
//     string), learned per word type so they model unseen words;
//   - casing, keyed by (class, capitalisation, sentence-initial): whether a
//     capitalised form's lemma is lower-cased ("The" → "the") or keeps its
//     case ("Paris" → "Paris", "I" → "I");
//   - fm, a perceptron that picks among the features train gave a form and
//     class by context (see morphfeats.go).
type morphology struct {
	strs       []string // string table: features, lemmas and appended suffixes
	lex        map[uint64]lexEntry
	classFeats []uint32 // class → strs index
	rules      map[uint64]lemmaEdit
	casing     []uint8 // class*casingKeys + capKey*2 + first → casing
	maxSuffix  int
	fm         featsModel
}

// lexEntry is what train says of one (lower-cased form, class).
type lexEntry struct {
	feats  uint32 // strs index
	lemma  uint32 // strs index: the lemma of the form written in lower case
	lowed  uint32 // strs index: the lemma lower-cased, for a capitalised form whose case goes
	edit   lemmaEdit
	casing uint8
	cands  span // the feature sets train gave it
}

// lemmaEdit turns a lower-cased form into a lower-cased lemma: strip bytes
// from its end, then append strs[app].
type lemmaEdit struct {
	strip uint8
	app   uint32
}

// Casing decisions.
const (
	caseUnknown = iota
	caseKeep
	caseLower
)

// Capitalisation keys: how a form with some upper-case letter is written.
const (
	capInitial = iota // "Paris"
	capAll            // "NASA"
	capMixed          // "iPhone", "McCain"
	capKeys
	casingKeys = capKeys * 2
)

const maxLemmaSuffix = 5

func ruleKey(class, k int, suffix []byte) uint64 {
	return fhash(fhash(fhash(0x72756c65, uint64(class)), uint64(k)), bhash(suffix))
}

func lexKey(lower []byte, class int) uint64 { return fhash(bhash(lower), uint64(class)) }

// capKey classifies the capitalisation of a form with upper-case letters.
func capKey(form string) int {
	upper, lower, i0 := 0, 0, true
	initial := false
	for _, r := range form {
		switch {
		case unicode.IsUpper(r):
			if i0 {
				initial = true
			}
			upper++
		case unicode.IsLower(r):
			lower++
		}
		i0 = false
	}
	switch {
	case lower == 0:
		return capAll
	case initial && upper == 1:
		return capInitial
	}
	return capMixed
}

// annotate fills Feats and Lemma of words tagged with the classes in
// sc.tags; sc.info and sc.low hold their lower-cased forms.
func (m *morphology) annotate(sc *tagScratch, words []Word) {
	for i := range words {
		w := &words[i]
		info := &sc.info[i+2]
		low := sc.low[info.lo:info.hi]
		c := sc.tags[i]
		e, known := m.lex[lexKey(low, c)]
		cs := e.cands
		if known {
			w.Feats = m.strs[e.feats]
		} else if c < len(m.classFeats) {
			w.Feats = m.strs[m.classFeats[c]]
			e.edit = m.rule(c, low)
			cs = m.fm.classCands[c]
		}
		if cs.n > 1 && m.fm.model != nil {
			w.Feats = m.strs[m.fm.vals[m.fm.choose(sc, m.fm.model, words, i, c, cs)]]
		}
		w.Lemma = m.lemma(sc, i, w.Form, low, c, info.flags, e, known)
	}
	if len(sc.pending) == 0 {
		return
	}
	// One string for the sentence's built lemmas: one allocation, and the
	// arena is free to be reused by the next call.
	all := string(sc.arena)
	for _, p := range sc.pending {
		words[p.word].Lemma = all[p.lo:p.hi]
	}
	sc.pending = sc.pending[:0]
}

// rule finds the edit for an unseen word: that of its longest suffix seen
// with its class.
func (m *morphology) rule(c int, low []byte) lemmaEdit {
	for k := min(m.maxSuffix, len(low)); k >= 0; k-- {
		if e, ok := m.rules[ruleKey(c, k, low[len(low)-k:])]; ok && int(e.strip) <= len(low) {
			return e
		}
	}
	return lemmaEdit{}
}

// lemma returns a word's lemma when it is a stored string or the form
// itself; otherwise it builds it in sc.arena for annotate to hand out, and
// returns "".
func (m *morphology) lemma(sc *tagScratch, wi int, form string, low []byte, c int, flags uint8, e lexEntry, known bool) string {
	app := m.strs[e.edit.app]
	if !known && app == "" && int(e.edit.strip) >= len(low) {
		return form // a rule for longer words ("forces" → "force") would leave nothing of ","
	}
	if flags&flagUpper == 0 {
		if known {
			return m.strs[e.lemma]
		}
		if e.edit.strip == 0 && app == "" {
			return form
		}
		return sc.build(wi, low, int(e.edit.strip), app)
	}
	casing := e.casing
	if casing == caseUnknown {
		casing = m.casingOf(c, form, flags&flagFirst != 0)
	}
	if casing == caseLower {
		if known {
			return m.strs[e.lowed]
		}
		return sc.build(wi, low, int(e.edit.strip), app)
	}
	if e.edit.strip == 0 && app == "" {
		return form
	}
	if int(e.edit.strip) > len(form) || len(form) != len(low) {
		return sc.build(wi, low, int(e.edit.strip), app) // lower-casing changed the length: cut the lower-cased form
	}
	return sc.build(wi, []byte(form), int(e.edit.strip), app)
}

func (m *morphology) casingOf(c int, form string, first bool) uint8 {
	base := c * casingKeys
	if base+casingKeys > len(m.casing) {
		return caseKeep
	}
	k := capKey(form) * 2
	if first {
		k++
	}
	if v := m.casing[base+k]; v != caseUnknown {
		return v
	}
	for j := 0; j < casingKeys; j++ { // the class's other shapes, in order
		if v := m.casing[base+j]; v != caseUnknown {
			return v
		}
	}
	return caseKeep
}

// build appends base minus strip bytes plus app to sc.arena as word wi's
// lemma, and returns "" (annotate fills it in).
func (sc *tagScratch) build(wi int, base []byte, strip int, app string) string {
	strip = min(strip, len(base))
	lo := len(sc.arena)
	sc.arena = append(sc.arena, base[:len(base)-strip]...)
	sc.arena = append(sc.arena, app...)
	sc.pending = append(sc.pending, pendingLemma{wi, lo, len(sc.arena)})
	return ""
}

// pendingLemma is a lemma built in tagScratch.arena.
type pendingLemma struct{ word, lo, hi int }

// lexKeyS is a (lower-cased form, class) while learning.
type lexKeyS struct {
	low   string
	class int
}

// learn fills the tables from train, with the tagger's classes.
func (m *morphology) learn(train *Doc, t *Tagger, index map[tagPair]int) {
	strIDs := map[string]uint32{}
	intern := func(s string) uint32 {
		if id, ok := strIDs[s]; ok {
			return id
		}
		id := uint32(len(m.strs))
		m.strs = append(m.strs, s)
		strIDs[s] = id
		return id
	}
	intern("")
	feats := map[lexKeyS]map[string]int{}
	lemmas := map[lexKeyS]map[string]int{} // lemmas of capitalised forms
	lowLemmas := map[lexKeyS]map[string]int{}
	casing := map[lexKeyS][3]int{}
	classFeats := make([]map[string]int, len(t.classes))
	casingCounts := make([][3]int, len(t.classes)*casingKeys)
	var buf []byte
	for si := range train.Sentences {
		for wi, w := range train.Sentences[si].Words {
			c := index[tagPair{w.UPOS, w.XPOS}]
			buf = appendLower(buf[:0], w.Form)
			k := lexKeyS{string(buf), c}
			bump(feats, k, w.Feats)
			if classFeats[c] == nil {
				classFeats[c] = map[string]int{}
			}
			classFeats[c][w.Feats]++
			lemma := w.Lemma
			if lemma == "" {
				lemma = w.Form
			}
			if hasUpper(w.Form) {
				dec := lemmaCasing(lemma)
				cc := casing[k]
				cc[dec]++
				casing[k] = cc
				key := c*casingKeys + capKey(w.Form)*2
				if wi == 0 {
					key++
				}
				casingCounts[key][dec]++
				bump(lemmas, k, lemma)
			} else {
				bump(lowLemmas, k, lemma)
			}
		}
	}
	m.classFeats = make([]uint32, len(t.classes))
	for c, fm := range classFeats {
		m.classFeats[c] = intern(mostFrequent(fm))
	}
	m.casing = make([]uint8, len(casingCounts))
	for i, cc := range casingCounts {
		m.casing[i] = casingDecision(cc)
	}
	keys := make([]lexKeyS, 0, len(feats))
	for k := range feats {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b lexKeyS) int { return cmp.Or(cmp.Compare(a.low, b.low), cmp.Compare(a.class, b.class)) })
	m.learnCandidates(feats, classFeats, intern)
	featNum := map[string]uint16{}
	for k, v := range m.fm.vals {
		featNum[m.strs[v]] = uint16(k)
	}
	m.lex = make(map[uint64]lexEntry, len(keys))
	type ruleCount struct {
		key  uint64
		edit lemmaEdit
	}
	ruleCounts := map[ruleCount]int{}
	suffixLen := map[uint64]int{}
	for _, k := range keys {
		// A form seen only capitalised ("Mexico") keeps its lemma's case
		// when written in lower case ("mexico" → "Mexico"), as EWT does,
		// unless its case goes anyway ("The" → "the").
		cs := casingDecision(casing[k])
		lemma := mostFrequent(lowLemmas[k])
		if lemma == "" {
			lemma = mostFrequent(lemmas[k])
			if cs != caseKeep {
				lemma = strings.ToLower(lemma)
			}
		}
		lowLemma := strings.ToLower(lemma)
		edit := editOf(k.low, lowLemma, intern)
		m.lex[lexKey([]byte(k.low), k.class)] = lexEntry{
			feats:  intern(mostFrequent(feats[k])),
			lemma:  intern(lemma),
			lowed:  intern(lowLemma),
			edit:   edit,
			casing: cs,
			cands:  m.fm.addCands(feats[k], 1, featNum),
		}
		// Rules come from word types, so a frequent word counts once:
		// they stand for the unseen words, which are mostly rare ones.
		for n := 0; n <= min(maxLemmaSuffix, len(k.low)); n++ {
			key := ruleKey(k.class, n, []byte(k.low[len(k.low)-n:]))
			ruleCounts[ruleCount{key, edit}]++
			suffixLen[key] = n
		}
	}
	best := map[uint64]struct {
		edit lemmaEdit
		n    int
	}{}
	for rc, n := range ruleCounts {
		b := best[rc.key]
		if n > b.n || n == b.n && editLess(rc.edit, b.edit) {
			b.edit, b.n = rc.edit, n
			best[rc.key] = b
		}
	}
	// A suffix rule needs two word types behind it ("Sept." alone must
	// not teach "Capt." → "Captember"); the class's own rule needs one.
	m.rules = make(map[uint64]lemmaEdit, len(best))
	for k, b := range best {
		if b.n >= 2 || suffixLen[k] == 0 {
			m.rules[k] = b.edit
		}
	}
	m.maxSuffix = maxLemmaSuffix
}

func editLess(a, b lemmaEdit) bool {
	return a.strip < b.strip || a.strip == b.strip && a.app < b.app
}

// editOf is the edit turning low into lemma: strip what follows their
// common prefix, append the rest of lemma.
func editOf(low, lemma string, intern func(string) uint32) lemmaEdit {
	p := 0
	for p < len(low) && p < len(lemma) && low[p] == lemma[p] {
		p++
	}
	strip := len(low) - p
	if strip > 255 {
		return lemmaEdit{strip: 255, app: intern(lemma)}
	}
	return lemmaEdit{strip: uint8(strip), app: intern(lemma[p:])}
}

// lemmaCasing says whether a capitalised form's lemma kept its case.
func lemmaCasing(lemma string) int {
	if lemma != strings.ToLower(lemma) {
		return caseKeep
	}
	return caseLower
}

func casingDecision(cc [3]int) uint8 {
	switch {
	case cc[caseKeep] == 0 && cc[caseLower] == 0:
		return caseUnknown
	case cc[caseLower] > cc[caseKeep]:
		return caseLower
	}
	return caseKeep
}

func bump[K comparable](m map[K]map[string]int, k K, v string) {
	c := m[k]
	if c == nil {
		c = map[string]int{}
		m[k] = c
	}
	c[v]++
}

// mostFrequent is the most frequent string, the smallest on ties, "" for
// none.
func mostFrequent(m map[string]int) string {
	best, bn := "", 0
	for s, n := range m {
		if n > bn || n == bn && s < best {
			best, bn = s, n
		}
	}
	return best
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

func appendLower(b []byte, s string) []byte {
	for _, r := range s {
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	return b
}

// learnCandidates numbers the feature sets of train in sorted order and
// gives every class its candidates for unseen words: the sets seen with it
// at least twice.
func (m *morphology) learnCandidates(feats map[lexKeyS]map[string]int, classFeats []map[string]int, intern func(string) uint32) {
	all := map[string]bool{}
	for _, fm := range feats {
		for f := range fm {
			all[f] = true
		}
	}
	featNum := map[string]uint16{}
	for i, f := range slices.Sorted(maps.Keys(all)) {
		m.fm.vals = append(m.fm.vals, intern(f))
		featNum[f] = uint16(i)
	}
	m.fm.classCands = make([]span, len(classFeats))
	for c, fc := range classFeats {
		m.fm.classCands[c] = m.fm.addCands(fc, 2, featNum)
	}
}

// addCands appends the feature sets of counts seen at least min times
// (the most frequent one whatever its count) as a candidate list.
func (fm *featsModel) addCands(counts map[string]int, min int, featNum map[string]uint16) span {
	top := mostFrequent(counts)
	sp := span{lo: uint32(len(fm.cands))}
	for _, f := range slices.Sorted(maps.Keys(counts)) {
		if counts[f] >= min || f == top {
			fm.cands = append(fm.cands, featNum[f])
		}
	}
	sp.n = uint32(len(fm.cands)) - sp.lo
	return sp
}
