package extract

import (
	"slices"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// reading is how a number was read: the measure, the word that names what
// is counted (-1 for none), and the predicate the claim hangs from.
type reading struct {
	measure string
	counted int
	pred    int
	needs   string // the subject class the frame asks for
	percent bool   // the frame counts a share
}

// figure reads the number at word n with quantity q.
func (ar *article) figure(st *sent, n int, q claim.Quantity) {
	k := ar.x.k
	var rd reading
	var subject subj
	found := false
	for _, cand := range ar.readNumber(st, n) {
		if q.Percent != (cand.percent || k.measures[cand.measure].Unit == "percent") {
			continue
		}
		subject = ar.subject(st, cand.counted, cand.measure)
		if ar.countable(st, cand, subject) {
			rd, found = cand, true
			break
		}
	}
	if !found || ar.notAClaim(st, rd.pred) {
		return
	}
	subject = ar.ownerOf(st, rd, subject)
	rd.measure = ar.alternative(st, rd)
	if unit := k.measures[rd.measure].Unit; subject.head != unit {
		ar.lastGroup = group{s: subject, unit: unit, sentence: st.s.Start}
	} else if ar.lastGroup.unit == unit {
		ar.lastGroup.sentence = st.s.Start
	}
	c := claim.Claim{
		Kind: claim.Figure, Subject: subject.String(), Measure: rd.measure,
		Value: q.Value, ValueText: q.Text,
		Place:    ar.placeOf(st, rd.pred, rd.counted),
		Claimant: ar.attribute(st, rd.pred),
		AsOf:     ar.asOf(st, rd.pred),
	}
	ar.add(st, c, st.w(n).Start)
}

// countable checks the counted noun against the frame: a frame that asks
// for a class (jobs, soldiers) needs a noun of it, not the unit standing
// in; a count of people needs people ("two earthquakes killed" counts no
// one; "six miners" and "105 Rohingya" do).
func (ar *article) countable(st *sent, rd reading, s subj) bool {
	k := ar.x.k
	named := rd.counted >= 0 && st.upos(rd.counted) != "NUM" && st.upos(rd.counted) != "PRON"
	if rd.needs != "" {
		return named && k.classOf[rd.needs][s.head]
	}
	if named && k.measures[rd.measure].Unit == "people" && !k.classOf["person"][s.head] {
		return st.upos(rd.counted) == "PROPN" && k.thingOf[st.lemmas[rd.counted]] == ""
	}
	return true
}

// readNumber lists the readings of the number at n, the likeliest first:
// a measure noun it counts, a frame's predicate it (or its noun) is an
// argument of, the value a predicate gives a measure noun.
func (ar *article) readNumber(st *sent, n int) []reading {
	var out []reading
	counted := n
	if st.rel(n) == "nummod" || st.rel(n) == "nummod:gov" {
		counted = st.head(n)
	}
	// "300 of the soldiers", "12 of them": the noun after "of" is counted.
	of := -1
	if counted == n {
		for _, c := range st.kids[n] {
			if st.rel(c) == "nmod" && st.caseOf(c) == "of" {
				of = c
			}
		}
	}
	// A measure noun counted by the number: "4,300 deaths", "900 casualties".
	if counted != n {
		if fr := ar.nounFrame(st, counted); fr != nil {
			who := ar.nounSubject(st, counted)
			out = append(out, reading{measure: fr.Measure, counted: who, pred: ar.predOf(st, counted), percent: fr.Percent})
		}
	}
	// "a group of 50,000 soldiers": the group is the argument, the
	// soldiers are counted.
	if h := st.head(counted); counted != n && h >= 0 && st.rel(counted) == "nmod" && st.caseOf(counted) == "of" && ar.x.k.collectives[st.lemmas[h]] {
		for _, rd := range ar.predicateFrames(st, h) {
			rd.counted = counted
			out = append(out, rd)
		}
	}
	// A predicate the counted phrase is an argument of.
	for _, cand := range []int{counted, n} {
		for _, rd := range ar.predicateFrames(st, cand) {
			if of >= 0 {
				rd.counted = of
			} else if cand == n && counted != n {
				rd.counted = counted
			}
			out = append(out, rd)
		}
	}
	// The value a predicate gives a measure noun: "the toll rose to 45",
	// "put the turnout at 61%", "the toll is 45", "a toll of 45".
	if rd, ok := ar.valueFrame(st, n); ok {
		out = append(out, rd)
	}
	return out
}

// predicateFrames reads word i as an argument of a frame's predicate: its
// head, an adjective under its head ("12 people remain missing"), or a
// participle or adjective that describes it ("4,300 people killed", "760,000
// Syrians registered", "300 killed and 2,700 wounded", "320 dead").
func (ar *article) predicateFrames(st *sent, i int) []reading {
	k := ar.x.k
	var out []reading
	rel, p := st.rel(i), st.head(i)
	if p >= 0 {
		out = append(out, ar.framesAt(st, p, rel, i, p)...)
		for _, x := range st.kids[p] {
			if st.rel(x) == "xcomp" {
				out = append(out, ar.framesAt(st, x, rel, i, p)...)
			}
		}
	}
	for _, c := range st.kids[i] {
		r := st.rel(c)
		if r != "acl" && r != "amod" && r != "conj" {
			continue
		}
		if st.w(c).Start < st.w(i).Start {
			continue // "the dead soldiers", "the registered refugees": a description
		}
		if r == "conj" && st.upos(c) != "VERB" && st.upos(c) != "ADJ" {
			continue
		}
		if r == "acl" && st.w(c).XPOS != "VBN" && st.upos(c) != "ADJ" {
			continue // "troops fighting for…" describes; "troops killed" counts
		}
		for _, fr := range k.figures[st.lemmas[c]] {
			if r != "conj" && !slices.Contains(fr.Count, "nsubj:pass") && st.upos(c) == "VERB" {
				continue
			}
			out = append(out, reading{measure: fr.Measure, counted: i, pred: c, needs: fr.SubjectNeeds})
		}
	}
	return out
}

// framesAt lists the figure frames of predicate p that take an argument
// at relation rel; pred is the predicate the claim hangs from.
func (ar *article) framesAt(st *sent, p int, rel string, arg, pred int) []reading {
	var out []reading
	for _, fr := range ar.x.k.figures[st.lemmas[p]] {
		for _, r := range fr.Count {
			if r == rel || (r == "nsubj" && rel == "nsubj:outer") {
				if r == "obl:agent" && st.caseOf(arg) != "by" {
					continue
				}
				out = append(out, reading{measure: fr.Measure, counted: arg, pred: pred, needs: fr.SubjectNeeds})
				break
			}
		}
	}
	return out
}

// nounFrame returns the frame of a measure noun at i, checking its "with"
// modifier ("death" in "death toll").
func (ar *article) nounFrame(st *sent, i int) *nounFrame {
	frs := ar.x.k.nouns[st.lemmas[i]]
	for _, fr := range frs {
		if len(fr.With) == 0 {
			continue
		}
		if st.childLemma(i, fr.with) {
			return fr
		}
	}
	for _, fr := range frs {
		if len(fr.With) == 0 {
			return fr
		}
	}
	return nil
}

// nounSubject returns who a measure noun counts: "deaths among civilians",
// "the toll of migrants"; -1 when it does not say.
func (ar *article) nounSubject(st *sent, i int) int {
	for _, c := range st.kids[i] {
		if st.rel(c) == "nmod" && ar.x.k.counted[st.caseOf(c)] {
			return c
		}
	}
	for _, fr := range ar.x.k.nouns[st.lemmas[i]] {
		if fr.SubjectIsNoun {
			return i
		}
	}
	// "Conscripts … suffered 900 casualties": who suffers them.
	if st.rel(i) == "obj" {
		if s := st.child(st.head(i), "nsubj"); s >= 0 && ar.x.k.classOf["person"][ar.subject(st, s, "").head] {
			return s
		}
	}
	return -1
}

// predOf returns the predicate a noun phrase belongs to: its head while
// the noun is an argument, the noun itself when it heads the sentence.
func (ar *article) predOf(st *sent, i int) int {
	switch st.rel(i) {
	case "nsubj", "nsubj:pass", "obj", "obl", "iobj", "nsubj:outer":
		if h := st.head(i); h >= 0 {
			return h
		}
	}
	return i
}

// valueFrame reads the number at n as the value of a measure noun.
func (ar *article) valueFrame(st *sent, n int) (reading, bool) {
	k := ar.x.k
	try := func(noun, pred int) (reading, bool) {
		if noun < 0 {
			return reading{}, false
		}
		if fr := ar.nounFrame(st, noun); fr != nil {
			return reading{measure: fr.Measure, counted: ar.nounSubject(st, noun), pred: pred, percent: fr.Percent}, true
		}
		return reading{}, false
	}
	// "a toll of 45", "turnout of 61%": the number hangs from the noun.
	if h := st.head(n); h >= 0 && st.rel(n) == "nmod" {
		if rd, ok := try(h, ar.predOf(st, h)); ok {
			return rd, true
		}
	}
	// "the toll is 45": the number is the predicate, the noun its subject.
	if rd, ok := try(st.child(n, "nsubj"), n); ok && st.child(n, "cop") >= 0 {
		return rd, true
	}
	// "rose to 45", "put the toll at 45", "stood at 45", "reached 45".
	p := st.head(n)
	if p < 0 || !k.values[st.lemmas[p]] {
		return reading{}, false
	}
	switch st.rel(n) {
	case "obj", "obl", "xcomp", "advmod", "obl:npmod", "nsubj":
	default:
		return reading{}, false
	}
	for _, r := range []string{"nsubj", "nsubj:pass", "obj"} {
		if c := st.child(p, r); c >= 0 && c != n {
			if rd, ok := try(c, p); ok {
				return rd, true
			}
		}
	}
	return reading{}, false
}

// notAClaim reports a predicate that asserts nothing checkable: negated,
// possible, planned, conditional, or inside a relative clause that only
// describes a noun.
func (ar *article) notAClaim(st *sent, p int) bool {
	if p < 0 {
		return false
	}
	for _, c := range st.kids[p] {
		if r := st.rel(c); (r == "advmod" || r == "det") && ar.x.k.negations[st.lemmas[c]] {
			return true
		}
	}
	return ar.unasserted(st, p, "acl:relcl")
}

// alternative returns the measure of predicates joined by "or": "killed or
// wounded" is one count of both, the measure whose parts they are
// (measures.yaml), not a count of the first.
func (ar *article) alternative(st *sent, rd reading) string {
	k := ar.x.k
	if rd.pred < 0 {
		return rd.measure
	}
	for _, c := range st.kids[rd.pred] {
		if st.rel(c) != "conj" || st.child(c, "cc") < 0 || st.lemmas[st.child(c, "cc")] != "or" {
			continue
		}
		for _, fr := range k.figures[st.lemmas[c]] {
			for name, m := range k.measures {
				if len(m.Parts) == 2 && slices.Contains(m.Parts, rd.measure) && slices.Contains(m.Parts, fr.Measure) && fr.Measure != rd.measure {
					return name
				}
			}
		}
	}
	return rd.measure
}
