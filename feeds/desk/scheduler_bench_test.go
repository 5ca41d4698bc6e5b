package desk

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	. "github.com/crosscheck-news/crosscheck/feeds"

	"github.com/crosscheck-news/crosscheck/state"
)

// benchFeeds serves n feeds of about 50 items and 20 KB each. A feed whose
// index is in notModified answers 304 to its ETag; the others carry 50
// fresh items on every request, so each poll parses and stores 20 KB.
type benchFeeds struct {
	template    []byte // one feed's body, "GEN" standing for the generation
	notModified func(i int) bool
	gen         atomic.Int64
	served      atomic.Int64 // body bytes written
}

func newBenchFeeds() *benchFeeds {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench</title><link>https://bench.example/</link><description>d</description>`)
	para := "Officials said on Monday that about 8,000 soldiers remained in the region, while another agency put the figure at nearly 7,500 and reporters on the ground could not confirm either number. "
	for i := range 50 {
		fmt.Fprintf(&b, `<item><title>Story %d of generation GEN</title><link>https://bench.example/GEN/%d</link><guid>GEN-%d</guid>`+
			`<pubDate>Tue, 04 Feb 2025 09:%02d:00 GMT</pubDate><description>%s</description></item>`, i, i, i, i, para[:min(len(para), 160)]+para[:min(len(para), 80)])
	}
	b.WriteString(`</channel></rss>`)
	return &benchFeeds{template: b.Bytes()}
}

func (f *benchFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if f.notModified(i) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
	}
	body := bytes.ReplaceAll(f.template, []byte("GEN"), []byte(strconv.FormatInt(f.gen.Add(1), 36)))
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(body)
	f.served.Add(int64(len(body)))
}

// BenchmarkSchedulerCycle is one PollAll over 1,000 feeds through the real
// Fetcher, Poller and Store.CommitPoll, within the default limits (8
// workers, 2 per host), the feeds spread over 10 loopback servers (hosts).
// CPU per feed counts the whole process, so it includes the loopback
// servers' share.
func BenchmarkSchedulerCycle(b *testing.B) {
	for _, mode := range []struct {
		name        string
		notModified func(i int) bool
	}{
		{"half-304", func(i int) bool { return i%2 == 0 }},
		{"all-304", func(int) bool { return true }},
		{"all-20KB-new", func(int) bool { return false }},
	} {
		b.Run(mode.name, func(b *testing.B) { benchCycle(b, 1000, 10, mode.notModified) })
	}
}

func benchCycle(b *testing.B, feeds, hosts int, notModified func(int) bool) {
	ctx := context.Background()
	content := newBenchFeeds()
	content.notModified = notModified
	var urls []string
	for range hosts {
		srv := httptest.NewServer(content)
		b.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	store, err := state.Open(filepath.Join(b.TempDir(), "bench.db"), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	fetcher := NewFetcher(FetcherConfig{AllowPrivateNetworks: true})
	b.Cleanup(fetcher.Close)
	poller := &Poller{Fetcher: fetcher, History: store}
	var failures atomic.Int64
	var firstErr sync.Once
	poll := func(ctx context.Context, src Source) (time.Time, error) {
		p, err := poller.Poll(ctx, src)
		if err == nil {
			_, err = store.CommitPoll(ctx, *p)
		}
		if err != nil {
			failures.Add(1)
			firstErr.Do(func() { b.Error(err) })
			return time.Time{}, err
		}
		return p.State.NextPoll, nil
	}
	s := NewScheduler(poll, SchedulerOptions{})
	for i := range feeds {
		if err := s.Add(Source{Name: "f" + strconv.Itoa(i), URL: fmt.Sprintf("%s/f/%d", urls[i%hosts], i)}); err != nil {
			b.Fatal(err)
		}
	}
	// The first cycle fetches everything and learns the ETags; the
	// measured ones are the steady state after it.
	s.PollAll(ctx)
	if failures.Load() > 0 {
		b.Fatalf("%d polls failed while warming up", failures.Load())
	}

	runtime.GC()
	peak := newHeapPeak()
	served := content.served.Load()
	cpu0 := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.PollAll(ctx)
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	peakBytes := peak.stop()
	if err := s.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	if failures.Load() > 0 {
		b.Fatalf("%d polls failed", failures.Load())
	}
	b.SetBytes((content.served.Load() - served) / int64(b.N))
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N*feeds), "cpu-ms/feed")
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak-heap-MB")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapPeak samples the live heap every few milliseconds.
type heapPeak struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func newHeapPeak() *heapPeak {
	h := &heapPeak{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			h.peak = max(h.peak, sample[0].Value.Uint64())
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return h.peak
}
