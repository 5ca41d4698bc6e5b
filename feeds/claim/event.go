package claim

import (
	_ "embed"
	"math"
	"slices"
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
	nouns    map[string]string // word → kind of event
	notNames map[string]bool
	preps    map[string]bool
}

var loadEventVocab = sync.OnceValue(func() eventVocab {
	var d struct {
		EventNouns map[string][]string `yaml:"event_nouns"`
		NotNames   []string            `yaml:"not_names"`
		PlacePreps []string            `yaml:"place_preps"`
	}
	if err := decodeStrict("data/events.yaml", eventsYAML, &d); err != nil {
		panic(err) // the embedded file is tested; a broken one is a build error
	}
	v := eventVocab{nouns: map[string]string{}, notNames: map[string]bool{}, preps: map[string]bool{}}
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
	anchorPrefix = 2 // kind and ':'
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
	// Place is the article's main place: the most frequent place of its
	// claims, else the first place of its title and lead.
	Place     string
	Published time.Time
}

// leadSentences is how much of the text the lead is, past the title.
const leadSentences = 3

// ArticleAnchors reads the anchors of an article from its title, its lead
// (the first paragraph, at most leadSentences sentences) and its claims'
// places; without a text, from its claims' sentences.
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
	terms := map[string]bool{}
	var places []string
	for _, part := range []string{title, lead(Plain(text))} {
		for _, s := range splitSentences(part) {
			places = append(places, sentenceAnchors(v, s, terms)...)
		}
	}
	for _, y := range years(Plain(text) + " " + title) {
		terms[string(AnchorYear)+":"+y] = true
	}
	counts := map[string]int{}
	best := ""
	for _, c := range claims {
		if c.Place == "" {
			continue
		}
		terms[string(AnchorPlace)+":"+c.Place] = true
		counts[c.Place]++
		if counts[c.Place] > counts[best] || (counts[c.Place] == counts[best] && c.Place < best) {
			best = c.Place
		}
	}
	if best == "" && len(places) > 0 {
		best = places[0]
	}
	a := Anchors{Place: best, Published: published}
	for t := range terms {
		a.Terms = append(a.Terms, t)
	}
	slices.Sort(a.Terms)
	return a
}

// lead is the first paragraph of plain text, cut to leadSentences.
func lead(plain string) string {
	plain = strings.TrimSpace(plain)
	if i := strings.Index(plain, "\n"); i > 0 {
		plain = plain[:i]
	}
	ss := splitSentences(plain)
	if len(ss) > leadSentences {
		ss = ss[:leadSentences]
	}
	return strings.Join(ss, " ")
}

// splitSentences cuts at a full stop, question or exclamation mark
// followed by a space and a capital, which is enough for anchors.
func splitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			r, _ := utf8.DecodeRuneInString(s[i+2:])
			if unicode.IsUpper(r) {
				out = append(out, s[start:i+1])
				start = i + 2
			}
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

// sentenceAnchors adds a sentence's names, places and event nouns to terms
// and returns its places in order. A name is a capitalised word that is not
// a sentence opener or a calendar word; a run of them after a place
// preposition is a place.
func sentenceAnchors(v eventVocab, s string, terms map[string]bool) []string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
	})
	var places []string
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], "-'")
		lw := strings.ToLower(strings.TrimSuffix(w, "'s"))
		if lw == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || v.notNames[lw] {
			if kind, ok := v.nouns[lw]; ok && !unicode.IsUpper(r) {
				terms[string(AnchorNoun)+":"+kind] = true
			}
			continue
		}
		// a run of names
		j := i
		var run []string
		for ; j < len(words); j++ {
			x := strings.Trim(words[j], "-'")
			lx := strings.ToLower(strings.TrimSuffix(x, "'s"))
			rx, _ := utf8.DecodeRuneInString(x)
			if x == "" || !unicode.IsUpper(rx) || v.notNames[lx] || isAllCaps(x) && len(x) > 5 {
				break
			}
			run = append(run, lx)
			terms[string(AnchorName)+":"+lx] = true
		}
		if len(run) > 0 && i > 0 && v.preps[strings.ToLower(words[i-1])] {
			p := strings.Join(run, " ")
			places = append(places, p)
			terms[string(AnchorPlace)+":"+p] = true
		}
		if j > i {
			i = j - 1
		}
	}
	return places
}

// years are the years a text names (1900 to 2099), which tell apart two
// events of one kind years apart, whenever the articles are read.
func years(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func isAllCaps(s string) bool {
	return strings.ToUpper(s) == s
}

// Event is what the store keeps of an event: its anchors with how many of
// its articles named them, its main place and its span.
type Event struct {
	ID uint64
	// Anchors counts, per anchor, the articles that named it, at most
	// MaxEventAnchors of them (the most named).
	Anchors  map[string]int
	Articles int
	Place    string
	// places counts the main places of its articles, so the event's place
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

// anchorWeight is an anchor's weight in a score: its rarity over n
// articles, places counted double (a place is what tells two earthquakes
// apart) and event nouns half (two events of one kind share them).
func anchorWeight(anchor string, df, n int) float64 {
	w := math.Log(1 + float64(n+1)/float64(df+1))
	switch anchor[0] {
	case AnchorPlace:
		w *= 2
	case AnchorNoun:
		w *= 0.5
	}
	return w
}

// Score is how well an article's anchors fit an event, 0..1: the weight
// of the anchors they share (each by the share of the event's articles
// that named it) over the article's own weight. n is how many articles the
// frequencies count.
func Score(a Anchors, e Event, freq Frequency, n int) float64 {
	var shared, total float64
	nouns, sharedNoun := false, false
	yrs, sharedYear := false, false
	for _, t := range a.Terms {
		w := anchorWeight(t, freq(t), n)
		total += w
		switch t[0] {
		case AnchorNoun:
			nouns = true
		case AnchorYear:
			yrs = true
		}
		c := e.Anchors[t]
		if c == 0 || e.Articles == 0 {
			continue
		}
		switch t[0] {
		case AnchorNoun:
			sharedNoun = true
		case AnchorYear:
			sharedYear = true
		}
		shared += w * math.Sqrt(float64(c)/float64(e.Articles))
	}
	if total == 0 {
		return 0
	}
	s := shared / total
	if nouns && !sharedNoun && hasKind(e, AnchorNoun) {
		// two kinds of happening: a fire is not a flood
		s /= 2
	}
	if yrs && !sharedYear && hasKind(e, AnchorYear) {
		// two years: the same kind of event, happening again
		s /= 4
	}
	return s
}

func hasKind(e Event, kind byte) bool {
	for t := range e.Anchors {
		if t[0] == kind {
			return true
		}
	}
	return false
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
// one), keeping at most MaxEventAnchors anchors, the most named, ties by
// name.
func (e Event) Join(a Anchors) Event {
	anchors := make(map[string]int, len(e.Anchors)+len(a.Terms))
	for k, v := range e.Anchors {
		anchors[k] = v
	}
	for _, t := range a.Terms {
		anchors[t]++
	}
	if len(anchors) > MaxEventAnchors {
		keys := make([]string, 0, len(anchors))
		for k := range anchors {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y string) int {
			if anchors[x] != anchors[y] {
				return anchors[y] - anchors[x]
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

// Strongest are the anchors of a that the store looks events up by: the
// rarest max of them (by freq, ties by name), so an article's candidates
// are bounded however many anchors it has and however common they are.
func Strongest(a Anchors, freq Frequency, max int) []string {
	ts := slices.Clone(a.Terms)
	slices.SortStableFunc(ts, func(x, y string) int {
		fx, fy := freq(x), freq(y)
		if x[0] == AnchorNoun {
			fx = math.MaxInt // event nouns alone never find an event
		}
		if y[0] == AnchorNoun {
			fy = math.MaxInt
		}
		if fx != fy {
			if fx < fy {
				return -1
			}
			return 1
		}
		return strings.Compare(x, y)
	})
	if len(ts) > max {
		ts = ts[:max]
	}
	return ts
}
