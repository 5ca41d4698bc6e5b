package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// indexHit is one claim found through an index, before it is decoded.
type indexHit struct {
	asOf, seq []byte
}

func (h indexHit) cmp(o indexHit) int {
	if c := bytes.Compare(h.asOf, o.asOf); c != 0 {
		return c
	}
	return bytes.Compare(h.seq, o.seq)
}

// ClaimsOnTopic returns the claims on a topic key ("subject | measure |
// place"), oldest first (a timeline). Claims without a place are included
// for a topic with one, as they match any place; a topic without a place
// gets every place. limit keeps the newest limit claims; 0 keeps all.
func (s *Store) ClaimsOnTopic(ctx context.Context, topic string, limit int) ([]StoredClaim, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: claims on %q: %w", topic, err)
	}
	subject, measure, place := splitTopic(topic)
	var out []StoredClaim
	err := s.db.View(func(tx *bolt.Tx) error {
		idx, claims := tx.Bucket(bucketClaimsByTopic), tx.Bucket(bucketClaims)
		if idx == nil || claims == nil {
			return nil
		}
		prefix := topicPrefix(subject, measure)
		var hits []indexHit
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if _, _, p, ok := splitTopicKey(k, len(prefix)); ok && claim.PlacesMatch(place, p) {
				hits = append(hits, indexHit{asOf: k[len(k)-16 : len(k)-8], seq: k[len(k)-8:]})
			}
		}
		// The index groups a topic by party and place; a timeline is in
		// time order.
		slices.SortFunc(hits, indexHit.cmp)
		if limit > 0 && len(hits) > limit {
			hits = hits[len(hits)-limit:]
		}
		var err error
		out, err = loadHits(claims, hits, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("state: claims on %q: %w", topic, err)
	}
	return out, nil
}

// ClaimsBy returns what claimants whose name contains name
// (case-insensitive: "zelensky" finds "Volodymyr Zelensky") said, newest
// first, up to limit (0: all). It answers "what did NAME say".
func (s *Store) ClaimsBy(ctx context.Context, name string, limit int) ([]StoredClaim, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: claims by %q: %w", name, err)
	}
	needle := strings.ToLower(strings.TrimSpace(name))
	var out []StoredClaim
	err := s.db.View(func(tx *bolt.Tx) error {
		names, idx, claims := tx.Bucket(bucketClaimants), tx.Bucket(bucketClaimsByClaimant), tx.Bucket(bucketClaims)
		if names == nil || idx == nil || claims == nil || needle == "" {
			return nil
		}
		var hits []indexHit
		err := names.ForEach(func(k, _ []byte) error {
			if strings.Contains(strings.ToLower(string(k)), needle) {
				hits = append(hits, claimantHits(idx, string(k))...)
			}
			return nil
		})
		if err != nil {
			return err
		}
		hits = newestFirst(hits, limit)
		out, err = loadHits(claims, hits, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("state: claims by %q: %w", name, err)
	}
	return out, nil
}

// SearchClaims answers "claims QUERY": the claims whose subject, measure,
// place, claimant or outlet hold every word of the query
// (case-insensitive), newest first, up to limit (0: all). An empty query
// returns the latest claims. Outlets have no claim index: a query whose
// every word is in some outlet's name finds the claims those words find
// as a topic or claimant (a query of "Reuters" alone, what Reuters said
// itself).
//
// Each word is looked up in the topic and claimant lists, and the claims
// of the rarest word are walked newest first; a claim is decoded only once
// it is found under every other word too (a word that some outlet's name
// holds may match through the outlet, so it is checked on the claim
// itself), and the walk stops at limit. The whole ledger is never read.
func (s *Store) SearchClaims(ctx context.Context, query string, limit int) ([]StoredClaim, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("state: search claims %q: %w", query, err)
	}
	words := strings.Fields(strings.ToLower(query))
	var out []StoredClaim
	err := s.db.View(func(tx *bolt.Tx) error {
		claims := tx.Bucket(bucketClaims)
		if claims == nil {
			return nil
		}
		if len(words) == 0 {
			return latestClaims(claims, limit, &out)
		}
		sets := make([]wordHits, len(words))
		for i, w := range words {
			if err := ctx.Err(); err != nil {
				return err
			}
			sets[i] = indexedHits(tx, w)
		}
		// The driver is the rarest word that cannot match through an
		// outlet: every answer is then among its hits. When each word
		// could, an answer may be among any word's hits, so all are
		// walked.
		driver := -1
		for i, ws := range sets {
			if !ws.viaOutlet && (driver < 0 || len(ws.hits) < len(sets[driver].hits)) {
				driver = i
			}
		}
		var cands []indexHit
		if driver >= 0 {
			cands = sets[driver].hitList()
		} else {
			for _, ws := range sets {
				cands = append(cands, ws.hitList()...)
			}
		}
		cands = newestFirst(cands, 0)
		cands = slices.CompactFunc(cands, func(a, b indexHit) bool { return a.cmp(b) == 0 })
		all := func(sc StoredClaim) bool {
			hay := strings.ToLower(strings.Join([]string{sc.Subject, sc.Measure, sc.Place, sc.Claimant, sc.Outlet}, " "))
			for _, w := range words {
				if !strings.Contains(hay, w) {
					return false
				}
			}
			return true
		}
	next:
		for _, h := range cands {
			if limit > 0 && len(out) >= limit {
				break
			}
			seq := binary.BigEndian.Uint64(h.seq)
			for i, ws := range sets {
				if i != driver && !ws.viaOutlet {
					if _, ok := ws.hits[seq]; !ok {
						continue next
					}
				}
			}
			sc, err := getClaim(claims, h.seq)
			if err != nil {
				return err
			}
			if all(sc) {
				out = append(out, sc)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: search claims %q: %w", query, err)
	}
	return out, nil
}

// wordHits are the claims a query word finds through the topic and
// claimant lists, by sequence number.
type wordHits struct {
	hits map[uint64]indexHit
	// viaOutlet: some outlet's name holds the word, so a claim the lists
	// do not find may still match through its outlet.
	viaOutlet bool
}

func (ws wordHits) hitList() []indexHit {
	out := make([]indexHit, 0, len(ws.hits))
	for _, h := range ws.hits {
		out = append(out, h)
	}
	return out
}

// indexedHits reads the index entries (keys only) of every topic and
// claimant whose name holds w.
func indexedHits(tx *bolt.Tx, w string) wordHits {
	ws := wordHits{hits: map[uint64]indexHit{}}
	topics, names, outlets := tx.Bucket(bucketTopics), tx.Bucket(bucketClaimants), tx.Bucket(bucketOutlets)
	byTopic, byClaimant := tx.Bucket(bucketClaimsByTopic), tx.Bucket(bucketClaimsByClaimant)
	add := func(h indexHit) { ws.hits[binary.BigEndian.Uint64(h.seq)] = h }
	if outlets == nil {
		ws.viaOutlet = true // a store from before the outlet list: assume so
	} else {
		c := outlets.Cursor()
		for k, _ := c.First(); k != nil && !ws.viaOutlet; k, _ = c.Next() {
			ws.viaOutlet = containsFold(k, w)
		}
	}
	if topics != nil && byTopic != nil {
		seenPrefix := map[string]bool{}
		c := topics.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if !containsFold(k, w) {
				continue
			}
			subject, measure, _ := splitTopic(string(k))
			prefix := topicPrefix(subject, measure)
			if seenPrefix[string(prefix)] {
				continue
			}
			seenPrefix[string(prefix)] = true
			ic := byTopic.Cursor()
			for ik, _ := ic.Seek(prefix); ik != nil && bytes.HasPrefix(ik, prefix); ik, _ = ic.Next() {
				add(indexHit{asOf: ik[len(ik)-16 : len(ik)-8], seq: ik[len(ik)-8:]})
			}
		}
	}
	if names != nil && byClaimant != nil {
		c := names.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if containsFold(k, w) {
				for _, h := range claimantHits(byClaimant, string(k)) {
					add(h)
				}
			}
		}
	}
	return ws
}

// containsFold reports whether name, lower-cased, holds the lower-case w.
func containsFold(name []byte, w string) bool {
	return strings.Contains(strings.ToLower(string(name)), w)
}

// ClaimCount is the number of claims in the ledger.
func (s *Store) ClaimCount(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("state: claim count: %w", err)
	}
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketClaims); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("state: claim count: %w", err)
	}
	return n, nil
}

func claimantHits(idx *bolt.Bucket, claimant string) []indexHit {
	prefix := pairKey(claimant, "")
	var hits []indexHit
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) == len(prefix)+16 {
			hits = append(hits, indexHit{asOf: k[len(prefix) : len(prefix)+8], seq: k[len(prefix)+8:]})
		}
	}
	return hits
}

func newestFirst(hits []indexHit, limit int) []indexHit {
	slices.SortFunc(hits, func(a, b indexHit) int { return b.cmp(a) })
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

func loadHits(claims *bolt.Bucket, hits []indexHit, out []StoredClaim) ([]StoredClaim, error) {
	for _, h := range hits {
		sc, err := getClaim(claims, h.seq)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

func latestClaims(claims *bolt.Bucket, limit int, out *[]StoredClaim) error {
	c := claims.Cursor()
	for k, _ := c.Last(); k != nil && (limit <= 0 || len(*out) < limit); k, _ = c.Prev() {
		sc, err := getClaim(claims, k)
		if err != nil {
			return err
		}
		*out = append(*out, sc)
	}
	return nil
}
