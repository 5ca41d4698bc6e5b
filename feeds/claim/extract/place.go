package extract

import (
	"strings"
	"unicode"
)

// placeOf returns the place a claim is about: one named in its predicate's
// clause or in the counted phrase, canonical (lower case); "" when neither
// names one, and the article's place stands in.
func (ar *article) placeOf(st *sent, p, counted int) string {
	for _, i := range []int{p, counted} {
		if i < 0 {
			continue
		}
		if pl := placeUnder(st, ar.x.k, i); pl != "" && !ar.sideOf(st, counted, pl) {
			return pl
		}
	}
	return placeInSentence(st, ar.x.k)
}

// placeUnder finds a place named under word i (two levels down): a proper
// noun after a place preposition ("in Kursk", "near Sittwe"), or before a
// place noun ("the Kursk region").
func placeUnder(st *sent, k *knowledge, i int) string {
	var found string
	var look func(j, depth int)
	look = func(j, depth int) {
		for _, c := range st.kids[j] {
			if found != "" {
				return
			}
			switch st.rel(c) {
			case "obl", "nmod", "obl:tmod", "nmod:poss", "compound", "amod", "appos":
			default:
				continue
			}
			if pl := placeWord(st, k, c); pl != "" && (k.placeCases[st.caseOf(c)] || st.rel(c) == "compound" && k.placeNouns[st.lemmas[j]]) {
				found = pl
				return
			}
			if depth < 2 && st.rel(c) != "nmod:poss" {
				look(c, depth+1)
			}
		}
	}
	look(i, 0)
	return found
}

// placeInSentence finds a place anywhere in the sentence, named after one
// of the stricter sentence_place_cases ("in"): the fallback when no word of
// the claim names one.
func placeInSentence(st *sent, k *knowledge) string {
	for j := range st.s.Words {
		if !k.sentencePlaceCases[st.caseOf(j)] {
			continue
		}
		if pl := placeWord(st, k, j); pl != "" {
			return pl
		}
	}
	return ""
}

// placeWord reads word i as a place: a proper noun, or a place noun with a
// proper-noun modifier ("Kursk region", "Hatay province").
func placeWord(st *sent, k *knowledge, i int) string {
	if st.upos(i) == "PROPN" {
		if k.timeNoun(st.lemmas[i]) || k.events[st.lemmas[i]] {
			return ""
		}
		for _, c := range st.kids[i] {
			if k.events[st.lemmas[c]] || k.timeNoun(st.lemmas[c]) {
				return "" // "Cyclone Mocha", "16 March"
			}
		}
		return strings.ToLower(st.name(i))
	}
	if k.placeNouns[st.lemmas[i]] {
		// "the city of Alexandroupoli"
		for _, c := range st.kids[i] {
			if st.rel(c) == "nmod" && st.caseOf(c) == "of" && st.upos(c) == "PROPN" {
				return strings.ToLower(st.name(c))
			}
		}
		for _, c := range st.kids[i] {
			if (st.rel(c) == "compound" || st.rel(c) == "amod") && st.upos(c) == "PROPN" {
				return strings.ToLower(st.name(c))
			}
		}
	}
	return ""
}

// datelinePlace reads a wire dateline: a few capitalised words, a place
// and perhaps a date or an agency in brackets, up to a dash or colon before
// the story ("ALEXANDROUPOLI, Greece, Aug. 21 --", "SEOUL, Feb. 4 (Yonhap)
// --", "Rabat —", "(AP) —"). It returns the place ("" for none) and the
// dateline's length; 0 when the text opens with none.
func datelinePlace(text string, k *knowledge) (string, int) {
	lead := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	t := text[lead:]
	window := t[:min(len(t), 80)]
	end := -1
	for _, d := range []string{" -- ", " — ", " – ", " - ", ": ", "—", "–"} {
		if i := strings.Index(window, d); i > 0 && (end < 0 || i < end) {
			end = i
		}
	}
	if end < 0 {
		return "", 0
	}
	head := t[:end]
	words := strings.Fields(strings.NewReplacer("(", " ", ")", " ", ",", " ").Replace(head))
	if len(words) == 0 || len(words) > 7 {
		return "", 0
	}
	for _, w := range words {
		r := []rune(w)[0]
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return "", 0
		}
	}
	size := lead + end
	for size < len(text) && strings.ContainsRune(" -—–:", rune(text[size])) {
		size++
	}
	for size < len(text) && !utf8RuneStart(text[size]) {
		size++
	}
	place := head
	if strings.HasPrefix(place, "(") {
		return "", size
	}
	if i := strings.IndexAny(place, ",("); i >= 0 {
		place = place[:i]
	}
	place = strings.ToLower(strings.TrimSpace(place))
	// A dateline that opens with its date ("Feb. 12 (UPI) --") names no
	// place.
	if f := strings.Fields(place); len(f) > 0 && k.timeNoun(strings.TrimSuffix(f[0], ".")) || strings.ContainsAny(place, "0123456789") {
		return "", size
	}
	return place, size
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// sideOf reports a place that is only the country the counted group comes
// from ("soldiers from Russia"): their side, not where the claim is.
func (ar *article) sideOf(st *sent, counted int, pl string) bool {
	if counted < 0 {
		return false
	}
	for _, c := range st.kids[counted] {
		if st.rel(c) == "nmod" && (st.caseOf(c) == "from" || st.caseOf(c) == "of") && strings.EqualFold(st.name(c), pl) {
			_, ok := ar.x.nats.Lookup(pl)
			return ok
		}
	}
	return false
}
