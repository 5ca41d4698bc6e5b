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
		if pl := placeIn(st, ar.x.k, i); pl != "" {
			return pl
		}
	}
	return placeIn(st, ar.x.k, -1)
}

// placeIn finds a place named under word i (two levels down), or in the
// whole sentence when i is -1: a proper noun after a place preposition ("in
// Kursk", "near Sittwe"), or before a place noun ("the Kursk region").
func placeIn(st *sent, k *knowledge, i int) string {
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
	if i >= 0 {
		look(i, 0)
		return found
	}
	for j := range st.s.Words {
		if pl := placeWord(st, k, j); pl != "" && k.placeCases[st.caseOf(j)] {
			return pl
		}
	}
	return ""
}

// placeWord reads word i as a place: a proper noun, or a place noun with a
// proper-noun modifier ("Kursk region", "Hatay province").
func placeWord(st *sent, k *knowledge, i int) string {
	if st.upos(i) == "PROPN" {
		return strings.ToLower(st.name(i))
	}
	if k.placeNouns[st.lemmas[i]] {
		for _, c := range st.kids[i] {
			if (st.rel(c) == "compound" || st.rel(c) == "amod") && st.upos(c) == "PROPN" {
				return strings.ToLower(st.name(c))
			}
		}
	}
	return ""
}

// datelinePlace reads the place of a wire dateline, the capitalised words
// before the first comma or bracket of the text ("ALEXANDROUPOLI, Greece,
// Aug. 21 --", "SEOUL, Feb. 4 (Yonhap) --"), and returns it with the
// dateline's length up to its dash; "" and 0 when the text has none.
func datelinePlace(text string) (string, int) {
	lead := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	t := text[lead:]
	end := strings.IndexAny(t, ",(")
	if end <= 0 || end > 40 {
		return "", 0
	}
	for _, r := range t[:end] {
		if unicode.IsLower(r) {
			return "", 0
		}
	}
	window := t[:min(len(t), 100)]
	dash := -1
	for _, d := range []string{" -- ", " — ", " – ", " - "} {
		if i := strings.Index(window, d); i > 0 && (dash < 0 || i < dash) {
			dash = i + len(d)
		}
	}
	if dash < 0 {
		return "", 0
	}
	return strings.ToLower(strings.TrimSpace(t[:end])), lead + dash
}
