package claim

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// book is an in-memory event store, the way state keeps one: events, an
// index by anchor, anchor frequencies.
type book struct {
	events   []Event
	byAnchor map[string][]int
	df       map[string]int
	n        int
	rules    EventRules
}

func newBook() *book {
	return &book{byAnchor: map[string][]int{}, df: map[string]int{}, rules: DefaultEventRules()}
}

// Today's ECB+ event assignment, the bars (issue 11 asks for precision
// 0.95 and recall 0.80): raised as assignment improves, never lowered.
const (
	ecbEventMinPrecision = 0.82
	ecbEventMinRecall    = 0.75
)

// maxLookups and maxPerAnchor bound an article's candidates as state does.
const maxLookups, maxPerAnchor = 12, 16

func (b *book) add(a Anchors) int {
	freq := func(t string) int { return b.df[t] }
	seen := map[int]bool{}
	var cands []Event
	for _, t := range Strongest(a, freq, b.n, maxLookups) {
		ids := b.byAnchor[t]
		for i := len(ids) - 1; i >= 0 && i >= len(ids)-maxPerAnchor; i-- {
			if !seen[ids[i]] {
				seen[ids[i]] = true
				cands = append(cands, b.events[ids[i]])
			}
		}
	}
	slices.SortFunc(cands, func(x, y Event) int { return int(x.ID) - int(y.ID) })
	i := Assign(a, cands, freq, b.n, b.rules)
	var e Event
	if i >= 0 {
		e = cands[i]
	} else {
		e = Event{ID: uint64(len(b.events))}
		b.events = append(b.events, e)
	}
	old := e.Anchors
	e = e.Join(a)
	b.events[e.ID] = e
	for t := range e.Anchors {
		if old[t] == 0 {
			b.byAnchor[t] = append(b.byAnchor[t], int(e.ID))
		}
	}
	for _, t := range a.Terms {
		b.df[t]++
	}
	b.n++
	return int(e.ID)
}

// TestECBPlusEvents assigns ECB+'s articles to events in their replay
// order and scores the assignment against the gold events pairwise over
// article pairs: two articles of one gold event in one event are a true
// pair, of two gold events a false one.
func TestECBPlusEvents(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "corpora", "ecbplus", "articles.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("claim: ECB+ not found at %s (../shared sits beside the repository): %v", path, err)
	}
	defer f.Close()
	type article struct {
		Event, Outlet, URL, Title, Content string
		Published                          time.Time `json:"replay_published"`
	}
	var arts []article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a)
	}
	slices.SortStableFunc(arts, func(a, b article) int { return a.Published.Compare(b.Published) })
	b := newBook()
	got := make([]int, len(arts))
	for i, a := range arts {
		cs := Extract(Article{Outlet: a.Outlet, URL: a.URL, Title: a.Title, Published: a.Published, Text: a.Content})
		got[i] = b.add(ArticleAnchors(a.Title, a.Content, cs, a.Published))
	}
	gold := map[string]bool{}
	for _, a := range arts {
		gold[a.Event] = true
	}
	var tp, fp, fn int
	for i := range arts {
		for j := i + 1; j < len(arts); j++ {
			same, gold := got[i] == got[j], arts[i].Event == arts[j].Event
			switch {
			case same && gold:
				tp++
			case same:
				fp++
			case gold:
				fn++
			}
		}
	}
	p, r := float64(tp)/float64(tp+fp), float64(tp)/float64(tp+fn)
	t.Logf("ECB+ events: %d articles in %d events (gold %d): pairwise precision=%.3f (bar %.2f, target %.2f) recall=%.3f (bar %.2f, target %.2f)",
		len(arts), len(b.events), len(gold), p, ecbEventMinPrecision, 0.95, r, ecbEventMinRecall, 0.80)
	if p < ecbEventMinPrecision || r < ecbEventMinRecall {
		t.Errorf("ECB+ event assignment: precision %.3f, recall %.3f, under the bars %.2f and %.2f", p, r, ecbEventMinPrecision, ecbEventMinRecall)
	}
}

func TestArticleAnchors(t *testing.T) {
	pub := time.Date(2024, 1, 2, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name, title, text string
		claims            []Claim
		want              []string // anchors that must be there
		not               []string // anchors that must not
		place             string
	}{
		{
			name:  "names, a place after a preposition, an event noun and a year",
			title: "Earthquake strikes Lisbon",
			text:  "A strong earthquake hit the coast near Lisbon on Monday, killing 12 people, Portugal's civil protection said. It was the worst since 1969.",
			want:  []string{"e:lisbon", "e:portugal", "p:lisbon", "n:earthquake", "y:1969"},
			not:   []string{"e:monday", "e:a", "e:it"},
			place: "lisbon",
		},
		{
			name:   "a claim's place is an anchor and the main place",
			title:  "Toll rises",
			text:   "Rescuers said more people died.",
			claims: []Claim{{Place: "kursk"}, {Place: "kursk"}, {Place: "sudzha"}},
			want:   []string{"p:kursk", "p:sudzha", "n:death"},
			place:  "kursk",
		},
		{
			name:  "the month March is no protest march",
			title: "Budget passed in March",
			text:  "The budget was passed by Parliament.",
			want:  []string{"e:parliament"},
			not:   []string{"n:march", "e:march"},
		},
		{
			name:  "a people names its country; a year after its words, a bare number is a count",
			title: "French unions march",
			text:  "Unions said 2000 are missing from work as French officials counted marchers, as on May 14, 2013.",
			want:  []string{"e:france", "y:2013", "n:march"},
			not:   []string{"e:french", "y:2000", "y:2024"},
		},
		{
			name:  "the body's names weigh, its years are background",
			title: "Flood in Valencia",
			text:  "The river rose in the night.\n\nThe mayor, Ana Ruiz, said the last flood came in 1957.",
			want:  []string{"e:ruiz", "e:ana", "y:2024"},
			not:   []string{"y:1957"},
			place: "valencia",
		},
		{
			name:  "an article that names no year is about the year it was published",
			title: "Flood in Valencia",
			text:  "The river rose in the night, officials in Valencia said.",
			want:  []string{"y:2024", "p:valencia", "n:flood"},
			place: "valencia",
		},
		{
			name:  "a headline's capitals and a sentence's first word are names only where the text says so",
			title: "Star Checks Into Rehab In Malibu",
			text:  "Word came on Monday that the actress Tara Reid had entered a clinic in Malibu. Reid is 33.",
			want:  []string{"e:tara", "e:reid", "e:malibu", "p:malibu"},
			not:   []string{"e:star", "e:checks", "e:word"},
			place: "malibu",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ArticleAnchors(tt.title, tt.text, tt.claims, pub)
			for _, w := range tt.want {
				if !slices.Contains(a.Terms, w) {
					t.Errorf("anchors %v lack %q", a.Terms, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(a.Terms, w) {
					t.Errorf("anchors %v hold %q", a.Terms, w)
				}
			}
			if a.Place != tt.place {
				t.Errorf("place %q, want %q", a.Place, tt.place)
			}
			for i, w := range a.Weights {
				if w <= 0 {
					t.Errorf("anchor %q weighs %v: a mention is evidence for its event, never against", a.Terms[i], w)
				}
			}
		})
	}
}

func TestAssign(t *testing.T) {
	day := time.Date(2024, 1, 2, 8, 0, 0, 0, time.UTC)
	quake := func(place string, at time.Time) Anchors {
		return Anchors{Terms: []string{"e:" + place, "n:earthquake", "p:" + place}, Place: place, Published: at}
	}
	freq := func(string) int { return 1 }
	lisbon := Event{ID: 1}.Join(quake("lisbon", day))
	tests := []struct {
		name  string
		a     Anchors
		cands []Event
		want  int
	}{
		{"the same place and kind the next day: joins", quake("lisbon", day.Add(24*time.Hour)), []Event{lisbon}, 0},
		{"another place: a new event", quake("izmir", day), []Event{lisbon}, -1},
		{"after the quiet spell: a new event", quake("lisbon", day.Add(60*24*time.Hour)), []Event{lisbon}, -1},
		{"no candidates: a new event", quake("lisbon", day), nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Assign(tt.a, tt.cands, freq, 10, DefaultEventRules()); got != tt.want {
				t.Errorf("Assign = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestEventNames(t *testing.T) {
	e := Event{Anchors: map[string]float64{"p:kursk": 3, "e:budanov": 2, "y:2025": 5, "t:soldiers|killed": 9, "e:kursk": 1, "n:strike": 0.5}}
	tests := []struct {
		max  int
		want []string
	}{
		{2, []string{"kursk", "budanov"}},
		{5, []string{"kursk", "budanov", "strike"}}, // a place named twice is shown once; topics and years never
		{0, nil},
	}
	for _, tt := range tests {
		if got := e.Names(tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("Names(%d) = %q, want %q", tt.max, got, tt.want)
		}
	}
}
