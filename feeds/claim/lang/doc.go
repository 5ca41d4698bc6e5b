// Package lang is Crosscheck's language layer for English news: it turns raw
// article text into sentences of words, each with its byte offsets into the
// input, universal and Penn part-of-speech tags, morphological features, a
// lemma, and its head and relation in a basic Universal Dependencies tree.
//
// The analysis is made by models trained by the project's own code on UD
// English EWT (see cmd/langtrain) and embedded in the binary; nothing is read
// from disk or the network at run time, and nothing here keeps mutable state
// between calls.
//
// # Use
//
// Analyze is the whole pipeline:
//
//	doc, err := lang.Analyze(text)
//	if err != nil {
//		return err // an embedded model is missing or damaged
//	}
//	for _, s := range doc.Sentences {
//		for _, w := range s.Words {
//			fmt.Println(w.Form, w.UPOS, w.Lemma, w.Rel, w.Head)
//		}
//	}
//
// Tokenize splits and tokenizes without tagging or parsing, and
// Pipeline.Annotate (a Pipeline comes from Load) fills in tags, lemmas and
// trees for sentences whose words were given by someone else (a CoNLL-U
// file), the way UD tools are scored. A reader that needs only some
// sentences tags and parses them one by one (Pipeline.Tag, Pipeline.Parse)
// and picks them with Pipeline.LemmaIndex, which tells from a word's form
// alone whether the tagger could give it one of a set of lemmas.
//
// # Words, tokens and offsets
//
// A Sentence is a sequence of syntactic words, as in CoNLL-U. A surface token
// that UD splits into several words ("don't" → do + n't, "Russia's" → Russia
// + 's) is a multiword token: its words carry the token's index in MWT, and
// Sentence.Tokens lists the surface tokens with their spans. Every word's
// Start and End are byte offsets into the analysed text, so text[w.Start:w.End]
// is the word's surface form (for a word of a multiword token, its part of
// the token where the split is a plain cut, else the whole token).
//
// # Models
//
// The embedded models are decoded once, on first use, and shared read-only by
// every caller; the first call pays for the decoding (see Load). All functions
// are safe for concurrent use.
//
// # Limits
//
// Sentences longer than MaxWords words are cut into pieces of at most
// MaxWords words before they are tagged and parsed, so cost stays linear in
// the input whatever it holds (10 MB without a full stop, binary garbage).
package lang
