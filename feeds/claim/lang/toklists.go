package lang

import (
	"embed"
	"slices"
	"strings"
	"sync"
)

// The tokenizer's word lists are data, not code: each file in data/ says
// what it holds and why in its header comments.
//
//go:embed data/*.txt
var tokDataFS embed.FS

// abbrClass says what a full stop after an abbreviation means.
type abbrClass uint8

const (
	abbrNone    abbrClass = iota
	abbrPlain             // may end a sentence ("Inc.", "etc.")
	abbrTitle             // before a name or number, never ends one ("Mr.", "Feb.")
	abbrNum               // keeps its stop only before a number ("No. 10")
	abbrInitial           // one capital letter: a name's initial, or "Plan B." at the end
	abbrTime              // a time of day ("a.m."): ends one before a capital that is no date word
)

// mayEnd reports whether an abbreviation of the class can end a sentence
// (and then gives its stop back as a token, as EWT writes "etc" + ".").
func (c abbrClass) mayEnd() bool {
	return c == abbrPlain || c == abbrInitial || c == abbrTime
}

// abbrEntry is one line of data/abbreviations.txt.
type abbrEntry struct {
	class   abbrClass
	capital bool // matches only a word with a capital first letter
}

// tokLexicon is the tokenizer's read-only knowledge, decoded once from data/.
type tokLexicon struct {
	abbrevs      map[string]abbrEntry // lower-case form without the final stop
	contractions map[string][]int     // lower-case surface form → cut offsets
	endings      [26 * 26]bool        // last two letters of some contraction
	clitics      []string             // "n't", "'s", … with a straight apostrophe
	prefixes     map[string]bool      // hyphen prefixes that stay joined
	starters     map[string]bool      // capitalised sentence openers
	dateWords    map[string]bool      // capitalised words that go on after a time of day
	emoticons    []string             // longest first
	tlds         map[string]bool
	numSuffixes  map[string]bool // letters that stay on a number ("9th")
}

var tokLexiconOnce = sync.OnceValue(loadTokLexicon)

// loadTokLexicon decodes the embedded lists; a malformed list is a build
// mistake, so it panics rather than returning an error every caller would
// have to handle.
func loadTokLexicon() *tokLexicon {
	lx := &tokLexicon{
		abbrevs:      map[string]abbrEntry{},
		contractions: map[string][]int{},
		prefixes:     tokDataSet("hyphen_prefixes.txt"),
		starters:     tokDataSet("sentence_starters.txt"),
		dateWords:    tokDataSet("date_words.txt"),
		tlds:         tokDataSet("tlds.txt"),
		numSuffixes:  tokDataSet("number_suffixes.txt"),
	}
	classes := map[string]abbrClass{"abbr": abbrPlain, "title": abbrTitle, "num": abbrNum, "time": abbrTime}
	for _, f := range tokDataLines("abbreviations.txt") {
		c, ok := classes[f[len(f)-1]]
		if len(f) != 2 || !ok {
			panic("lang: data/abbreviations.txt: bad line " + strings.Join(f, " "))
		}
		lx.abbrevs[strings.ToLower(f[0])] = abbrEntry{class: c, capital: f[0] != strings.ToLower(f[0])}
	}
	for _, f := range tokDataLines("contractions.txt") {
		if strings.Join(f[1:], "") != f[0] || len(f) < 3 {
			panic("lang: data/contractions.txt: parts do not spell " + f[0])
		}
		var cuts []int
		off := 0
		for _, p := range f[1 : len(f)-1] {
			off += len(p)
			cuts = append(cuts, off)
		}
		lx.contractions[f[0]] = cuts
		if i, ok := endingIndex(f[0]); ok {
			lx.endings[i] = true
		}
	}
	for _, f := range tokDataLines("clitics.txt") {
		lx.clitics = append(lx.clitics, f[0])
	}
	for _, f := range tokDataLines("emoticons.txt") {
		lx.emoticons = append(lx.emoticons, f[0])
	}
	// Longest first, so ":-)" is tried before ":-".
	slices.SortStableFunc(lx.emoticons, func(a, b string) int { return len(b) - len(a) })
	return lx
}

// endingIndex returns the index in tokLexicon.endings of the last two letters
// of w, ignoring case; ok is false when they are not both ASCII letters.
// Checking it first spares a map look-up for nearly every word.
func endingIndex(w string) (int, bool) {
	if len(w) < 2 {
		return 0, false
	}
	a, b := w[len(w)-2]|0x20, w[len(w)-1]|0x20
	if a < 'a' || a > 'z' || b < 'a' || b > 'z' {
		return 0, false
	}
	return int(a-'a')*26 + int(b-'a'), true
}

// tokDataSet returns the first field of every line of an embedded list, as
// a set.
func tokDataSet(name string) map[string]bool {
	set := map[string]bool{}
	for _, f := range tokDataLines(name) {
		set[f[0]] = true
	}
	return set
}

// tokDataLines returns the fields of every non-comment, non-blank line of an
// embedded list.
func tokDataLines(name string) [][]string {
	b, err := tokDataFS.ReadFile("data/" + name)
	if err != nil {
		panic("lang: " + err.Error())
	}
	var out [][]string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l == "" || l[0] == '#' {
			continue
		}
		out = append(out, strings.Fields(l))
	}
	return out
}
