package extract

import (
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

// triggers are the words that decide, before any tagging, which sentences
// the language layer must analyse: the parser is the layer's dearest part
// and the tagger the next, and most of a story's sentences can yield no
// claim. Each index is built from the frames data at New, so a desk's own
// frames filter as the embedded ones do.
type triggers struct {
	counted  *lang.LemmaIndex // figure predicates and measure nouns: a claim with a number
	statuses *lang.LemmaIndex // status predicates: a claim without one
	needy    *lang.LemmaIndex // status predicates whose every frame needs a word below them
	needed   *lang.LemmaIndex // the words they need
	report   *lang.LemmaIndex // reporting verbs: the speaker of a quotation
	// memo holds each form's answer (string → uint8), shared by every
	// Extract call: news repeats its words, and each index tries a new
	// form under every tag. It is a cache of a pure function, so the
	// Extractor's results do not depend on it; it stops growing at
	// memoMax forms, which bounds its memory whatever the input.
	memo  sync.Map
	count atomic.Int64
}

const memoMax = 1 << 16

func newTriggers(p *lang.Pipeline, k *knowledge) *triggers {
	counted := append(slices.Collect(maps.Keys(k.figures)), slices.Collect(maps.Keys(k.nouns))...)
	// A status frame that needs a word below its predicate ("withdrew from
	// the front") can hold only in a sentence that has the word: its
	// predicates alone do not pick a sentence.
	var free, needy, needed []string
	for l, frs := range k.statuses {
		if slices.ContainsFunc(frs, func(fr *statusFrame) bool { return len(fr.Needs) == 0 }) {
			free = append(free, l)
			continue
		}
		needy = append(needy, l)
		for _, fr := range frs {
			needed = append(needed, fr.Needs...)
		}
	}
	return &triggers{
		counted:  p.LemmaIndex(counted),
		statuses: p.LemmaIndex(free),
		needy:    p.LemmaIndex(needy),
		needed:   p.LemmaIndex(needed),
		report:   p.LemmaIndex(slices.Collect(maps.Keys(k.reporting))),
	}
}

// Which of a form's triggers it may be, as triggers.memo keeps it.
const (
	mayCount uint8 = 1 << iota
	mayStatus
	mayReport
	mayNeedy
	mayNeeded
	known
)

// scan is one Extract call's prefilter state.
type scan struct {
	t   *triggers
	buf []byte
}

func (sc *scan) word(form string) uint8 {
	if v, ok := sc.t.memo.Load(form); ok {
		return v.(uint8)
	}
	v := known
	var ok bool
	if ok, sc.buf = sc.t.counted.May(form, sc.buf); ok {
		v |= mayCount
	}
	if ok, sc.buf = sc.t.statuses.May(form, sc.buf); ok {
		v |= mayStatus
	}
	if ok, sc.buf = sc.t.report.May(form, sc.buf); ok {
		v |= mayReport
	}
	if ok, sc.buf = sc.t.needy.May(form, sc.buf); ok {
		v |= mayNeedy
	}
	if ok, sc.buf = sc.t.needed.May(form, sc.buf); ok {
		v |= mayNeeded
	}
	if sc.t.count.Load() < memoMax {
		// A copy, not a slice of the article the memo would keep alive.
		if _, loaded := sc.t.memo.LoadOrStore(strings.Clone(form), v); !loaded {
			sc.t.count.Add(1)
		}
	}
	return v
}

// toParse picks the sentences to tag and parse: those that may hold a
// claim, and the one closing a quotation that holds such a sentence, when
// it may name the quotation's speaker (see quoteSpeakers).
func (x *Extractor) toParse(text string, ss []lang.Sentence) []bool {
	parse := make([]bool, len(ss))
	if x.parseAll {
		for i := range parse {
			parse[i] = true
		}
		return parse
	}
	sc := &scan{t: x.trig}
	inQuote, open, claims := false, -1, false
	for i := range ss {
		st := text[ss[i].Start:ss[i].End]
		var words uint8
		for j := range ss[i].Words {
			words |= sc.word(ss[i].Words[j].Form)
		}
		parse[i] = x.mayClaim(st, words)
		var closed bool
		closed, inQuote = quoteMarks(st, inQuote)
		switch {
		case inQuote && open < 0:
			open, claims = i, parse[i]
		case inQuote:
			claims = claims || parse[i]
		case open >= 0 && closed:
			parse[i] = parse[i] || claims && words&mayReport != 0
			open = -1
		}
	}
	return parse
}

// analyse tags and parses the picked sentences. A long article's are
// shared among the cores the process may use: sentences are analysed
// independently, the pipeline is safe for concurrent use, and the parser
// is the dearest part of the engine, so a core left idle is throughput
// lost. Each sentence gets the analysis it would get alone.
func (x *Extractor) analyse(ss []lang.Sentence, pick []bool) {
	var todo []int
	words := 0
	for i := range ss {
		if pick[i] {
			todo = append(todo, i)
			words += len(ss[i].Words)
		}
	}
	one := func(i int) {
		x.lang.Tag(&ss[i])
		x.lang.Parse(&ss[i])
	}
	workers := min(runtime.GOMAXPROCS(0), words/parallelWords, len(todo))
	if workers <= 1 {
		for _, i := range todo {
			one(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(todo) {
					return
				}
				one(todo[k])
			}
		})
	}
	wg.Wait()
}

// parallelWords is how many words to parse make another core worth
// starting: at some ten microseconds a word, far above a goroutine's cost.
const parallelWords = 200

// mayClaim reports a sentence that may hold a claim: a number with a
// figure's word, or a status frame's word. It reads forms only: the words
// a claim needs are looked up under every lemma the tagger could give them.
func (x *Extractor) mayClaim(text string, words uint8) bool {
	if words&mayStatus != 0 || words&(mayNeedy|mayNeeded) == mayNeedy|mayNeeded {
		return true
	}
	if words&mayCount == 0 {
		return false
	}
	for _, q := range claim.FindQuantities(text, &x.hedges) {
		if !q.Money && !q.Fraction { // read skips those
			return true
		}
	}
	return false
}

// names are the words by which a sentence that is not parsed can bring
// back a person named before (see article.person): each person's full
// name, first word and last word.
type names struct{ words map[string]bool }

func (ns names) add(p string) {
	ns.words[p] = true
	if i := strings.IndexByte(p, ' '); i >= 0 {
		ns.words[p[:i]] = true
		ns.words[p[strings.LastIndexByte(p, ' ')+1:]] = true
	}
}

// mentions reports whether a sentence has a word that may bring back a
// person named before, so that it is worth tagging for remember.
func (ar *article) mentions(s *lang.Sentence) bool {
	for i := range s.Words {
		if ar.names.words[s.Words[i].Form] {
			return true
		}
	}
	return false
}
