package claim

import (
	"cmp"
	_ "embed"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Events. Each article joins the happening it reports, or starts one, told
// apart by what the article says (the places, names and event nouns of its
// title and lead, the places of its claims) and by time: an event closes
// after a quiet spell. Claims are only ever compared within one event. The
// functions here are pure; the store keeps events and their anchor index
// and hands Assign the open events that share an anchor with the article.

//go:embed data/events.yaml
var eventsYAML []byte

type eventVocab struct {
	nouns        map[string]string // word → kind of event
	notNames     map[string]bool
	preps        map[string]bool
	yearPreps    map[string]bool // words a year follows
	months       map[string]bool
	countries    map[string]string // demonym → country
	countryNames map[string]bool
	// genericSubjects count in every story ("people"): their claims'
	// topics tell no event from another.
	genericSubjects map[string]bool
}

var loadEventVocab = sync.OnceValue(func() eventVocab {
	var d struct {
		EventNouns map[string][]string `yaml:"event_nouns"`
		NotNames   []string            `yaml:"not_names"`
		PlacePreps []string            `yaml:"place_preps"`
		YearPreps  []string            `yaml:"year_preps"`
		Months     []string            `yaml:"months"`
		Demonyms   map[string][]string `yaml:"demonyms"`
		Generic    []string            `yaml:"generic_subjects"`
	}
	if err := decodeStrict("data/events.yaml", eventsYAML, &d); err != nil {
		panic(err) // the embedded file is tested; a broken one is a build error
	}
	v := eventVocab{nouns: map[string]string{}, notNames: map[string]bool{}, preps: map[string]bool{}, yearPreps: map[string]bool{}, months: map[string]bool{}}
	for _, w := range d.YearPreps {
		v.yearPreps[w] = true
	}
	for _, w := range d.Months {
		v.months[w] = true
	}
	v.genericSubjects = map[string]bool{}
	for _, w := range d.Generic {
		v.genericSubjects[w] = true
	}
	v.countries = map[string]string{}
	v.countryNames = map[string]bool{}
	for country, ds := range d.Demonyms {
		v.countryNames[country] = true
		for _, w := range ds {
			v.countries[w] = country
		}
	}
	for kind, ws := range d.EventNouns {
		for _, w := range ws {
			v.nouns[w] = kind
		}
	}
	for _, w := range d.NotNames {
		v.notNames[w] = true
	}
	for _, w := range d.PlacePreps {
		v.preps[w] = true
	}
	return v
})

// Anchor kinds, the first byte of an anchor.
const (
	AnchorPlace  = 'p'
	AnchorName   = 'e'
	AnchorNoun   = 'n'
	AnchorYear   = 'y'
	AnchorTopic  = 't' // what a claim counts or describes: "north korean soldiers|at the front"
	anchorPrefix = 2   // kind and ':'
)

// EventRules are the knobs of event assignment.
type EventRules struct {
	// Quiet is how long an event stays open without a new article.
	Quiet time.Duration
	// Threshold is the score an article must reach to join an event.
	Threshold float64
}

// DefaultEventRules: an event closes after 45 quiet days (later studies of a past event still join it).
func DefaultEventRules() EventRules {
	return EventRules{Quiet: 45 * 24 * time.Hour, Threshold: 0.15}
}

// WithDefaults fills unset fields from DefaultEventRules.
func (r EventRules) WithDefaults() EventRules {
	d := DefaultEventRules()
	if r.Quiet <= 0 {
		r.Quiet = d.Quiet
	}
	if r.Threshold <= 0 || math.IsNaN(r.Threshold) {
		r.Threshold = d.Threshold
	}
	return r
}

// Anchors are what one article says that identifies its event.
type Anchors struct {
	// Terms are the anchors ("p:lisbon", "e:lohan", "n:earthquake"),
	// sorted, each once.
	Terms []string
	// Weights, one per term, are how much the article says each: its
	// mentions, a title's counted above a lead's and a lead's above the
	// body's, dampened (1+log), before rarity.
	Weights []float64
	// Place is the article's main place: the most frequent place of its
	// claims, else the first place of its title and lead.
	Place string
	// Year is the anchor of the year the article is about ("y:2023"): the
	// one it names most, in its title or lead or again and again, else
	// the year it was published; "" when it tells neither.
	Year      string
	Published time.Time
}

// weight is the article's weight of its i-th term; Anchors built by hand
// without weights weigh each term 1.
func (a Anchors) weight(i int) float64 {
	if i < len(a.Weights) {
		return a.Weights[i]
	}
	return 1
}

// How much a mention weighs by where it stands: a title names the
// happening, a lead tells it, the body also gives background. A claim's
// place counts as a lead's mention.
const (
	titleMention = 3.0
	leadMention  = 2.0
	bodyMention  = 0.5
	claimPlace   = 2.0
	// bodySentences bounds how much of a long article is read for
	// anchors: past it, an article is background and cost.
	bodySentences = 60
)

// leadSentences is how much of the text the lead is, past the title.
const leadSentences = 3

// ArticleAnchors reads the anchors of an article from its title, its lead
// (the first paragraph, at most leadSentences sentences), its body and its
// claims' places; without a text, from its claims' sentences. Event nouns
// and years count only in the title and lead (a body's "heart attack" is
// no attack, its years are background).
func ArticleAnchors(title, text string, claims []Claim, published time.Time) Anchors {
	v := loadEventVocab()
	if strings.TrimSpace(text) == "" {
		var ss []string
		for _, c := range claims {
			if len(ss) == 0 || ss[len(ss)-1] != c.Sentence {
				ss = append(ss, c.Sentence)
			}
		}
		text = strings.Join(ss, " ")
	}
	lead, body := splitLead(Plain(text))
	if len(body) > bodySentences {
		body = body[:bodySentences]
	}
	titleWords, leadWords, bodyWords := sentenceWords(splitSentences(title)), sentenceWords(lead), sentenceWords(body)
	// A capitalised word is a name when the text capitalises it where no
	// sentence begins; at a sentence's start, or anywhere in a title in
	// headline case, it must be one of those.
	known := map[string]bool{}
	for _, zone := range [][][]string{leadWords, bodyWords} {
		for _, words := range zone {
			midNames(v, words, known)
		}
	}
	raw := map[string]float64{}
	var places []string
	zones := []struct {
		sentences [][]string
		w         float64
		nouns     bool
		headCap   bool
	}{
		{titleWords, titleMention, true, headlineCase(title)},
		{leadWords, leadMention, true, false},
		{bodyWords, bodyMention, false, false},
	}
	for zi, z := range zones {
		for _, words := range z.sentences {
			ps := sentenceAnchors(v, words, known, z.headCap, z.nouns, z.w, raw)
			if zi < 2 {
				places = append(places, ps...)
			}
		}
	}
	// Years count in the title and lead only: the body's are background
	// (a biography, an earlier disaster).
	for _, zone := range [][][]string{titleWords, leadWords} {
		for _, words := range zone {
			for _, y := range years(v, words) {
				raw[string(AnchorYear)+":"+y] += leadMention
			}
		}
	}
	counts := map[string]int{}
	best := ""
	for _, c := range claims {
		if c.Subject != "" && c.Measure != "" && !v.genericSubjects[c.Subject] {
			raw[string(AnchorTopic)+":"+c.Subject+"|"+c.Measure] += claimPlace
		}
		if c.Place == "" {
			continue
		}
		raw[string(AnchorPlace)+":"+c.Place] += claimPlace
		counts[c.Place]++
		if counts[c.Place] > counts[best] || (counts[c.Place] == counts[best] && c.Place < best) {
			best = c.Place
		}
	}
	if best == "" && len(places) > 0 {
		best = places[0]
	}
	a := Anchors{Place: best, Year: yearAbout(raw, published), Published: published}
	if a.Year != "" && raw[a.Year] < leadMention {
		raw[a.Year] += leadMention // the publication's year, as if the lead named it
	}
	for t := range raw {
		a.Terms = append(a.Terms, t)
	}
	slices.Sort(a.Terms)
	a.Weights = make([]float64, len(a.Terms))
	for i, t := range a.Terms {
		a.Weights[i] = dampen(raw[t])
	}
	return a
}

// dampen is the weight of raw mentions: as many as they are up to one,
// then growing with their logarithm, so a word said ten times is not ten
// times the evidence. (1+log alone would make a lone body mention,
// weighing under one, negative: evidence against.)
func dampen(raw float64) float64 {
	if raw < 1 {
		return raw
	}
	return 1 + math.Log(raw)
}

// yearAbout is the year an article is about: the year it names most, if
// it names it as its own (in its title or lead, or again and again in its
// body), else the year it was published, so two events of one kind years
// apart stay apart even when only one of them says its year. Ties go to
// the earlier year.
func yearAbout(raw map[string]float64, published time.Time) string {
	best, bw := "", 0.0
	for t, w := range raw {
		if t[0] == AnchorYear && w >= leadMention && (w > bw || w == bw && t < best) {
			best, bw = t, w
		}
	}
	if best == "" && !published.IsZero() {
		best = string(AnchorYear) + ":" + strconv.Itoa(published.Year())
	}
	return best
}

// splitLead cuts plain text into the sentences of its lead (the first
// paragraph, at most leadSentences of them) and those of the rest.
func splitLead(plain string) (lead, body []string) {
	first, after, _ := strings.Cut(strings.TrimSpace(plain), "\n")
	lead = splitSentences(first)
	if len(lead) > leadSentences {
		lead, body = lead[:leadSentences], lead[leadSentences:]
	}
	return lead, append(body, splitSentences(after)...)
}

// sentenceWords cuts each sentence into the words anchors are read from.
func sentenceWords(ss []string) [][]string {
	out := make([][]string, len(ss))
	for i, s := range ss {
		out[i] = anchorWords(s)
	}
	return out
}

// splitSentences cuts at a full stop, question or exclamation mark
// followed by a space and a capital, which is enough for anchors.
func splitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '\n' || (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			r, _ := utf8.DecodeRuneInString(s[i+2:])
			if s[i] == '\n' || unicode.IsUpper(r) {
				if strings.TrimSpace(s[start:i+1]) != "" {
					out = append(out, s[start:i+1])
				}
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

func anchorWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
	})
}

// nameWord is a word's anchor form and whether it is capitalised and may
// name something at all.
func nameWord(v eventVocab, word string) (lw string, capital bool) {
	w := strings.Trim(word, "-'")
	lw = strings.ToLower(strings.TrimSuffix(w, "'s"))
	if lw == "" {
		return "", false
	}
	r, _ := utf8.DecodeRuneInString(w)
	return lw, unicode.IsUpper(r) && !v.notNames[lw] && !(isAllCaps(w) && len(w) > 5)
}

// midNames adds to known the capitalised words of a sentence past its
// first word: words the text itself treats as names.
func midNames(v eventVocab, words []string, known map[string]bool) {
	for i, w := range words {
		if i == 0 {
			continue
		}
		if lw, ok := nameWord(v, w); ok {
			known[lw] = true
		}
	}
}

// headlineCase reports whether a title capitalises most of its words
// ("Lohan Checks Into Rehab"), so its capitals say nothing of names.
func headlineCase(title string) bool {
	words, caps := 0, 0
	for _, w := range anchorWords(title) {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		words++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			caps++
		}
	}
	return words >= 3 && caps*4 >= words*3
}

// sentenceAnchors adds a sentence's names, places and (if nouns) event
// nouns to raw, each mention weighing w, and returns its places in order.
// A name is a capitalised word that is no calendar word or the like; at
// the sentence's start or in a headline-case title it must be known (the
// text capitalises it elsewhere). A run of names after a place
// preposition is a place.
func sentenceAnchors(v eventVocab, words []string, known map[string]bool, headCap, nouns bool, w float64, raw map[string]float64) []string {
	isName := func(i int) (string, bool) {
		lw, ok := nameWord(v, words[i])
		if ok && (i == 0 || headCap) && !known[lw] {
			ok = false
		}
		return lw, ok
	}
	var places []string
	for i := 0; i < len(words); i++ {
		lw, ok := isName(i)
		if lw == "" {
			continue
		}
		if !ok {
			if r, _ := utf8.DecodeRuneInString(words[i]); unicode.IsUpper(r) && v.notNames[lw] {
				continue // "March" is a month, not a protest
			}
			if kind, isNoun := v.nouns[lw]; isNoun && nouns {
				raw[string(AnchorNoun)+":"+kind] += w
			}
			continue
		}
		j := i
		var run []string
		for ; j < len(words); j++ {
			lx, ok := isName(j)
			if !ok {
				break
			}
			run = append(run, lx)
		}
		joined := strings.Join(run, " ")
		if v.countryNames[joined] {
			raw[string(AnchorName)+":"+joined] += w // "North Korea" is one name
		} else if c, ok := v.countries[joined]; ok {
			raw[string(AnchorName)+":"+c] += w // "North Koreans" tell of North Korea
		} else {
			for _, lx := range run {
				if c, ok := v.countries[lx]; ok {
					lx = c // "French" tells of France
				}
				raw[string(AnchorName)+":"+lx] += w
			}
		}
		if len(run) > 0 && i > 0 && v.preps[strings.ToLower(words[i-1])] {
			p := strings.Join(run, " ")
			places = append(places, p)
			raw[string(AnchorPlace)+":"+p] += w
		}
		if j > i {
			i = j - 1
		}
	}
	return places
}

// years are the years a text names (1900 to 2099, after a year's word or
// in a date: "in 2013", "May 14, 2013", "2/3/2009", "the 2014 Oscars"; a
// bare "2000 are missing" is a count), which tell apart two events of one kind years apart, whenever
// the articles are read.
func years(v eventVocab, words []string) []string {
	var out []string
	for i, w := range words {
		if len(w) != 4 || !(strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) || strings.Trim(w, "0123456789") != "" || i == 0 {
			continue
		}
		prev := strings.ToLower(words[i-1])
		isYear := v.yearPreps[prev] || v.months[prev]
		day := func(w string) bool { return len(w) <= 2 && strings.Trim(w, "0123456789") == "" }
		if !isYear && i >= 2 && day(prev) {
			before := strings.ToLower(words[i-2])
			isYear = v.months[before] || day(before) // May 14, 2013; 2/3/2009
		}
		if !isYear && i+1 < len(words) {
			r, _ := utf8.DecodeRuneInString(words[i+1])
			isYear = unicode.IsUpper(r) // the 2014 Oscars
		}
		if isYear && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func isAllCaps(s string) bool {
	return strings.ToUpper(s) == s
}

// Event is what the store keeps of an event: its anchors with how much its
// articles said them, its main place and its span.
type Event struct {
	ID uint64
	// Anchors sums, per anchor, its share of each article's anchors (each
	// article's weights scaled to length one), at most MaxEventAnchors of
	// them (the heaviest): the event's centroid times its articles.
	Anchors  map[string]float64
	Articles int
	Place    string
	// Places counts the main places of its articles, so the event's place
	// is the most reported one.
	Places      map[string]int
	First, Last time.Time
}

// MaxEventAnchors bounds what one event keeps, so an event of thousands of
// articles is as cheap to read as one of ten.
const MaxEventAnchors = 96

// Open reports whether an article published at t may still join e.
func (e Event) Open(t time.Time, r EventRules) bool {
	r = r.WithDefaults()
	return t.Sub(e.Last) <= r.Quiet && e.First.Sub(t) <= r.Quiet
}

// Frequency is how common an anchor is: how many articles named it so
// far. The rarer, the more it tells events apart.
type Frequency func(anchor string) int

// rarity is an anchor's inverse document frequency over n articles,
// places counted above names (a place is what tells two earthquakes
// apart) and event nouns and years below (two events of one kind share
// them; years are often background).
func rarity(anchor string, df, n int) float64 {
	w := math.Log(float64(n+2) / float64(df+1))
	if w < 0.1 {
		w = 0.1
	}
	switch anchor[0] {
	case AnchorPlace:
		w *= 1.5
	case AnchorNoun:
		w *= 0.5
	case AnchorYear:
		w *= 0.5
	}
	return w
}

// Score is how well an article's anchors fit an event, 0..1, each anchor
// weighed by its rarity over n articles: the cosine of the article's
// anchors and the event's centroid, or, if higher, half the share of the
// article's own weight that the event knows (a short report of a long
// story shares little of the story's vocabulary but names little else).
// It is halved when the two tell different kinds of happening and
// quartered when the article's year is none the event names.
func Score(a Anchors, e Event, freq Frequency, n int) float64 {
	if e.Articles == 0 || len(a.Terms) == 0 {
		return 0
	}
	var dot, na, known float64
	nouns, sharedNoun := false, false
	for i, t := range a.Terms {
		r := rarity(t, freq(t), n)
		x := a.weight(i) * r
		na += x * x
		if t[0] == AnchorNoun {
			nouns = true
		}
		if m := e.Anchors[t]; m > 0 {
			dot += x * m * r
			known += x * x
			if t[0] == AnchorNoun {
				sharedNoun = true
			}
		}
	}
	var ne float64
	eventNouns, eventYears := false, false
	for t, m := range e.Anchors {
		y := m * rarity(t, freq(t), n)
		ne += y * y
		eventNouns = eventNouns || t[0] == AnchorNoun
		eventYears = eventYears || t[0] == AnchorYear
	}
	if na == 0 || ne == 0 {
		return 0
	}
	s := max(dot/math.Sqrt(na*ne), 0.5*known/na)
	if nouns && !sharedNoun && eventNouns {
		// two kinds of happening: a fire is not a flood
		s /= 2
	}
	if a.Year != "" && eventYears && e.Anchors[a.Year] == 0 {
		// two years: the same kind of event, happening again
		s /= 4
	}
	return s
}

// Assign picks the event an article joins among the candidates (the
// store's open events sharing an anchor with it): the best scoring one at
// or above the threshold, ties to the older event; -1 when it starts a new
// one.
func Assign(a Anchors, cands []Event, freq Frequency, n int, r EventRules) int {
	r = r.WithDefaults()
	best, bestScore := -1, 0.0
	for i, e := range cands {
		if !e.Open(a.Published, r) {
			continue
		}
		s := Score(a, e, freq, n)
		if s >= r.Threshold && (s > bestScore || s == bestScore && best >= 0 && e.ID < cands[best].ID) {
			best, bestScore = i, s
		}
	}
	return best
}

// Join adds an article's anchors to e (a zero Event with an ID starts
// one), its weights scaled to length one, keeping at most MaxEventAnchors
// anchors, the heaviest, ties by name.
func (e Event) Join(a Anchors) Event {
	anchors := make(map[string]float64, len(e.Anchors)+len(a.Terms))
	for k, v := range e.Anchors {
		anchors[k] = v
	}
	var norm float64
	for i := range a.Terms {
		norm += a.weight(i) * a.weight(i)
	}
	norm = math.Sqrt(norm)
	for i, t := range a.Terms {
		anchors[t] += a.weight(i) / norm
	}
	if len(anchors) > MaxEventAnchors {
		keys := make([]string, 0, len(anchors))
		for k := range anchors {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y string) int {
			if c := cmp.Compare(anchors[y], anchors[x]); c != 0 {
				return c
			}
			return strings.Compare(x, y)
		})
		for _, k := range keys[MaxEventAnchors:] {
			delete(anchors, k)
		}
	}
	places := make(map[string]int, len(e.Places)+1)
	for k, v := range e.Places {
		places[k] = v
	}
	if a.Place != "" {
		places[a.Place]++
	}
	e.Anchors, e.Places = anchors, places
	e.Place = ""
	for p, c := range places {
		if c > places[e.Place] || c == places[e.Place] && p < e.Place {
			e.Place = p
		}
	}
	if e.Articles == 0 || a.Published.Before(e.First) {
		e.First = a.Published
	}
	if a.Published.After(e.Last) {
		e.Last = a.Published
	}
	e.Articles++
	return e
}

// Names are what an editor is shown of an event: at most max of its
// heaviest names, places and kinds of happening, without their kind
// prefix ("p:kursk" → "kursk"), each once. Claim topics and years say
// little of which event it is and are left out.
func (e Event) Names(max int) []string {
	type anchor struct {
		name string
		mass float64
	}
	var as []anchor
	for t, m := range e.Anchors {
		if len(t) < anchorPrefix || t[0] == AnchorTopic || t[0] == AnchorYear {
			continue
		}
		as = append(as, anchor{t[anchorPrefix:], m})
	}
	slices.SortFunc(as, func(a, b anchor) int {
		if c := cmp.Compare(b.mass, a.mass); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, a := range as {
		if len(out) == max {
			break
		}
		if !slices.Contains(out, a.name) {
			out = append(out, a.name)
		}
	}
	return out
}

// Strongest are the anchors of a that the store looks events up by: the
// max that tell most (the article's weight times rarity over n articles,
// ties by name), never an event noun or a year alone, so an article's
// candidates are bounded however many anchors it has.
func Strongest(a Anchors, freq Frequency, n, max int) []string {
	type scored struct {
		t string
		s float64
	}
	var ts []scored
	for i, t := range a.Terms {
		if t[0] == AnchorNoun || t[0] == AnchorYear {
			continue
		}
		ts = append(ts, scored{t, a.weight(i) * rarity(t, freq(t), n)})
	}
	slices.SortFunc(ts, func(x, y scored) int {
		if c := cmp.Compare(y.s, x.s); c != 0 {
			return c
		}
		return strings.Compare(x.t, y.t)
	})
	if len(ts) > max {
		ts = ts[:max]
	}
	out := make([]string, len(ts))
	for i, x := range ts {
		out[i] = x.t
	}
	return out
}
