package extract

import (
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/claimtest"
)

// BenchmarkExtract: the frames engine, whole (language layer included), on
// the project's own news prose of 1 KB and 1 MB, beside the number-only
// peer in the same run: claim.FindQuantities, the scanner that passes
// Recognizers-Text's number, range and percent specs, on the same text.
// Cost per byte must not grow with size. Besides ns/op and MB/s it reports
// MB/s per second of the process's CPU time (the machine is shared) and
// allocations per KB of text.
func BenchmarkExtract(b *testing.B) {
	x := engine(b)
	h := claim.DefaultHedges()
	for _, src := range []struct{ name, text string }{
		{"news", newsProse(b)},
		{"stories", storiesProse(b)},
	} {
		for _, size := range []struct {
			name string
			n    int
		}{{"1KB", 1 << 10}, {"1MB", 1 << 20}} {
			text := repeatTo(src.text, size.n)
			a := claim.Article{Outlet: "Wire", Published: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), Text: text}
			b.Run(src.name+"/"+size.name+"/frames", func(b *testing.B) {
				measure(b, len(text), func() { x.Extract(a) })
			})
			b.Run(src.name+"/"+size.name+"/peer", func(b *testing.B) {
				measure(b, len(text), func() { claim.FindQuantities(text, &h) })
			})
		}
	}
}

func measure(b *testing.B, n int, f func()) {
	b.SetBytes(int64(n))
	b.ReportAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	for b.Loop() {
		f()
	}
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&m1)
	if b.N > 0 {
		b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(b.N)/(float64(n)/1024), "allocs/KB")
		if cpu > 0 {
			b.ReportMetric(float64(n)*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// newsProse is the language layer's news sample, written by the project.
func newsProse(b *testing.B) string {
	raw, err := os.ReadFile("../lang/testdata/news.txt")
	if err != nil {
		b.Fatal(err)
	}
	return string(raw)
}

// storiesProse is the project's stories (testdata/stories), each article's
// title and text, in a fixed order.
func storiesProse(b testing.TB) string {
	arts, _, _ := claimtest.Stories(b, filepath.Join("..", "..", "..", "testdata", "stories"))
	var sb strings.Builder
	for _, id := range slices.Sorted(maps.Keys(arts)) {
		sb.WriteString(arts[id].Title + "\n\n" + arts[id].Text + "\n\n")
	}
	return sb.String()
}

// repeatTo repeats text to n bytes, cut at a rune boundary.
func repeatTo(text string, n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(text)
		sb.WriteString("\n\n")
	}
	s := sb.String()[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// TestLinearWork: the frames engine's CPU time per byte on a 256 KB article
// is at most 4 times that on a 16 KB one (quadratic work would cost 16
// times as much). The article repeats the stories, so the same people come
// back again and again, as in a long live blog.
func TestLinearWork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Extract for seconds")
	}
	const ratioBar = 4
	x := engine(t)
	prose := storiesProse(t)
	perByte := func(n int) float64 {
		a := claim.Article{Outlet: "Wire", Text: repeatTo(prose, n)}
		var ns float64
		testing.Benchmark(func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				x.Extract(a)
			}
			ns = float64(cpuTime()-cpu0) / float64(b.N) / float64(n)
		})
		return ns
	}
	s, l := perByte(16<<10), perByte(256<<10)
	if s <= 0 || l <= 0 {
		t.Fatalf("no CPU time measured: %v and %v ns per byte", s, l)
	}
	t.Logf("CPU time per byte: 16 KB %.0f ns, 256 KB %.0f ns (ratio %.2f, bar %d)", s, l, l/s, ratioBar)
	if l > ratioBar*s {
		t.Errorf("a 256 KB article costs %.0f ns per byte, more than %d times the %.0f ns of a 16 KB one", l, ratioBar, s)
	}
}
