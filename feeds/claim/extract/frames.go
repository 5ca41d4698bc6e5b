package extract

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

//go:embed frames/*.yaml
var frameFiles embed.FS

// The special files of frames/: everything else is a beat's frames.
var specialFiles = []string{"measures.yaml", "attribution.yaml", "modality.yaml", "subjects.yaml", "calendar.yaml"}

// figureFrame: a predicate whose argument is counted.
type figureFrame struct {
	Measure      string
	Lemmas       []string
	Count        []string
	SubjectNeeds string `yaml:"subject_needs"`
	beat         string
}

// nounFrame: a noun that is the measure ("deaths", "death toll").
type nounFrame struct {
	Measure       string
	Lemmas        []string
	With          []string
	Percent       bool
	SubjectIsNoun bool `yaml:"subject_is_noun"`
	beat          string
	with          set // With, indexed once at load: nounFrame reads it per word
}

// statusFrame: a predicate that asserts a state of its subject.
type statusFrame struct {
	Measure      string
	Polarity     string
	Lemmas       []string
	Subject      []string
	SubjectNeeds string `yaml:"subject_needs"`
	Needs        []string
	PlaceFrom    []string `yaml:"place_from"`
	beat         string
	needs        set // Needs, indexed once at load: status reads it per predicate
}

type beatFile struct {
	Figures  []figureFrame
	Nouns    []nounFrame
	Statuses []statusFrame
}

type measureDef struct {
	Kind, Unit, Beat string
	Parts            []string
	// Owned: the predicate's subject owns what it counts ("North Korea
	// sent 11,000 troops" are North Korean troops), so a country there is
	// the counted group's side when the group names none.
	Owned bool
}

type measuresFile struct {
	Measures map[string]measureDef
	Statuses map[string]struct{ Beat string }
}

type attributionFile struct {
	Verbs, Denials, Nouns, According, Values, Speech []string
	PersonPronouns                                   []string `yaml:"person_pronouns"`
	GroupPronouns                                    []string `yaml:"group_pronouns"`
	OrganisationWords                                []string `yaml:"organisation_words"`
	PersonTitles                                     []string `yaml:"person_titles"`
}

type modalityFile struct {
	Modals, Plans, Negations, Stops, Conditions, Questions []string
}

type subjectsFile struct {
	Subjects           map[string][]string
	Classes            map[string][]string
	Things             map[string][]string
	PlaceCases         []string `yaml:"place_cases"`
	SentencePlaceCases []string `yaml:"sentence_place_cases"`
	CountedCases       []string `yaml:"counted_cases"`
	PlaceNouns         []string `yaml:"place_nouns"`
	EventNouns         []string `yaml:"event_nouns"`
	Collectives        []string
}

type calendarFile struct {
	RelativeDays map[string]int `yaml:"relative_days"`
	Last         map[string]int
	Since        []string
	Background   []string
	TimeNouns    []string `yaml:"time_nouns"`
}

// knowledge is everything the engine reads from data, indexed for lookup
// by lemma.
type knowledge struct {
	figures  map[string][]*figureFrame // by predicate lemma
	nouns    map[string][]*nounFrame   // by noun lemma
	statuses map[string][]*statusFrame // by predicate lemma
	measures map[string]measureDef
	status   map[string]bool

	reporting, denials, reportNouns, according, values, speech set
	personPronouns, groupPronouns                              set
	orgWords                                                   set // words of a name that is no person
	titles                                                     set // words before a name that are no part of it
	modals, plans, negations, stops, conditions, questions     set

	subjectOf  map[string]string // noun lemma → canonical subject
	classOf    map[string]set    // class → canonical subjects in it
	thingOf    map[string]string // noun lemma → thing class (vessel, facility)
	placeCases set
	// sentencePlaceCases name a place anywhere in a sentence, for a claim
	// whose own words name none.
	sentencePlaceCases set
	counted            set // cases of who a measure noun counts
	placeNouns         set

	weekday    map[string]int // lemma → time.Weekday
	month      map[string]int // lemma → time.Month
	relDays    map[string]int
	lastDays   map[string]int
	since      set
	background set
	timeNouns  set
	events     set
	// collectives are nouns that gather what they count ("a group of").
	collectives set
}

// timeNoun reports a noun of time, which never speaks ("two weeks after").
func (k *knowledge) timeNoun(l string) bool {
	_, wd := k.weekday[l]
	_, mo := k.month[l]
	return wd || mo || k.timeNouns[l]
}

type set map[string]bool

func setOf(ws []string) set {
	s := set{}
	for _, w := range ws {
		s[strings.ToLower(w)] = true
	}
	return s
}

// decode reads one YAML file strictly: an unknown key is an error naming
// the file and line.
func decode(name string, b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("extract: %s: %w", name, err)
	}
	return nil
}

// loadKnowledge reads the embedded frames and then extra beat files (name →
// contents), a desk's own.
func loadKnowledge(extra map[string][]byte) (*knowledge, error) {
	k := &knowledge{figures: map[string][]*figureFrame{}, nouns: map[string][]*nounFrame{},
		statuses: map[string][]*statusFrame{}, subjectOf: map[string]string{}, classOf: map[string]set{},
		thingOf: map[string]string{}}
	read := func(name string, v any) error {
		b, err := fs.ReadFile(frameFiles, "frames/"+name)
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		return decode("frames/"+name, b, v)
	}
	var m measuresFile
	var a attributionFile
	var mo modalityFile
	var su subjectsFile
	var ca calendarFile
	for _, f := range []struct {
		name string
		v    any
	}{{"measures.yaml", &m}, {"attribution.yaml", &a}, {"modality.yaml", &mo}, {"subjects.yaml", &su}, {"calendar.yaml", &ca}} {
		if err := read(f.name, f.v); err != nil {
			return nil, err
		}
	}
	k.measures, k.status = m.Measures, map[string]bool{}
	for s := range m.Statuses {
		k.status[s] = true
	}
	k.reporting, k.denials, k.reportNouns = setOf(a.Verbs), setOf(a.Denials), setOf(a.Nouns)
	k.according, k.values, k.speech = setOf(a.According), setOf(a.Values), setOf(a.Speech)
	k.personPronouns, k.groupPronouns = setOf(a.PersonPronouns), setOf(a.GroupPronouns)
	k.orgWords, k.titles = setOf(a.OrganisationWords), setOf(a.PersonTitles)
	k.modals, k.plans, k.negations = setOf(mo.Modals), setOf(mo.Plans), setOf(mo.Negations)
	k.stops, k.conditions, k.questions = setOf(mo.Stops), setOf(mo.Conditions), setOf(mo.Questions)
	for canon, lemmas := range su.Subjects {
		for _, l := range lemmas {
			k.subjectOf[l] = canon
		}
	}
	for c, subjects := range su.Classes {
		k.classOf[c] = setOf(subjects)
	}
	for c, lemmas := range su.Things {
		for _, l := range lemmas {
			k.thingOf[l] = c
		}
	}
	k.placeCases, k.placeNouns, k.counted = setOf(su.PlaceCases), setOf(su.PlaceNouns), setOf(su.CountedCases)
	k.sentencePlaceCases = setOf(su.SentencePlaceCases)
	months, weekdays := claim.CalendarNames()
	if len(weekdays) != 7 || len(months) < 12 {
		return nil, fmt.Errorf("extract: claim.CalendarNames: want 7 weekdays and 12 months, have %d and %d names", len(weekdays), len(months))
	}
	k.weekday, k.month = map[string]int{}, map[string]int{}
	for d, i := range weekdays {
		k.weekday[d] = int(i)
	}
	for n, m := range months {
		k.month[n] = int(m)
	}
	k.relDays, k.lastDays, k.since, k.background = ca.RelativeDays, ca.Last, setOf(ca.Since), setOf(ca.Background)
	k.timeNouns, k.events = setOf(ca.TimeNouns), setOf(su.EventNouns)
	k.collectives = setOf(su.Collectives)

	entries, err := fs.ReadDir(frameFiles, "frames")
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	for _, e := range entries {
		if path.Ext(e.Name()) != ".yaml" || slices.Contains(specialFiles, e.Name()) {
			continue
		}
		b, err := fs.ReadFile(frameFiles, "frames/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("extract: %w", err)
		}
		if err := k.addBeat("frames/"+e.Name(), b); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(extra))
	for n := range extra {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := k.addBeat(n, extra[n]); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// addBeat adds one beat file's frames, checking that each names a measure
// of the taxonomy and the relations it needs.
func (k *knowledge) addBeat(name string, b []byte) error {
	var f beatFile
	if err := decode(name, b, &f); err != nil {
		return err
	}
	beat := strings.TrimSuffix(path.Base(name), path.Ext(name))
	bad := func(kind, measure, why string) error {
		return fmt.Errorf("extract: %s: %s frame %q: %s", name, kind, measure, why)
	}
	for i := range f.Figures {
		fr := &f.Figures[i]
		fr.beat = beat
		if _, ok := k.measures[fr.Measure]; !ok {
			return bad("figure", fr.Measure, "not a measure of measures.yaml")
		}
		if len(fr.Lemmas) == 0 || len(fr.Count) == 0 {
			return bad("figure", fr.Measure, "needs lemmas and count")
		}
		if fr.SubjectNeeds != "" && k.classOf[fr.SubjectNeeds] == nil {
			return bad("figure", fr.Measure, "subject_needs "+fr.SubjectNeeds+" is no class of subjects.yaml")
		}
		for _, l := range fr.Lemmas {
			k.figures[l] = append(k.figures[l], fr)
		}
	}
	for i := range f.Nouns {
		fr := &f.Nouns[i]
		fr.beat, fr.with = beat, setOf(fr.With)
		if _, ok := k.measures[fr.Measure]; !ok {
			return bad("noun", fr.Measure, "not a measure of measures.yaml")
		}
		for _, l := range fr.Lemmas {
			k.nouns[l] = append(k.nouns[l], fr)
		}
	}
	for i := range f.Statuses {
		fr := &f.Statuses[i]
		fr.beat, fr.needs = beat, setOf(fr.Needs)
		if !k.status[fr.Measure] {
			return bad("status", fr.Measure, "not a status of measures.yaml")
		}
		if fr.Polarity != "present" && fr.Polarity != "absent" {
			return bad("status", fr.Measure, "polarity must be present or absent")
		}
		if len(fr.Lemmas) == 0 || len(fr.Subject) == 0 {
			return bad("status", fr.Measure, "needs lemmas and subject")
		}
		for _, l := range fr.Lemmas {
			k.statuses[l] = append(k.statuses[l], fr)
		}
	}
	return nil
}
