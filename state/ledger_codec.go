package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// The claims bucket holds each claim in a compact binary record, since it
// is most of the file: a million claims as JSON took over 2 KB each.
//
//	0x01 (format) ‖ flags ‖ kind ‖ polarity ‖
//	article: uvarint ref (flagArticleRef) | item id (unless it is the
//	URL), outlet, URL strings
//	subject, measure, place, value text, claimant strings
//	low, high (flags say: uvarint integer, 8-byte float, absent)
//	recorded, published, as of (as of only when it differs from published)
//	sentence: uvarint ref (flagSentenceRef) | string ‖ uvarint start, end
//
// Strings are uvarint length ‖ bytes; times are varint Unix seconds ‖
// uvarint nanoseconds ‖ varint zone offset in seconds. A ref is the
// sequence number of an earlier claim of the same item holding the same
// article fields or the same sentence, which the claims of one sentence
// or one article share instead of each storing them again.
const claimFormat = 0x01

const (
	flagBackfill = 1 << iota
	flagLowOpen
	flagHighOpen
	flagArticleRef
	flagSentenceRef
	flagAsOfIsPublished
	flagItemIsURL
)

// Value encodings, two bits each for low (bits 0-1) and high (bits 2-3).
const (
	numAbsent = iota
	numUvarint
	numFloat
)

var errClaimFormat = errors.New("unknown claim record format")

// claimRefs are what a claim may point to instead of storing again.
type claimRefs struct {
	article, sentence uint64
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	_, off := t.Zone()
	return binary.AppendVarint(b, int64(off))
}

func numKind(v float64) byte {
	if v >= 0 && v < 1<<53 && v == math.Trunc(v) {
		return numUvarint
	}
	return numFloat
}

func appendNum(b []byte, kind byte, v float64) []byte {
	switch kind {
	case numUvarint:
		return binary.AppendUvarint(b, uint64(v))
	case numFloat:
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// encodeClaim writes sc's record; refs name earlier claims holding its
// article fields or its sentence (0: none).
func encodeClaim(sc StoredClaim, refs claimRefs) []byte {
	c := sc.Claim
	var flags byte
	if sc.Backfill {
		flags |= flagBackfill
	}
	if refs.article != 0 {
		flags |= flagArticleRef
	}
	if refs.sentence != 0 {
		flags |= flagSentenceRef
	}
	if refs.article == 0 && sc.ItemID != "" && sc.ItemID == c.URL {
		flags |= flagItemIsURL
	}
	if c.AsOf.Equal(c.Published) && sameZone(c.AsOf, c.Published) {
		flags |= flagAsOfIsPublished
	}
	var nums byte
	if c.Kind == claim.Figure {
		if c.Value.LowOpen {
			flags |= flagLowOpen
		}
		if c.Value.HighOpen {
			flags |= flagHighOpen
		}
		nums = numKind(c.Value.Low)
		if c.Value.Bounded() {
			nums |= numKind(c.Value.High) << 2
		}
	}
	b := make([]byte, 0, 64+len(sc.ItemID)+len(c.Outlet)+len(c.URL)+len(c.Subject)+len(c.Measure)+len(c.Place)+len(c.ValueText)+len(c.Claimant)+len(c.Sentence))
	b = append(b, claimFormat, flags, byte(c.Kind), byte(c.Polarity), nums)
	if refs.article != 0 {
		b = binary.AppendUvarint(b, refs.article)
	} else {
		if flags&flagItemIsURL == 0 {
			b = appendString(b, sc.ItemID)
		}
		b = appendString(b, c.Outlet)
		b = appendString(b, c.URL)
	}
	for _, s := range [...]string{c.Subject, c.Measure, c.Place, c.ValueText, c.Claimant} {
		b = appendString(b, s)
	}
	b = appendNum(b, nums&3, c.Value.Low)
	b = appendNum(b, nums>>2&3, c.Value.High)
	b = appendTime(b, sc.Recorded)
	b = appendTime(b, c.Published)
	if flags&flagAsOfIsPublished == 0 {
		b = appendTime(b, c.AsOf)
	}
	if refs.sentence != 0 {
		b = binary.AppendUvarint(b, refs.sentence)
	} else {
		b = appendString(b, c.Sentence)
	}
	b = binary.AppendUvarint(b, uint64(max(c.Start, 0)))
	return binary.AppendUvarint(b, uint64(max(c.End, 0)))
}

func sameZone(a, b time.Time) bool {
	_, x := a.Zone()
	_, y := b.Zone()
	return x == y
}

// claimReader reads a record, remembering the first error.
type claimReader struct {
	b   []byte
	err error
}

func (r *claimReader) fail() {
	if r.err == nil {
		r.err = errors.New("truncated claim record")
	}
	r.b = nil
}

func (r *claimReader) byte() byte {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *claimReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *claimReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *claimReader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *claimReader) time() time.Time {
	sec, nsec, off := r.varint(), r.uvarint(), r.varint()
	if r.err != nil || nsec >= 1e9 {
		r.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", int(off)))
}

func (r *claimReader) num(kind byte) float64 {
	switch kind {
	case numUvarint:
		return float64(r.uvarint())
	case numFloat:
		if len(r.b) < 8 {
			r.fail()
			return 0
		}
		v := math.Float64frombits(binary.BigEndian.Uint64(r.b))
		r.b = r.b[8:]
		return v
	}
	return 0
}

// decodeClaim reads a record; refs are what it points to, still to be
// filled in from those claims.
func decodeClaim(seq uint64, v []byte) (StoredClaim, claimRefs, error) {
	var refs claimRefs
	if len(v) > 0 && v[0] == '{' {
		// A record from before the binary format.
		var rec claimRec
		if err := json.Unmarshal(v, &rec); err != nil {
			return StoredClaim{}, refs, err
		}
		return rec.stored(), refs, nil
	}
	r := &claimReader{b: v}
	if r.byte() != claimFormat {
		return StoredClaim{}, refs, errClaimFormat
	}
	flags, kind, pol, nums := r.byte(), claim.Kind(r.byte()), claim.Polarity(int8(r.byte())), r.byte()
	sc := StoredClaim{Seq: seq, Backfill: flags&flagBackfill != 0}
	c := &sc.Claim
	c.Kind, c.Polarity = kind, pol
	if flags&flagArticleRef != 0 {
		refs.article = r.uvarint()
	} else {
		if flags&flagItemIsURL == 0 {
			sc.ItemID = r.string()
		}
		c.Outlet, c.URL = r.string(), r.string()
		if flags&flagItemIsURL != 0 {
			sc.ItemID = c.URL
		}
	}
	c.Subject, c.Measure, c.Place, c.ValueText, c.Claimant = r.string(), r.string(), r.string(), r.string(), r.string()
	if kind == claim.Figure {
		c.Value = claim.Interval{Low: r.num(nums & 3), High: math.Inf(1), LowOpen: flags&flagLowOpen != 0, HighOpen: flags&flagHighOpen != 0}
		if nums>>2&3 != numAbsent {
			c.Value.High = r.num(nums >> 2 & 3)
		}
	}
	sc.Recorded = r.time()
	c.Published = r.time()
	c.AsOf = c.Published
	if flags&flagAsOfIsPublished == 0 {
		c.AsOf = r.time()
	}
	if flags&flagSentenceRef != 0 {
		refs.sentence = r.uvarint()
	} else {
		c.Sentence = r.string()
	}
	c.Start, c.End = int(r.uvarint()), int(r.uvarint())
	if r.err != nil {
		return StoredClaim{}, refs, r.err
	}
	return sc, refs, nil
}

// claimGetter reads claim records by key: the claims bucket, or, for a
// preview in a read transaction, the batch holding its unstored claims.
type claimGetter interface{ Get(key []byte) []byte }

func getClaim(b claimGetter, seq []byte) (StoredClaim, error) {
	n := binary.BigEndian.Uint64(seq)
	sc, refs, err := readClaim(b, n)
	if err != nil {
		return StoredClaim{}, err
	}
	if refs.article != 0 {
		a, _, err := readClaim(b, refs.article)
		if err != nil {
			return StoredClaim{}, fmt.Errorf("claim %d: article: %w", n, err)
		}
		sc.ItemID, sc.Outlet, sc.URL = a.ItemID, a.Outlet, a.URL
	}
	if refs.sentence != 0 {
		s, _, err := readClaim(b, refs.sentence)
		if err != nil {
			return StoredClaim{}, fmt.Errorf("claim %d: sentence: %w", n, err)
		}
		sc.Sentence = s.Sentence
	}
	return sc, nil
}

func readClaim(b claimGetter, seq uint64) (StoredClaim, claimRefs, error) {
	v := b.Get(u64(seq))
	if v == nil {
		return StoredClaim{}, claimRefs{}, fmt.Errorf("claim %d: %w", seq, ErrNotFound)
	}
	sc, refs, err := decodeClaim(seq, v)
	if err != nil {
		return StoredClaim{}, claimRefs{}, fmt.Errorf("claim %d: %w", seq, err)
	}
	return sc, refs, nil
}
