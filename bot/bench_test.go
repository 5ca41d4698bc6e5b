package bot

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// BenchmarkCommand times /crosscheck handling (parse, ledger queries,
// formatting: everything but the network) against a ledger of 10^5
// claims, reporting p50 and p99 per command.
func BenchmarkCommand(b *testing.B) {
	ctx := context.Background()
	st, err := state.Open(filepath.Join(b.TempDir(), "bench.db"), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	// 2,000 topics of 50 claims each, subjects from a vocabulary as varied
	// as a newsroom's; one topic in a hundred has a dissenter, so about a
	// thousand conflicts.
	const claims, perTopic = 100_000, 50
	at := time.Now().Add(-24 * time.Hour)
	for batch := 0; batch < claims/1000; batch++ {
		var items []feeds.PolledItem
		for i := batch * 1000; i < (batch+1)*1000; i++ {
			topic, who := i/perTopic, i%perTopic
			n := 1000.0
			if who == 0 && topic%100 == 0 {
				n = 5000
			}
			c := figureClaim(topic, fmt.Sprintf("Speaker%d", who), fmt.Sprintf("outlet%d", who%7), n, at.Add(time.Duration(i)*time.Second))
			c.Subject = benchSubject(topic)
			items = append(items, feeds.PolledItem{
				Item:   feeds.ItemRecord{ID: fmt.Sprintf("item%d", i), Feed: "bench", Outlet: c.Outlet, URL: c.URL, Published: c.Published, Backfill: true},
				Claims: []claim.Claim{c},
			})
		}
		if _, err := st.Record(ctx, items...); err != nil {
			b.Fatal(err)
		}
	}
	if n, err := st.ClaimCount(ctx); err != nil || n != claims {
		b.Fatalf("ledger holds %d claims (error %v), want %d", n, err, claims)
	}
	fake := slacktest.New()
	bot, err := New(Options{Store: st, Settings: testSettings(fake, ModeSocket), Secrets: testSecrets(fake)})
	if err != nil {
		b.Fatal(err)
	}
	open, err := st.Conflicts(ctx, state.ConflictFilter{Status: state.StatusOpen, Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	if len(open) == 0 {
		b.Fatal("no conflicts in the bench ledger")
	}
	for _, text := range []string{
		"help",
		"status",
		"feeds",
		"claims " + benchSubject(1234),
		"claims speaker7",
		"claims speaker7 " + benchSubject(77),
		"conflicts",
		"conflicts all",
		"mute " + open[0].ID + " 2h",
		"frobnicate",
	} {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				reply, _ := bot.Execute(ctx, editor, text)
				lat = append(lat, time.Since(start))
				if reply == "" {
					b.Fatal("empty reply")
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// benchSubject names topic i from 40 × 50 words: "adj3 noun17".
func benchSubject(i int) string {
	return fmt.Sprintf("adj%d noun%d", i%40, i/40%50)
}
