package claim

import (
	"maps"
	"sync"
	"time"
)

// calendarNames are data/lexicon.yaml's months, their abbreviations and
// the weekdays: the one list of calendar names. The lexicon, the number
// scanner's dates (monthWord), the sentence splitter's abbreviations
// ("Feb. 4") and the frames engine (CalendarNames) all read it.
type calendarNames struct {
	months     map[string]time.Month // names and abbreviations, lower case
	abbrevs    map[string]bool
	homographs map[string]bool
	weekdays   map[string]time.Weekday
}

// calendar is empty when the file does not decode; the lexicon reports
// that error where it is built.
var calendar = sync.OnceValue(func() calendarNames {
	c := calendarNames{months: map[string]time.Month{}, abbrevs: map[string]bool{},
		homographs: map[string]bool{}, weekdays: map[string]time.Weekday{}}
	d, err := lexiconFile()
	if err != nil {
		return c
	}
	for i, m := range d.Months {
		c.months[m] = time.Month(i + 1)
	}
	for i, a := range d.MonthAbbreviations {
		if a != "" {
			c.months[a], c.abbrevs[a] = time.Month(i+1), true
		}
	}
	if a := d.SeptemberAbbrevation; a != "" {
		c.months[a], c.abbrevs[a] = time.September, true
	}
	for _, h := range d.MonthHomographs {
		c.homographs[h] = true
	}
	for i, w := range d.Weekdays {
		c.weekdays[w] = time.Weekday(i)
	}
	return c
})

// CalendarNames are the month names and abbreviations ("january", "jan",
// "sept") and the weekday names, lower case, from the claim package's
// lexicon, for the extractors that read dates.
func CalendarNames() (months map[string]time.Month, weekdays map[string]time.Weekday) {
	c := calendar()
	return maps.Clone(c.months), maps.Clone(c.weekdays)
}
