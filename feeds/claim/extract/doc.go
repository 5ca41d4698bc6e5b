// Package extract reads claims out of news articles over the language
// layer's analysis (package lang): which noun a number counts, which
// predicate governs it, who reports it, where and when.
//
// What words make a claim is data: frames (frames/*.yaml, one file per beat,
// and any a desk adds) name predicates and measure nouns by lemma and their
// arguments by Universal Dependencies relation; measures.yaml is the measure
// taxonomy; attribution.yaml the reporting verbs and nouns; modality.yaml
// what makes a predicate no claim (plans, possibility, negation,
// conditions); subjects.yaml what is counted. The claimant registry is
// package registry. The engine names no person, place, outlet or war.
//
// Only the sentences that may yield a claim are tagged and parsed: a number
// with a word that may be a figure frame's predicate or measure noun, a
// status frame's predicate (with the word below it that the frame needs),
// and the sentence closing a quotation that holds one of those, for its
// speaker. The words are matched by form against every lemma the tagger
// could give them (lang.LemmaIndex over the frames data), so no claim is
// lost; the other sentences are tagged only when they name a person named
// before, for the pronouns of later ones. Analysing every sentence gives
// the same claims on the stories and the seed (TestPrefilterLosesNothing).
//
// Extraction is pure and deterministic: an Extractor is immutable and safe
// for concurrent use; no I/O, no clock (the article's publication time
// anchors every date).
package extract
