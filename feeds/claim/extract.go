package claim

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Article is one piece of news text to extract claims from.
type Article struct {
	Outlet, URL, Title string
	Published          time.Time
	// Text is plain text or HTML; Plain(Text) is what claim offsets index.
	Text string
}

// Config tunes an Extractor.
type Config struct {
	// Hedges turn hedged figures into intervals; the zero value means
	// DefaultHedges().
	Hedges Hedges
	// Aliases maps a canonical name to extra words that mean it, from
	// crosscheck.yaml. What the name is follows from what it already is:
	// a nationality ("north korean": [kimist]), a subject ("north korean
	// soldiers": [kpa troops]), a claimant ("South Korea's NIS": [nis chief's
	// office]) or a place ("pokrovsk": [krasnoarmeysk]). A name nobody knows
	// joins the group its aliases already belong to ("dprk": [north korea]),
	// or else is a claimant when capitalised, a subject when it ends in a
	// head noun such as "soldiers", and a place otherwise. A prefix
	// ("place:", "subject:", "claimant:", "nationality:") says it outright.
	Aliases map[string][]string
	// MaxSentence is the longest sentence, in bytes, worth reading; longer
	// runs without a full stop are tables or debris, and no claim from them
	// could be quoted. 0 means 4096.
	MaxSentence int
}

// Extractor turns articles into claims. It is immutable and safe for
// concurrent use.
type Extractor struct {
	hedges      Hedges
	lx          *lexicon
	maxSentence int
}

// NewExtractor checks the configuration and builds the lexicon.
func NewExtractor(cfg Config) (*Extractor, error) {
	x := &Extractor{hedges: cfg.Hedges, maxSentence: cfg.MaxSentence}
	if x.hedges.AboutLow == 0 && x.hedges.AboutHigh == 0 && x.hedges.Phrases == nil {
		x.hedges = DefaultHedges()
	}
	if err := x.hedges.Validate(); err != nil {
		return nil, err
	}
	if x.maxSentence <= 0 {
		x.maxSentence = 4096
	}
	lx, err := buildLexicon()
	if err != nil {
		return nil, err
	}
	x.lx = lx
	if err := x.lx.addAliases(cfg.Aliases); err != nil {
		return nil, err
	}
	return x, nil
}

var defaultExtractor = sync.OnceValue(func() *Extractor {
	x, err := NewExtractor(Config{})
	if err != nil {
		panic("claim: default configuration: " + err.Error())
	}
	return x
})

// Extract returns the claims in the article under the default configuration.
func Extract(a Article) []Claim { return defaultExtractor().Extract(a) }

func buildLexicon() (*lexicon, error) {
	lx := newLexicon()
	if err := addData(lx); err != nil {
		return nil, err
	}
	lx.poss = lx.id("'s")
	return lx, nil
}

// addAliases folds the configuration's aliases into the lexicon.
func (lx *lexicon) addAliases(aliases map[string][]string) error {
	keys := make([]string, 0, len(aliases))
	for k := range aliases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		canon := strings.TrimSpace(key)
		kind := ""
		if i := strings.IndexByte(canon, ':'); i > 0 {
			switch p := strings.ToLower(canon[:i]); p {
			case "place", "subject", "claimant", "nationality":
				kind, canon = p, strings.TrimSpace(canon[i+1:])
			}
		}
		if canon == "" {
			return fmt.Errorf("claim: aliases: empty name in %q", key)
		}
		words := aliases[key]
		for _, a := range words {
			if len(splitWords(a)) == 0 {
				return fmt.Errorf("claim: aliases: %q: empty alias", key)
			}
		}
		lower := strings.ToLower(canon)
		var known *phrase
		if p, ok := lx.byKey[strings.Join(splitWords(canon), " ")]; ok {
			known = p
		}
		if known == nil {
			for _, a := range words {
				if p, ok := lx.byKey[strings.Join(splitWords(a), " ")]; ok && (p.nat != "" && p.natNoun == "" || p.place != "" || p.claimant != "") {
					known = p
					break
				}
			}
		}
		if kind == "" {
			switch {
			case known != nil && known.nat != "" && known.natNoun == "" && known.head == "":
				kind, canon = "nationality", known.nat
			case known != nil && known.claimant != "":
				kind, canon = "claimant", known.claimant
			case known != nil && known.place != "":
				kind, canon = "place", known.place
			case strings.ToLower(canon) != canon:
				kind = "claimant"
			case lx.endsInHead(lower):
				kind = "subject"
			default:
				kind = "place"
			}
		}
		all := append([]string{canon}, words...)
		switch kind {
		case "nationality":
			canon = strings.ToLower(canon)
			for _, a := range all {
				e := lx.entry(a)
				e.nat = canon
			}
		case "place":
			canon = strings.ToLower(canon)
			for _, a := range all {
				lx.entry(a).place = canon
			}
		case "claimant":
			ck, side, short := kOrg, "", ""
			if known != nil && known.claimant == canon {
				ck, side, short = known.ckind, known.side, known.short
			}
			for _, a := range all {
				e := lx.entry(a)
				e.claimant, e.ckind, e.side, e.short = canon, ck, side, short
			}
		case "subject":
			nat, head := lx.splitSubject(lower)
			for _, a := range all {
				e := lx.entry(a)
				if head != "" {
					e.nat, e.natNoun = nat, head
				} else {
					e.subject = lower
				}
			}
		}
	}
	return nil
}

func (lx *lexicon) endsInHead(s string) bool {
	w := splitWords(s)
	if len(w) == 0 {
		return false
	}
	p, ok := lx.byKey[w[len(w)-1]]
	return ok && p.head != ""
}

// splitSubject reads "north korean soldiers" as nationality + head.
func (lx *lexicon) splitSubject(s string) (nat, head string) {
	w := splitWords(s)
	if len(w) < 2 {
		return "", ""
	}
	hp, ok := lx.byKey[w[len(w)-1]]
	if !ok || hp.head == "" {
		return "", ""
	}
	np, ok := lx.byKey[strings.Join(w[:len(w)-1], " ")]
	if !ok || np.nat == "" {
		return "", ""
	}
	return np.nat, hp.head
}

// sentInfo is what later sentences need to know about an earlier one.
type sentInfo struct {
	claimant   string
	attributed bool // by words in or around it, not by default
	asOf       time.Time
	measure    string // the last measure named: "There are 12,000 …" continues it
	place      string
	statusFrom int // its status claims are r.claims[statusFrom:statusTo]
	statusTo   int
	side       string
}

// run is one Extract call's working state.
type run struct {
	x     *Extractor
	a     Article
	p     string
	lower string // p with ASCII letters lowered, same offsets
	qs    []Quantity
	ss    []span

	quotes []quotation
	infos  []sentInfo
	cur    int // sentence being read

	toks   []token
	marks  []mark
	places []placeRef
	figs   []figureRef
	spare  struct {
		toks   []token
		marks  []mark
		places []placeRef
	}
	peeked map[int]attribution

	attrFrom, attrTo int
	claimSide        string
	// vagueAsOf marks a sentence dated only "several weeks ago": its
	// figures take that date, but a state it reports ("withdrew several
	// weeks ago") still holds when the article is published
	vagueAsOf bool
	skipQty   int // a quantity read as the whole of another: "300 of the 11,000"

	persons                    map[string]personRef
	lastPerson, lastPersonSide string
	lastClaimant, lastSide     string
	lastEntity, lastEntitySide string
	latter, latterSide         string
	mediaList                  string
	lastSubject                subj
	lastSubjectSent            int
	lastPlace                  string

	names  map[subj]string
	seen   map[claimKey]bool
	claims []Claim
}

// Extract returns the claims in the article, in text order. It is pure
// and deterministic.
func (x *Extractor) Extract(a Article) []Claim {
	r := &run{x: x, a: a, persons: map[string]personRef{}, lastSubjectSent: -10}
	return r.extract()
}

func (r *run) extract() []Claim {
	r.p = Plain(r.a.Text)
	if strings.TrimSpace(r.p) == "" {
		return nil
	}
	r.lower = asciiLower(r.p)
	r.qs = findQuantities(r.p, &r.x.hedges)
	if !sort.SliceIsSorted(r.qs, func(i, j int) bool { return r.qs[i].Start < r.qs[j].Start }) {
		sort.SliceStable(r.qs, func(i, j int) bool { return r.qs[i].Start < r.qs[j].Start })
	}
	r.ss = sentences(r.p, make([]span, 0, len(r.p)/100+4))
	r.quotes = markQuotations(r.p, r.ss, nil)
	r.infos = make([]sentInfo, len(r.ss))
	qi := 0
	for i := range r.ss {
		s := r.ss[i]
		for qi < len(r.qs) && r.qs[qi].Start < s.start {
			qi++
		}
		qj := qi
		for qj < len(r.qs) && r.qs[qj].Start < s.end {
			qj++
		}
		r.cur = i
		if s.end-s.start > r.x.maxSentence {
			r.infos[i] = sentInfo{claimant: r.outlet()}
			continue
		}
		r.load(s, r.qs[qi:qj], qi)
		r.sentence(i)
	}
	return r.finish()
}

// load tokenizes a sentence into the current buffers.
func (r *run) load(s span, qs []Quantity, qbase int) {
	// quantities that run past the sentence end are not ours
	n := 0
	for n < len(qs) && qs[n].End <= s.end {
		n++
	}
	r.toks = r.x.lx.tokenize(r.p, r.lower, s.start, s.end, qs[:n], qbase, r.toks[:0])
	r.marks = r.x.lx.markPhrases(r.toks, r.marks[:0])
	r.findPlaces()
}

func (r *run) outlet() string {
	if o := strings.TrimSpace(r.a.Outlet); o != "" {
		return o
	}
	if u, err := url.Parse(r.a.URL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return "unknown outlet"
}

// peek finds the attribution of another sentence without disturbing the
// current one or what pronouns refer to.
func (r *run) peek(j int) attribution {
	if a, ok := r.peeked[j]; ok {
		return a
	}
	if j < 0 || j >= len(r.ss) || r.ss[j].end-r.ss[j].start > r.x.maxSentence {
		return attribution{verb: -1}
	}
	saveT, saveM, saveP := r.toks, r.marks, r.places
	r.toks, r.marks, r.places = r.spare.toks, r.spare.marks, r.spare.places
	lp, lps, lc, ls, le, les := r.lastPerson, r.lastPersonSide, r.lastClaimant, r.lastSide, r.lastEntity, r.lastEntitySide
	s := r.ss[j]
	lo := sort.Search(len(r.qs), func(i int) bool { return r.qs[i].Start >= s.start })
	hi := lo
	for hi < len(r.qs) && r.qs[hi].Start < s.end {
		hi++
	}
	r.load(s, r.qs[lo:hi], lo)
	a := r.attribute()
	r.spare.toks, r.spare.marks, r.spare.places = r.toks, r.marks, r.places
	r.toks, r.marks, r.places = saveT, saveM, saveP
	r.lastPerson, r.lastPersonSide, r.lastClaimant, r.lastSide, r.lastEntity, r.lastEntitySide = lp, lps, lc, ls, le, les
	if r.peeked == nil {
		r.peeked = map[int]attribution{}
	}
	r.peeked[j] = a
	return a
}

// mayBackref is a cheap test for "This was stated by …" and "… said this."
// before paying for a full look at the next sentence.
func (r *run) mayBackref(j int) bool {
	if j >= len(r.ss) {
		return false
	}
	s := r.p[r.ss[j].start:r.ss[j].end]
	for _, w := range []string{"This ", "That ", "It ", "These ", "Such "} {
		if strings.HasPrefix(s, w) {
			return strings.Contains(s, " by ")
		}
	}
	return strings.HasSuffix(s, " this.") || strings.HasSuffix(s, " so.")
}

// continues reports a sentence that carries on the one before it: "There
// are approximately 12,000 soldiers", "Of them, …", "Among them …".
func (r *run) continues(i int) bool {
	if i == 0 || r.ss[i].para != r.ss[i-1].para || len(r.toks) < 2 {
		return false
	}
	c0, c1 := r.cls(0), r.cls(1)
	switch {
	case c0&cThere != 0 && c1&cAux != 0:
		return true
	case c0&(cOf|cIncluding) != 0 && c1&cOfWhom != 0:
		return true
	case c0&cIncluding != 0:
		return true
	case c0&cThey != 0 && c1&cIncluding != 0:
		return true
	case r.toks[0].kind == tQty && c1&cOf != 0 && r.cls(2)&cOfWhom != 0:
		// "Two of them were found dead."
		return true
	}
	return false
}

func (r *run) existential() bool {
	return len(r.toks) > 2 && r.cls(0)&cThere != 0 && r.cls(1)&cAux != 0
}

func (r *run) sentence(i int) {
	s := r.ss[i]
	info := sentInfo{}
	r.skipQty = -1
	attr := r.attribute()
	r.attrFrom, r.attrTo = -1, -1
	claimant := ""
	if attr.claimant != "" {
		claimant = attr.claimant
		r.attrFrom, r.attrTo = attr.from, attr.to
		info.attributed = true
		info.side = attr.side
	}
	if claimant == "" && s.quote >= 0 {
		q := r.quotes[s.quote]
		for _, j := range [...]int{q.last, q.first} {
			if j != i {
				if a := r.peek(j); a.claimant != "" {
					claimant, info.attributed, info.side = a.claimant, true, a.side
					break
				}
			}
		}
	}
	if claimant == "" && r.mayBackref(i+1) {
		if a := r.peek(i + 1); a.backref && a.claimant != "" {
			claimant, info.attributed, info.side = a.claimant, true, a.side
		}
	}
	cont := r.continues(i)
	if claimant == "" && cont && r.infos[i-1].attributed {
		prev := r.infos[i-1]
		claimant, info.attributed, info.side = prev.claimant, true, prev.side
	}
	if claimant == "" {
		claimant = r.outlet()
	}
	info.claimant = claimant
	r.claimSide = info.side
	if r.claimSide == "" {
		switch {
		case strings.Contains(claimant, "Ukrain"):
			r.claimSide = "ukrainian"
		case strings.Contains(claimant, "Russia"):
			r.claimSide = "russian"
		}
	}
	r.vagueAsOf = false
	info.asOf = r.asOf()
	if info.asOf.IsZero() && cont {
		info.asOf = r.infos[i-1].asOf
	}
	r.infos[i] = info

	reg, hasReg := r.findReport()
	denier := ""
	if hasReg && reg.denied {
		denier = claimant
		if attr.claimant != "" && attr.verb >= reg.from && attr.verb < reg.to {
			denier = ""
		}
	}
	statusFrom := len(r.claims)

	// figures and subjects, in text order
	r.figs = r.figs[:0]
	for k := 0; k < len(r.toks); k++ {
		t := r.toks[k]
		if t.kind == tQty {
			who := claimant
			if hasReg && k >= reg.from && k < reg.to {
				who = reg.claimant
			} else if attr.verb >= 0 {
				saveFrom, saveTo := r.attrFrom, r.attrTo
				if a, ok := r.clauseClaimant(k, attr.verb); ok {
					who, r.attrFrom, r.attrTo = a.claimant, a.from, a.to
				}
				r.figure(k, who, cont)
				r.attrFrom, r.attrTo = saveFrom, saveTo
				continue
			}
			r.figure(k, who, cont)
			continue
		}
		if t.mk >= 0 && r.marks[t.mk].i == k {
			ph := r.marks[t.mk].ph
			if ph.head != "" || ph.natNoun != "" || (ph.nat != "" && ph.ckind == 0) {
				if sb, _ := r.npAt(k); !sb.empty() && (sb.nat != "" || sb.whole != "") {
					r.lastSubject, r.lastSubjectSent = sb.base(), i
				}
			}
		}
	}
	figsEnd := len(r.claims)
	r.statuses(claimant, reg, hasReg, denier)
	hasStatus := len(r.claims) > figsEnd
	if !hasStatus && i > 0 && attr.claimant != "" && r.isDenialOfPrevious() {
		prev := r.infos[i-1]
		for _, c := range r.claims[prev.statusFrom:prev.statusTo] {
			if c.Claimant != attr.claimant {
				r.addStatus(c.Subject, c.Measure, c.Place, -c.Polarity, attr.claimant)
			}
		}
	}
	r.infos[i].statusFrom, r.infos[i].statusTo = statusFrom, len(r.claims)

	// what the next sentences may refer back to
	for mi := range r.marks {
		ph := r.marks[mi].ph
		if ph.measure != "" && ph.mflags&mWeak == 0 {
			r.infos[i].measure = ph.measure
		}
		if ph.ckind != 0 {
			r.latter, r.latterSide = ph.claimant, ph.side
			if ph.ckind == kPerson {
				r.notePerson(ph.claimant, ph.side, "")
			} else {
				r.noteEntity(ph.claimant, ph.side)
			}
		}
	}
	if len(r.places) > 0 {
		r.infos[i].place = r.places[len(r.places)-1].place
		r.lastPlace = r.infos[i].place
	} else if cont {
		r.infos[i].place = r.infos[i-1].place
	}
	if attr.claimant != "" {
		r.lastClaimant, r.lastSide = attr.claimant, attr.side
		if attr.side == "" && !attr.pronoun {
			r.lastSide = ""
		}
	}
}

// figure makes a claim of the quantity at token k, or none when what it
// counts, or what happened to them, is unclear.
func (r *run) figure(k int, claimant string, cont bool) {
	q := r.qs[r.toks[k].q]
	if !r.countable(k) {
		return
	}
	n := len(r.toks)
	var sb subj
	var base *figureRef
	end := k + 1
	// "Of the 251 hostages, 59 are still held": a total that frames the
	// sentence, not a claim
	if k == 2 && r.cls(0)&cOf != 0 && r.cls(1)&cDet != 0 {
		if sb, e := r.npAt(k + 1); !sb.empty() && e < n && r.toks[e].kind == tPunct {
			r.figs = append(r.figs, figureRef{tok: k, sub: sb, value: q.Value})
			return
		}
	}
	// "300 of the 11,000 troops": 300 counts the troops; 11,000 is the
	// whole they are part of, said in passing
	if m := end + 1; m < n && r.cls(end)&cOf != 0 {
		if r.cls(m)&cDet != 0 {
			m++
		}
		if m < n && r.toks[m].kind == tQty {
			if sb2, e := r.npAt(m + 1); !sb2.empty() {
				r.skipQty = m
				sb, end = sb2, e
				goto found
			}
		}
	}
	if k == r.skipQty {
		return
	}
	switch {
	case end+1 < n && r.cls(end)&cOf != 0 && r.cls(end+1)&cOfWhom != 0 && r.toks[end+1].mk < 0:
		// "300 of them", "two-thirds of whom"
		sb, base = r.antecedent()
		end += 2
	case end < n && r.cls(end)&cThey != 0 && r.toks[end].mk < 0 && r.word(end) == "them":
		sb, base = r.antecedent()
		end++
	case r.qs[r.toks[k].q].Vague && end < n && r.cls(end)&cOf != 0:
		// "dozens of North Korean soldiers"
		sb, end = r.npAt(end + 1)
	default:
		sb, end = r.npAt(end)
	}
	if sb.empty() {
		end = k + 1
		// "70 others were hurt": the others are more of the same
		if w := r.word(end); w == "others" || w == "more" {
			end++
		}
		bare := end >= n || (r.toks[end].kind == tPunct && r.toks[end].p != '(' && r.toks[end].p != '-') ||
			r.cls(end)&(cAux|cStill) != 0 || (r.phraseAt(end) != nil && r.phraseAt(end).measure != "" && r.phraseAt(end).head == "")
		// "killed about 17,000 Hamas fighters": an object the lexicon does
		// not know is not the antecedent
		object := r.objectMeasure(k) != "" && (end >= n || r.toks[end].kind != tWord ||
			r.cls(end)&(cPlacePrep|cAnd|cClauseStop|cTo|cFrom|cBy|cDateWord) != 0)
		if bare || object {
			sb, base = r.antecedent()
		}
	}
	if sb.empty() {
		// "North Korean casualties have exceeded 4,000", "the death toll rose to 35"
		sb = r.nounSubject(k)
	}
found:
	if sb.empty() || sb.unit {
		return
	}
	if sb.nat == "" && sb.whole == "" {
		sb.nat = r.natBefore(k)
		if sb.nat == "" && r.x.lx.needsNationality[sb.head] && r.x.lx.needsNationality[r.lastSubject.head] && r.recent() {
			sb.nat = r.lastSubject.nat
		}
		if sb.nat == "" && r.x.lx.needsNationality[sb.head] {
			return
		}
	}
	measure, ok := r.measureFor(k, end)
	if !ok {
		return
	}
	// armies deploy; people, migrants and refugees arrive, and only when
	// the text says so
	if military := sb.whole != "" || r.x.lx.needsNationality[sb.head]; military && measure == "arrived" {
		measure = "deployed"
	} else if !military && measure == "deployed" {
		measure = ""
		for j := k + 1; j < n && j < k+12; j++ {
			if w := r.word(j); w == "arrived" || w == "crossed" {
				measure = "arrived"
				break
			}
		}
		if measure == "" {
			return
		}
	}
	place := r.placeFor(k)
	if measure == "" {
		// "including 500 officers": what the figure they are part of says
		if inc := r.includedIn(k); inc != nil {
			measure = inc.measure
			if place == "" {
				place = inc.place
			}
		} else if cont && r.existential() && r.cur > 0 {
			measure = r.infos[r.cur-1].measure
			if place == "" {
				place = r.infos[r.cur-1].place
			}
		}
	}
	if measure == "" {
		return
	}
	v := q.Value
	if q.Fraction {
		if base == nil || v.High > 1 {
			return
		}
		// people come whole: two-thirds of 11,000 is 7,333
		v = Interval{Low: math.Round(base.value.Low * v.Low), High: math.Round(base.value.High * v.High),
			LowOpen: base.value.LowOpen || v.LowOpen, HighOpen: base.value.HighOpen || v.HighOpen}
	} else if v.High < 1 {
		return
	}
	r.figs = append(r.figs, figureRef{tok: k, sub: sb, measure: measure, value: v, place: place})
	r.lastSubject, r.lastSubjectSent = sb, r.cur
	r.add(Claim{Kind: Figure, Subject: r.subjName(sb), Measure: measure, Place: place,
		Value: v, ValueText: q.Text, Claimant: claimant})
}

// countable reports a quantity that can count people: not a share, an
// amount of money or a measurement with decimals ("magnitude 6.8", "4.5
// kilometers"); people come whole.
func (r *run) countable(k int) bool {
	q := &r.qs[r.toks[k].q]
	if q.Percent || q.Money || !q.Value.Valid() {
		return false
	}
	return q.Fraction || q.Value.Low == math.Trunc(q.Value.Low)
}

// subjName interns subject names, which repeat through an article.
func (r *run) subjName(s subj) string {
	if n, ok := r.names[s]; ok {
		return n
	}
	if r.names == nil {
		r.names = map[subj]string{}
	}
	n := s.String()
	r.names[s] = n
	return n
}

func (r *run) recent() bool { return r.cur-r.lastSubjectSent <= 2 }

// antecedent is what "them" and a bare figure refer to: the last figure of
// the sentence, else the last subject named in the two sentences before.
func (r *run) antecedent() (subj, *figureRef) {
	if len(r.figs) > 0 {
		f := &r.figs[len(r.figs)-1]
		return f.sub, f
	}
	if r.recent() {
		return r.lastSubject, nil
	}
	return subj{}, nil
}

// includedIn finds the figure a quantity is a part of: "12,000 soldiers,
// including 500 officers and three generals".
func (r *run) includedIn(k int) *figureRef {
	for j := k - 1; j >= 0 && j >= k-6; j-- {
		t := r.toks[j]
		if t.kind == tPunct && t.p != ',' {
			return nil
		}
		if t.kind == tWord && r.cls(j)&cIncluding != 0 {
			for f := len(r.figs) - 1; f >= 0; f-- {
				if r.figs[f].tok < j {
					return &r.figs[f]
				}
			}
			return nil
		}
	}
	return nil
}

// objectMeasure is the measure of an active verb whose object the
// quantity at k is: "sent about 11,000", "has assembled a group of 50,000".
func (r *run) objectMeasure(k int) string {
	if ph, _ := r.objectVerb(k); ph != nil {
		return ph.measure
	}
	return ""
}

// objectVerb finds the active verb whose object the quantity at k is and
// its token, passing over up to four words of a group ("a group of") in
// between; ph is nil when there is none. The lexicon keeps one entry a
// word, so a word that is also a head noun is read as the people it names,
// never as the verb.
func (r *run) objectVerb(k int) (ph *phrase, j int) {
	ts := r.toks
	j = k - 1
	for g := 0; j >= 0 && g < 4 && ts[j].kind == tWord && ts[j].mk < 0 && r.cls(j)&cGroupGlue != 0; g++ {
		j--
	}
	if j >= 0 && ts[j].kind == tWord {
		if ph := r.phraseAt(j); ph != nil && ph.measure != "" && ph.mflags&mActive != 0 && ph.head == "" {
			return ph, j
		}
	}
	return nil, j
}

// nounSubject is the subject a measure noun before the quantity names:
// "North Korean casualties" are North Korean soldiers; a death toll counts
// people.
func (r *run) nounSubject(k int) subj {
	for j := k - 1; j >= 0 && j >= k-12; j-- {
		t := r.toks[j]
		if t.kind == tQty && !r.countable(j) {
			continue
		}
		if t.kind == tQty || (t.kind == tPunct && t.p != '"') {
			return subj{}
		}
		if t.mk < 0 && r.cls(j)&(cSpeech|cThat|cAccording) != 0 {
			return subj{}
		}
		ph := r.phraseAt(j)
		if ph == nil || ph.measure == "" || ph.mflags&mNoun == 0 {
			continue
		}
		i := r.marks[t.mk].i
		if i > 0 {
			if np := r.phraseAt(i - 1); np != nil && np.nat != "" && np.ckind == 0 {
				return subj{nat: np.nat, head: "soldiers"}
			}
		}
		if ph.measure == "killed" {
			return subj{head: "people"}
		}
		return subj{}
	}
	return subj{}
}

// nounAhead reports a measure noun just before a participle at j: in "the
// number of troops killed rose to 300" the participle is the measure of the
// noun's value. A participle without one belongs to another clause.
func (r *run) nounAhead(j, k int) bool {
	for n := j - 1; n >= 0 && n >= j-4; n-- {
		if ph := r.phraseAt(n); ph != nil && ph.measure != "" && ph.mflags&mNoun != 0 {
			return true
		}
	}
	return false
}

// measureFor finds what happened to the counted people. ok is false when
// the figure must not become a claim at all (negated, or only planned).
func (r *run) measureFor(k, end int) (string, bool) {
	ts := r.toks
	// the object of an active verb: "sent about 11,000", "has assembled a
	// group of 50,000"
	if ph, j := r.objectVerb(k); ph != nil {
		if r.modal(j-3, j) || r.negated(j-2, j) {
			return "", false
		}
		return ph.measure, true
	}
	// the predicate after the subject: "… are still fighting", "… have
	// been killed or wounded"
	weak := ""
	for n := end; n < len(ts) && n < end+10; n++ {
		t := ts[n]
		if t.kind == tQty {
			break
		}
		if t.kind == tPunct {
			if t.p == '"' {
				continue
			}
			break
		}
		cl := r.cls(n)
		if t.mk < 0 && cl&(cClauseStop|cSpeech|cAccording) != 0 {
			break
		}
		ph := r.phraseAt(n)
		if ph == nil {
			continue
		}
		// "displaced by the fighting": a noun, not what the people do
		if ph.measure == "fighting" && n > 0 && r.cls(n-1)&cDet != 0 {
			n = r.markEnd(n) - 1
			continue
		}
		if ph.measure != "" {
			if r.negated(k+1, n) || r.modal(k+1, n) {
				return "", false
			}
			if ph.mflags&mWeak != 0 {
				// "remain in Kursk", not "remained encircled"
				e := r.markEnd(n)
				if weak == "" && (e >= len(ts) || ts[e].kind == tPunct || r.cls(e)&(cPlacePrep|cStill) != 0 || r.word(e) == "at") {
					weak = ph.measure
				}
			} else {
				return ph.measure, true
			}
		}
		n = r.markEnd(n) - 1
	}
	if weak != "" {
		return weak, true
	}
	// a noun whose value the figure is: "the death toll rose to 45", "the
	// number of troops killed rose to 300"
	for j := k - 1; j >= 0 && j >= k-12; j-- {
		t := ts[j]
		if t.kind == tQty && !r.countable(j) {
			continue
		}
		if t.kind == tQty || (t.kind == tPunct && t.p != '"') {
			break
		}
		if t.mk < 0 && r.cls(j)&(cSpeech|cThat|cAccording) != 0 {
			break
		}
		ph := r.phraseAt(j)
		if ph == nil || ph.measure == "" || ph.mflags&mWeak != 0 {
			continue
		}
		if ph.mflags&mNoun == 0 && !r.nounAhead(j, k) {
			return "", true
		}
		if r.modal(j, k) {
			return "", false
		}
		return ph.measure, true
	}
	return "", true
}

func (r *run) addStatus(subject, measure, place string, pol Polarity, claimant string) {
	r.add(Claim{Kind: Status, Subject: subject, Measure: measure, Place: place, Polarity: pol, Claimant: claimant})
}

// add completes a claim with its evidence and keeps it if valid.
func (r *run) add(c Claim) {
	s := r.ss[r.cur]
	c.Outlet, c.URL, c.Published = r.a.Outlet, r.a.URL, r.a.Published
	if c.Outlet == "" {
		c.Outlet = r.outlet()
	}
	c.AsOf = r.infos[r.cur].asOf
	if c.AsOf.IsZero() || (c.Kind == Status && r.vagueAsOf) {
		c.AsOf = r.a.Published
	}
	c.Start, c.End = s.start, s.end
	c.Sentence = r.p[s.start:s.end]
	if c.Validate() != nil {
		return
	}
	// an article repeats itself; the first telling is the evidence
	k := claimKey{c.Subject, c.Measure, c.Place, c.Claimant, c.Kind, c.Value, c.Polarity, c.AsOf}
	if r.seen[k] {
		return
	}
	if r.seen == nil {
		r.seen = map[claimKey]bool{}
	}
	r.seen[k] = true
	r.claims = append(r.claims, c)
}

type claimKey struct {
	subject, measure, place, claimant string
	kind                              Kind
	v                                 Interval
	pol                               Polarity
	asOf                              time.Time
}

// finish names the media behind "media reports" when the article lists
// them anywhere, and drops repeats of the same claim.
func (r *run) finish() []Claim {
	out := r.claims[:0]
	seen := map[claimKey]bool{}
	for _, c := range r.claims {
		if c.Claimant == "media reports" && r.mediaList != "" {
			c.Claimant = r.mediaList
		}
		k := claimKey{c.Subject, c.Measure, c.Place, c.Claimant, c.Kind, c.Value, c.Polarity, c.AsOf}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil
	}
	return slices.Clip(out)
}

// token helpers

func (r *run) cls(k int) uint64 {
	if k < 0 || k >= len(r.toks) || r.toks[k].kind != tWord {
		return 0
	}
	return r.x.lx.cls[r.toks[k].id]
}

func (r *run) phraseAt(k int) *phrase {
	if k < 0 || k >= len(r.toks) || r.toks[k].mk < 0 {
		return nil
	}
	return r.marks[r.toks[k].mk].ph
}

func (r *run) markEnd(k int) int {
	if r.toks[k].mk < 0 {
		return k + 1
	}
	return r.marks[r.toks[k].mk].j
}

func (r *run) is(k int, w string) bool {
	if k < 0 || k >= len(r.toks) {
		return false
	}
	if w == "'s" {
		return r.toks[k].id == r.x.lx.poss && r.toks[k].id != 0
	}
	return r.word(k) == w
}

// word is the text of token k with ASCII letters in lower case, for
// comparing with the words the rules name; it never allocates.
func (r *run) word(k int) string {
	if k < 0 || k >= len(r.toks) {
		return ""
	}
	return r.lower[r.toks[k].s:r.toks[k].e]
}

// asciiLower lowers ASCII letters only, so that byte offsets stay those of s.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !(s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
