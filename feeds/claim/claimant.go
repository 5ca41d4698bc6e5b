package claim

import (
	"strings"
)

// attribution is who a sentence says is speaking.
type attribution struct {
	claimant string
	from, to int  // the claimant's words, as token indexes
	verb     int  // the speech verb or "according", -1 if none
	backref  bool // "This was stated by X": X also said the sentence before
	pronoun  bool
	side     string
	media    bool // "media reports (…)"
}

// attribute finds the sentence's attribution: "according to X", "was
// stated by X", "X said", "said X".
func (r *run) attribute() attribution {
	ts := r.toks
	for k := 0; k < len(ts); k++ {
		if ts[k].kind != tWord {
			continue
		}
		c := r.cls(k)
		// according to X
		if c&cAccording != 0 && k+1 < len(ts) && r.cls(k+1)&cTo != 0 {
			j := r.npEnd(k+2, false)
			if a, ok := r.resolveNP(k+2, j); ok {
				a.verb = k
				return a
			}
			continue
		}
		if c&cSpeech == 0 || !r.freeWord(k) {
			continue
		}
		// "media reports that …", "the claims that …": nouns, not verbs
		if c&cReportsNoun != 0 && k > 0 && r.cls(k-1)&(cMedia|cDet) != 0 {
			continue
		}
		// was stated by X
		if k+1 < len(ts) && r.cls(k+1)&cBy != 0 && k > 0 && r.cls(k-1)&cAux != 0 {
			j := r.npEnd(k+2, true)
			if a, ok := r.resolveNP(k+2, j); ok {
				a.verb = k
				a.backref = r.isThisWas(k)
				return a
			}
			continue
		}
		// X said
		if i := r.npStart(k); i < k {
			if a, ok := r.resolveNP(i, r.verbSubjectEnd(k)); ok {
				a.verb = k
				a.backref = r.saysThis(k)
				return a
			}
		}
		// said X, after a comma or a quotation
		if k > 0 && ts[k-1].kind == tPunct && (ts[k-1].p == ',' || ts[k-1].p == '"') {
			j := r.npEnd(k+1, false)
			// "said Tomas Berg, a spokesman for the Norwegian Red Cross"
			if j+2 < len(ts) && ts[j].kind == tPunct && ts[j].p == ',' && r.cls(j+1)&cDet != 0 {
				j = r.npEnd(j+1, false)
			}
			if a, ok := r.resolveNP(k+1, j); ok {
				a.verb = k
				return a
			}
		}
	}
	return attribution{verb: -1}
}

// freeWord reports a word that no lexicon phrase has taken ("reports" in
// "media reports" is a noun, not a verb).
func (r *run) freeWord(k int) bool {
	m := r.toks[k].mk
	return m < 0 || r.marks[m].j-r.marks[m].i == 1 && r.marks[m].ph.claimant == ""
}

// isThisWas reports "This was stated by": the speaker is named after the
// words, which are in the sentence before.
func (r *run) isThisWas(verb int) bool {
	return verb >= 2 && verb <= 3 && r.toks[0].kind == tWord && r.cls(0)&(cDet|cIt) != 0 &&
		r.cls(1)&cAux != 0
}

// saysThis reports "X said this." / "X said so.", which attribute the
// sentence before.
func (r *run) saysThis(verb int) bool {
	k := verb + 1
	if k >= len(r.toks) {
		return false
	}
	w := r.word(k)
	if w != "this" && w != "so" && w != "that" {
		return false
	}
	return k+1 == len(r.toks) || r.toks[k+1].kind == tPunct
}

// npStart walks left from the speech verb at k over the words that can
// make up a claimant, "Ukrainian President Volodymyr Zelensky", "The
// American newspaper The New York Times", "South Korea's spy agency",
// skipping adverbs and auxiliaries just before the verb ("Zelensky first
// reported", "He has said").
func (r *run) npStart(k int) int {
	j := r.verbSubjectEnd(k)
	i := j
	for i > 0 && j-i < 12 {
		t := r.toks[i-1]
		if t.kind == tPunct {
			if t.p == ')' || t.p == '(' {
				i--
				continue
			}
			// "CNN, citing U.S. officials, reported": skip the aside
			if t.p == ',' {
				if m := r.asideStart(i - 1); m >= 0 {
					i = m
					j = m
					continue
				}
				// "Kyrylo Budanov, the head of Ukraine's military
				// intelligence, said": the appositive belongs to the name
				if m := r.appositiveStart(i - 1); m >= 0 {
					i = m
					continue
				}
			}
			// the dot of an initial: "J. R. Smith"
			if t.p == '.' && i >= 2 && r.toks[i-2].kind == tWord && r.toks[i-2].cap && r.toks[i-2].e-r.toks[i-2].s == 1 {
				i--
				continue
			}
			break
		}
		if t.kind != tWord {
			break
		}
		c := r.cls(i - 1)
		noun := c&cReportsNoun != 0 && i >= 2 && r.cls(i-2)&(cMedia|cDet) != 0
		// an adjective before a group: "local officials", "senior sources"
		if t.mk < 0 && c == 0 && !t.cap && i < j && (r.cls(i)&(cGeneric|cTitle) != 0 && !r.toks[i].cap ||
			j-i < 3 && r.cls(j-1)&cGeneric != 0) {
			i--
			continue
		}
		// "the International Organization for Migration"
		if r.word(i-1) == "for" && i >= 2 && i < j && r.toks[i].cap && r.toks[i-2].cap && r.toks[i-2].kind == tWord {
			i--
			continue
		}
		// "officials in Seoul", "sources in Kyiv"
		if c&cPlacePrep != 0 && i >= 2 && i < j && r.cls(i-2)&cGeneric != 0 {
			i--
			continue
		}
		if t.mk >= 0 || t.cap || noun || c&(cDet|cOf|cTitle|cGeneric|cPronPerson|cThey|cIt|cLatter) != 0 || r.is(i-1, "'s") {
			if c&(cSpeech|cThat|cAccording) != 0 && t.mk < 0 && !noun {
				break
			}
			i--
			continue
		}
		break
	}
	// "of" or "'s" cannot open the phrase
	for i < j && (r.cls(i)&cOf != 0 || r.is(i, "'s")) {
		i++
	}
	return i
}

// appositiveStart: the comma at k closes an appositive after a name,
// "Kyrylo Budanov, the head of Ukraine's military intelligence,"; it
// returns the index of the name's first word, or -1.
func (r *run) appositiveStart(k int) int {
	for m := k - 1; m >= 1 && m >= k-12; m-- {
		t := r.toks[m]
		if t.kind == tQty || (t.kind == tWord && r.cls(m)&(cSpeech|cThat) != 0 && t.mk < 0) {
			return -1
		}
		if t.kind != tPunct {
			continue
		}
		if t.p != ',' || r.cls(m+1)&cDet == 0 || m+2 >= k {
			return -1
		}
		// a name just before the opening comma
		n := m
		for n > 0 && (r.nameTok(n-1) || r.personAt(n-1)) {
			n--
		}
		if n == m {
			return -1
		}
		return n
	}
	return -1
}

func (r *run) personAt(k int) bool {
	ph := r.phraseAt(k)
	return ph != nil && ph.ckind == kPerson
}

// appositive reads a claimant phrase that names a person and then says who
// they are: "Tomas Berg, a spokesman for the Norwegian Red Cross" is
// "Tomas Berg (Norwegian Red Cross)", "Hassan Malik, a hospital director in
// Khan Younis" is "Hassan Malik (hospital director)".
func (r *run) appositive(i, j int, org *phrase) (name, role string, words int, ok bool) {
	c := i
	for c < j && !(r.toks[c].kind == tPunct && r.toks[c].p == ',') {
		c++
	}
	if c == i || c+2 >= j || r.cls(c+1)&cDet == 0 {
		return "", "", 0, false
	}
	ns := c
	for ns > i && r.nameTok(ns-1) {
		ns--
	}
	if ns == c || c-ns > 5 {
		return "", "", 0, false
	}
	name = r.p[r.toks[ns].s:r.toks[c-1].e]
	rs, re := c+2, j
	for re > rs && r.toks[re-1].kind == tPunct {
		re--
	}
	switch {
	case org != nil:
		role = org.short
		if role == "" {
			role = org.claimant
		}
	default:
		// "a spokesman for the Norwegian Red Cross": the organisation
		for k := rs; k < re; k++ {
			if w := r.word(k); w == "for" || w == "of" || w == "at" {
				s := k + 1
				for s < re && r.cls(s)&cDet != 0 {
					s++
				}
				e := s
				for e < re && r.toks[e].kind == tWord && r.toks[e].cap {
					e++
				}
				if e > s {
					role = r.p[r.toks[s].s:r.toks[e-1].e]
				}
				break
			}
		}
		if role == "" {
			// "a hospital director in Khan Younis": the role itself
			e := rs
			for e < re && r.toks[e].kind == tWord && !r.toks[e].cap && r.cls(e)&(cPlacePrep|cOf|cFunction) == 0 {
				e++
			}
			if e > rs && e-rs <= 4 {
				role = r.p[r.toks[rs].s:r.toks[e-1].e]
			}
		}
	}
	return name, role, c - ns, true
}

// roleBefore is the role a name is introduced by when no organisation is
// named: "the provincial governor Marta Ilves" is "provincial governor",
// "Red Crescent spokeswoman Leila Haddad" is "Red Crescent". Capitalised
// titles ("President", "Secretary of State") are honorifics, not roles.
func (r *run) roleBefore(i, ns int) string {
	e := ns
	s := e
	for s > i && e-s < 3 && r.toks[s-1].kind == tWord && !r.toks[s-1].cap && r.toks[s-1].mk < 0 &&
		r.cls(s-1)&(cDet|cFunction|cSpeech|cAccording|cThat) == 0 {
		s--
	}
	if s == e || r.cls(e-1)&(cTitle|cGeneric) == 0 {
		return ""
	}
	// an organisation named before the role: "Red Crescent spokeswoman"
	os := s
	for os > i && r.nameTok(os-1) {
		os--
	}
	// a capital that only opens the sentence ("Regional governor …") is
	// no organisation
	if os < s && !(os == 0 && s == 1) {
		return r.p[r.toks[os].s:r.toks[s-1].e]
	}
	if os == 0 && s == 1 {
		s = 0
	}
	return r.p[r.toks[s].s:r.toks[e-1].e]
}

// clauseClaimant finds the speaker of the clause around token k when the
// sentence gives each clause its own: in "Police put the number at 12,000,
// while organisers said more than 100,000 took to the streets" the second
// figure is the organisers'. It returns false when k's clause names no
// speaker of its own or shares one with the sentence's.
func (r *run) clauseClaimant(k, verb int) (attribution, bool) {
	lo, hi := 0, len(r.toks)
	for j := k - 1; j > 0; j-- {
		if r.clauseBreak(j) {
			lo = j
			break
		}
	}
	for j := k + 1; j < len(r.toks); j++ {
		if r.clauseBreak(j) {
			hi = j
			break
		}
	}
	if verb >= lo && verb < hi {
		return attribution{}, false
	}
	// "59 are still held in Gaza, and Israeli officials believe …": a
	// speaker who opens a later clause speaks for that clause only
	if verb > hi && r.word(hi) == "and" && r.npStart(verb) == hi+1 && verb+2 < len(r.toks) {
		return attribution{claimant: r.outlet(), from: -1, to: -1, verb: -1}, true
	}
	for j := lo + 1; j < hi; j++ {
		if r.toks[j].kind != tWord || r.cls(j)&cSpeech == 0 || !r.freeWord(j) {
			continue
		}
		if i := r.npStart(j); i < j && i > lo {
			if a, ok := r.resolveNP(i, r.verbSubjectEnd(j)); ok {
				a.verb = j
				return a, true
			}
		}
	}
	return attribution{}, false
}

// clauseBreak: "while", "but", "whereas" or ", and" open a new clause.
func (r *run) clauseBreak(j int) bool {
	t := r.toks[j]
	if t.kind == tPunct {
		return t.p == ';'
	}
	if t.mk >= 0 {
		return false
	}
	switch r.word(j) {
	case "while", "but", "whereas":
		return true
	case "and":
		return j > 0 && r.toks[j-1].kind == tPunct && r.toks[j-1].p == ','
	}
	return false
}

// asideStart: the comma at k closes ", citing X," or ", quoting X,"; it
// returns the index of the opening comma, or -1.
func (r *run) asideStart(k int) int {
	for m := k - 1; m >= 0 && m >= k-10; m-- {
		t := r.toks[m]
		if t.kind == tPunct && t.p == ',' {
			if w := r.word(m + 1); w == "citing" || w == "quoting" {
				return m
			}
			return -1
		}
	}
	return -1
}

// verbSubjectEnd is where the subject of the verb at k ends, past "has",
// "also", "first", "had earlier".
func (r *run) verbSubjectEnd(k int) int {
	j := k
	for n := 0; n < 2 && j > 0; n++ {
		if r.toks[j-1].kind == tWord && !r.toks[j-1].cap && (r.cls(j-1)&cAux != 0 || isAdverb(r.word(j-1))) {
			j--
			continue
		}
		break
	}
	return j
}

func isAdverb(w string) bool {
	switch w {
	case "first", "also", "later", "earlier", "previously", "recently", "again", "further",
		"separately", "publicly", "officially", "repeatedly", "initially", "now", "then", "reportedly", "has", "have", "had":
		return true
	}
	return false
}

// npEnd finds the end of a claimant phrase starting at i: up to the next
// clause break. A passive agent ("by various media outlets, including A
// and B") keeps its commas.
func (r *run) npEnd(i int, agent bool) int {
	j := i
	for j < len(r.toks) && j-i < 30 {
		t := r.toks[j]
		if t.kind == tPunct && t.p != '(' && t.p != ')' && t.p != '\'' && !(t.p == '.' && j+1 < len(r.toks)) {
			if !(agent && t.p == ',') {
				break
			}
		}
		if t.kind == tQty || (t.kind == tWord && r.cls(j)&cThat != 0 && t.mk < 0) {
			break
		}
		if !agent && t.kind == tWord && r.cls(j)&cSpeech != 0 && r.freeWord(j) &&
			!(r.cls(j)&cReportsNoun != 0 && (j == i || r.cls(j-1)&(cMedia|cDet) != 0)) {
			break
		}
		j++
	}
	return j
}

// resolveNP turns a claimant phrase into its canonical name and updates
// what later pronouns and surnames refer to.
func (r *run) resolveNP(i, j int) (attribution, bool) {
	a := attribution{from: i, to: j, verb: -1}
	if i >= j {
		return a, false
	}
	// pronouns
	if j-i == 1 {
		switch c := r.cls(i); {
		case c&(cPronPerson|cPronObj) != 0:
			if r.lastPerson == "" {
				return a, false
			}
			a.claimant, a.pronoun, a.side = r.lastPerson, true, r.lastPersonSide
			return a, true
		case c&(cThey|cIt) != 0:
			if r.lastClaimant == "" {
				return a, false
			}
			a.claimant, a.pronoun, a.side = r.lastClaimant, true, r.lastSide
			return a, true
		}
	}
	// "figures from the UK Home Office", "data from the UN": the source
	for i+2 < j && isFiguresWord(r.word(i)) && (r.word(i+1) == "from" || r.word(i+1) == "by" || r.word(i+1) == "of") {
		i += 2
		a.from = i
	}
	var org, outlet, person *phrase
	orgAt := -1
	var outlets []string
	media := false
	generic := false
	for k := i; k < j; k++ {
		c := r.cls(k)
		if c&cMedia != 0 && r.toks[k].mk < 0 {
			media = true
		}
		if c&cGeneric != 0 {
			generic = true
		}
		if c&cLatter != 0 && r.latter != "" {
			a.claimant, a.side = r.latter, r.latterSide
			return a, true
		}
		ph := r.phraseAt(k)
		if ph == nil {
			continue
		}
		switch ph.ckind {
		case kOrg:
			if org == nil {
				org, orgAt = ph, k
			}
		case kOutlet:
			if outlet == nil {
				outlet = ph
			}
			if !contains(outlets, ph.claimant) {
				outlets = append(outlets, ph.claimant)
			}
		case kPerson:
			person = ph
		}
		k = r.markEnd(k) - 1
	}
	if (media && len(outlets) > 0) || len(outlets) > 1 {
		a.claimant, a.media = "media reports ("+strings.Join(outlets, ", ")+")", true
		if r.mediaList == "" {
			r.mediaList = a.claimant
		}
		return a, true
	}
	if person != nil {
		a.claimant, a.side = person.claimant, person.side
		r.notePerson(a.claimant, a.side, "")
		return a, true
	}
	// "Tomas Berg, a spokesman for the Norwegian Red Cross": a name, then
	// who the person is
	if name, role, words, ok := r.appositive(i, j, org); ok {
		side := ""
		if org != nil {
			side = org.side
		}
		a.claimant, a.side = r.person(name, words, role, side)
		return a, true
	}
	// a name: the last run of capitalised words no lexicon entry knows
	ne := j
	for ne > i && !r.nameTok(ne-1) {
		ne--
	}
	// a name ends the phrase, give or take a closing mark: in "Greek
	// authorities" or "the Gaza Health Ministry" the capitalised words
	// qualify a group, they do not name a person
	if j-ne > 1 || (j-ne == 1 && r.toks[j-1].kind != tPunct) {
		ne = i
	}
	ns := ne
	for ns > i && ne-ns < 6 {
		if r.nameTok(ns - 1) {
			ns--
			continue
		}
		// an initial: "J. R. Smith"
		if ns-2 >= i && r.toks[ns-1].kind == tPunct && r.toks[ns-1].p == '.' && r.nameTok(ns-2) &&
			r.toks[ns-2].e-r.toks[ns-2].s == 1 {
			ns -= 2
			continue
		}
		break
	}
	// "the International Organization for Migration": one name
	if ns < ne && ns-2 >= i && (r.word(ns-1) == "for" || r.word(ns-1) == "of") && r.toks[ns-2].cap {
		s := r.skipDet(i, j)
		a.claimant = r.p[r.toks[s].s:r.toks[j-1].e]
		r.noteEntity(a.claimant, "")
		return a, true
	}
	if ns < ne {
		name := r.p[r.toks[ns].s:r.toks[ne-1].e]
		short, side := "", ""
		if org != nil {
			short, side = org.short, org.side
			if short == "" {
				short = org.claimant
			}
		} else {
			short = r.roleBefore(i, ns)
		}
		a.claimant, a.side = r.person(name, ne-ns, short, side)
		return a, true
	}
	if org != nil {
		a.claimant, a.side = org.claimant, org.side
		// "the UN refugee agency" is not the UN at large
		if e := r.markEnd(orgAt); e < j && e+3 >= j && r.cls(j-1)&cGeneric != 0 && !r.punctBetween(orgAt, j) {
			a.claimant = strings.TrimPrefix(r.p[r.toks[r.skipDet(i, orgAt)].s:r.toks[j-1].e], "the ")
		}
		r.noteEntity(a.claimant, a.side)
		return a, true
	}
	if outlet != nil {
		a.claimant = outlet.claimant
		r.noteEntity(a.claimant, "")
		return a, true
	}
	if media {
		a.claimant, a.media = "media reports", true
		// "Russian media", "state media": say which
		if s := r.skipDet(i, j); j-s <= 3 && r.cls(s)&cMedia == 0 {
			e := s
			for e < j && r.cls(e)&cMedia == 0 {
				e++
			}
			if e < j {
				a.claimant = r.p[r.toks[s].s:r.toks[e].e]
			}
		}
		return a, true
	}
	// a country speaking: "Russia said", "North Korea's government said"
	if s := r.skipDet(i, j); s < j {
		if ph := r.phraseAt(s); ph != nil && ph.nat != "" && ph.natNoun == "" && r.markEnd(s) == j && r.toks[s].cap {
			a.claimant, a.side = r.p[r.toks[s].s:r.toks[j-1].e], ph.side
			return a, true
		}
	}
	if !generic {
		return a, false
	}
	// "the agency said": the organisation named last
	for k := i; k < j; k++ {
		if r.cls(k)&cAnaphorOrg != 0 && r.lastEntity != "" && j-i <= 3 {
			a.claimant, a.side = r.lastEntity, r.lastEntitySide
			return a, true
		}
	}
	// a group with no name: "American officials", "military analysts"
	s := i
	for s < j && r.cls(s)&cDet != 0 {
		s++
	}
	if j-s > 6 || s >= j {
		return a, false
	}
	a.claimant = r.p[r.toks[s].s:r.toks[j-1].e]
	if ph := r.phraseAt(s); ph != nil && ph.nat != "" {
		a.side = ph.side
	}
	return a, true
}

func isFiguresWord(w string) bool {
	switch w {
	case "figures", "data", "statistics", "estimates", "numbers", "a", "tallies", "counts":
		return w != "a"
	}
	return false
}

func (r *run) skipDet(i, j int) int {
	for i < j && r.cls(i)&cDet != 0 {
		i++
	}
	return i
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (r *run) nameTok(k int) bool {
	return r.toks[k].kind == tWord && r.toks[k].cap && r.isNameWord(k)
}

// isNameWord: a capitalised word that is not a title, a function word or
// part of a known phrase.
func (r *run) isNameWord(k int) bool {
	if r.toks[k].mk >= 0 {
		return false
	}
	return r.cls(k)&(cTitle|cFunction|cDet|cMonth|cWeekday|cGeneric|cPronPerson|cThey|cIt|cSpeech|cAccording|cOf|cPlaceSuffix) == 0
}

// person canonicalises a name: a surname alone is the full name met
// earlier in the article; a role learned once stays with the name.
func (r *run) person(name string, words int, short, side string) (string, string) {
	key := strings.ToLower(name)
	last := key
	if i := strings.LastIndexByte(key, ' '); i >= 0 {
		last = key[i+1:]
	}
	if p, ok := r.persons[last]; ok && (words == 1 || strings.HasPrefix(p.canon, name)) {
		r.notePerson(p.canon, p.side, "")
		return p.canon, p.side
	}
	canon := name
	if short != "" {
		canon += " (" + short + ")"
	}
	if words > 1 {
		r.persons[last] = personRef{canon: canon, side: side}
	}
	r.notePerson(canon, side, "")
	return canon, side
}

type personRef struct{ canon, side string }

func (r *run) notePerson(canon, side, _ string) {
	r.lastPerson, r.lastPersonSide = canon, side
}

func (r *run) noteEntity(canon, side string) {
	r.lastEntity, r.lastEntitySide = canon, side
}
