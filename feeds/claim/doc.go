// Package claim owns the claim model: what one checkable statement in a news
// article is (subject, measure, place, value or polarity, claimant, evidence),
// Extract, which turns article text into claims, events (event.go: which
// happening an article reports, so claims are compared only within one),
// Compare, which judges whether two claims contradict each other, and Judge
// (judge.go), which decides what a new claim does among the candidates the
// store hands it: conflicts, with the pairs as evidence, and revisions.
//
// Everything here is pure: no network, no disk, no clocks. The same input
// always gives the same claims, so the ledger can be replayed and tested.
//
// Extract reads an article in passes that each cost time linear in its
// length: Plain (HTML to text), the number scanner (findQuantities), the
// sentence splitter, then one sentence at a time a tokenizer whose words
// carry lexicon ids, so that phrases ("South Korea's spy agency", "killed or
// wounded", "pulled from the front") are matched by comparing integers. A
// small discourse state carries what sentences refer back to: the last
// person ("He said", "According to him"), the last subject ("300 of
// them"), the speaker of a quotation that runs over several sentences, a
// speaker named after the fact ("This was stated by …") and the frame of a
// sentence continued by the next ("There are approximately 12,000
// soldiers"). Precision comes first: a figure whose subject, owner or
// predicate is unclear, or that is only planned or negated, is dropped
// rather than guessed.
package claim
