package extract

import (
	"strings"
	"unicode"
)

// subj is a canonical subject: a nationality or other group modifier and
// the canonical head noun ("north korean" + "soldiers").
type subj struct{ mod, head string }

func (s subj) String() string {
	if s.mod == "" {
		return s.head
	}
	return s.mod + " " + s.head
}

// subject returns what word i counts, canonical; i is -1 when the text
// does not say, and the measure's unit stands in.
func (ar *article) subject(st *sent, i int, measure string) subj {
	k := ar.x.k
	if i < 0 || st.upos(i) == "NUM" || st.upos(i) == "PRON" {
		unit := k.measures[measure].Unit
		// "300 of them", "they were killed": the group counted last;
		// "300 were killed and 2,700 wounded": the group this sentence
		// counted before. Only a group of the same unit stands in.
		g := ar.lastGroup
		if i >= 0 && st.upos(i) == "PRON" && k.groupPronouns[st.lemmas[i]] || g.sentence == st.s.Start && st.s.Start >= 0 && (i < 0 || st.upos(i) == "NUM") {
			if measure != "" && g.unit == unit && g.s.head != "" {
				return g.s
			}
		}
		return subj{head: unit}
	}
	head, ok := k.subjectHead(st, i)
	if !ok {
		if st.upos(i) == "PROPN" {
			// "105 Rohingya", "Ukrainians", "Russia" (captured the town).
			if n, ok := ar.x.nats.Lookup(st.name(i)); ok {
				noun := n.NounOf
				if noun == "" || measure == "" {
					noun = "soldiers"
				}
				return subj{mod: n.Name, head: noun}
			}
			head = strings.ToLower(st.name(i))
		} else {
			head = strings.ToLower(st.w(i).Form)
		}
	}
	return subj{mod: ar.groupModifier(st, i), head: head}
}

// group is the counted group a figure named, for the pronouns and bare
// numbers that come back to it.
type group struct {
	s        subj
	unit     string
	sentence int // the start of the sentence that named it
}

// ownerOf gives a counted group without a side of its own the side of the
// predicate's subject, when the measure says the subject owns what it
// counts.
func (ar *article) ownerOf(st *sent, rd reading, s subj) subj {
	if s.mod != "" || !ar.x.k.measures[rd.measure].Owned || rd.pred < 0 {
		return s
	}
	if a := st.child(rd.pred, "nsubj"); a >= 0 && a != rd.counted && st.upos(a) == "PROPN" {
		if n, ok := ar.x.nats.Lookup(st.name(a)); ok {
			s.mod = n.Name
		}
	}
	return s
}

// subjectHead returns the canonical subject of noun i, trying its lemma,
// its form and the form without a plural s (a lemmatizer's miss on a rare
// plural costs nothing here).
func (k *knowledge) subjectHead(st *sent, i int) (string, bool) {
	form := strings.ToLower(st.w(i).Form)
	for _, l := range []string{st.lemmas[i], form, strings.TrimSuffix(form, "s")} {
		if h, ok := k.subjectOf[l]; ok {
			return h, true
		}
	}
	return "", false
}

// groupModifier returns the capitalised modifier that says whose the
// counted people are: "North Korean" troops, "Rohingya" refugees,
// "Ukraine's" soldiers.
func (ar *article) groupModifier(st *sent, i int) string {
	for _, c := range st.kids[i] {
		switch st.rel(c) {
		case "amod", "compound", "nmod:poss":
			w := st.w(c)
			if w.Start > st.w(i).Start || !startsUpper(w.Form) {
				continue
			}
			a := c
			for _, g := range st.kids[c] {
				if (st.rel(g) == "compound" || st.rel(g) == "flat") && st.w(g).Start < w.Start {
					a = min(a, g)
				}
			}
			mod := st.span(a, c)
			if n, ok := ar.x.nats.Lookup(mod); ok {
				return n.Name
			}
			return demonymOf(strings.ToLower(mod))
		}
	}
	// "soldiers from the DPRK", "troops of Russia": a country after the
	// noun is whose they are.
	for _, c := range st.kids[i] {
		if st.rel(c) != "nmod" || st.w(c).Start < st.w(i).Start || (st.caseOf(c) != "from" && st.caseOf(c) != "of") {
			continue
		}
		nm := st.name(c)
		if nm == "" && startsUpper(st.w(c).Form) {
			nm = st.phrase(c) // "the DPRK", tagged a common noun
		}
		if n, ok := ar.x.nats.Lookup(nm); ok && nm != "" {
			return n.Name
		}
	}
	return ""
}

// demonymOf turns a country's possessive into its adjective's place in a
// subject: "ukraine's" → "ukraine".
func demonymOf(s string) string {
	return strings.TrimSuffix(strings.TrimSuffix(s, "'s"), "’s")
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// attribute returns who asserts the claim whose predicate is p: the
// subject of the reporting verb above it, the source of "according to",
// the speaker of the quotation it is in, or the outlet when the text names
// nobody. A speaker that cannot be named (an unresolved "it") gives way to
// the next one up ("the ministry said it had counted …").
func (ar *article) attribute(st *sent, p int) string {
	for _, s := range ar.speakers(st, p) {
		if name := ar.claimantName(st, s); name != "" {
			ar.said = append(ar.said, speakerRef{head: st.lemmas[s], name: name})
			return name
		}
	}
	if ar.quoteSpeaker != "" {
		return ar.quoteSpeaker
	}
	return ar.a.Outlet
}

// speakerRef is a claimant the article has named, by the head noun of the
// phrase that named it, for the descriptions that come back to it.
type speakerRef struct{ head, name string }

// speakers lists the words that may name who reports the clause of p,
// nearest first: up the tree from p, then the source of an "according to"
// anywhere in the sentence, then (parsers hang a sentence-final "X said" in
// many places) a top-level reporting verb after p.
func (ar *article) speakers(st *sent, p int) []int {
	k := ar.x.k
	var out []int
	st.ancestors(p, func(j int) bool {
		for _, c := range st.kids[j] {
			switch st.rel(c) {
			case "obl", "nmod", "advcl", "obl:agent":
				if fc := firstCase(st, c); fc >= 0 && st.is(fc, k.according) {
					out = append(out, c)
				}
				if st.rel(c) == "advcl" && ar.reportsAfter(st, c, p) {
					if s := subjectOf(k, st, c); s >= 0 {
						out = append(out, s)
					}
				}
			case "parataxis", "ccomp":
				// "…, the ministry said": the reporting verb after the claim
				// hangs from it (parataxis, or ccomp as parsers often have it).
				if k.reporting[st.lemmas[c]] && st.w(c).Start > st.w(p).Start {
					if s := subjectOf(k, st, c); s >= 0 {
						out = append(out, s)
					}
				}
			}
		}
		if k.reporting[st.lemmas[j]] && st.upos(j) == "VERB" {
			if s := subjectOf(k, st, j); s >= 0 {
				out = append(out, s)
			}
		}
		switch st.rel(j) {
		case "root", "ccomp", "parataxis", "conj", "xcomp", "advcl", "csubj", "dep", "acl":
			return true
		}
		return false
	})
	for j := range st.s.Words {
		if st.is(j, k.according) {
			if s := accordingSource(st, j); s >= 0 {
				out = append(out, s)
			}
		}
	}
	for j := range st.s.Words {
		if st.w(j).Start <= st.w(p).Start || !k.reporting[st.lemmas[j]] || st.upos(j) != "VERB" {
			continue
		}
		if embedded(st, j) && !(st.rel(j) == "advcl" && ar.reportsAfter(st, j, p)) {
			continue
		}
		if s := subjectOf(k, st, j); s >= 0 && st.w(s).Start > st.w(p).Start {
			out = append(out, s)
		}
	}
	// "…, the ministry said." closing the sentence, read from the words
	// alone when the tree has hung it anywhere.
	if s := closingSpeaker(k, st, p); s >= 0 {
		out = append(out, s)
	}
	// A sentence whose main verb reports ("The ministry said Friday that
	// …") is its subject's all through, however the parser hung the rest.
	for j := range st.s.Words {
		if st.rel(j) == "root" && st.upos(j) == "VERB" && k.reporting[st.lemmas[j]] && st.w(j).Start < st.w(p).Start {
			if s := subjectOf(k, st, j); s >= 0 && s != p {
				out = append(out, s)
			}
		}
	}
	return out
}

// accordingSource returns the head of the noun phrase after "according
// to" (or "per", "citing") at j, however the parser attached the words.
func accordingSource(st *sent, j int) int {
	if st.rel(j) == "case" && st.head(j) > j {
		return st.head(j)
	}
	n := len(st.s.Words)
	k := j + 1
	if k < n && st.lemmas[k] == "to" {
		k++
	}
	// The phrase's head: the first noun after, climbed while its head is
	// a noun a few words on ("the Interior Ministry": Ministry).
	for ; k < n && k <= j+4; k++ {
		if u := st.upos(k); u == "NOUN" || u == "PROPN" || u == "PRON" {
			for h := st.head(k); h > k && h <= k+6 && (st.upos(h) == "NOUN" || st.upos(h) == "PROPN"); h = st.head(h) {
				k = h
			}
			return k
		}
	}
	return -1
}

// embedded reports a word inside a clause that only modifies something
// (a relative or adverbial clause: "after Russian troops said …").
func embedded(st *sent, j int) bool {
	for steps := 0; j >= 0 && steps < len(st.s.Words); steps++ {
		switch st.rel(j) {
		case "acl", "acl:relcl", "advcl", "csubj":
			return true
		}
		j = st.head(j)
	}
	return false
}

// firstCase returns the first case-like child of i ("according" in
// "according to X"), or -1.
func firstCase(st *sent, i int) int {
	for _, c := range st.kids[i] {
		if st.rel(c) == "case" || st.rel(c) == "mark" {
			return c
		}
	}
	return -1
}

// reportsAfter reports a reporting verb v after the claim at p with no
// subordinator of its own: "…, police said" however the parser hung it.
func (ar *article) reportsAfter(st *sent, v, p int) bool {
	return st.is(v, ar.x.k.reporting) && st.upos(v) == "VERB" && st.w(v).Start > st.w(p).Start && st.child(v, "mark") < 0
}

// subjectOf returns the one who speaks through a reporting verb: its
// subject, or its agent when passive ("was reported by X").
//
// Parsers go wrong here in ways worth surviving: two subjects ("Car-parts
// maker Axelgear said": the name wins), or the speaker hung as a complement
// ("…," MSF's coordinator, Hassan Idris, said": the noun before the verb).
func subjectOf(k *knowledge, st *sent, v int) int {
	// Of two subjects, the name wins, else the one nearer the verb ("A
	// crowd of 52,000 watched …, organisers said": organisers).
	best := -1
	for _, c := range st.kids[v] {
		if st.rel(c) != "nsubj" || st.child(c, "case") >= 0 {
			continue
		}
		switch {
		case best < 0, st.upos(c) == "PROPN" && st.upos(best) != "PROPN":
			best = c
		case (st.upos(c) == "PROPN") == (st.upos(best) == "PROPN") && c < v && c > best && !commaBetween(st, c, v):
			best = c
		}
	}
	if best >= 0 {
		return best
	}
	if a := st.child(v, "obl:agent"); a >= 0 {
		return a
	}
	// "Police estimated the crowd at 25,000" parsed as a noun with a
	// participle: a root noun before a reporting verb that takes an object
	// is its subject.
	if h := st.head(v); st.rel(v) == "acl" && h >= 0 && h < v && st.rel(h) == "root" && (st.upos(h) == "NOUN" || st.upos(h) == "PROPN") && st.child(v, "obj") >= 0 {
		return h
	}
	if !k.speech[st.lemmas[v]] {
		return -1
	}
	for i := len(st.kids[v]) - 1; i >= 0; i-- {
		c := st.kids[v][i]
		if st.w(c).Start > st.w(v).Start {
			continue
		}
		if u := st.upos(c); (u == "NOUN" || u == "PROPN") && st.child(c, "cop") < 0 && st.child(c, "nsubj") < 0 {
			return c
		}
	}
	return -1
}

// claimantName turns the speaker's words into a claimant: a registry name,
// a person's name, or the description ("fire service").
func (ar *article) claimantName(st *sent, s int) string {
	if st.upos(s) == "PRON" {
		if p, ok := ar.lastPerson(st.lemmas[s]); ok {
			return ar.canon(p)
		}
		if ar.x.k.groupPronouns[st.lemmas[s]] {
			// "it said": the organisation that spoke last, else the last
			// one named as a subject.
			for i := len(ar.said) - 1; i >= 0; i-- {
				if ar.person(ar.said[i].name) == "" && !strings.Contains(ar.said[i].name, " (") {
					return ar.said[i].name
				}
			}
			if n := len(ar.orgs); n > 0 {
				return ar.canon(ar.orgs[n-1])
			}
		}
		return ""
	}
	// A description with the name beside it: "the mayor, Eleni Vasiliou",
	// "the Paris metro operator RATP".
	if st.upos(s) != "PROPN" {
		for _, c := range st.kids[s] {
			if st.upos(c) == "PROPN" && st.w(c).Start > st.w(s).Start {
				switch st.rel(c) {
				case "appos", "flat", "compound":
					s = c
				}
				break
			}
		}
	}
	// A report speaks for whoever made it: "a statement from the junta",
	// "the latest statistics from the Observatory", "the ministry's data".
	if ar.x.k.reportNouns[st.lemmas[s]] || st.lemmas[s] == "statistic" {
		for _, c := range st.kids[s] {
			switch {
			case st.rel(c) == "nmod" && (st.caseOf(c) == "from" || st.caseOf(c) == "by" || st.caseOf(c) == "of" || st.caseOf(c) == "on"):
				return ar.claimantName(st, c)
			case st.rel(c) == "nmod:poss" && !ar.x.k.timeNoun(st.lemmas[c]):
				return ar.claimantName(st, c)
			}
		}
		// A report whose modifier says whose it is: "Western estimates",
		// "government figures" (not "the latest figures").
		for _, c := range st.kids[s] {
			if st.w(c).Start > st.w(s).Start || ar.x.k.timeNoun(st.lemmas[c]) {
				continue
			}
			if st.rel(c) == "compound" && (st.upos(c) == "NOUN" || st.upos(c) == "PROPN") {
				return ar.claimantName(st, c) // "the Interior ministry toll": the ministry
			}
			if st.rel(c) == "amod" && startsUpper(st.w(c).Form) && c > 0 {
				return st.phrase(s) // "Western estimates"
			}
		}
		return ""
	}
	if ar.x.k.timeNoun(st.lemmas[s]) {
		return ""
	}
	// "his press service": the person named last speaks through it.
	if poss := st.child(s, "nmod:poss"); poss >= 0 && st.upos(poss) == "PRON" {
		if p, ok := ar.lastPerson(st.lemmas[poss]); ok {
			return ar.canon(p) + "'s " + st.text[st.w(poss).End:st.w(s).End][1:]
		}
	}
	// "Turkey's Ministry of Interior Disaster and Emergency Management":
	// an organisation's name runs on through "of" and its proper nouns.
	if st.upos(s) == "PROPN" {
		for _, c := range st.kids[s] {
			if st.rel(c) == "nmod" && st.caseOf(c) == "of" && st.upos(c) == "PROPN" && c > s {
				end := c
				for _, g := range st.kids[c] {
					if g > end && (st.upos(g) == "PROPN" || st.rel(g) == "conj" || st.rel(g) == "flat" || st.rel(g) == "compound") {
						end = g
						for _, gg := range st.kids[g] {
							end = max(end, gg)
						}
					}
				}
				start := s
				for _, g := range st.kids[s] {
					if g < start && (st.rel(g) == "compound" || st.rel(g) == "amod") && st.upos(g) == "PROPN" {
						start = g
					}
				}
				full := st.span(start, end)
				if e, ok := ar.x.reg.Lookup(full); ok {
					return e.Name
				}
				if _, ok := ar.x.reg.Lookup(st.name(s)); !ok {
					return full
				}
			}
		}
	}
	// A definite description of someone named before: "the agency" after
	// "Portugal's civil protection agency".
	if st.upos(s) == "NOUN" && st.child(s, "det") >= 0 && len(st.kids[s]) <= 2 {
		for i := len(ar.said) - 1; i >= 0; i-- {
			if ar.said[i].head == st.lemmas[s] {
				return ar.said[i].name
			}
		}
	}
	if n := st.name(s); n != "" {
		if e, ok := ar.x.reg.Lookup(n); ok {
			return e.Name
		}
	}
	ph := st.phrase(s)
	if e, ok := ar.x.reg.Lookup(ph); ok {
		return e.Name
	}
	if n := st.name(s); n != "" && n == st.w(s).Form {
		// A one-word name under capitalised modifiers is an
		// organisation's whole name ("the Syrian Civil Defense", "the
		// Syrian Health Ministry"), not a role and a name.
		a := s
		for j := s - 1; j >= 0 && st.head(j) == s && startsUpper(st.w(j).Form) && (st.upos(j) == "ADJ" || st.upos(j) == "PROPN") && (st.rel(j) == "amod" || st.rel(j) == "compound"); j-- {
			a = j
		}
		if a < s {
			full := st.span(a, s)
			if e, ok := ar.x.reg.Lookup(full); ok {
				return e.Name
			}
			return full
		}
	}
	if n := st.name(s); n != "" {
		if role := roleOf(st, s); role != "" {
			if e, ok := ar.x.reg.Lookup(role); ok && e.Short != "" {
				role = e.Short
			}
			return n + " (" + role + ")"
		}
		return n
	}
	return ph
}

// roleOf returns the description a name carries before it: "Sea-Watch
// spokeswoman" in "Sea-Watch spokeswoman Giulia Ferri", "regional governor"
// in "regional governor Oleh Syniehubov".
func roleOf(st *sent, s int) string {
	a := -1
	for _, c := range st.kids[s] {
		if st.w(c).Start > st.w(s).Start {
			continue
		}
		switch st.rel(c) {
		case "compound", "amod", "nmod:poss":
			if st.upos(c) == "PROPN" && st.rel(c) == "compound" && st.lemmas[c] == strings.ToLower(st.w(c).Form) && startsUpper(st.w(c).Form) {
				// part of the name itself ("Kyrylo" in "Kyrylo Budanov")
				if len(st.kids[c]) == 0 && c == s-1 {
					continue
				}
			}
			if a < 0 || c < a {
				a = c
			}
		}
	}
	if a < 0 {
		return ""
	}
	first := a
	for _, g := range st.kids[a] {
		if st.rel(g) != "case" && st.rel(g) != "det" && g < first {
			first = g
		}
	}
	last := s - 1
	for last > first && st.upos(last) == "PROPN" && st.rel(last) == "flat" {
		last--
	}
	role := strings.TrimSpace(st.span(first, last))
	if role == "" || strings.EqualFold(role, st.name(s)) {
		return ""
	}
	return role
}

// canon returns the registry's name for a phrase, or the phrase.
func (ar *article) canon(s string) string {
	if e, ok := ar.x.reg.Lookup(s); ok {
		return e.Name
	}
	return s
}

// rememberRuns keeps the people a sentence read without a parse names,
// from its tags alone, as mentioned (a pronoun falls back on them only when
// no parsed sentence has named anyone: without the tree, nothing says the
// name is who the story is about): a run of capitalised proper nouns is a person's name
// unless a word of it belongs to an organisation, outlet or place (leading
// ones are dropped: "Ukraine Kyrylo Budanov" after "Ministry of Defense
// of"), and a lone name that is the first or last name of someone named
// before brings that person back as the one spoken of last.
func (ar *article) rememberRuns(st *sent) {
	k := ar.x.k
	// A sentence the pipeline has not even tagged is read by its forms: a
	// capitalised word is a name's (the first word of the sentence only
	// when a capitalised word follows it).
	isName := func(i int) bool {
		if !startsUpper(st.w(i).Form) {
			return false
		}
		if u := st.upos(i); u != "" {
			return u == "PROPN"
		}
		return !ar.x.k.reporting[strings.ToLower(st.w(i).Form)] && (i > 0 || len(st.s.Words) > 1 && startsUpper(st.w(1).Form))
	}
	// Without the tree, the first person a sentence names is the likeliest
	// subject, the one a later "she" comes back to: kept last.
	var found []string
	defer func() {
		for i := len(found) - 1; i >= 0; i-- {
			ar.mentioned = append(ar.mentioned, found[i])
		}
	}()
	for i := 0; i < len(st.s.Words); {
		if !isName(i) {
			i++
			continue
		}
		j := i
		for j+1 < len(st.s.Words) && isName(j+1) && st.w(j+1).Start-st.w(j).End <= 1 {
			j++
		}
		a := i
		for a <= j && ar.notPersonWord(st, a) {
			a++
		}
		i = j + 1
		if a > j {
			continue
		}
		n := st.span(a, j)
		if full := ar.person(n); full != "" {
			found = append(found, full)
			continue
		}
		if a == j {
			continue
		}
		org := false
		for w := a; w <= j; w++ {
			org = org || k.orgWords[strings.ToLower(st.w(w).Form)]
		}
		if e, ok := ar.x.reg.Lookup(n); org || ok && e.Kind != "person" {
			continue
		}
		found = append(found, n)
	}
}

// notPersonWord reports a word that cannot begin a person's name: an
// organisation's word, a nationality or country, a time noun.
func (ar *article) notPersonWord(st *sent, i int) bool {
	l := strings.TrimSuffix(strings.ToLower(st.w(i).Form), ".")
	if ar.x.k.orgWords[l] || ar.x.k.titles[l] || ar.x.k.timeNoun(l) {
		return true
	}
	_, nat := ar.x.nats.Lookup(l)
	return nat
}

// personName reports a name that may be a person's: the registry knows it
// as one or not at all, and no word of it is an organisation's, a place's
// or a nationality's ("Peng Shuai", not "Moscow Times" or "Russia").
func (ar *article) personName(n string) bool {
	if e, ok := ar.x.reg.Lookup(n); ok {
		return e.Kind == "person"
	}
	for _, w := range strings.Fields(n) {
		l := strings.ToLower(w)
		if ar.x.k.orgWords[l] || ar.x.k.timeNoun(l) {
			return false
		}
		if _, nat := ar.x.nats.Lookup(l); nat {
			return false
		}
	}
	_, nat := ar.x.nats.Lookup(n)
	return !nat
}

// closingSpeaker finds the speaker of a sentence that ends "…, X said"
// (perhaps "… on Monday", "… in a statement") from the words alone: the
// last noun of the phrase between the last comma before the verb and the
// verb, when the claim at p comes before that comma. -1 when the sentence
// does not end so.
func closingSpeaker(k *knowledge, st *sent, p int) int {
	n := len(st.s.Words)
	v := -1
	for j := n - 1; j > p && j >= n-10; j-- {
		if st.upos(j) == "VERB" && k.speech[st.lemmas[j]] {
			v = j
			break
		}
		if st.upos(j) == "VERB" || st.w(j).Form == "," {
			return -1 // another clause after the verb: not a closing one
		}
	}
	if v < 0 {
		return -1
	}
	head := -1
	for j := v - 1; j > p; j-- {
		switch u := st.upos(j); {
		case st.w(j).Form == ",":
			if head >= 0 && j-1 > p {
				return head
			}
			// "…, the operator, Karadeniz Madencilik, said": the name
			// between two commas stands for the phrase before it.
			if head < 0 {
				continue
			}
			return -1
		case u == "NOUN" || u == "PROPN":
			if head < 0 {
				head = j
			}
		case u == "DET" || u == "ADJ" || u == "PART" || u == "NUM" || u == "PUNCT" || u == "ADP" || st.lemmas[j] == "'s":
			// "a statement from Myanmar's junta authorities": the phrase
			// runs on through its prepositions; its last noun speaks.
		case u == "AUX" || u == "ADV":
			if head >= 0 {
				return -1
			}
		default:
			return -1
		}
	}
	return -1
}

// commaBetween reports a comma among the words after a and before b.
func commaBetween(st *sent, a, b int) bool {
	for j := a + 1; j < b; j++ {
		if st.w(j).Form == "," {
			return true
		}
	}
	return false
}
