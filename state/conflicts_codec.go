package state

import (
	"encoding/binary"
	"encoding/json"
	"math"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// Conflicts are rewritten whenever evidence joins them, so their record is
// compact too:
//
//	0x01 (format) ‖ flags ‖ kind ‖ 8-byte severity ‖ topic, reason,
//	status, changed by (strings) ‖ opened, updated (times) ‖
//	per side: claimant (string) ‖ uvarint count ‖ varint seq deltas ‖
//	uvarint pair count ‖ uvarint kept pairs ‖ per pair: two uvarint seqs ‖
//	uvarint outbox number of the pending evidence digest (0: none) ‖
//	uvarint event ‖ event title (string) ‖ uvarint count ‖ anchors (strings)
//
// The ID is the key. Strings and times are written as in claim records.
// Format 0x01, before pairs were kept, ends after the sides; schema 5's
// migration rewrites such records (with no pairs).
const (
	conflictFormat   = 0x02
	conflictFormatV1 = 0x01
)

const (
	conflictBackfill = 1 << iota
	conflictAlerted
)

func encodeConflict(cf *conflictRec) []byte {
	var flags byte
	if cf.Backfill {
		flags |= conflictBackfill
	}
	if cf.Alerted {
		flags |= conflictAlerted
	}
	b := make([]byte, 0, 96+len(cf.Topic)+len(cf.Reason)+8*(len(cf.Sides[0].Claims)+len(cf.Sides[1].Claims)))
	b = append(b, conflictFormat, flags, byte(cf.Kind))
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(cf.Severity))
	for _, s := range [...]string{cf.Topic, cf.Reason, string(cf.Status), cf.ChangedBy} {
		b = appendString(b, s)
	}
	b = appendTime(b, cf.Opened)
	b = appendTime(b, cf.Updated)
	for _, s := range cf.Sides {
		b = appendString(b, s.Claimant)
		b = binary.AppendUvarint(b, uint64(len(s.Claims)))
		var prev uint64
		for _, seq := range s.Claims {
			b = binary.AppendVarint(b, int64(seq-prev))
			prev = seq
		}
	}
	b = binary.AppendUvarint(b, uint64(cf.PairCount))
	b = binary.AppendUvarint(b, uint64(len(cf.Pairs)))
	for _, p := range cf.Pairs {
		b = binary.AppendUvarint(b, p[0])
		b = binary.AppendUvarint(b, p[1])
	}
	b = binary.AppendUvarint(b, cf.digest)
	b = binary.AppendUvarint(b, cf.Event)
	b = appendString(b, cf.EventTitle)
	b = binary.AppendUvarint(b, uint64(len(cf.EventAnchors)))
	for _, a := range cf.EventAnchors {
		b = appendString(b, a)
	}
	return b
}

func decodeConflict(id string, v []byte) (*conflictRec, error) {
	if len(v) > 0 && v[0] == '{' {
		// A record from before the binary format.
		var cf conflictRec
		if err := json.Unmarshal(v, &cf); err != nil {
			return nil, err
		}
		return &cf, nil
	}
	r := &claimReader{b: v}
	format := r.byte()
	if format != conflictFormat && format != conflictFormatV1 {
		return nil, errClaimFormat
	}
	flags := r.byte()
	cf := &conflictRec{Conflict: Conflict{ID: id, Kind: claim.Kind(r.byte()), Backfill: flags&conflictBackfill != 0, Alerted: flags&conflictAlerted != 0}}
	if len(r.b) < 8 {
		r.fail()
	} else {
		cf.Severity = math.Float64frombits(binary.BigEndian.Uint64(r.b))
		r.b = r.b[8:]
	}
	cf.Topic, cf.Reason, cf.Status, cf.ChangedBy = r.string(), r.string(), ConflictStatus(r.string()), r.string()
	cf.Opened, cf.Updated = r.time(), r.time()
	for i := range cf.Sides {
		cf.Sides[i].Claimant = r.string()
		n := r.uvarint()
		if n > uint64(len(r.b)) {
			r.fail()
			break
		}
		seqs := make([]uint64, 0, n)
		var prev uint64
		for range n {
			prev += uint64(r.varint())
			seqs = append(seqs, prev)
		}
		cf.Sides[i].Claims = seqs
	}
	if format == conflictFormat {
		cf.PairCount = int(r.uvarint())
		n := r.uvarint()
		if n > uint64(len(r.b)) {
			r.fail()
		} else if n > 0 {
			cf.Pairs = make([][2]uint64, 0, n)
			for range n {
				cf.Pairs = append(cf.Pairs, [2]uint64{r.uvarint(), r.uvarint()})
			}
		}
		cf.digest = r.uvarint()
		cf.Event = r.uvarint()
		cf.EventTitle = r.string()
		if n := r.uvarint(); n > uint64(len(r.b)) {
			r.fail()
		} else {
			for range n {
				cf.EventAnchors = append(cf.EventAnchors, r.string())
			}
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return cf, nil
}
