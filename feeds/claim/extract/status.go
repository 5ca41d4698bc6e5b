package extract

import (
	"slices"
	"strings"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// status reads predicate i as a status claim under one of its frames.
func (ar *article) status(st *sent, i int, frs []*statusFrame) {
	k := ar.x.k
	for _, fr := range frs {
		s := st.child(i, fr.Subject...)
		if s < 0 && st.rel(i) == "xcomp" {
			// "remained afloat", "is said to be alive": the subject is the
			// verb's above.
			s = st.child(st.head(i), fr.Subject...)
		}
		if s < 0 || asked(st, s, k) {
			continue
		}
		if len(fr.Needs) > 0 && !hasBelow(st, i, fr.needs, 2) {
			continue
		}
		subject, ok := ar.statusSubject(st, s, fr.SubjectNeeds)
		if !ok {
			continue
		}
		if ar.notAClaimStatus(st, i) {
			continue
		}
		pol := claim.Present
		if fr.Polarity == "absent" {
			pol = claim.Absent
		}
		if ar.negated(st, i) {
			pol = -pol
		}
		place := ""
		if len(fr.PlaceFrom) > 0 {
			pw := st.child(i, fr.PlaceFrom...)
			if pw < 0 || (st.rel(pw) == "obl" && !k.placeCases[st.caseOf(pw)] && st.caseOf(pw) != "from") {
				continue
			}
			if place = placeWord(st, k, pw); place == "" {
				continue
			}
		} else {
			place = ar.placeOf(st, i, s)
		}
		c := claim.Claim{
			Kind: claim.Status, Subject: subject, Measure: fr.Measure, Place: place, Polarity: pol,
			Claimant: ar.attribute(st, i), AsOf: ar.asOf(st, i),
		}
		ar.add(st, c, st.w(i).Start)
		return
	}
}

// statusSubject returns the canonical subject of a status, checked against
// what the frame needs: a name, a vessel, a facility, soldiers.
func (ar *article) statusSubject(st *sent, s int, needs string) (string, bool) {
	k := ar.x.k
	if st.upos(s) == "PRON" {
		if needs != "name" {
			return "", false
		}
		p, ok := ar.lastPerson(st.lemmas[s])
		return strings.ToLower(p), ok
	}
	switch needs {
	case "name":
		// One person by name: not a group ("Palestinians"), an organisation
		// or outlet the registry knows, or a place.
		n := st.nameNear(s)
		if n == "" || st.w(s).XPOS == "NNPS" || placeUnder(st, k, st.head(s)) == strings.ToLower(n) {
			return "", false
		}
		if e, ok := ar.x.reg.Lookup(n); ok && e.Kind != "person" {
			return "", false
		}
		if full := ar.person(n); full != "" {
			n = full
		}
		return strings.ToLower(n), true
	case "vessel", "facility":
		if n := st.nameNear(s); n != "" && needs == "vessel" {
			return strings.ToLower(n), true
		}
		if k.thingOf[st.lemmas[s]] == needs {
			return st.lemmas[s], true
		}
		return "", false
	case "":
		return ar.subject(st, s, "").String(), true
	}
	sb := ar.subject(st, s, "")
	if !k.classOf[needs][sb.head] && st.upos(s) != "PROPN" {
		return "", false
	}
	return sb.String(), true
}

// hasBelow reports whether a word with a lemma in want hangs under i within
// depth levels.
func hasBelow(st *sent, i int, want set, depth int) bool {
	for _, c := range st.kids[i] {
		if want[st.lemmas[c]] || (depth > 1 && hasBelow(st, c, want, depth-1)) {
			return true
		}
	}
	return false
}

// negated reports a predicate that says "not": a negation under it, or a
// verb above it that ends it ("stopped functioning").
func (ar *article) negated(st *sent, i int) bool {
	k := ar.x.k
	for _, c := range st.kids[i] {
		if (st.rel(c) == "advmod" || st.rel(c) == "det" || st.rel(c) == "cc:preconj") && k.negations[st.lemmas[c]] {
			return true
		}
	}
	if h := st.head(i); h >= 0 && (st.rel(i) == "xcomp" || st.rel(i) == "ccomp") && k.stops[st.lemmas[h]] {
		return true
	}
	return false
}

// notAClaimStatus is notAClaim without the negation test (a negated status
// is a claim of the opposite polarity), and a status in any clause that
// describes a noun (acl, amod as well as acl:relcl) asserts nothing.
func (ar *article) notAClaimStatus(st *sent, p int) bool {
	return ar.unasserted(st, p, "acl:relcl", "acl", "amod")
}

// unasserted reports a predicate that is possible, conditional, planned, or
// in a clause (one of describing) that only describes a noun: the tests
// figures and statuses share.
func (ar *article) unasserted(st *sent, p int, describing ...string) bool {
	k := ar.x.k
	for _, c := range st.kids[p] {
		switch st.rel(c) {
		case "aux":
			if k.modals[st.lemmas[c]] {
				return true
			}
		case "mark":
			if k.conditions[st.lemmas[c]] {
				return true
			}
		}
	}
	switch r := st.rel(p); {
	case r == "acl:relcl" && st.child(p, "mark") >= 0 && k.timeNoun(st.lemmas[st.head(p)]):
		// "said on Monday that 12 people had died": a complement the
		// parser hung from the day, not a clause describing it.
		return false
	case slices.Contains(describing, r):
		return true
	case r == "xcomp" || r == "ccomp" || r == "advcl":
		if h := st.head(p); h >= 0 && k.plans[st.lemmas[h]] {
			return true
		}
	}
	return false
}

// asked reports a subject an interrogative determiner asks about ("which
// side holds the town"): the sentence says nothing of it.
func asked(st *sent, s int, k *knowledge) bool {
	for _, c := range st.kids[s] {
		if st.rel(c) == "det" && k.questions[st.lemmas[c]] {
			return true
		}
	}
	return false
}
