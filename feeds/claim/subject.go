package claim

import (
	"strings"
)

// subj is a canonical subject: nationality and head noun
// ("north korean" + "soldiers").
type subj struct {
	nat, head string
	whole     string // a subject named whole by the configuration
	unit      bool   // named by a unit word, which cannot be counted
}

func (s subj) String() string {
	switch {
	case s.whole != "":
		return s.whole
	case s.nat == "":
		return s.head
	}
	return s.nat + " " + s.head
}

func (s subj) empty() bool { return s.head == "" && s.whole == "" }

// base drops how the subject was named, for comparing subjects.
func (s subj) base() subj { s.unit = false; return s }

// Subjects found in one sentence, for "of them" and "including".
type figureRef struct {
	tok     int // token index of the quantity
	sub     subj
	measure string
	value   Interval
	place   string
}

// npAt reads a subject noun phrase starting at token k: "North Korean
// fighters", "troops from the DPRK", "elite North Korean troops". It
// returns the end of the phrase.
func (r *run) npAt(k int) (subj, int) {
	ts := r.toks
	var s subj
	skipped := 0
	for k < len(ts) {
		t := ts[k]
		if t.kind != tWord {
			break
		}
		ph := r.phraseAt(k)
		if ph != nil && ph.subject != "" {
			s.whole = ph.subject
			return s, r.markEnd(k)
		}
		if ph != nil && ph.natNoun != "" {
			s.nat, s.head = ph.nat, ph.natNoun
			k = r.markEnd(k)
			break
		}
		if ph != nil && ph.nat != "" && ph.head == "" {
			s.nat = ph.nat
			k = r.markEnd(k)
			if k < len(ts) && r.is(k, "'s") {
				k++
			}
			continue
		}
		if ph != nil && ph.head != "" {
			s.head = ph.head
			s.unit = ph.statusOnly
			k = r.markEnd(k)
			break
		}
		// a people the lexicon does not know ("Malian soldiers", "Sudanese
		// refugees"), or who civilians are ("Boeing workers", "Rohingya
		// refugees")
		if ph == nil && t.cap && s.nat == "" && k+1 < len(ts) && r.cls(k)&(cFunction|cTitle|cMonth|cWeekday|cGeneric) == 0 {
			if hp := r.phraseAt(k + 1); hp != nil && hp.head != "" && !hp.statusOnly &&
				(isDemonym(r.word(k)) || !r.x.lx.needsNationality[hp.head]) {
				s.nat = r.word(k)
				k++
				continue
			}
		}
		// adjectives before the head: "elite", "more", "additional"
		if skipped < 2 && !t.cap && ph == nil && r.cls(k)&(cAux|cSpeech|cPlacePrep|cThat|cOf|cModal|cNeg|cAnd|cTo|cBy|cFrom|cWhich) == 0 {
			skipped++
			k++
			continue
		}
		break
	}
	if s.head == "" {
		return subj{}, k
	}
	// "troops from the DPRK", "soldiers of North Korea"
	if s.nat == "" && k+1 < len(ts) && r.cls(k)&(cFrom|cOf) != 0 {
		j := k + 1
		if r.cls(j)&cDet != 0 {
			j++
		}
		if ph := r.phraseAt(j); ph != nil && ph.nat != "" && ph.head == "" {
			s.nat = ph.nat
			k = r.markEnd(j)
		}
	}
	return s, k
}

// isDemonym: a word shaped like a nationality ("Malian", "Kenyan",
// "Sudanese"), or one of the irregular ones.
func isDemonym(w string) bool {
	switch w {
	case "french", "british", "dutch", "swiss", "irish", "spanish", "polish", "danish", "turkish",
		"finnish", "swedish", "greek", "thai", "congolese", "lebanese", "burmese", "yemeni", "iraqi",
		"pakistani", "bangladeshi", "saudi", "kuwaiti", "emirati", "qatari", "somali", "israeli":
		return true
	}
	return len(w) > 4 && (strings.HasSuffix(w, "ian") || strings.HasSuffix(w, "ean") ||
		strings.HasSuffix(w, "yan") || strings.HasSuffix(w, "ese") || strings.HasSuffix(w, "ish"))
}

// natBefore looks back from token k, inside its clause, for the country that
// owns the counted people: "North Korea sent about 11,000 troops". An active
// verb of harm stops the search, since its agent is the other side
// ("Ukrainian forces killed 300 soldiers").
func (r *run) natBefore(k int) string {
	for j, n := k-1, 0; j >= 0 && n < 14; j, n = j-1, n+1 {
		t := r.toks[j]
		if t.kind == tPunct && t.p != '(' && t.p != ')' {
			return ""
		}
		if t.kind == tQty {
			return ""
		}
		c := r.cls(j)
		if c&(cThat|cSpeech|cAccording|cBy|cWhich) != 0 && r.toks[j].mk < 0 {
			return ""
		}
		ph := r.phraseAt(j)
		if ph == nil {
			continue
		}
		if ph.measure != "" && ph.measure != "deployed" && ph.mflags&mActive != 0 {
			return ""
		}
		// "90 Palestinian prisoners … for three hostages": the nationality
		// belongs to another noun
		if ph.head != "" || ph.natNoun != "" {
			return ""
		}
		if ph.nat != "" && ph.head == "" && ph.natNoun == "" {
			return ph.nat
		}
		if ph.claimant != "" && ph.side != "" {
			return ph.side
		}
	}
	return ""
}

// placeMentions lists the places named in the sentence: known places
// ("Kursk", "the Kursk region"), a capitalised name before region, oblast
// or province, and a capitalised name after "in", "near" or "around".
func (r *run) findPlaces() {
	r.places = r.places[:0]
	ts := r.toks
	for k := 0; k < len(ts); k++ {
		t := ts[k]
		if t.kind != tWord {
			continue
		}
		ph := r.phraseAt(k)
		afterPrep := r.afterPlacePrep(k)
		// "the town of Velyka Novosilka"
		if k > 1 && r.cls(k-1)&cOf != 0 {
			switch r.word(k - 2) {
			case "city", "town", "village", "settlement", "region", "province", "streets", "capital":
				afterPrep = true
			}
		}
		if ph != nil && ph.place != "" && (ph.nat == "" || afterPrep) {
			r.places = append(r.places, placeRef{tok: k, place: ph.place})
			k = r.markEnd(k) - 1
			continue
		}
		if ph != nil || !t.cap || r.cls(k)&(cMonth|cWeekday|cTitle|cFunction|cDet) != 0 {
			continue
		}
		// a run of unknown capitalised words
		j := k
		for j < len(ts) && j-k < 3 && ts[j].kind == tWord && ts[j].cap && r.phraseAt(j) == nil &&
			r.cls(j)&(cMonth|cWeekday|cTitle|cFunction|cDet|cPlaceSuffix) == 0 {
			j++
		}
		if j == k {
			continue
		}
		suffix := j < len(ts) && r.cls(j)&cPlaceSuffix != 0
		// "the Hamas-led attack", "a Russian-backed offensive": the
		// words qualify a noun, they name no place
		if w := r.word(j - 1); strings.HasSuffix(w, "-led") || strings.HasSuffix(w, "-backed") ||
			strings.HasSuffix(w, "-based") || strings.HasSuffix(w, "-run") || strings.HasSuffix(w, "-held") ||
			strings.HasSuffix(w, "-controlled") || strings.HasSuffix(w, "-owned") {
			k = j - 1
			continue
		}
		if suffix || (afterPrep && k > 0) {
			r.places = append(r.places, placeRef{tok: k, place: r.lowerText(k, j)})
		}
		k = j - 1
	}
}

// afterPlacePrep reports a word after "in", "near", "from" and the like,
// past an article and a compass word: "in the Kursk region", "in northern
// Burkina Faso", "from Khartoum".
func (r *run) afterPlacePrep(k int) bool {
	j := k - 1
	if j >= 0 && isCompass(r.word(j)) {
		j--
	}
	if j >= 0 && r.cls(j)&cDet != 0 {
		j--
	}
	return j >= 0 && j < k && (r.cls(j)&cPlacePrep != 0 || r.word(j) == "from" || r.word(j) == "off" || r.word(j) == "through")
}

func isCompass(w string) bool {
	switch w {
	case "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern",
		"southeastern", "southwestern", "north", "south", "east", "west", "coastal":
		return true
	}
	return false
}

type placeRef struct {
	tok   int
	place string
}

// placeFor picks the place of the quantity or cue at token k: the first
// place after it before the next quantity, else the last one before it
// after the previous quantity and outside the claimant's words.
func (r *run) placeFor(k int) string {
	next, prev := len(r.toks), -1
	for j := k + 1; j < len(r.toks); j++ {
		if r.toks[j].kind == tQty {
			next = j
			break
		}
	}
	for j := k - 1; j >= 0; j-- {
		if r.toks[j].kind == tQty {
			prev = j
			break
		}
	}
	for _, p := range r.places {
		if p.tok > k && p.tok < next && (p.tok < r.attrFrom || p.tok >= r.attrTo) {
			return p.place
		}
	}
	// "killed 3 people and wounded 12 in Kharkiv"
	for _, p := range r.places {
		if p.tok > next {
			if !r.punctBetween(k, p.tok) {
				return p.place
			}
			break
		}
	}
	best := ""
	for _, p := range r.places {
		if p.tok < k && p.tok > prev && (p.tok < r.attrFrom || p.tok >= r.attrTo) {
			best = p.place
		}
	}
	// "In Derna, …": a place put first is the scene of the whole sentence
	if best == "" && len(r.places) > 0 && r.places[0].tok <= 2 && r.places[0].tok < k &&
		r.cls(0)&cPlacePrep != 0 && r.punctBetween(r.places[0].tok, k) {
		best = r.places[0].place
	}
	return best
}

func (r *run) punctBetween(i, j int) bool {
	for k := i + 1; k < j; k++ {
		if t := r.toks[k]; t.kind == tPunct && t.p != '"' {
			return true
		}
	}
	return false
}

func (r *run) lowerText(i, j int) string {
	s := r.p[r.toks[i].s:r.toks[j-1].e]
	var buf [64]byte
	if len(s) > 48 {
		return strings.ToLower(s)
	}
	return string(lowerInto(buf[:0], s))
}
