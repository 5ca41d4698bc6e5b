package desk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// benchArticles generates n wire stories of about 3 KB: a few attributed
// figures and statuses among filler, from rotating claimants, outlets,
// subjects and dates, so the ledger fills with conflicts, corroborations
// and revisions as a real back-test would.
func benchArticles(n int) []claim.Article {
	rng := rand.New(rand.NewPCG(11, 13))
	claimants := []string{
		"Ukrainian President Volodymyr Zelensky said on Monday that",
		"South Korea's National Intelligence Service said on Tuesday that",
		"Ukraine's military intelligence chief Kyrylo Budanov said on Wednesday that",
		"Russia's Defence Ministry said on Thursday that",
		"The Pentagon said on Friday that",
	}
	subjects := []string{"North Korean soldiers", "Russian soldiers", "North Korean troops"}
	measures := []string{"had been killed", "had been wounded", "had been captured", "had been killed or wounded", "are missing"}
	places := []string{"in the Kursk region", "in Kursk", "in the Belgorod region", ""}
	filler := "The statement could not be independently verified. Officials on both sides have traded accusations over the scale of the losses for weeks, and neither side publishes full figures. Analysts say the numbers are hard to check from outside the region, where access for journalists is limited and communications are often cut."
	outlets := []string{"Reuters", "AP", "AFP", "Yonhap", "The Kyiv Independent", "Ukrainska Pravda", "TASS", "BBC"}
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	out := make([]claim.Article, n)
	for i := range out {
		var b strings.Builder
		for b.Len() < 3000 {
			switch rng.IntN(3) {
			case 0:
				fmt.Fprintf(&b, "%s %s %s %s.\n\n", claimants[rng.IntN(len(claimants))],
					claim.FormatNumber(float64(100*(1+rng.IntN(40)))), subjects[rng.IntN(len(subjects))]+" "+measures[rng.IntN(len(measures))], places[rng.IntN(len(places))])
			case 1:
				b.WriteString("North Korean troops have been pulled from the front in the Kursk region, The New York Times reported, citing American officials.\n\n")
			default:
				b.WriteString(filler + "\n\n")
			}
		}
		o := outlets[rng.IntN(len(outlets))]
		out[i] = claim.Article{
			Outlet: o, URL: fmt.Sprintf("https://%s.example/story/%d", strings.ToLower(strings.ReplaceAll(o, " ", "")), i),
			Title: fmt.Sprintf("Story %d", i), Published: start.Add(time.Duration(i) * 10 * time.Minute), Text: b.String(),
		}
	}
	return out
}

// BenchmarkReplay replays 10,000 generated articles into a fresh store in
// batches of 100, as `crosscheck replay` does: one op is the whole
// back-test.
func BenchmarkReplay(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("CROSSCHECK_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v // a shorter run while profiling
	}
	articles := benchArticles(n)
	total := 0
	for _, a := range articles {
		total += len(a.Text)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	ctx := context.Background()
	conflicts := 0
	for b.Loop() {
		b.StopTimer()
		// NoSync, as replay's default temporary store is opened.
		s, err := state.Open(filepath.Join(b.TempDir(), "replay.db"), state.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		d := &Desk{Store: s}
		conflicts = 0
		b.StartTimer()
		for i := 0; i < n; i += 100 {
			res, err := d.RecordAll(ctx, articles[i:min(n, i+100)]...)
			if err != nil {
				b.Fatal(err)
			}
			conflicts += len(res.Opened)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(conflicts), "conflicts")
}
