package claim

// The presence measure every presence cue reports, and the control measure.
const (
	atFront  = "at the front"
	controls = "controls city"
)

// region is a stretch of the sentence that reports someone else's claim:
// "media reports that [North Korean soldiers have not been seen …] are
// incorrect".
type region struct {
	from, to int
	claimant string
	denied   bool
}

// findReport finds "reports that …" and whether the sentence denies it.
func (r *run) findReport() (region, bool) {
	ts := r.toks
	for k := 0; k+1 < len(ts); k++ {
		if r.cls(k)&cReportsNoun == 0 || r.cls(k+1)&cThat == 0 {
			continue
		}
		reg := region{from: k + 2, to: len(ts), claimant: "media reports"}
		// who reports: "The New York Times' report", "Yonhap reports"
		for j := k - 1; j >= 0 && j >= k-4; j-- {
			if ph := r.phraseAt(j); ph != nil && ph.ckind == kOutlet {
				reg.claimant = ph.claimant
				break
			}
			if ts[j].kind == tPunct {
				break
			}
		}
		if reg.claimant == "media reports" && r.mediaList != "" {
			reg.claimant = r.mediaList
		}
		// denied by a verb before it: "Budanov denied reports that …"
		for j := k - 1; j >= 0 && j >= k-4; j-- {
			if r.cls(j)&cDenyVerb != 0 {
				reg.denied = true
			}
		}
		// or by what is said of it after: "… are incorrect", "… were not true"
		for j := reg.from; j < len(ts); j++ {
			if ts[j].kind != tWord || r.cls(j)&cAux == 0 {
				continue
			}
			n := j + 1
			for n < len(ts) && (ts[n].kind == tPunct && ts[n].p == '"' || r.cls(n)&cStill != 0 || isAdverb(r.word(n)) || r.word(n) == "simply") {
				n++
			}
			if n >= len(ts) {
				break
			}
			if r.cls(n)&cDenialAdj != 0 || (r.cls(n)&cNeg != 0 && n+1 < len(ts) && r.cls(n+1)&(cTrue) != 0) {
				reg.to, reg.denied = j, true
				break
			}
		}
		return reg, true
	}
	return region{}, false
}

// isDenialOfPrevious recognises a sentence that only denies what the one
// before said: "Budanov said this was not true", "HUR dismissed the
// reports".
func (r *run) isDenialOfPrevious() bool {
	ts := r.toks
	for k := 0; k < len(ts); k++ {
		w := r.word(k)
		if w != "this" && w != "that" && w != "it" && w != "these" && w != "such" && r.cls(k)&cReportsNoun == 0 {
			continue
		}
		// "this is not true", "the reports were false"
		j := k + 1
		for j < len(ts) && r.cls(j)&cReportsNoun != 0 {
			j++
		}
		if j < len(ts) && r.cls(j)&cAux != 0 {
			n := j + 1
			for n < len(ts) && ts[n].kind == tPunct && ts[n].p == '"' {
				n++
			}
			if n < len(ts) && (r.cls(n)&cDenialAdj != 0 || (r.cls(n)&cNeg != 0 && n+1 < len(ts) && r.cls(n+1)&cTrue != 0)) {
				return true
			}
		}
		// "denied this", "dismissed the reports"
		if k > 0 && (r.cls(k-1)&cDenyVerb != 0 || (k > 1 && r.cls(k-1)&cDet != 0 && r.cls(k-2)&cDenyVerb != 0)) {
			return true
		}
	}
	return false
}

// statusSubject finds who a presence cue at token c is about: the subject
// before it in its clause, a quantity's subject, or "they".
func (r *run) statusSubject(c int) (subj, int) {
	ts := r.toks
	for j := c - 1; j >= 0 && c-j <= 12; j-- {
		t := ts[j]
		if t.kind == tPunct && t.p != '"' && t.p != '(' && t.p != ')' {
			return subj{}, -1
		}
		if t.kind == tQty {
			for _, f := range r.figs {
				if f.tok == j {
					return f.sub, j
				}
			}
			return subj{}, -1
		}
		if t.kind != tWord {
			continue
		}
		cl := r.cls(j)
		if t.mk < 0 && cl&(cThat|cSpeech|cWhich) != 0 {
			return subj{}, -1
		}
		if cl&cThey != 0 && t.mk < 0 {
			// "they", "their troops"
			if r.lastSubject.empty() {
				return subj{}, -1
			}
			return r.lastSubject, j
		}
		ph := r.phraseAt(j)
		if ph == nil {
			continue
		}
		if ph.head != "" || ph.natNoun != "" || ph.subject != "" {
			// walk to the start of the noun phrase
			s := r.toks[j].mk
			i := r.marks[s].i
			for i > 0 {
				pp := r.phraseAt(i - 1)
				if pp != nil && pp.nat != "" {
					i = r.marks[ts[i-1].mk].i
					continue
				}
				if ts[i-1].kind == tWord && !ts[i-1].cap && r.cls(i-1)&(cDet|cAux|cNeg|cOf|cNoSign|cThat|cSpeech) == 0 && i > 1 && r.phraseAt(i-2) != nil && r.phraseAt(i-2).nat != "" {
					i--
					continue
				}
				break
			}
			sb, _ := r.npAt(i)
			if sb.empty() {
				return subj{}, -1
			}
			if sb.nat == "" && sb.whole == "" && r.x.lx.needsNationality[sb.head] {
				if r.lastSubject.head == sb.head && r.lastSubject.nat != "" {
					sb.nat = r.lastSubject.nat
				} else {
					return subj{}, -1
				}
			}
			return sb, i
		}
	}
	return subj{}, -1
}

// negated reports a negation between from and to: "have not been seen",
// "no longer fighting", "no signs of … engaging in battle".
func (r *run) negated(from, to int) bool {
	for j := max(from, 0); j < to; j++ {
		if r.toks[j].kind != tWord {
			continue
		}
		if r.cls(j)&cNeg != 0 {
			return true
		}
		w := r.p[r.toks[j].s:r.toks[j].e]
		if len(w) > 3 && (w[len(w)-3:] == "n't" || w[len(w)-3:] == "N'T") {
			return true
		}
		if len(w) > 5 && w[len(w)-5:] == "n’t" {
			return true
		}
	}
	return false
}

func (r *run) modal(from, to int) bool {
	for j := max(from, 0); j < to; j++ {
		if r.toks[j].kind == tWord && r.cls(j)&cModal != 0 && r.toks[j].mk < 0 {
			return true
		}
	}
	return false
}

// statuses emits the presence claims of the sentence, and for a denied
// report both the report's claim and the denier's opposite one.
func (r *run) statuses(claimant string, reg region, hasReg bool, denier string) {
	for mi := range r.marks {
		m := r.marks[mi]
		if m.ph.status == 0 {
			continue
		}
		c := m.i
		sb, si := r.statusSubject(c)
		if si < 0 || sb.nat == "" || !r.x.lx.needsNationality[sb.head] {
			continue
		}
		// "no signs of North Korean troops engaging in battle"
		negFrom := si - 3
		if r.modal(si, c) || r.modal(c-2, c) {
			continue
		}
		pol := Polarity(m.ph.status)
		if r.negated(negFrom, c) {
			pol = -pol
		}
		place := r.placeFor(c)
		inReg := hasReg && c >= reg.from && c < reg.to
		who := claimant
		if inReg {
			who = reg.claimant
		}
		name := r.subjName(sb)
		r.addStatus(name, atFront, place, pol, who)
		if inReg && reg.denied && denier != "" && denier != who {
			r.addStatus(name, atFront, place, -pol, denier)
		}
	}
	r.control(claimant)
}

// control emits who holds a place: "Russian forces have completely taken
// Pokrovsk" (Russia controls the city), "our units are fighting in
// Pokrovsk" (the other side does not).
func (r *run) control(claimant string) {
	ts := r.toks
	for k := 0; k < len(ts); k++ {
		if ts[k].kind != tWord {
			continue
		}
		cl := r.cls(k)
		if cl&cCapture != 0 {
			// "took control of", not "took part"
			if w := r.word(k); w == "took" && (k+1 >= len(ts) || r.cls(k+1)&cControl == 0) {
				continue
			}
			place, pt := r.controlledPlace(k)
			if place == "" {
				continue
			}
			side := r.agentSide(k, pt)
			if side == "" {
				continue
			}
			pol := Present
			if r.negated(k-3, k) || r.modal(k-3, k) {
				if r.modal(k-3, k) {
					continue
				}
				pol = Absent
			}
			r.addStatus(side+" soldiers", controls, place, pol, claimant)
			continue
		}
		if cl&cHold != 0 && k > 0 {
			// "(our|Ukrainian) units are (still) fighting in X"
			j := k - 1
			for j >= 0 && (r.cls(j)&(cAux|cStill) != 0) {
				j--
			}
			if j < 0 || r.cls(j)&cForces == 0 {
				continue
			}
			side := ""
			if j > 0 && r.cls(j-1)&cOurSide != 0 && (r.word(j-1) == "our" || r.word(j-1) == "its") {
				side = r.claimSide
			} else if j > 0 {
				if ph := r.phraseAt(j - 1); ph != nil && ph.nat != "" {
					side = ph.side
				}
			}
			opp := r.x.lx.opponents[side]
			if opp == "" {
				continue
			}
			place := ""
			for n := k + 1; n < len(ts) && n <= k+3; n++ {
				for _, p := range r.places {
					if p.tok == n {
						place = p.place
					}
				}
				if place != "" {
					break
				}
			}
			if place == "" || r.negated(j, k) {
				continue
			}
			r.addStatus(opp+" soldiers", controls, place, Absent, claimant)
		}
	}
}

// controlledPlace finds the place a capture verb at k is about: after it
// ("captured the city of Pokrovsk", "taken Pokrovsk"), "the city" for the
// place named last, or before it ("Pokrovsk has been completely taken").
func (r *run) controlledPlace(k int) (string, int) {
	ts := r.toks
	for n := k + 1; n < len(ts) && n <= k+5; n++ {
		for _, p := range r.places {
			if p.tok == n {
				return p.place, n
			}
		}
		if ts[n].kind != tWord || r.cls(n)&cControl == 0 {
			break
		}
		if w := r.word(n); (w == "city" || w == "town" || w == "village" || w == "settlement") &&
			(n+1 >= len(ts) || r.cls(n+1)&cOf == 0) && r.lastPlace != "" {
			return r.lastPlace, n
		}
	}
	for n := k - 1; n >= 0 && n >= k-5; n-- {
		for _, p := range r.places {
			if p.tok == n {
				return p.place, n
			}
		}
		if ts[n].kind != tWord || (r.cls(n)&(cAux|cControl|cStill) == 0 && !isAdverb(r.word(n))) {
			break
		}
	}
	return "", -1
}

// agentSide finds who took the place: "Russian forces have taken",
// "fell to Russian troops", "our units captured" (the claimant's side).
func (r *run) agentSide(k, placeTok int) string {
	ts := r.toks
	if placeTok < k {
		// passive: "… was captured by Russian forces", "fell to Russian troops"
		for n := k + 1; n < len(ts) && n <= k+3; n++ {
			if ph := r.phraseAt(n); ph != nil && ph.nat != "" {
				return ph.nat
			}
		}
	}
	for j := k - 1; j >= 0 && j >= k-8; j-- {
		if ts[j].kind == tPunct {
			break
		}
		if r.cls(j)&(cThat|cSpeech) != 0 && ts[j].mk < 0 {
			break
		}
		if ph := r.phraseAt(j); ph != nil && ph.nat != "" && ph.ckind == 0 {
			return ph.nat
		}
		if r.cls(j)&cOurSide != 0 && ts[j].mk < 0 {
			return r.claimSide
		}
	}
	return ""
}
