package state

import (
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// ConflictStatus is where a conflict is in its lifecycle.
type ConflictStatus string

const (
	StatusOpen      ConflictStatus = "open"
	StatusResolved  ConflictStatus = "resolved"
	StatusDismissed ConflictStatus = "dismissed" // "not a contradiction"
)

// Side is one party to a conflict: a claimant and every claim of theirs on
// the topic, each possibly read at a different outlet (corroboration).
type Side struct {
	Claimant string        `json:"claimant"`
	Claims   []claim.Claim `json:"claims"`
}

// Conflict is a disagreement between two claimants on one topic. Its ID is
// stable for the topic and claimant pair, so new evidence joins it.
type Conflict struct {
	ID    string     `json:"id"`
	Kind  claim.Kind `json:"kind"`
	Topic string     `json:"topic"`
	// Severity is 0..1: how far apart the claims are.
	Severity float64 `json:"severity"`
	// Reason says which rule fired, with both intervals and the tolerance.
	Reason string         `json:"reason"`
	Sides  [2]Side        `json:"sides"`
	Status ConflictStatus `json:"status"`
	Opened time.Time      `json:"opened"`
	// Updated is the last time evidence joined or the status changed.
	Updated time.Time `json:"updated"`
	// Backfill conflicts were raised only by items of a feed's first poll:
	// they are kept but never alerted.
	Backfill bool `json:"backfill,omitempty"`
	// Alerted is set once an AlertNew for the conflict went into the
	// outbox. A conflict first seen in backfill or under a mute is
	// announced by the first later evidence that may alert.
	Alerted bool `json:"alerted,omitempty"`
	// ChangedBy is who last set Status by hand (a Slack user ID).
	ChangedBy string `json:"changed_by,omitempty"`
	// Pairs are the dispute's evidence: each pair of disagreeing claims
	// the judge found, from every article, oldest first, the newest
	// MaxPairs of them. PairCount counts every pair ever found, so an
	// editor sees how much evidence lies past the kept ones. A conflict
	// stored before pairs were kept has none (its Sides still hold its
	// claims).
	Pairs     []Pair `json:"pairs,omitempty"`
	PairCount int    `json:"pair_count,omitempty"`
	// Event is the news event the dispute was found in (0: an article
	// that named nothing to tell its event by); EventTitle is the title
	// of the article that opened the dispute and EventAnchors the event's
	// most named anchors then ("kursk", "budanov"), so an editor sees
	// which happening both sides are taken to speak of.
	Event        uint64   `json:"event,omitempty"`
	EventTitle   string   `json:"event_title,omitempty"`
	EventAnchors []string `json:"event_anchors,omitempty"`
}

// maxEventAnchors is how many of its event's anchors a conflict keeps.
const maxEventAnchors = 5

// MaxPairs bounds the evidence pairs a conflict keeps: a dispute every
// outlet reports for a week must not grow a record rewritten whole at
// every new article.
const MaxPairs = 200

// Pair is one disagreement: a claim of Sides[0]'s claimant and one of
// Sides[1]'s that the judge found at odds.
type Pair [2]claim.Claim

// PairsFrom are the kept pairs numbered from on (see Alert.FromPair): the
// evidence a digest reports. Pairs past MaxPairs already dropped are not
// there; the count of all is PairCount - from.
func (c Conflict) PairsFrom(from int) []Pair {
	first := c.PairCount - len(c.Pairs) // the number of c.Pairs[0]
	if from < first {
		from = first
	}
	if from-first >= len(c.Pairs) {
		return nil
	}
	return c.Pairs[from-first:]
}

// LeadPair is the pair an alert leads with: the newest kept pair, or, for
// a conflict stored before pairs were kept, each side's Lead.
func (c Conflict) LeadPair() Pair {
	if n := len(c.Pairs); n > 0 {
		return c.Pairs[n-1]
	}
	return Pair{c.Lead(0), c.Lead(1)}
}

// Beat is the desk the conflict belongs to, from its topic's subject and
// measure (claim.Beat); "" when the beat table names neither.
func (c Conflict) Beat() string {
	subject, rest, _ := strings.Cut(c.Topic, " | ")
	measure, _, _ := strings.Cut(rest, " | ")
	return claim.Beat(subject, measure)
}

// AlertKind says what a queued alert announces.
type AlertKind string

const (
	// AlertNew posts the parent message of a new conflict.
	AlertNew AlertKind = "new"
	// AlertEvidence posts new evidence into the conflict's thread and
	// updates the parent.
	AlertEvidence AlertKind = "evidence"
	// AlertRevision notes in the thread that one claimant changed its figure.
	AlertRevision AlertKind = "revision"
)

// Alert is one message waiting in the outbox for the Slack notifier.
type Alert struct {
	Seq        uint64    `json:"seq"`
	ConflictID string    `json:"conflict_id"`
	Kind       AlertKind `json:"kind"`
	// Claim is the new evidence for AlertEvidence and AlertRevision.
	Claim *claim.Claim `json:"claim,omitempty"`
	// ClaimSeq is Claim's number in the ledger when it is there: the
	// outbox then keeps the number, not a copy of the claim. Claim is nil
	// on reading if the ledger no longer holds it.
	ClaimSeq uint64 `json:"claim_seq,omitempty"`
	// Digest marks an AlertEvidence that stands for all the evidence its
	// conflict gathers until it is posted: the pairs from number FromPair
	// on (counting every pair the conflict found, from 0). Evidence that
	// arrives while a digest waits joins it instead of queueing another,
	// so a dispute gets at most one thread message per delivery.
	Digest   bool `json:"digest,omitempty"`
	FromPair int  `json:"from_pair,omitempty"`
	// Channel overrides the configured alert channel when set.
	Channel   string    `json:"channel,omitempty"`
	Queued    time.Time `json:"queued"`
	Attempts  int       `json:"attempts"`
	NotBefore time.Time `json:"not_before"`
	LastError string    `json:"last_error,omitempty"`
}

// Thread is where a conflict's parent message lives in Slack.
type Thread struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}
