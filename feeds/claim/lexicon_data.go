package claim

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim/registry"
	"go.yaml.in/yaml/v3"
)

// The extractor's knowledge of words and names lives in data files, so a
// desk covering another beat changes data, not code: the claimant registry
// (package registry: who says things) and lexicon.yaml (what is counted,
// measures, places, status cues, dates, word classes).
//
//go:embed data/lexicon.yaml
var lexiconYAML []byte

type lexiconData struct {
	Subjects         map[string][]string
	NeedsNationality []string `yaml:"needs_nationality"`
	UnitWords        []string `yaml:"unit_words"`
	Measures         []struct {
		Measure string
		Form    string
		Words   []string
	}
	ActiveVerbs []string            `yaml:"active_verbs"`
	Places      map[string][]string `yaml:"places"`
	StatusCues  []struct {
		Polarity string
		Measure  string
		Words    []string
	} `yaml:"status_cues"`
	Months               []string
	MonthAbbreviations   []string `yaml:"month_abbreviations"`
	SeptemberAbbrevation string   `yaml:"september_abbreviation"`
	MonthHomographs      []string `yaml:"month_homographs"`
	Weekdays             []string
	Classes              map[string][]string
}

// classBits names the scanner's word classes in lexicon.yaml.
var classBits = map[string]uint64{
	"det": cDet, "of": cOf, "that": cThat, "by": cBy, "to": cTo, "from": cFrom,
	"according": cAccording, "pron_person": cPronPerson, "pron_obj": cPronObj, "they": cThey,
	"it": cIt, "neg": cNeg, "aux": cAux, "modal": cModal, "still": cStill,
	"clause_stop": cClauseStop, "of_whom": cOfWhom, "group_glue": cGroupGlue, "there": cThere,
	"including": cIncluding, "place_prep": cPlacePrep, "place_suffix": cPlaceSuffix, "and": cAnd,
	"which": cWhich, "affirm": cTrue, "denial_adj": cDenialAdj, "function": cFunction,
	"speech": cSpeech, "deny_verb": cDenyVerb, "generic": cGeneric, "anaphor_org": cAnaphorOrg,
	"latter": cLatter, "media": cMedia, "reports_noun": cReportsNoun, "title": cTitle,
	"capture": cCapture, "control": cControl, "hold": cHold, "forces": cForces,
	"our_side": cOurSide, "no_sign": cNoSign, "season": cSeason, "date_word": cDateWord,
}

// measureForms are the measure flags by their names in lexicon.yaml.
var measureForms = map[string]uint8{"": 0, "plain": 0, "active": mActive, "noun": mNoun, "weak": mWeak}

// decodeStrict decodes one embedded file, refusing unknown keys, with the
// file's name and line in the error.
func decodeStrict(name string, b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("claim: %s: %w", name, err)
	}
	return nil
}

// lexiconFile is data/lexicon.yaml decoded once: the lexicon and the
// calendar names (calendar.go) read it.
var lexiconFile = sync.OnceValues(func() (*lexiconData, error) {
	var words lexiconData
	if err := decodeStrict("data/lexicon.yaml", lexiconYAML, &words); err != nil {
		return nil, err
	}
	return &words, nil
})

// addData fills the lexicon from the embedded data files.
func addData(lx *lexicon) error {
	words, err := lexiconFile()
	if err != nil {
		return err
	}
	// The order matters where phrases take several roles ("fighting" is a
	// measure and a presence cue): later roles merge into earlier ones.
	for name, ws := range words.Classes {
		bit, ok := classBits[name]
		if !ok {
			return fmt.Errorf("claim: data/lexicon.yaml: unknown word class %q", name)
		}
		lx.class(bit, ws...)
	}
	if err := addSubjects(lx, words); err != nil {
		return err
	}
	addClaimants(lx, registry.Default())
	if err := addStatusCues(lx, words); err != nil {
		return err
	}
	return addCalendar(lx, words)
}

func addSubjects(lx *lexicon, d *lexiconData) error {
	nats := registry.DefaultNationalities()
	for _, n := range nats.List {
		for _, a := range n.Aliases {
			e := lx.entry(a)
			e.nat, e.side = n.Name, n.Side
		}
		for _, a := range n.Nouns {
			e := lx.entry(a)
			e.nat, e.natNoun, e.side = n.Name, n.NounOf, n.Side
		}
	}
	lx.opponents = nats.Opponents
	for canon, ws := range d.Subjects {
		for _, w := range ws {
			lx.entry(w).head = canon
		}
	}
	lx.needsNationality = map[string]bool{}
	for _, h := range d.NeedsNationality {
		lx.needsNationality[h] = true
	}
	for _, w := range d.UnitWords {
		e := lx.entry(w)
		e.head, e.statusOnly = "soldiers", true
	}
	for _, m := range d.Measures {
		flags, ok := measureForms[m.Form]
		if !ok {
			return fmt.Errorf("claim: data/lexicon.yaml: measure %q: unknown form %q (want plain, active, noun or weak)", m.Measure, m.Form)
		}
		for _, w := range m.Words {
			e := lx.entry(w)
			e.measure, e.mflags = m.Measure, flags
		}
	}
	for _, w := range d.ActiveVerbs {
		lx.entry(w).mflags |= mActive
	}
	for canon, ws := range d.Places {
		for _, w := range ws {
			lx.entry(w).place = canon
		}
	}
	return nil
}

// claimantKinds are the scanner's mark kinds of the registry's entries.
var claimantKinds = map[registry.Kind]int{registry.Organisation: kOrg, registry.Outlet: kOutlet, registry.Person: kPerson}

func addClaimants(lx *lexicon, r *registry.Registry) {
	for _, c := range r.Entries() {
		for _, a := range c.Aliases {
			e := lx.entry(a)
			e.claimant, e.ckind, e.short, e.side = c.Name, claimantKinds[c.Kind], c.Short, c.Side
		}
	}
}

func addStatusCues(lx *lexicon, d *lexiconData) error {
	for _, c := range d.StatusCues {
		var pol int8
		switch c.Polarity {
		case "present":
			pol = 1
		case "absent":
			pol = -1
		default:
			return fmt.Errorf("claim: data/lexicon.yaml: status cue polarity %q: want present or absent", c.Polarity)
		}
		for _, w := range c.Words {
			e := lx.entry(w)
			e.status = pol
			if c.Measure != "" {
				e.measure = c.Measure
			}
		}
	}
	return nil
}

func addCalendar(lx *lexicon, d *lexiconData) error {
	if len(d.Months) != 12 || len(d.MonthAbbreviations) != 12 || len(d.Weekdays) != 7 {
		return fmt.Errorf("claim: data/lexicon.yaml: want 12 months, 12 month abbreviations and 7 weekdays")
	}
	month := func(w string, m time.Month) {
		lx.class(cMonth, w)
		lx.months = append(lx.months, monthID{lx.id(w), m})
	}
	for i, m := range d.Months {
		month(m, time.Month(i+1))
	}
	for i, m := range d.MonthAbbreviations {
		if m != "" {
			month(m, time.Month(i+1))
		}
	}
	if d.SeptemberAbbrevation != "" {
		month(d.SeptemberAbbrevation, time.September)
	}
	for i, w := range d.Weekdays {
		lx.class(cWeekday, w)
		lx.weekdays = append(lx.weekdays, weekdayID{lx.id(w), time.Weekday(i)})
	}
	return nil
}
