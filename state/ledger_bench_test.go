package state

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	bolt "go.etcd.io/bbolt"
)

// The benchmark ledger: claims spread over topics so that each topic holds
// about claimsPerTopic claims across two years, whatever the ledger's
// size. A Record then meets a handful of claims in its window at any size,
// and what grows with the ledger is only the depth of bbolt's trees.
const (
	claimsPerTopic = 50
	benchSpan      = 2 * 365 * 24 * time.Hour
)

var benchMeasures = [...]string{"killed", "wounded", "killed or wounded", "captured", "deployed"}

var benchEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func benchClaim(rng *rand.Rand, topic int, at time.Time) claim.Claim {
	v := float64(100 * (1 + rng.IntN(20)))
	return claim.Claim{
		Kind: claim.Figure, Subject: fmt.Sprintf("subject %07d soldiers", topic/len(benchMeasures)),
		Measure: benchMeasures[topic%len(benchMeasures)], Place: "kursk",
		Value: claim.Point(v), ValueText: fmt.Sprint(v), Claimant: fmt.Sprintf("Claimant %d", rng.IntN(200)),
		Outlet: fmt.Sprintf("Outlet %d", rng.IntN(50)), URL: fmt.Sprintf("https://bench.example/%d/%d", topic, at.Unix()),
		Published: at, AsOf: at,
		Sentence: "Officials said on Monday that the figure had been confirmed by several sources on the ground in the region.",
	}
}

// benchLedger returns the path of a ledger of n claims, built once per
// benchmark process in a temporary directory (TestMain removes it) and
// copied so each benchmark starts from the same file.
func benchLedger(b *testing.B, n int) string {
	b.Helper()
	dir := benchDir()
	cached := filepath.Join(dir, fmt.Sprintf("ledger-%d.db", n))
	if _, err := os.Stat(cached); err != nil {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := buildBenchLedger(cached+".tmp", n); err != nil {
			b.Fatal(err)
		}
		// Compacted, as a store that has run for a while is: the bulk
		// load's large transactions would otherwise leave a freelist no
		// real store has, written again at every commit.
		if err := compactFile(cached+".tmp", cached); err != nil {
			b.Fatal(err)
		}
		os.Remove(cached + ".tmp")
		b.Logf("built a ledger of %d claims in %v", n, time.Since(start).Round(time.Millisecond))
	}
	return cached
}

// buildBenchLedger writes claims straight through the ledger's own put, in
// key order and large transactions: a bulk load, not what is measured.
func buildBenchLedger(path string, n int) error {
	s, err := Open(path, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	s.db.NoSync = true
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	topics := max(1, n/claimsPerTopic)
	step := benchSpan / claimsPerTopic
	written := 0
	for written < n {
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := newBatch(tx)
			r, err := s.newRecorder(b)
			if err != nil {
				return err
			}
			for end := min(n, written+50_000); written < end; written++ {
				topic := written / claimsPerTopic % topics
				at := benchEpoch.Add(time.Duration(written%claimsPerTopic)*step + time.Duration(rng.Int64N(int64(step))))
				c := benchClaim(rng, topic, at)
				seq, err := r.b.nextSequence(bucketClaims)
				if err != nil {
					return err
				}
				if err := r.put(StoredClaim{Claim: c, Seq: seq, ItemID: c.URL, Recorded: at}); err != nil {
					return err
				}
			}
			return b.flush()
		})
		if err != nil {
			return err
		}
	}
	return s.db.Sync()
}

func compactFile(src, dst string) error {
	from, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := bolt.Open(dst, 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		return err
	}
	if err := bolt.Compact(to, from, 64<<20); err != nil {
		to.Close()
		return err
	}
	if err := to.Sync(); err != nil {
		to.Close()
		return err
	}
	return to.Close()
}

func copyFile(b *testing.B, src string) string {
	b.Helper()
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	dst := filepath.Join(b.TempDir(), "ledger.db")
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}

// warm reads every page of the ledger once, as a running bot's store is
// warm: the benchmark measures the ledger, not first-touch page faults.
func warm(b *testing.B, s *Store) {
	b.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, bk *bolt.Bucket) error {
			return bk.ForEach(func(k, v []byte) error { return nil })
		})
	})
	if err != nil {
		b.Fatal(err)
	}
}

// benchDir holds the built ledgers for this process, or across runs in
// $CROSSCHECK_BENCH_CACHE when set (building 10^6 claims takes a minute).
func benchDir() string {
	if d := os.Getenv("CROSSCHECK_BENCH_CACHE"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("crosscheck-bench-%d", os.Getpid()))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv("CROSSCHECK_BENCH_CACHE") == "" {
		os.RemoveAll(benchDir())
	}
	os.Exit(code)
}

// BenchmarkRecord records one claim, in its own transaction, against
// ledgers of growing size. The time per claim at 10^6 claims should stay
// within twice that at 10^3: the topic index keeps a lookup to one topic's
// window.
func BenchmarkRecord(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		for _, mode := range []string{"commit", "preview"} {
			b.Run(fmt.Sprintf("ledger=%d/%s", n, mode), func(b *testing.B) {
				path := copyFile(b, benchLedger(b, n))
				s, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				warm(b, s)
				ctx := context.Background()
				rng := rand.New(rand.NewPCG(7, 7))
				topics := max(1, n/claimsPerTopic)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					at := benchEpoch.Add(time.Duration(rng.Int64N(int64(benchSpan))))
					c := benchClaim(rng, rng.IntN(topics), at)
					c.URL = fmt.Sprintf("https://bench.example/new/%d", i)
					i++
					item := feeds.PolledItem{Item: feeds.ItemRecord{ID: c.URL}, Claims: []claim.Claim{c}}
					if mode == "commit" {
						_, err = s.Record(ctx, item)
					} else {
						_, err = s.Preview(ctx, item)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkIngest records a stream of claims in transactions of 50, as
// polls would, judging every claim: one op is the whole stream. It reports
// the time per claim, the file size, and the peak Go heap (bbolt's mapped
// file is not heap and is reported apart as the file size).
func BenchmarkIngest(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("claims=%d", n), func(b *testing.B) {
			var peak uint64
			var size, used int64
			for b.Loop() {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "ingest.db")
				s, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(3, uint64(n)))
				topics := max(1, n/claimsPerTopic)
				step := benchSpan / time.Duration(n)
				ctx := context.Background()
				var ms runtime.MemStats
				b.StartTimer()
				for done := 0; done < n; {
					items := make([]feeds.PolledItem, 0, 50)
					for ; len(items) < 50 && done < n; done++ {
						c := benchClaim(rng, rng.IntN(topics), benchEpoch.Add(time.Duration(done)*step))
						items = append(items, feeds.PolledItem{Item: feeds.ItemRecord{ID: c.URL}, Claims: []claim.Claim{c}})
					}
					if _, err := s.Record(ctx, items...); err != nil {
						b.Fatal(err)
					}
					if done%5000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
					}
				}
				b.StopTimer()
				// The extent bbolt uses, apart from the file's size: bbolt
				// grows the file in doubling steps, so the size alone
				// hides how much of it the data takes.
				if err := s.db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil }); err != nil {
					b.Fatal(err)
				}
				s.Close()
				fi, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				size = fi.Size()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/claim")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
			b.ReportMetric(float64(used)/float64(n), "B/claim")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
