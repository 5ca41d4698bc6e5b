// Package claim owns the claim model: what one checkable statement in a news
// article is (subject, measure, place, value or polarity, claimant, evidence),
// Extract, which turns article text into claims, and Compare, which judges
// whether two claims contradict each other.
//
// Everything here is pure: no network, no disk, no clocks. The same input
// always gives the same claims, so the ledger can be replayed and tested.
package claim
