package state

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// Every claim field survives the binary record: open and unbounded ends,
// fractional figures, statuses, zones, a sentence shared by reference.
func TestClaimRecordRoundTrip(t *testing.T) {
	kyiv := time.FixedZone("", 2*3600)
	base := StoredClaim{
		Claim: claim.Claim{
			Kind: claim.Figure, Subject: nkSoldie, Measure: "killed", Place: "kursk",
			Value: claim.Point(300), ValueText: "300", Claimant: nis,
			Outlet: "Yonhap", URL: "https://yonhap.example/1",
			Published: published, AsOf: published, Sentence: "300 killed.", Start: 10, End: 21,
		},
		Seq: 7, ItemID: "item-1", Recorded: published.Add(time.Minute),
	}
	for _, tc := range []struct {
		name string
		edit func(*StoredClaim)
	}{
		{"point", func(*StoredClaim) {}},
		{"item is its URL", func(sc *StoredClaim) { sc.ItemID = sc.URL }},
		{"open above", func(sc *StoredClaim) { sc.Value = moreThan(3000) }},
		{"fraction", func(sc *StoredClaim) { sc.Value = claim.Interval{Low: 2.5, High: 1e300, HighOpen: true} }},
		{"status", func(sc *StoredClaim) {
			sc.Kind, sc.Value, sc.ValueText, sc.Polarity, sc.Measure = claim.Status, claim.Interval{}, "", claim.Absent, "at the front"
		}},
		{"as of apart, zoned", func(sc *StoredClaim) {
			sc.AsOf = time.Date(2024, 10, 24, 0, 0, 0, 0, kyiv)
			sc.Published = published.In(kyiv).Add(time.Nanosecond)
		}},
		{"zero times, backfill, empty", func(sc *StoredClaim) {
			sc.Published, sc.AsOf, sc.Recorded, sc.Backfill = time.Time{}, time.Time{}, time.Time{}, true
			sc.Place, sc.Outlet, sc.URL, sc.Sentence, sc.Start, sc.End = "", "", "", "", 0, 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := base
			tc.edit(&sc)
			got, refs, err := decodeClaim(sc.Seq, encodeClaim(sc, claimRefs{}))
			if err != nil || refs != (claimRefs{}) {
				t.Fatalf("decode: %v, refs %+v", err, refs)
			}
			if !reflect.DeepEqual(got, sc) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, sc)
			}
			for i := range len(encodeClaim(sc, claimRefs{})) {
				if _, _, err := decodeClaim(sc.Seq, encodeClaim(sc, claimRefs{})[:i]); err == nil {
					t.Fatalf("record cut to %d bytes decoded without error", i)
				}
			}
		})
	}
	if _, _, err := decodeClaim(1, []byte{9, 0}); err == nil {
		t.Error("unknown format decoded")
	}
}

// Claims of one article share its fields and their sentences through the
// first claim holding them, and read back whole.
func TestClaimRecordsShareSentence(t *testing.T) {
	s, _ := openTestStore(t)
	a := seedArticle("https://kyivindependent.com/share")
	if _, err := s.Record(t.Context(), a.item(false)); err != nil {
		t.Fatal(err)
	}
	got, err := s.SearchClaims(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(a.claims) {
		t.Fatalf("%d claims stored, want %d", len(got), len(a.claims))
	}
	for i, sc := range got {
		want := a.claims[len(a.claims)-1-i]
		if sc.Sentence != want.Sentence || sc.URL != want.URL || sc.Outlet != want.Outlet || sc.ItemID != a.url {
			t.Errorf("claim %d: %q %s %s %s, want %q %s %s", sc.Seq, sc.Sentence, sc.URL, sc.Outlet, sc.ItemID, want.Sentence, want.URL, want.Outlet)
		}
	}
}

// A record of format 0x01 (before pairs) still reads, with no pairs.
func TestConflictRecordV1Reads(t *testing.T) {
	cf := &conflictRec{
		Conflict: Conflict{ID: "cv1", Kind: claim.Figure, Topic: "t | killed", Status: StatusOpen, Opened: published, Updated: published},
		Sides:    [2]sideRec{{Claimant: budanov, Claims: []uint64{1, 2}}, {Claimant: nis, Claims: []uint64{3}}},
	}
	v := encodeConflict(cf)
	// The pair count and the number of kept pairs, both zero, end it.
	if !bytes.HasSuffix(v, []byte{0, 0}) {
		t.Fatalf("record %x does not end in two zero counts", v)
	}
	v1 := append([]byte{conflictFormatV1}, v[1:len(v)-2]...)
	got, err := decodeConflict(cf.ID, v1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cf) {
		t.Errorf("v1 record\n got %+v\nwant %+v", got, cf)
	}
}

func TestConflictRecordRoundTrip(t *testing.T) {
	cf := &conflictRec{
		Conflict: Conflict{
			ID: "cabc", Kind: claim.Figure, Topic: "north korean soldiers | killed | kursk", Severity: 0.7,
			Reason: "1,000 against 300", Status: StatusDismissed, ChangedBy: "U1",
			Opened: published, Updated: published.Add(time.Hour), Backfill: true, Alerted: true,
			PairCount: 212, Event: 1 << 33, EventTitle: "Troops leave the front", EventAnchors: []string{"kursk", "budanov"},
		},
		digest: 77,
		Sides:  [2]sideRec{{Claimant: budanov, Claims: []uint64{9, 3, 1 << 40}}, {Claimant: nis, Claims: []uint64{}}},
		Pairs:  [][2]uint64{{9, 1 << 41}, {1 << 40, 4}},
	}
	got, err := decodeConflict(cf.ID, encodeConflict(cf))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cf) {
		t.Errorf("round trip\n got %+v\nwant %+v", got, cf)
	}
	v := encodeConflict(cf)
	for i := range len(v) {
		if _, err := decodeConflict(cf.ID, v[:i]); err == nil {
			t.Fatalf("record cut to %d bytes decoded without error", i)
		}
	}
}

// TestConflictRecordFromJSON: a conflict stored before the binary format
// is still read, its sides' claims by seq (conflictRec's Sides shadow
// Conflict's in JSON too).
func TestConflictRecordFromJSON(t *testing.T) {
	v := []byte(`{"id":"cabc","kind":1,"topic":"a | b | c","severity":0.5,"reason":"r",` +
		`"sides":[{"claimant":"A","claims":[1,5]},{"claimant":"B","claims":[2]}],` +
		`"status":"resolved","opened":"2024-01-02T03:04:05Z","updated":"2024-01-03T03:04:05Z",` +
		`"backfill":true,"alerted":true,"changed_by":"U1"}`)
	got, err := decodeConflict("cabc", v)
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	want := &conflictRec{
		Conflict: Conflict{
			ID: "cabc", Kind: claim.Kind(1), Topic: "a | b | c", Severity: 0.5, Reason: "r",
			Status: StatusResolved, Opened: opened, Updated: opened.Add(24 * time.Hour),
			Backfill: true, Alerted: true, ChangedBy: "U1",
		},
		Sides: [2]sideRec{{Claimant: "A", Claims: []uint64{1, 5}}, {Claimant: "B", Claims: []uint64{2}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", got, want)
	}
}
