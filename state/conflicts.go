package state

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// Conflicts are stored with their claims by sequence number; the claims
// themselves stay in the ledger. Two key-only indexes find a topic's or a
// claimant's conflicts without decoding the others.
var (
	bucketConflicts           = []byte("conflicts")
	bucketConflictsByTopic    = []byte("conflicts_by_topic")
	bucketConflictsByClaimant = []byte("conflicts_by_claimant")
	bucketConflictsByUpdated  = []byte("conflicts_by_updated")
)

// ErrNotFound means the conflict, alert or claim asked for is not in the
// store.
var ErrNotFound = errors.New("state: not found")

// ErrBadStatus is returned for a status SetConflictStatus does not know.
var ErrBadStatus = errors.New("state: unknown conflict status")

type sideRec struct {
	Claimant string   `json:"claimant"`
	Claims   []uint64 `json:"claims"`
}

// conflictRec is a Conflict as the store keeps it. Its Sides, holding
// each side's claims by sequence number, shadow the embedded Conflict's,
// in Go and in the JSON form records had before conflicts_codec.go; the
// embedded Sides stay empty, so never call Conflict's methods on a
// conflictRec: resolve it first.
type conflictRec struct {
	Conflict
	Sides [2]sideRec `json:"sides"`
	// Pairs shadow Conflict's the same way: the two claims by sequence
	// number, Sides[0]'s first. PairCount is Conflict's own.
	Pairs [][2]uint64 `json:"pairs,omitempty"`

	new, dirty bool
	// digest is the outbox number of the evidence digest last queued for
	// the conflict: while it waits unposted, new evidence joins it.
	digest uint64
	// hasPair holds the kept pairs once addPair first looks.
	hasPair map[[2]uint64]bool
	// has holds each side's claims once addClaim first looks, so evidence
	// joining a long-running conflict is not a scan of all of it.
	has [2]map[uint64]bool
	// stored is Updated as the store holds it, whose entry in the
	// update-time index a put replaces; zero for a new conflict.
	stored time.Time
}

// addClaim puts a claim on its claimant's side (by party); false if it was
// there. A side known only by a bare name ("media reports", "Kyrylo
// Budanov") takes the fuller one that says which outlets reported or what
// role the person holds.
func (cf *conflictRec) addClaim(claimant string, seq uint64) bool {
	party := claim.Party(claimant)
	for i := range cf.Sides {
		s := &cf.Sides[i]
		if claim.Party(s.Claimant) != party {
			continue
		}
		if _, role := claim.SplitRole(s.Claimant); role == "" && claimant != s.Claimant {
			if _, role := claim.SplitRole(claimant); role != "" {
				s.Claimant = claimant
			}
		}
		if cf.has[i] == nil {
			cf.has[i] = make(map[uint64]bool, len(s.Claims)+1)
			for _, q := range s.Claims {
				cf.has[i][q] = true
			}
		}
		if cf.has[i][seq] {
			return false
		}
		cf.has[i][seq] = true
		s.Claims = append(s.Claims, seq)
		return true
	}
	return false
}

// side is the index of the side whose party is claimant's; -1 for none.
func (cf *conflictRec) side(claimant string) int {
	party := claim.Party(claimant)
	for i, s := range cf.Sides {
		if claim.Party(s.Claimant) == party {
			return i
		}
	}
	return -1
}

// addPair keeps the disagreement between mine (a claim of claimant) and
// theirs (one of the other side) as evidence; false if it was kept
// already or claimant is on neither side. Past MaxPairs the oldest pair
// goes; PairCount still counts it.
func (cf *conflictRec) addPair(claimant string, mine, theirs uint64) bool {
	i := cf.side(claimant)
	if i < 0 || mine == theirs {
		return false
	}
	p := [2]uint64{mine, theirs}
	if i == 1 {
		p = [2]uint64{theirs, mine}
	}
	if cf.hasPair == nil {
		cf.hasPair = make(map[[2]uint64]bool, len(cf.Pairs)+1)
		for _, q := range cf.Pairs {
			cf.hasPair[q] = true
		}
	}
	if cf.hasPair[p] {
		return false
	}
	cf.hasPair[p] = true
	cf.Pairs = append(cf.Pairs, p)
	if len(cf.Pairs) > MaxPairs {
		delete(cf.hasPair, cf.Pairs[0])
		cf.Pairs = slices.Delete(cf.Pairs, 0, len(cf.Pairs)-MaxPairs)
	}
	cf.PairCount++
	return true
}

func (cf *conflictRec) resolve(claims claimGetter) (Conflict, error) {
	return cf.resolveLatest(claims, 0)
}

// resolveLatest reads the claims of a conflict, at most the latest max of
// each side when max > 0.
func (cf *conflictRec) resolveLatest(claims claimGetter, max int) (Conflict, error) {
	c := cf.Conflict
	for i, s := range cf.Sides {
		c.Sides[i].Claimant = s.Claimant
		seqs := s.Claims
		if max > 0 && len(seqs) > max {
			seqs = seqs[len(seqs)-max:]
		}
		for _, seq := range seqs {
			sc, err := getClaim(claims, u64(seq))
			if err != nil {
				return Conflict{}, fmt.Errorf("conflict %s: %w", cf.ID, err)
			}
			c.Sides[i].Claims = append(c.Sides[i].Claims, sc.Claim)
		}
	}
	pairs := cf.Pairs
	if max > 0 && len(pairs) > max {
		pairs = pairs[len(pairs)-max:]
	}
	c.Pairs = make([]Pair, 0, len(pairs))
	for _, p := range pairs {
		var pr Pair
		for j, seq := range p {
			sc, err := getClaim(claims, u64(seq))
			if err != nil {
				return Conflict{}, fmt.Errorf("conflict %s: pair: %w", cf.ID, err)
			}
			pr[j] = sc.Claim
		}
		c.Pairs = append(c.Pairs, pr)
	}
	if len(c.Pairs) == 0 {
		c.Pairs = nil
	}
	return c, nil
}

func getConflictRec(tx *bolt.Tx, id string) (*conflictRec, error) {
	b := tx.Bucket(bucketConflicts)
	if b == nil {
		return nil, nil
	}
	v := b.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	cf, err := decodeConflict(id, v)
	if err != nil {
		return nil, fmt.Errorf("conflict %s: %w", id, err)
	}
	cf.stored = cf.Updated
	return cf, nil
}

// putConflictTx writes a conflict and its index entries through b, whose
// flush puts them in key order however many conflicts a poll touched.
func putConflictTx(b *batch, cf *conflictRec) error {
	b.put(bucketConflicts, []byte(cf.ID), encodeConflict(cf))
	byUpdated, err := b.tx.CreateBucketIfNotExists(bucketConflictsByUpdated)
	if err != nil {
		return err
	}
	// Updates come in time order: pages fill at the end and can be packed.
	byUpdated.FillPercent = 0.9
	if !cf.stored.IsZero() && !cf.stored.Equal(cf.Updated) {
		b.del(bucketConflictsByUpdated, updatedKey(cf.stored, cf.ID))
	}
	if cf.stored.IsZero() || !cf.stored.Equal(cf.Updated) {
		b.put(bucketConflictsByUpdated, updatedKey(cf.Updated, cf.ID), nil)
	}
	cf.stored = cf.Updated
	b.put(bucketConflictsByTopic, pairKey(cf.Topic, cf.ID), nil)
	// Under each side's party: a side's name may grow more precise
	// ("media reports" → "media reports (Yonhap)", "Kyrylo Budanov" →
	// "Kyrylo Budanov (HUR)") while its party stays, and a revision finds
	// its claimant's conflicts by party. Puts of existing keys are cheap
	// no-ops.
	for _, s := range cf.Sides {
		b.put(bucketConflictsByClaimant, pairKey(claim.Party(s.Claimant), cf.ID), nil)
	}
	return nil
}

// updatedKey is a conflict's entry in the update-time index: Unix
// nanoseconds with the sign bit flipped, then the ID.
func updatedKey(t time.Time, id string) []byte {
	k := make([]byte, 0, 8+len(id))
	k = append(k, nanoKey(t)...)
	return append(k, id...)
}

func nanoKey(t time.Time) []byte { return u64(uint64(t.UnixNano()) ^ 1<<63) }

func pairKey(a, b string) []byte {
	k := make([]byte, 0, len(a)+1+len(b))
	k = append(k, a...)
	k = append(k, 0)
	return append(k, b...)
}

// idsUnder lists the second halves of the pair keys under prefix a.
func idsUnder(b *bolt.Bucket, a string) []string {
	if b == nil {
		return nil
	}
	prefix := pairKey(a, "")
	var ids []string
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids
}

// Conflict returns one conflict with its claims.
func (s *Store) Conflict(ctx context.Context, id string) (Conflict, error) {
	if err := ctx.Err(); err != nil {
		return Conflict{}, fmt.Errorf("state: conflict %s: %w", id, err)
	}
	var c Conflict
	err := s.db.View(func(tx *bolt.Tx) error {
		cf, err := getConflictRec(tx, id)
		if err != nil {
			return err
		}
		if cf == nil {
			return ErrNotFound
		}
		c, err = cf.resolve(tx.Bucket(bucketClaims))
		return err
	})
	if err != nil {
		return Conflict{}, fmt.Errorf("state: conflict %s: %w", id, err)
	}
	return c, nil
}

// ConflictFilter selects conflicts. The zero value selects all of them.
type ConflictFilter struct {
	// Status keeps one status; empty keeps all.
	Status ConflictStatus
	// Topic keeps conflicts whose topic key contains it (case-insensitive).
	Topic string
	// Claimant keeps conflicts where either side's claimant contains it
	// (case-insensitive).
	Claimant string
	// Since and Until keep conflicts updated in [Since, Until); zero ends
	// are open.
	Since, Until time.Time
	// Limit caps the answer; 0 means no cap.
	Limit int
}

// Conflicts returns the conflicts the filter selects, the most recently
// updated first.
func (s *Store) Conflicts(ctx context.Context, f ConflictFilter) ([]Conflict, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: conflicts: %w", err)
	}
	topic, claimant := strings.ToLower(f.Topic), strings.ToLower(f.Claimant)
	keep := func(cf *conflictRec) bool {
		switch {
		case f.Status != "" && cf.Status != f.Status,
			topic != "" && !strings.Contains(strings.ToLower(cf.Topic), topic),
			claimant != "" && !strings.Contains(strings.ToLower(cf.Sides[0].Claimant), claimant) &&
				!strings.Contains(strings.ToLower(cf.Sides[1].Claimant), claimant),
			!f.Since.IsZero() && cf.Updated.Before(f.Since),
			!f.Until.IsZero() && !cf.Updated.Before(f.Until):
			return false
		}
		return true
	}
	var out []Conflict
	err := s.db.View(func(tx *bolt.Tx) error {
		b, idx := tx.Bucket(bucketConflicts), tx.Bucket(bucketConflictsByUpdated)
		if b == nil || idx == nil {
			return nil
		}
		// Newest first through the update-time index, from Until down to
		// Since, decoding conflicts only until Limit of them are kept.
		// Conflicts updated in the same instant come in ID order, so a
		// run of equal times is gathered before it is kept.
		var recs, run []*conflictRec
		var runAt []byte
		flush := func() {
			slices.SortFunc(run, func(a, b *conflictRec) int { return cmp.Compare(a.ID, b.ID) })
			for _, cf := range run {
				if f.Limit > 0 && len(recs) >= f.Limit {
					break
				}
				recs = append(recs, cf)
			}
			run = run[:0]
		}
		c := idx.Cursor()
		var k []byte
		if f.Until.IsZero() {
			k, _ = c.Last()
		} else if k, _ = c.Seek(nanoKey(f.Until)); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		var since []byte
		if !f.Since.IsZero() {
			since = nanoKey(f.Since)
		}
		for ; len(k) > 8; k, _ = c.Prev() {
			if err := ctx.Err(); err != nil {
				return err
			}
			at := k[:8]
			if since != nil && bytes.Compare(at, since) < 0 {
				break
			}
			if !bytes.Equal(at, runAt) {
				flush()
				if f.Limit > 0 && len(recs) >= f.Limit {
					break
				}
				runAt = append(runAt[:0], at...)
			}
			cf, err := getConflictRec(tx, string(k[8:]))
			if err != nil {
				return err
			}
			if cf != nil && keep(cf) {
				run = append(run, cf)
			}
		}
		flush()
		claims := tx.Bucket(bucketClaims)
		for _, cf := range recs {
			c, err := cf.resolve(claims)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: conflicts: %w", err)
	}
	return out, nil
}

// ConflictsOnTopic returns the conflicts filed under exactly this topic key.
func (s *Store) ConflictsOnTopic(ctx context.Context, topic string) ([]Conflict, error) {
	return s.conflictsByIndex(ctx, bucketConflictsByTopic, topic)
}

// ConflictsOf returns the conflicts where claimant's party (claim.Party)
// is a side: "Kyrylo Budanov" finds those of "Kyrylo Budanov (HUR)".
func (s *Store) ConflictsOf(ctx context.Context, claimant string) ([]Conflict, error) {
	return s.conflictsByIndex(ctx, bucketConflictsByClaimant, claim.Party(claimant))
}

func (s *Store) conflictsByIndex(ctx context.Context, index []byte, key string) ([]Conflict, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: conflicts of %q: %w", key, err)
	}
	var out []Conflict
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, id := range idsUnder(tx.Bucket(index), key) {
			cf, err := getConflictRec(tx, id)
			if err != nil {
				return err
			}
			if cf == nil {
				continue
			}
			c, err := cf.resolve(tx.Bucket(bucketClaims))
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: conflicts of %q: %w", key, err)
	}
	slices.SortFunc(out, func(a, b Conflict) int { return b.Updated.Compare(a.Updated) })
	return out, nil
}

// SetConflictStatus moves a conflict through its lifecycle: open, resolved
// ("Resolved"), dismissed ("Not a contradiction"); any status may be set
// again to reopen. by is who did it (a Slack user ID). Dismissing also
// stores the editor's feedback, so it is kept when the conflict is
// reopened. Alerts already queued for the conflict stay queued; the
// notifier checks the status before it posts.
func (s *Store) SetConflictStatus(ctx context.Context, id string, status ConflictStatus, by string) (Conflict, error) {
	switch status {
	case StatusOpen, StatusResolved, StatusDismissed:
	default:
		return Conflict{}, fmt.Errorf("state: set conflict %s to %q: %w", id, status, ErrBadStatus)
	}
	if err := ctx.Err(); err != nil {
		return Conflict{}, fmt.Errorf("state: set conflict %s to %s: %w", id, status, err)
	}
	now := s.now()
	var c Conflict
	err := s.db.Update(func(tx *bolt.Tx) error {
		cf, err := getConflictRec(tx, id)
		if err != nil {
			return err
		}
		if cf == nil {
			return ErrNotFound
		}
		cf.Status, cf.Updated, cf.ChangedBy = status, now, by
		b := newBatch(tx)
		if err := putConflictTx(b, cf); err != nil {
			return err
		}
		if err := b.flush(); err != nil {
			return err
		}
		if status == StatusDismissed {
			fb := Feedback{
				ConflictID: cf.ID, Topic: cf.Topic,
				Claimants: [2]string{cf.Sides[0].Claimant, cf.Sides[1].Claimant},
				Verdict:   VerdictNotAContradiction, By: by, At: now, Reason: cf.Reason,
			}
			if err := putFeedbackTx(tx, fb); err != nil {
				return err
			}
		}
		c, err = cf.resolve(tx.Bucket(bucketClaims))
		return err
	})
	if err != nil {
		return Conflict{}, fmt.Errorf("state: set conflict %s to %s: %w", id, status, err)
	}
	return c, nil
}

// Lead is the claim that states a side's position: its latest claim on
// the conflict's own measure, or, when the side speaks through parts
// (killed and wounded against killed or wounded), the sum of its latest
// parts; failing both, its latest claim.
func (c Conflict) Lead(side int) claim.Claim {
	if side < 0 || side > 1 || len(c.Sides[side].Claims) == 0 {
		return claim.Claim{}
	}
	claims := c.Sides[side].Claims
	_, measure, _ := splitTopic(c.Topic)
	latest := func(measure string) (claim.Claim, bool) {
		var best claim.Claim
		found := false
		for _, cl := range claims {
			if (measure == "" || cl.Measure == measure) && (!found || !cl.AsOf.Before(best.AsOf)) {
				best, found = cl, true
			}
		}
		return best, found
	}
	if cl, ok := latest(measure); ok {
		return cl
	}
	if parts := claim.PartsOf(measure); parts != nil {
		var ps []claim.Claim
		for _, m := range parts {
			if p, ok := latest(m); ok {
				ps = append(ps, p)
			}
		}
		if sum, ok := claim.Sum(measure, ps...); ok {
			return sum
		}
	}
	cl, _ := latest("")
	return cl
}
