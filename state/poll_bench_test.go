package state

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// pollShape is one poll a hostile or merely huge feed can send.
type pollShape struct {
	name          string
	items, claims int
}

// hugePoll builds a poll of shape s: items with distinct identities and
// links, and claims on one subject and measure spread over many places
// (two claims a place) by a few claimants, the shape that made a commit
// seek through every group of the topic index. (Claims without a place
// match every place, so what they contradict grows with the places; their
// lookups are bounded by maxCandidateGroups.)
func hugePoll(feed string, s pollShape, at time.Time) feeds.Poll {
	p := feeds.Poll{Feed: feed, State: feeds.FeedState{LastPoll: at, LastSuccess: at, Polled: true}}
	n := 0
	for i := range s.items {
		// The claims fill the items evenly, in order.
		end := (i + 1) * s.claims / max(s.items, 1)
		// Identities are hashes, as feeds.ItemID makes them: they arrive
		// in no order.
		h := sha256.Sum256(fmt.Appendf(nil, "%s-item-%d", feed, i))
		id := hex.EncodeToString(h[:12])
		it := feeds.PolledItem{Item: feeds.ItemRecord{
			ID: id, LinkKey: "/news/" + id, Outlet: "Bench Wire", URL: "https://bench.example/news/" + id,
			Title: "Item " + id, Published: at, ContentHash: id,
		}}
		for ; n < end; n++ {
			place := fmt.Sprintf("place %d", n/2)
			it.Claims = append(it.Claims, claim.Claim{
				Kind: claim.Figure, Subject: "soldiers", Measure: "killed", Place: place,
				Value: claim.Point(float64(100 + n%7*50)), ValueText: "some",
				Claimant: fmt.Sprintf("Claimant %d", n%4), Outlet: "Bench Wire", URL: it.Item.URL,
				Published: at, AsOf: at.Add(-time.Duration(n%13) * time.Hour),
				Sentence: fmt.Sprintf("Officials said %d soldiers were killed in place %d.", 100+n%7*50, n),
			})
		}
		p.Items = append(p.Items, it)
	}
	return p
}

// The caps a poll meets before it is committed (feeds.DefaultMaxItemsPerPoll
// and desk.DefaultMaxClaimsPerPoll, which state cannot import).
const benchItemCap, benchClaimCap = 5000, 2000

// BenchmarkCommitPoll commits one poll into a fresh store per op: polls of
// many claims and polls of many claimless items, up to the item cap. The
// cost per claim and per item should stay within twice that of the
// smallest poll of its kind: a commit is linear in its size.
func BenchmarkCommitPoll(b *testing.B) {
	shapes := []pollShape{
		{"claims=1k", 10, 1_000}, {"claims=10k", 100, 10_000}, {"claims=50k", 500, 50_000},
		{"items=10k", 10_000, 0}, {"items=100k", 100_000, 0}, {"items=cap", benchItemCap, 0},
	}
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			ctx := context.Background()
			at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				s, err := Open(filepath.Join(b.TempDir(), "poll.db"), Options{Now: func() time.Time { return at }})
				if err != nil {
					b.Fatal(err)
				}
				p := hugePoll("bench", sh, at)
				// The last op's store and poll are garbage: collected
				// here, not during the commit measured.
				runtime.GC()
				b.StartTimer()
				c0 := cpuTime()
				if _, err := s.CommitPoll(ctx, p); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c0
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			perCPU := float64(cpu.Nanoseconds()) / float64(b.N)
			unit, n := "item", sh.items
			if sh.claims > 0 {
				unit, n = "claim", sh.claims
			}
			b.ReportMetric(per/float64(n), "ns/"+unit)
			b.ReportMetric(perCPU/float64(n), "cpu-ns/"+unit)
		})
	}
}
