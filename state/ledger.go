package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// The claim ledger. Claims live once, under their sequence number; the
// indexes hold keys only, so a lookup by topic reads a contiguous key range
// of one subject and measure, bounded by the AsOf window, and never scans
// the ledger.
var (
	bucketClaims           = []byte("claims")
	bucketClaimsByTopic    = []byte("claims_by_topic")
	bucketClaimsByClaimant = []byte("claims_by_claimant")
	bucketClaimsByIdent    = []byte("claims_by_ident")
	bucketTopics           = []byte("topics")
	bucketClaimants        = []byte("claimants")
	bucketOutlets          = []byte("outlets")
)

// What one claim may bring into the ledger: its key fields become parts
// of index keys (bbolt caps a key at 32 KiB), and its sentence is kept
// whole.
const (
	maxClaimFieldBytes    = 1024
	maxClaimSentenceBytes = 64 << 10
)

// ErrInvalidClaim is wrapped by Record when a claim cannot be stored: NaN,
// infinite or negative values, a missing subject, measure or claimant, or a
// key field too long or holding a zero byte.
var ErrInvalidClaim = errors.New("state: invalid claim")

// StoredClaim is a claim as the ledger keeps it.
type StoredClaim struct {
	claim.Claim
	// Seq orders claims as they were recorded.
	Seq uint64
	// ItemID is the identity of the feed item (or replayed article) the
	// claim came from.
	ItemID string
	// Backfill marks claims of a feed's first poll.
	Backfill bool
	// Recorded is when the store took the claim in.
	Recorded time.Time
	// Event is the news event of the claim's item (item_events), 0 for an
	// item that named nothing to tell its event by. It is not part of the
	// claim's record: getClaim leaves it 0, eventOf reads it.
	Event uint64
}

// JoinedClaims is how many of each side's latest claims Recorded.Joined
// carries.
const JoinedClaims = 10

// Recorded is what recording a batch of items did.
type Recorded struct {
	// Claims were stored; Duplicates were already in the ledger (the same
	// claim from the same article) and skipped.
	Claims, Duplicates int
	// Opened are conflicts these claims raised; Joined are existing
	// conflicts they added evidence to. Both hold the conflict as stored at
	// the end of the transaction; a joined conflict's sides hold only their
	// latest JoinedClaims claims (Store.Conflict has them all), so a busy
	// conflict does not make every poll read its whole history.
	Opened, Joined []Conflict
	// Alerts is how many alerts were queued in the outbox.
	Alerts int
	// Refused are claims that failed ValidateClaim and were not stored;
	// the rest of their item was.
	Refused []error
}

// Record stores the claims of items, finds the conflicts they raise and
// queues their alerts, all in one transaction. Items are judged in order,
// and each claim also against the claims recorded before it in the same
// call, so one article can contradict itself. Invalid claims are refused
// (listed in Recorded.Refused), not stored.
func (s *Store) Record(ctx context.Context, items ...feeds.PolledItem) (Recorded, error) {
	if err := ctx.Err(); err != nil {
		return Recorded{}, fmt.Errorf("state: record: %w", err)
	}
	var res Recorded
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := newBatch(tx)
		var err error
		if res, err = s.record(ctx, b, items); err != nil {
			return err
		}
		return s.flushAndRoute(b)
	})
	if err != nil {
		return Recorded{}, fmt.Errorf("state: record: %w", err)
	}
	return res, nil
}

// Preview judges items against the ledger as Record would, then rolls the
// transaction back: nothing is stored and no alert is queued. It answers
// "check URL".
func (s *Store) Preview(ctx context.Context, items ...feeds.PolledItem) (Recorded, error) {
	if err := ctx.Err(); err != nil {
		return Recorded{}, fmt.Errorf("state: preview: %w", err)
	}
	// A read transaction: a preview must not hold bbolt's one write lock
	// while it judges, or a poll's commit would wait for it. The claims,
	// events and conflicts it makes stay pending in the batch, which is
	// never flushed; sequence numbers count on in memory; alerts are
	// counted, not queued.
	tx, err := s.db.Begin(false)
	if err != nil {
		return Recorded{}, fmt.Errorf("state: preview: %w", err)
	}
	defer tx.Rollback()
	res, err := s.record(ctx, newBatch(tx), items)
	if err != nil {
		return Recorded{}, fmt.Errorf("state: preview: %w", err)
	}
	if s.previewHook != nil {
		s.previewHook()
	}
	return res, nil
}

// recordClaimsTx is the ledger's part of CommitPoll: the poll's claims,
// their conflicts and alerts go into the poll's own transaction. It returns
// the conflicts the poll opened.
func (s *Store) recordClaimsTx(b *batch, p feeds.Poll) ([]Conflict, error) {
	res, err := s.record(context.Background(), b, p.Items)
	if err != nil {
		return nil, err
	}
	return res.Opened, nil
}

// ValidateClaim is the ledger's boundary check: claim.Validate plus the
// limits of the key layout.
func ValidateClaim(c claim.Claim) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidClaim, err)
	}
	if c.Kind == claim.Figure && (math.IsInf(c.Value.Low, 0) || math.IsNaN(c.Value.High)) {
		return fmt.Errorf("%w: value %v", ErrInvalidClaim, c.Value)
	}
	for _, f := range [...]struct{ name, v string }{{"subject", c.Subject}, {"measure", c.Measure}, {"place", c.Place}, {"claimant", c.Claimant}, {"outlet", c.Outlet}} {
		if len(f.v) > maxClaimFieldBytes || strings.IndexByte(f.v, 0) >= 0 {
			return fmt.Errorf("%w: %s %.40q too long or holds a zero byte", ErrInvalidClaim, f.name, f.v)
		}
	}
	if len(c.Sentence) > maxClaimSentenceBytes {
		return fmt.Errorf("%w: sentence of %d bytes", ErrInvalidClaim, len(c.Sentence))
	}
	return nil
}

// itemRefs are what later claims of an item point to: the seq of its first
// claim (which holds the article fields) and of the first claim holding
// each sentence.
type itemRefs struct {
	seq             uint64
	id, outlet, url string
	sentences       map[string]uint64
}

// recorder is one Record call inside one transaction.
type recorder struct {
	s     *Store
	tx    *bolt.Tx
	b     *batch
	rules claim.Rules
	now   time.Time
	res   Recorded

	// claims are written straight to bbolt: their keys only ever grow.
	// Everything else a claim writes goes through the batch, in key order.
	// claims reads claim records: the claims bucket, or, previewing in a
	// read transaction, the batch that holds the preview's own claims.
	claims claimGetter
	// claimsBucket is the claims bucket of a write transaction (nil in a
	// preview), where claims are put directly: their keys only grow.
	claimsBucket *bolt.Bucket
	// preview is set for a read transaction: nothing is written and no
	// alert queued.
	preview bool

	// item is the article whose claims are being put, for refs.
	item itemRefs

	conflicts map[string]*conflictRec
	opened    []string
	joined    []string
	// queued says which conflicts got an alert in this transaction and for
	// which article, so one article adds one message to a thread.
	queued map[string]bool
	// fromPair is the pair count of the conflict join is adding to,
	// before it added: where a new digest's evidence starts.
	fromPair int
	mutes    []Mute
}

func (s *Store) record(ctx context.Context, b *batch, items []feeds.PolledItem) (Recorded, error) {
	r, err := s.newRecorder(b)
	if err != nil {
		return Recorded{}, err
	}
	for i := range items {
		if err := ctx.Err(); err != nil {
			return Recorded{}, err
		}
		valid := make([]claim.Claim, 0, len(items[i].Claims))
		for j, c := range items[i].Claims {
			// One bad claim must not keep a feed's poll from being
			// committed (it would fail the same way forever): it is
			// refused alone.
			if err := ValidateClaim(c); err != nil {
				r.res.Refused = append(r.res.Refused, fmt.Errorf("item %s claim %d: %w", items[i].Item.ID, j, err))
				continue
			}
			valid = append(valid, c)
		}
		// Every article joins its event, claims or not: what it says
		// helps tell the event's later articles apart.
		it := items[i].Item
		event, _, err := assignEvent(b, it.ID, claim.ArticleAnchors(it.Title, items[i].Text, valid, it.Published), s.eventRules)
		if err != nil {
			return Recorded{}, err
		}
		for _, c := range valid {
			if err := r.add(it, c, event); err != nil {
				return Recorded{}, err
			}
		}
	}
	return r.finish()
}

func (s *Store) newRecorder(b *batch) (*recorder, error) {
	tx := b.tx
	r := &recorder{
		s: s, tx: tx, b: b, rules: s.rules, now: s.now(),
		conflicts: map[string]*conflictRec{},
		queued:    map[string]bool{},
	}
	var err error
	if !tx.Writable() {
		// A preview: every bucket exists since Open (createBuckets), and
		// the claims it judges are read through the batch.
		r.preview = true
		for _, name := range [][]byte{bucketClaims, bucketClaimsByTopic, bucketClaimsByClaimant, bucketClaimsByIdent, bucketNewsEvents, bucketEventsByAnchor, bucketAnchorFreq, bucketItemEvents, bucketMeta, bucketConflicts} {
			if tx.Bucket(name) == nil {
				return nil, fmt.Errorf("bucket %s missing", name)
			}
		}
		r.claims = batchBucket{b: b, name: bucketClaims}
	} else {
		for _, name := range [][]byte{bucketClaimsByTopic, bucketClaimsByClaimant, bucketClaimsByIdent, bucketTopics, bucketClaimants, bucketOutlets, bucketNewsEvents, bucketEventsByAnchor, bucketAnchorFreq, bucketItemEvents, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return nil, err
			}
		}
		if r.claimsBucket, err = tx.CreateBucketIfNotExists(bucketClaims); err != nil {
			return nil, err
		}
		// Claims are keyed by an increasing sequence: pages only ever
		// fill at the end, so they can be packed instead of split
		// half-empty.
		r.claimsBucket.FillPercent = 0.95
		r.claims = r.claimsBucket
	}
	if r.mutes, err = activeMutesTx(tx, r.now); err != nil {
		return nil, err
	}
	return r, nil
}

// add records one claim and acts on what it contradicts, revises or joins.
func (r *recorder) add(item feeds.ItemRecord, c claim.Claim, event uint64) error {
	// A re-polled or updated article: its unchanged claims are not new.
	if r.duplicate(c) {
		r.res.Duplicates++
		return nil
	}
	// The positions are read before the claim joins them.
	w := r.window(c)
	cands := r.candidates(c, c.Place, event, w)
	seq, err := r.b.nextSequence(bucketClaims)
	if err != nil {
		return err
	}
	sc := StoredClaim{Claim: c, Seq: seq, ItemID: item.ID, Backfill: item.Backfill, Recorded: r.now, Event: event}
	if err := r.put(sc); err != nil {
		return err
	}
	r.res.Claims++
	pos, err := r.positions(cands)
	if err != nil {
		return err
	}
	for _, d := range claim.Judge(candidate(sc), pos, r.rules) {
		if err := r.apply(item, sc, d, w); err != nil {
			return err
		}
	}
	return nil
}

func (r *recorder) put(sc StoredClaim) error {
	// The claims of one article share its fields, and those of one
	// sentence its text, through the first claim of the item that held
	// them (refs only within one item, which one transaction records).
	var refs claimRefs
	if r.item.seq != 0 && r.item.id == sc.ItemID && r.item.outlet == sc.Outlet && r.item.url == sc.URL {
		refs.article = r.item.seq
		refs.sentence = r.item.sentences[sc.Sentence]
	} else {
		r.item = itemRefs{seq: sc.Seq, id: sc.ItemID, outlet: sc.Outlet, url: sc.URL, sentences: map[string]uint64{}}
	}
	if refs.sentence == 0 && sc.Sentence != "" {
		r.item.sentences[sc.Sentence] = sc.Seq
	}
	seq := u64(sc.Seq)
	if r.preview {
		r.b.put(bucketClaims, seq, encodeClaim(sc, refs))
	} else if err := r.claimsBucket.Put(seq, encodeClaim(sc, refs)); err != nil {
		return err
	}
	r.b.put(bucketClaimsByTopic, topicIndexKey(sc), nil)
	r.b.put(bucketClaimsByIdent, claimIdentity(sc.Claim), seq)
	r.b.put(bucketClaimsByClaimant, claimantIndexKey(sc.Claimant, sc.AsOf, sc.Seq), nil)
	// The topic and claimant lists are written only when a name is new, so
	// an ordinary claim dirties no page of theirs.
	r.b.putIfAbsent(bucketTopics, []byte(sc.Topic()))
	r.b.putIfAbsent(bucketClaimants, []byte(sc.Claimant))
	if sc.Outlet != "" {
		r.b.putIfAbsent(bucketOutlets, []byte(sc.Outlet))
	}
	return nil
}

// candRef is a position known from the topic index alone: enough to
// order claims and find each claimant's position without decoding them.
type candRef struct {
	seq            []byte
	asOf           []byte
	measure, place string
	// party is the claimant's claim.Party.
	party string
}

func (a candRef) newerThan(b candRef) bool {
	if c := bytes.Compare(a.asOf, b.asOf); c != 0 {
		return c > 0
	}
	return bytes.Compare(a.seq, b.seq) > 0
}

// window is the AsOf range a claim is judged in, as index key bytes.
type window struct{ lo, hi []byte }

func (r *recorder) window(c claim.Claim) window {
	return window{lo: timeKey(c.AsOf.Add(-r.rules.Window)), hi: timeKey(c.AsOf.Add(r.rules.Window))}
}

// maxCandidateGroups bounds the party-and-place groups one claim is
// judged against on each related measure, so a claim's cost does not grow
// with how many places or claimants a topic has gathered. Past it (a
// hostile feed, or a topic no editor could read the alerts of) a claim
// meets the first groups in key order: its own place before the place-less
// one, parties by name.
const maxCandidateGroups = 256

// candidates are the positions a new claim must be judged against: on its
// subject and every related measure, for each party and each place that
// matches the claim's, the party's newest claim within the AsOf window,
// newest first. The topic index groups a subject and measure's claims by
// place and then party, so a claim with a place reads only its own place's
// groups and the place-less ones (the only places that match it), one seek
// per group however many claims each holds; only index keys are read.
func (r *recorder) candidates(c claim.Claim, place string, event uint64, w window) []candRef {
	var out []candRef
	cur := r.b.cursor(bucketClaimsByTopic)
	tag := eventTag(event)
	for _, m := range claim.RelatedMeasures(c.Measure) {
		base := topicPrefix(c.Subject, m)
		budget := maxCandidateGroups
		for _, prefix := range matchingPlaces(base, place, event) {
			for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && budget > 0; {
				group, party, place, ok := splitTopicKey(k, len(base))
				if !ok {
					k, _ = cur.Next()
					continue
				}
				budget--
				if !bytes.HasPrefix(group[len(base)+len(place)+1:], tag) {
					// another event's claims, met only by a claim
					// without a place in an event without one
					k, _ = cur.Seek(groupEnd(group))
					continue
				}
				if seq, asOf, ok := newestIn(cur, group, w); ok {
					out = append(out, candRef{seq: seq, asOf: asOf, measure: m, place: place, party: party})
				}
				k, _ = cur.Seek(groupEnd(group))
			}
		}
	}
	slices.SortFunc(out, func(a, b candRef) int {
		if a.newerThan(b) {
			return -1
		}
		return 1
	})
	return out
}

// matchingPlaces are the topic index prefixes (below a subject and
// measure's base prefix) whose places match place in claim.PlacesMatch's
// sense: its own and the place-less group; every place for a claim
// without one.
func matchingPlaces(base []byte, place string, event uint64) [][]byte {
	tag := eventTag(event)
	if place == "" {
		// every place, of this event only: the groups are filtered by
		// splitTopicKey's event
		return [][]byte{base}
	}
	return [][]byte{append(topicPlace(base, place), tag...), append(topicPlace(base, ""), tag...)}
}

// newestIn finds the newest entry of a party-and-place group within w.
func newestIn(cur *batchCursor, group []byte, w window) (seq, asOf []byte, ok bool) {
	after := append(append(slices.Clip(group), w.hi...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	k, _ := cur.Seek(after)
	if k == nil {
		k, _ = cur.Last()
	} else {
		k, _ = cur.Prev()
	}
	if k == nil || len(k) != len(group)+16 || !bytes.HasPrefix(k, group) || bytes.Compare(k[len(group):len(group)+8], w.lo) < 0 {
		return nil, nil, false
	}
	return k[len(k)-8:], k[len(k)-16 : len(k)-8], true
}

// groupEnd is the first key past every entry of a group (which ends in a
// zero byte that no name may hold).
func groupEnd(group []byte) []byte {
	end := slices.Clone(group)
	end[len(end)-1] = 1
	return end
}

// splitTopicKey reads a topic index key past its subject and measure
// prefix: the group (prefix ‖ place ‖ 0 ‖ party ‖ 0), party and place.
func splitTopicKey(k []byte, prefixLen int) (group []byte, party, place string, ok bool) {
	if len(k) < prefixLen+16 {
		return nil, "", "", false
	}
	rest := k[prefixLen : len(k)-16]
	pl, p, ok := bytes.Cut(rest, []byte{0})
	if !ok || len(p) <= eventTagLen || p[len(p)-1] != 0 {
		return nil, "", "", false
	}
	return k[:len(k)-16], string(p[eventTagLen : len(p)-1]), string(pl), true
}

// duplicate reports whether the ledger holds c already: the same claim
// from the same article has the same identity, which the identity index
// answers in one lookup however many claims share its instant.
func (r *recorder) duplicate(c claim.Claim) bool {
	return r.b.get(bucketClaimsByIdent, claimIdentity(c)) != nil
}

// positions reads the claims of the candidates that still speak for their
// claimant (claim.Positions decides which, from the index keys alone, so
// superseded claims are never decoded).
func (r *recorder) positions(cands []candRef) ([]claim.Candidate, error) {
	keys := make([]claim.PositionKey, len(cands))
	for i, ref := range cands {
		keys[i] = claim.PositionKey{Party: ref.party, Measure: ref.measure, Place: ref.place}
	}
	kept := claim.Positions(keys)
	out := make([]claim.Candidate, 0, len(kept))
	for _, i := range kept {
		p, err := getClaim(r.claims, cands[i].seq)
		if err != nil {
			return nil, err
		}
		out = append(out, candidate(p))
	}
	return out, nil
}

func candidate(sc StoredClaim) claim.Candidate { return claim.Candidate{Claim: sc.Claim, Seq: sc.Seq} }

// Bounds on the claims read for the corroborators of a new conflict's
// position, so a group of thousands saying other things is not read whole.
const maxCorroborating, maxCorroboratingRead = 20, 64

// group returns the claims of pos's party on pos's topic within w, newest
// first, pos excepted: where claim.Corroborating finds the outlets
// quoting it.
func (r *recorder) group(pos claim.Candidate, event uint64, w window) ([]claim.Candidate, error) {
	var out []claim.Candidate
	group := topicGroup(pos.Subject, pos.Measure, claim.Party(pos.Claimant), pos.Place, event)
	cur := r.b.cursor(bucketClaimsByTopic)
	k, _ := cur.Seek(append(append(slices.Clip(group), w.hi...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = cur.Last()
	} else {
		k, _ = cur.Prev()
	}
	for ; k != nil && len(out) < maxCorroboratingRead; k, _ = cur.Prev() {
		if len(k) != len(group)+16 || !bytes.HasPrefix(k, group) || bytes.Compare(k[len(group):len(group)+8], w.lo) < 0 {
			break
		}
		if bytes.Equal(k[len(group)+8:], u64(pos.Seq)) {
			continue
		}
		p, err := getClaim(r.claims, k[len(group)+8:])
		if err != nil {
			return nil, err
		}
		out = append(out, candidate(p))
	}
	return out, nil
}

// corroborators are the claims that stand with a new conflict's position.
func (r *recorder) corroborators(pos claim.Candidate, event uint64, w window) ([]claim.Candidate, error) {
	g, err := r.group(pos, event, w)
	if err != nil {
		return nil, err
	}
	c := claim.Corroborating(pos, g, r.rules)
	if len(c) > maxCorroborating {
		c = c[:maxCorroborating]
	}
	return c, nil
}

// apply joins the new claim to the conflict a finding names, or notes a
// revision on the open conflicts of its claimant, and queues the alerts.
func (r *recorder) apply(item feeds.ItemRecord, c StoredClaim, f claim.Decision, w window) error {
	if f.Verdict.Relation == claim.Update {
		// A tally that rose is evidence of a dispute its two sides already
		// have open; otherwise only a note.
		cf, err := r.conflict(ConflictID(f.Verdict.Topic, c.Claimant, f.Other))
		if err != nil {
			return err
		}
		if cf != nil && cf.Status == StatusOpen {
			return r.join(item, c, f, w)
		}
	}
	if f.Verdict.Relation == claim.Revision || f.Verdict.Relation == claim.Update {
		// Noted on the claimant's open conflicts on the topic, never an alert
		// of its own: a changed figure or a tally that rose.
		ids := idsUnder(r.tx.Bucket(bucketConflictsByClaimant), claim.Party(c.Claimant))
		// Only the claimant's conflicts on this subject and measure are
		// read: a busy claimant has many, each with its whole history.
		onTopic := conflictIDsOnTopicAnyPlace(r.tx, f.Verdict.Topic)
		for _, id := range ids {
			if !onTopic[id] {
				continue
			}
			cf, err := r.conflict(id)
			if err != nil {
				return err
			}
			if cf == nil || !sameTopicModuloPlace(cf.Topic, f.Verdict.Topic) {
				continue
			}
			if cf.addClaim(c.Claimant, c.Seq) {
				cf.Updated = r.now
			}
			if err := r.alert(item, cf, c, AlertRevision); err != nil {
				return err
			}
			r.markJoined(cf.ID)
		}
		return nil
	}

	return r.join(item, c, f, w)
}

// join adds the new claim and the claims it met to the conflict a decision
// names, opening it if it is new.
func (r *recorder) join(item feeds.ItemRecord, c StoredClaim, f claim.Decision, w window) error {
	id := ConflictID(f.Verdict.Topic, c.Claimant, f.Other)
	cf, err := r.conflict(id)
	if err != nil {
		return err
	}
	if cf == nil {
		a, b := sortedPair(c.Claimant, f.Other)
		cf = &conflictRec{
			Conflict: Conflict{
				ID: id, Kind: f.Kind, Topic: f.Verdict.Topic,
				Severity: f.Verdict.Severity, Reason: f.Verdict.Reason,
				Status: StatusOpen, Opened: r.now, Updated: r.now,
				Backfill: item.Backfill,
			},
			Sides: [2]sideRec{{Claimant: a}, {Claimant: b}},
			new:   true,
		}
		if err := r.eventOf(cf, item, c.Event); err != nil {
			return err
		}
		r.conflicts[id] = cf
		r.opened = append(r.opened, id)
		if f.Position != nil {
			more, err := r.corroborators(*f.Position, c.Event, w)
			if err != nil {
				return err
			}
			f.Theirs = append(f.Theirs, more...)
		}
	} else {
		r.markJoined(id)
	}
	added := cf.addClaim(c.Claimant, c.Seq)
	for _, m := range f.Mine {
		added = cf.addClaim(c.Claimant, m.Seq) || added
	}
	for _, o := range f.Theirs {
		added = cf.addClaim(f.Other, o.Seq) || added
	}
	// The evidence is the new claim against each claim of the other side
	// it was judged against (its corroborators only stand with them).
	r.fromPair = cf.PairCount
	for _, o := range f.Theirs {
		added = cf.addPair(c.Claimant, c.Seq, o.Seq) || added
	}
	if f.Verdict.Severity >= cf.Severity {
		cf.Severity, cf.Reason = f.Verdict.Severity, f.Verdict.Reason
		cf.dirty = true
	}
	if !added {
		return nil
	}
	cf.dirty = true
	if !cf.new {
		cf.Updated = r.now
	}
	return r.alert(item, cf, c, AlertEvidence)
}

// eventOf notes on a new conflict the event it was found in: its id, the
// opening article's title and the event's most named anchors, without
// their kind prefix ("p:kursk" → "kursk").
func (r *recorder) eventOf(cf *conflictRec, item feeds.ItemRecord, event uint64) error {
	cf.Event, cf.EventTitle = event, item.Title
	if event == 0 {
		return nil
	}
	e, ok, err := getEvent(r.b, event)
	if err != nil || !ok {
		return err
	}
	cf.EventAnchors = e.Names(maxEventAnchors)
	return nil
}

// alert queues what an editor should hear of a conflict the claim touched:
// nothing for backfill, for a conflict that is no longer open or one that
// is muted; the conflict itself if it was never announced; otherwise the
// claim as new evidence or a revision, once per article.
func (r *recorder) alert(item feeds.ItemRecord, cf *conflictRec, c StoredClaim, kind AlertKind) error {
	cf.dirty = true
	if !item.Backfill {
		cf.Backfill = false // live evidence: no longer only backfill
	}
	if item.Backfill || cf.Status != StatusOpen || mutedBy(r.mutes, cf.ID, cf.Topic) {
		return nil
	}
	a := Alert{ConflictID: cf.ID, Kind: kind, Queued: r.now}
	switch {
	case !cf.Alerted:
		a.Kind = AlertNew
		cf.Alerted = true
	case r.queued[cf.ID]:
		return nil // announced in this very transaction
	case r.queued[cf.ID+"\x00"+c.URL+"\x00"+c.Outlet]:
		return nil
	case kind == AlertEvidence && cf.PairCount > 0 && r.digestWaits(cf):
		return nil // the digest waiting for the conflict will carry it
	default:
		cc := c.Claim
		a.Claim, a.ClaimSeq = &cc, c.Seq
		if kind == AlertEvidence && cf.PairCount > 0 {
			a.Digest, a.FromPair = true, r.fromPair
		}
	}
	if a.Kind == AlertNew {
		r.queued[cf.ID] = true
	}
	r.queued[cf.ID+"\x00"+c.URL+"\x00"+c.Outlet] = true
	r.res.Alerts++
	if r.preview {
		return nil // what would be queued, counted
	}
	seq, err := queueAlertSeqTx(r.tx, a)
	if err != nil {
		return err
	}
	if a.Digest {
		cf.digest = seq
	}
	return nil
}

// digestWaits reports whether the evidence digest last queued for cf is
// still in the outbox and not yet being posted: new evidence then joins
// it, since it is rendered from the conflict when it goes out.
func (r *recorder) digestWaits(cf *conflictRec) bool {
	if cf.digest == 0 {
		return false
	}
	b := r.tx.Bucket(bucketOutbox)
	if b == nil {
		return false
	}
	v := b.Get(u64(cf.digest))
	if v == nil {
		return false
	}
	a, err := decodeAlertRec(v)
	return err == nil && a.Posting.IsZero()
}

func (r *recorder) markJoined(id string) {
	cf := r.conflicts[id]
	if cf == nil || cf.new || slices.Contains(r.joined, id) {
		return
	}
	r.joined = append(r.joined, id)
}

// conflict loads a conflict once per transaction; nil when there is none.
func (r *recorder) conflict(id string) (*conflictRec, error) {
	if cf, ok := r.conflicts[id]; ok {
		return cf, nil
	}
	cf, err := getConflictRec(r.tx, id)
	if err != nil || cf == nil {
		return nil, err
	}
	r.conflicts[id] = cf
	return cf, nil
}

// finish writes the conflicts touched and resolves the result's claims.
func (r *recorder) finish() (Recorded, error) {
	for _, cf := range r.conflicts {
		if !cf.dirty || r.preview {
			continue
		}
		if err := putConflictTx(r.b, cf); err != nil {
			return Recorded{}, err
		}
	}
	for _, ids := range []struct {
		ids []string
		dst *[]Conflict
		max int
	}{{r.opened, &r.res.Opened, 0}, {r.joined, &r.res.Joined, JoinedClaims}} {
		for _, id := range ids.ids {
			c, err := r.conflicts[id].resolveLatest(r.claims, ids.max)
			if err != nil {
				return Recorded{}, err
			}
			*ids.dst = append(*ids.dst, c)
		}
	}
	return r.res, nil
}

// ConflictID is the stable ID of the conflict between two claimants on a
// topic, whatever order they come in. Claimants count by their party
// (claim.Party), so "media reports" and "media reports (Yonhap)" against
// the same speaker are one conflict.
func ConflictID(topic, claimantA, claimantB string) string {
	a, b := sortedPair(claim.Party(claimantA), claim.Party(claimantB))
	h := sha256.Sum256([]byte(topic + "\x00" + a + "\x00" + b))
	return "c" + hex.EncodeToString(h[:8])
}

func sortedPair(a, b string) (string, string) {
	if b < a {
		return b, a
	}
	return a, b
}

// conflictIDsOnTopicAnyPlace are the conflicts whose topic matches topic
// by sameTopicModuloPlace, from the topic index's keys alone.
func conflictIDsOnTopicAnyPlace(tx *bolt.Tx, topic string) map[string]bool {
	out := map[string]bool{}
	b := tx.Bucket(bucketConflictsByTopic)
	if b == nil {
		return out
	}
	subject, measure, _ := splitTopic(topic)
	prefix := []byte(claim.TopicKey(subject, measure, ""))
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		t, id, ok := bytes.Cut(k, []byte{0})
		if ok && sameTopicModuloPlace(string(t), topic) {
			out[string(id)] = true
		}
	}
	return out
}

// sameTopicModuloPlace matches topic keys whose subject and measure agree and
// whose places match in the claim model's sense (one unnamed).
func sameTopicModuloPlace(a, b string) bool {
	as, am, ap := splitTopic(a)
	bs, bm, bp := splitTopic(b)
	return as == bs && am == bm && claim.PlacesMatch(ap, bp)
}

func splitTopic(t string) (subject, measure, place string) {
	parts := strings.SplitN(t, "|", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2])
}

// Key layout helpers. Times are Unix seconds with the sign bit flipped, so
// they sort in time order as big-endian bytes, years before 1970 included.

func timeKey(t time.Time) []byte {
	return u64(uint64(t.Unix()) ^ 1<<63)
}

func topicPrefix(subject, measure string) []byte {
	k := make([]byte, 0, len(subject)+len(measure)+2+16)
	k = append(k, subject...)
	k = append(k, 0)
	k = append(k, measure...)
	return append(k, 0)
}

// topicPlace is the topic index prefix of one place's claims below a
// subject and measure's prefix.
func topicPlace(base []byte, place string) []byte {
	k := append(slices.Clip(base), place...)
	return append(k, 0)
}

// topicGroup is the topic index prefix of one party's claims on one
// subject, measure and place in one event.
func topicGroup(subject, measure, party, place string, event uint64) []byte {
	k := topicPlace(topicPrefix(subject, measure), place)
	k = append(k, eventTag(event)...)
	k = append(k, party...)
	return append(k, 0)
}

func topicIndexKey(sc StoredClaim) []byte {
	c := sc.Claim
	k := topicGroup(c.Subject, c.Measure, claim.Party(c.Claimant), c.Place, sc.Event)
	k = append(k, timeKey(c.AsOf)...)
	return append(k, u64(sc.Seq)...)
}

func claimantIndexKey(claimant string, asOf time.Time, seq uint64) []byte {
	k := make([]byte, 0, len(claimant)+1+16)
	k = append(k, claimant...)
	k = append(k, 0)
	k = append(k, timeKey(asOf)...)
	return append(k, u64(seq)...)
}

// claimIdentity is what makes two claims the same claim: the same article
// (outlet and URL), sentence, claimant, topic and value. A re-polled or
// updated article does not store its unchanged claims twice.
func claimIdentity(c claim.Claim) []byte {
	h := sha256.New()
	var num [8]byte
	for _, s := range []string{c.Outlet, c.URL, c.Sentence, c.Claimant, c.Subject, c.Measure, c.Place} {
		binary.BigEndian.PutUint64(num[:], uint64(len(s)))
		h.Write(num[:])
		h.Write([]byte(s))
	}
	for _, f := range []float64{float64(c.Kind), float64(c.Polarity), c.Value.Low, c.Value.High, b2f(c.Value.LowOpen), b2f(c.Value.HighOpen), float64(c.AsOf.Unix())} {
		binary.BigEndian.PutUint64(num[:], math.Float64bits(f))
		h.Write(num[:])
	}
	return h.Sum(nil)[:16]
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// claimRec is a claim as JSON, with an explicit layout and an unbounded
// upper end as null, since JSON has no infinity: how an alert in the
// outbox carries its claim, and how the ledger stored claims before its
// binary records (ledger_codec.go), which it still reads.
type claimRec struct {
	Seq       uint64     `json:"seq"`
	ItemID    string     `json:"item,omitempty"`
	Backfill  bool       `json:"backfill,omitempty"`
	Recorded  time.Time  `json:"recorded"`
	Kind      claim.Kind `json:"kind"`
	Subject   string     `json:"subject"`
	Measure   string     `json:"measure"`
	Place     string     `json:"place,omitempty"`
	Low       float64    `json:"low,omitempty"`
	High      *float64   `json:"high,omitempty"`
	LowOpen   bool       `json:"low_open,omitempty"`
	HighOpen  bool       `json:"high_open,omitempty"`
	ValueText string     `json:"value_text,omitempty"`
	Polarity  int8       `json:"polarity,omitempty"`
	Claimant  string     `json:"claimant"`
	Outlet    string     `json:"outlet,omitempty"`
	URL       string     `json:"url,omitempty"`
	Published time.Time  `json:"published"`
	AsOf      time.Time  `json:"as_of"`
	Sentence  string     `json:"sentence,omitempty"`
	Start     int        `json:"start,omitempty"`
	End       int        `json:"end,omitempty"`
}

func toClaimRec(sc StoredClaim) claimRec {
	c := sc.Claim
	rec := claimRec{
		Seq: sc.Seq, ItemID: sc.ItemID, Backfill: sc.Backfill, Recorded: sc.Recorded,
		Kind: c.Kind, Subject: c.Subject, Measure: c.Measure, Place: c.Place,
		ValueText: c.ValueText, Polarity: int8(c.Polarity),
		Claimant: c.Claimant, Outlet: c.Outlet, URL: c.URL, Published: c.Published, AsOf: c.AsOf,
		Sentence: c.Sentence, Start: c.Start, End: c.End,
	}
	if c.Kind == claim.Figure {
		rec.Low, rec.LowOpen, rec.HighOpen = c.Value.Low, c.Value.LowOpen, c.Value.HighOpen
		if c.Value.Bounded() {
			h := c.Value.High
			rec.High = &h
		}
	}
	return rec
}

func (rec claimRec) stored() StoredClaim {
	c := claim.Claim{
		Kind: rec.Kind, Subject: rec.Subject, Measure: rec.Measure, Place: rec.Place,
		ValueText: rec.ValueText, Polarity: claim.Polarity(rec.Polarity),
		Claimant: rec.Claimant, Outlet: rec.Outlet, URL: rec.URL, Published: rec.Published, AsOf: rec.AsOf,
		Sentence: rec.Sentence, Start: rec.Start, End: rec.End,
	}
	if rec.Kind == claim.Figure {
		c.Value = claim.Interval{Low: rec.Low, High: math.Inf(1), LowOpen: rec.LowOpen, HighOpen: rec.HighOpen}
		if rec.High != nil {
			c.Value.High = *rec.High
		}
	}
	return StoredClaim{Claim: c, Seq: rec.Seq, ItemID: rec.ItemID, Backfill: rec.Backfill, Recorded: rec.Recorded}
}
