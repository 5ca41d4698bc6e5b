package extract

import (
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
	"github.com/crosscheck-news/crosscheck/feeds/claim/registry"
)

// Config tunes an Extractor.
type Config struct {
	// Hedges turn hedged figures into intervals; the zero value means
	// claim.DefaultHedges().
	Hedges claim.Hedges
	// Frames are a desk's own beat files (name → contents), read after the
	// embedded ones.
	Frames map[string][]byte
	// Registry names claimants; nil means registry.Default().
	Registry *registry.Registry
	// Pipeline is the language layer; nil means lang.Load().
	Pipeline *lang.Pipeline
}

// Extractor turns articles into claims. It is immutable and safe for
// concurrent use.
type Extractor struct {
	k      *knowledge
	reg    *registry.Registry
	nats   *registry.Nationalities
	lang   *lang.Pipeline
	hedges claim.Hedges
	trig   *triggers
	// parseAll analyses every sentence, as the prefilter's reference.
	parseAll bool
}

// New builds an Extractor; the error names the data file and line at fault.
func New(cfg Config) (*Extractor, error) {
	k, err := loadKnowledge(cfg.Frames)
	if err != nil {
		return nil, err
	}
	x := &Extractor{k: k, reg: cfg.Registry, nats: registry.DefaultNationalities(), lang: cfg.Pipeline, hedges: cfg.Hedges}
	if x.reg == nil {
		x.reg = registry.Default()
	}
	if x.lang == nil {
		if x.lang, err = lang.Load(); err != nil {
			return nil, err
		}
	}
	if len(x.hedges.Phrases) == 0 {
		x.hedges = claim.DefaultHedges()
	}
	if err := x.hedges.Validate(); err != nil {
		return nil, err
	}
	x.trig = newTriggers(x.lang, k)
	return x, nil
}

// article is what one Extract call knows of the article as it reads it.
type article struct {
	x       *Extractor
	a       claim.Article
	text    string // plain text; offsets index it
	place   string // the dateline's or headline's place
	persons []string
	// mentioned are the people named in sentences read without a parse.
	mentioned []string
	orgs      []string
	said      []speakerRef
	// quoteSpeaker speaks the sentence being read when it lies inside a
	// quotation that a later sentence attributes ("… he said").
	quoteSpeaker string
	claims       []claim.Claim
	lastGroup    group           // the counted group named last
	seen         map[[3]int]bool // sentence start, claim start, kind: one claim per reading
	names        names
}

// Extract returns the claims of an article, in text order.
func (x *Extractor) Extract(a claim.Article) []claim.Claim {
	ar := &article{x: x, a: a, text: claim.Plain(a.Text), seen: map[[3]int]bool{}, names: names{words: map[string]bool{}}}
	// The dateline names a place, not a subject: it is read for the place
	// and blanked (offsets kept) before the text is parsed.
	var dateline int
	ar.place, dateline = datelinePlace(ar.text, x.k)
	doc := lang.Tokenize(strings.Repeat(" ", dateline) + ar.text[dateline:])
	doc.Text = ar.text
	// Only the sentences that may hold a claim or name a quotation's
	// speaker are tagged and parsed, chosen by their forms; the others are
	// tagged only when they may bring back a person named before (remember).
	parsed := x.toParse(ar.text, doc.Sentences)
	x.analyse(doc.Sentences, parsed)
	// The headline is read for its place and for the people it names,
	// the antecedents of the lead's "he" and "she" when the lead names no
	// one itself (so they are kept as mentioned, not as the last named).
	if a.Title != "" {
		title := x.lang.Analyze(a.Title)
		for i := range title.Sentences {
			ts := newSent(&title.Sentences[i], title.Text, nil)
			// A headline's capitals name no organisation ("Coast guard
			// rescues …") and its parse is a poor guide: its people are
			// read from the words, as mentioned.
			ar.rememberRuns(ts)
			if p := placeInSentence(ts, x.k); p != "" && ar.place == "" {
				ar.place = p
			}
		}
	}
	sents, low := make([]*sent, len(doc.Sentences)), lowerer{}
	for i := range doc.Sentences {
		if parsed[i] {
			sents[i] = newSent(&doc.Sentences[i], ar.text, low)
		}
	}
	quoted := ar.quoteSpeakers(doc.Sentences, sents)
	for i := range doc.Sentences {
		st := sents[i]
		if st == nil {
			// An unparsed sentence serves remember alone: tagged when it
			// may bring back a person named before, else read by its forms
			// for the people it names first ("… was stated by Kyrylo
			// Budanov." before "He said …").
			if ar.mentions(&doc.Sentences[i]) {
				x.lang.Tag(&doc.Sentences[i])
			}
			st = newSent(&doc.Sentences[i], ar.text, low)
		}
		ar.quoteSpeaker = quoted[i]
		ar.remember(st) // first: "Peng … says she is safe"
		if parsed[i] {
			ar.read(st)
		}
	}
	return ar.claims
}

// quoteSpeakers finds who speaks each sentence of a quotation that runs
// over several sentences: the speaker named after the closing mark ("…,"
// Vasiliou said) speaks every sentence back to the opening one.
func (ar *article) quoteSpeakers(ss []lang.Sentence, sents []*sent) []string {
	out := make([]string, len(ss))
	inQuote, open := false, -1
	for i := range ss {
		st := sents[i]
		var closed bool
		closed, inQuote = quoteMarks(ar.text[ss[i].Start:ss[i].End], inQuote)
		switch {
		case inQuote && open < 0:
			open = i
		case !inQuote && open >= 0 && closed:
			// The quotation closes here: its speaker is this sentence's.
			if st == nil {
				open = -1
				continue
			}
			if speaker := ar.sentenceSpeaker(st); speaker != "" {
				for k := open; k <= i; k++ {
					out[k] = speaker
				}
			}
			open = -1
		}
	}
	return out
}

// quoteMarks reads a sentence's quotation marks: whether it closes a
// quotation and whether one is open after it.
func quoteMarks(text string, inQuote bool) (closed, open bool) {
	for _, r := range text {
		switch r {
		case '“', '«':
			inQuote = true
		case '”', '»':
			closed, inQuote = closed || inQuote, false
		case '"':
			closed, inQuote = closed || inQuote, !inQuote
		}
	}
	return closed, inQuote
}

// sentenceSpeaker returns who a sentence's reporting verb names, or "".
func (ar *article) sentenceSpeaker(st *sent) string {
	for j := range st.s.Words {
		if ar.x.k.reporting[st.lemmas[j]] && st.upos(j) == "VERB" {
			if s := subjectOf(ar.x.k, st, j); s >= 0 {
				return ar.claimantName(st, s)
			}
		}
	}
	return ""
}

// read finds the claims of one sentence.
func (ar *article) read(st *sent) {
	start := st.s.Start
	qs := claim.FindQuantities(ar.text[start:st.s.End], &ar.x.hedges)
	for _, q := range qs {
		if q.Money || q.Fraction {
			continue
		}
		n := quantityWord(st, start+q.Start, start+q.End)
		if n < 0 {
			continue
		}
		ar.figure(st, n, q)
	}
	for i := range st.s.Words {
		if frs := ar.x.k.statuses[st.lemmas[i]]; len(frs) > 0 {
			ar.status(st, i, frs)
		}
	}
}

// quantityWord returns the word of a quantity's span that the tree hangs
// it by: the one whose head lies outside the span.
func quantityWord(st *sent, a, b int) int {
	outside, num, last := -1, -1, -1
	for i := range st.s.Words {
		w := st.w(i)
		if w.Start < a || w.End > b {
			continue
		}
		last = i
		if w.UPOS != "NUM" {
			continue
		}
		num = i
		if h := w.Head; h < 0 || st.w(h).Start < a || st.w(h).End > b {
			outside = i
		}
	}
	switch {
	case outside >= 0:
		return outside
	case num >= 0:
		return num
	}
	return last
}

// remember keeps the people and organisations a sentence names, for the
// pronouns and descriptions of later ones. A surname alone ("Peng") brings
// back the person named in full before ("Peng Shuai").
func (ar *article) remember(st *sent) {
	if !st.parsed() {
		ar.rememberRuns(st)
		return
	}
	// A sentence's subject is who a later "she" most likely means: the
	// people it names as the main clause's subject (or as its root, when
	// the parser makes "Peng, 35, had accused …" a name) are kept after
	// the others, and among those the one named first (subjects come
	// first in English) is kept last.
	var others, subjects []string
	defer func() {
		slices.Reverse(others)
		for _, p := range append(others, subjects...) {
			ar.addPerson(p)
		}
	}()
	keep := func(i int, n string) {
		if h := st.head(i); st.rel(i) == "root" || strings.HasPrefix(st.rel(i), "nsubj") && h >= 0 && st.rel(h) == "root" {
			subjects = append(subjects, n)
		} else {
			others = append(others, n)
		}
	}
	for i := range st.s.Words {
		if st.upos(i) != "PROPN" || st.rel(i) == "flat" || st.rel(i) == "compound" {
			continue
		}
		n := st.name(i)
		if n == "" || ar.x.k.timeNoun(strings.ToLower(n)) {
			continue
		}
		if full := ar.person(n); full != "" {
			keep(i, full)
			continue
		}
		multi := strings.Contains(n, " ") && (st.child(i, "flat", "flat:name") >= 0 || st.child(i, "compound") >= 0)
		if multi && ar.personName(n) {
			keep(i, n)
		} else if r := st.rel(i); r == "nsubj" {
			ar.orgs = append(ar.orgs, n)
		}
	}
}

// addPerson makes p the person named last. Each person is kept once, at
// its last mention, so the list (which person and lastPerson read from the
// end) grows with the people an article names, not with its length.
func (ar *article) addPerson(p string) {
	if i := slices.Index(ar.persons, p); i >= 0 {
		ar.persons = slices.Delete(ar.persons, i, i+1)
	} else {
		ar.names.add(p)
	}
	ar.persons = append(ar.persons, p)
}

// lastPerson is the person a personal pronoun ("she") stands for: the one
// named last; ok is false for any other word, or before anyone is named.
func (ar *article) lastPerson(pronoun string) (string, bool) {
	if !ar.x.k.personPronouns[pronoun] {
		return "", false
	}
	if n := len(ar.persons); n > 0 {
		return ar.persons[n-1], true
	}
	if n := len(ar.mentioned); n > 0 {
		return ar.mentioned[n-1], true
	}
	return "", false
}

// person returns the full name of a person named before whose first or
// last name n is, or "".
func (ar *article) person(n string) string {
	for _, ps := range [][]string{ar.persons, ar.mentioned} {
		for i := len(ps) - 1; i >= 0; i-- {
			p := ps[i]
			if p == n || len(p) > len(n) && (p[len(p)-len(n)-1] == ' ' && strings.HasSuffix(p, n) || p[len(n)] == ' ' && strings.HasPrefix(p, n)) {
				return p
			}
		}
	}
	return ""
}

// add records a claim once per sentence and reading.
func (ar *article) add(st *sent, c claim.Claim, at int) {
	key := [3]int{st.s.Start, at, int(c.Kind)}
	if ar.seen[key] {
		return
	}
	ar.seen[key] = true
	c.Outlet, c.URL, c.Published = ar.a.Outlet, ar.a.URL, ar.a.Published
	if c.AsOf.IsZero() {
		c.AsOf = ar.a.Published
	}
	if c.Place == "" {
		c.Place = ar.place
	}
	// The evidence starts at the sentence's first word: a blanked dateline
	// is no part of it.
	first := st.s.Start
	if len(st.s.Words) > 0 {
		first = st.s.Words[0].Start
	}
	c.Sentence = strings.TrimSpace(ar.text[first:st.s.End])
	c.Start, c.End = first, st.s.End
	if c.Validate() != nil || ar.repeats(c) {
		return
	}
	ar.claims = append(ar.claims, c)
}

// asOf dates a claim by the time words of its predicate's clause: a
// weekday, "yesterday", "last week", a month and day (and year), a bare
// year; else those of the reporting verb above it ("reported on October
// 24, 2024, that …" dates what was reported); publication otherwise.
func (ar *article) asOf(st *sent, p int) time.Time {
	pub := ar.a.Published
	if pub.IsZero() || p < 0 {
		return pub
	}
	k := ar.x.k
	for j, steps := p, 0; j >= 0 && steps < len(st.s.Words); j, steps = st.head(j), steps+1 {
		if t, ok := ar.timeUnder(st, j); ok {
			return t
		}
		if h := st.head(j); st.rel(j) == "acl:relcl" && st.child(j, "mark") >= 0 && h >= 0 && k.timeNoun(st.lemmas[h]) {
			// "said on Monday that …" with the clause hung from the day.
			if t, ok := ar.timeWord(st, h); ok {
				return t
			}
		}
		if j != p && k.reporting[st.lemmas[j]] && st.upos(j) == "VERB" {
			break
		}
		switch st.rel(j) {
		case "ccomp", "advcl", "parataxis", "conj", "xcomp":
			continue
		}
		break
	}
	return pub
}

// timeUnder reads the time words hanging from word p.
func (ar *article) timeUnder(st *sent, p int) (time.Time, bool) {
	for _, c := range st.kids[p] {
		if t, ok := ar.timeWord(st, c); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// timeWord reads word c as a time: a weekday, "yesterday", "last week", a
// month's day, a bare year.
func (ar *article) timeWord(st *sent, c int) (time.Time, bool) {
	pub := ar.a.Published
	k := ar.x.k
	l := st.lemmas[c]
	if d, ok := k.weekday[l]; ok {
		back := (int(pub.Weekday()) - d + 7) % 7
		return pub.AddDate(0, 0, -back), true
	}
	if d, ok := k.relDays[l]; ok {
		return pub.AddDate(0, 0, -d), true
	}
	if d, ok := k.lastDays[l]; ok && st.child(c, "amod") >= 0 && st.lemmas[st.child(c, "amod")] == "last" {
		return pub.AddDate(0, 0, -d), true
	}
	if m, ok := k.month[l]; ok {
		if day := st.child(c, "nummod"); day >= 0 {
			if t, ok := monthDay(pub, time.Month(m), st.w(day).Form, yearUnder(st, c, day)); ok {
				return t, true
			}
		}
	}
	if st.upos(c) != "NUM" {
		return time.Time{}, false
	}
	// "on October 24, 2024" parsed with the day as the head.
	for _, g := range st.kids[c] {
		if m, ok := k.month[st.lemmas[g]]; ok {
			if t, ok := monthDay(pub, time.Month(m), st.w(c).Form, yearUnder(st, c, g)); ok {
				return t, true
			}
		}
	}
	// A bare year ("in 2013"): the claim is as of that year's end.
	if y, ok := year(st.w(c).Form); ok && st.caseOf(c) != "" && y < pub.Year() {
		return time.Date(y, 12, 31, pub.Hour(), pub.Minute(), 0, 0, pub.Location()), true
	}
	return time.Time{}, false
}

// yearUnder returns the year (a four-digit number) hanging from any of
// words, or 0.
func yearUnder(st *sent, words ...int) int {
	for _, w := range words {
		for _, c := range st.kids[w] {
			if y, ok := year(st.w(c).Form); ok {
				return y
			}
		}
	}
	return 0
}

// year reads a four-digit year from 1800 to 2199.
func year(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		y = y*10 + int(r-'0')
	}
	return y, y >= 1800 && y < 2200
}

// monthDay dates a day of a month: in year y when the text gives one,
// else the latest such day not after the publication.
func monthDay(pub time.Time, m time.Month, day string, y int) (time.Time, bool) {
	d := 0
	for _, r := range day {
		if r < '0' || r > '9' {
			return time.Time{}, false
		}
		d = d*10 + int(r-'0')
	}
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	if y > 0 {
		return time.Date(y, m, d, pub.Hour(), pub.Minute(), 0, 0, pub.Location()), true
	}
	t := time.Date(pub.Year(), m, d, pub.Hour(), pub.Minute(), 0, 0, pub.Location())
	if t.After(pub.AddDate(0, 0, 1)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t, true
}

// repeats reports a claim the article has made before: the same claimant
// giving the same value of the same measure, on the same day, of a subject
// that is the earlier one's or that one without its side ("soldiers" after
// "north korean soldiers"). An article that tells a figure twice makes one
// claim; its first telling is the evidence.
func (ar *article) repeats(c claim.Claim) bool {
	for _, e := range ar.claims {
		if e.Kind != c.Kind || e.Claimant != c.Claimant || e.Measure != c.Measure || e.Value != c.Value ||
			e.Polarity != c.Polarity || !e.AsOf.Equal(c.AsOf) || e.Place != c.Place && c.Place != "" && e.Place != "" {
			continue
		}
		if e.Subject == c.Subject || strings.HasSuffix(e.Subject, " "+c.Subject) || strings.HasSuffix(c.Subject, " "+e.Subject) {
			return true
		}
	}
	return false
}
