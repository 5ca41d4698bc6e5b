package state

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// News events: the happenings articles report (claim.Event), which claims
// are judged within. The store keeps each event, an index from anchor to
// the events that hold it, how many articles named each anchor, and the
// event of each item; claim.Assign decides which event an article joins.
var (
	bucketNewsEvents     = []byte("news_events")
	bucketEventsByAnchor = []byte("news_events_by_anchor")
	bucketAnchorFreq     = []byte("anchor_freq")
	bucketItemEvents     = []byte("item_events")
	// keyEventArticles (in meta) counts the articles assigned, the n of
	// the anchor frequencies.
	keyEventArticles = []byte("event_articles")
)

// Bounds on the events one article is weighed against: its rarest
// maxEventLookups anchors, and the newest maxEventsPerAnchor events of
// each, so assignment costs the same however many events the store holds.
const maxEventLookups, maxEventsPerAnchor = 12, 16

// eventRec is an event as stored.
type eventRec struct {
	Anchors  map[string]float64 `json:"anchors"`
	Articles int                `json:"articles"`
	Place    string             `json:"place,omitempty"`
	Places   map[string]int     `json:"places,omitempty"`
	First    time.Time          `json:"first"`
	Last     time.Time          `json:"last"`
}

// eventTag is how an event appears in index keys: 16 hex digits and a
// slash, no zero byte (the key layout's separator). Event 0 is an article
// that named nothing to tell its event by.
func eventTag(id uint64) []byte {
	return fmt.Appendf(nil, "%016x/", id)
}

const eventTagLen = 17

// eventOfItem is the event an item was assigned; ok is false if none was.
func eventOfItem(b *batch, itemID string) (uint64, bool) {
	v := b.get(bucketItemEvents, []byte(itemID))
	if len(v) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v), true
}

// eventOf is the event of a stored claim, from its item's.
func eventOf(b *batch, sc StoredClaim) uint64 {
	if sc.Event != 0 {
		return sc.Event
	}
	id, _ := eventOfItem(b, sc.ItemID)
	return id
}

// assignEvent puts an item in its event: the one it was given before, or
// the event claim.Assign picks among the bounded candidates, or a new one.
// An article whose anchors are empty gets event 0.
func assignEvent(b *batch, itemID string, a claim.Anchors, rules claim.EventRules) (id uint64, place string, err error) {
	if id, ok := eventOfItem(b, itemID); ok {
		e, _, err := getEvent(b, id)
		return id, e.Place, err
	}
	if len(a.Terms) == 0 {
		b.put(bucketItemEvents, []byte(itemID), u64(0))
		return 0, "", nil
	}
	n := 0
	if v := b.get(bucketMeta, keyEventArticles); len(v) == 8 {
		n = int(binary.BigEndian.Uint64(v))
	}
	freqs := map[string]int{}
	freq := func(t string) int {
		f, ok := freqs[t]
		if !ok {
			if v := b.get(bucketAnchorFreq, []byte(t)); v != nil {
				x, _ := binary.Uvarint(v)
				f = int(x)
			}
			freqs[t] = f
		}
		return f
	}
	cands, err := eventCandidates(b, claim.Strongest(a, freq, n, maxEventLookups))
	if err != nil {
		return 0, "", err
	}
	var e claim.Event
	if i := claim.Assign(a, cands, freq, n, rules); i >= 0 {
		e = cands[i]
	} else {
		seq, err := b.nextSequence(bucketNewsEvents)
		if err != nil {
			return 0, "", err
		}
		e = claim.Event{ID: seq}
	}
	old := e.Anchors
	e = e.Join(a)
	if err := putEvent(b, e); err != nil {
		return 0, "", err
	}
	for t := range e.Anchors {
		if old[t] == 0 {
			b.put(bucketEventsByAnchor, eventAnchorKey(t, e.ID), nil)
		}
	}
	for t := range old {
		if e.Anchors[t] == 0 {
			b.del(bucketEventsByAnchor, eventAnchorKey(t, e.ID))
		}
	}
	for _, t := range a.Terms {
		b.put(bucketAnchorFreq, []byte(t), binary.AppendUvarint(nil, uint64(freq(t)+1)))
	}
	b.put(bucketMeta, keyEventArticles, u64(uint64(n+1)))
	b.put(bucketItemEvents, []byte(itemID), u64(e.ID))
	return e.ID, e.Place, nil
}

// assignEvents brings a version 3 store to version 4: the items of its
// claims are put in events, read from what their claims say (sentences
// and places; the article text is not kept), in the order they were
// recorded, and the topic index is rebuilt with the event in its keys.
func assignEvents(tx *bolt.Tx) error {
	if err := createBuckets(tx); err != nil {
		return err
	}
	claims := tx.Bucket(bucketClaims)
	b := newBatch(tx)
	var item []claim.Claim
	var itemID string
	flush := func() error {
		if len(item) == 0 {
			return nil
		}
		var text []string
		for _, c := range item {
			text = append(text, c.Sentence)
		}
		_, _, err := assignEvent(b, itemID, claim.ArticleAnchors("", strings.Join(text, " "), item, item[0].Published), claim.DefaultEventRules())
		item = item[:0]
		return err
	}
	c := claims.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		sc, err := getClaim(claims, k)
		if err != nil {
			return err
		}
		if sc.ItemID != itemID {
			if err := flush(); err != nil {
				return err
			}
			itemID = sc.ItemID
		}
		item = append(item, sc.Claim)
	}
	if err := flush(); err != nil {
		return err
	}
	if err := b.flush(); err != nil {
		return err
	}
	return reindexClaims(tx)
}

func eventAnchorKey(anchor string, id uint64) []byte {
	k := append([]byte(anchor), 0)
	return append(k, u64(id)...)
}

// eventCandidates reads the newest maxEventsPerAnchor events of each
// anchor, each once, in ID order.
func eventCandidates(b *batch, anchors []string) ([]claim.Event, error) {
	seen := map[uint64]bool{}
	var out []claim.Event
	cur := b.cursor(bucketEventsByAnchor)
	for _, t := range anchors {
		prefix := append([]byte(t), 0)
		k, _ := cur.Seek(append(slices.Clip(prefix), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
		if k == nil {
			k, _ = cur.Last()
		} else {
			k, _ = cur.Prev()
		}
		for read := 0; k != nil && read < maxEventsPerAnchor && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, _ = cur.Prev() {
			read++
			id := binary.BigEndian.Uint64(k[len(prefix):])
			if seen[id] {
				continue
			}
			seen[id] = true
			e, ok, err := getEvent(b, id)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(x, y claim.Event) int {
		switch {
		case x.ID < y.ID:
			return -1
		case x.ID > y.ID:
			return 1
		}
		return 0
	})
	return out, nil
}

func getEvent(b *batch, id uint64) (claim.Event, bool, error) {
	v := b.get(bucketNewsEvents, u64(id))
	if v == nil {
		return claim.Event{}, false, nil
	}
	var rec eventRec
	if err := json.Unmarshal(v, &rec); err != nil {
		return claim.Event{}, false, fmt.Errorf("event %d: %w", id, err)
	}
	return claim.Event{ID: id, Anchors: rec.Anchors, Articles: rec.Articles, Place: rec.Place, Places: rec.Places, First: rec.First, Last: rec.Last}, true, nil
}

func putEvent(b *batch, e claim.Event) error {
	v, err := json.Marshal(eventRec{Anchors: e.Anchors, Articles: e.Articles, Place: e.Place, Places: e.Places, First: e.First, Last: e.Last})
	if err != nil {
		return err
	}
	b.put(bucketNewsEvents, u64(e.ID), v)
	return nil
}

// ItemEvent is the event an item was put in, and its main place; ok is
// false for an item the store assigned none.
func (s *Store) ItemEvent(itemID string) (id uint64, place string, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := newBatch(tx)
		if id, ok = eventOfItem(b, itemID); !ok || id == 0 {
			return nil
		}
		e, found, err := getEvent(b, id)
		if found {
			place = e.Place
		}
		return err
	})
	if err != nil {
		return 0, "", false, fmt.Errorf("state: event of item %s: %w", itemID, err)
	}
	return id, place, ok, nil
}
