package claim

import (
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// checkClaims is what every extraction must satisfy, whatever the input.
func checkClaims(t testing.TB, text string, claims []Claim) {
	t.Helper()
	p := Plain(text)
	for _, c := range claims {
		if c.Start < 0 || c.End > len(p) || c.Start > c.End {
			t.Fatalf("offsets [%d, %d) outside the text (%d bytes)", c.Start, c.End, len(p))
		}
		if c.Sentence != p[c.Start:c.End] {
			t.Fatalf("sentence %q is not plain[%d:%d] = %q", c.Sentence, c.Start, c.End, p[c.Start:c.End])
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("invalid claim: %v", err)
		}
	}
}

func FuzzExtract(f *testing.F) {
	if b, err := os.ReadFile(sharedSeed); err == nil {
		f.Add(string(b))
	}
	f.Add("<p>8&nbsp;000 North Korean fighters are still fighting in Kursk, Budanov said.</p>")
	f.Add("\"Unbalanced. 300 of them were killed, he said.")
	f.Fuzz(func(t *testing.T, text string) {
		a := Article{Outlet: "Fuzz", Text: text}
		claims := Extract(a)
		checkClaims(t, text, claims)
		// Extract is pure: the same article gives the same claims.
		if again := Extract(a); !reflect.DeepEqual(again, claims) {
			t.Fatalf("the same text extracted twice:\n%s\nthen\n%s", dump(claims, a.Published), dump(again, a.Published))
		}
	})
}

// TestBadInput: whatever arrives, a result and no panic. The time bound is
// the test binary's timeout; speed itself is measured by the benchmarks.
func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 1<<16)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	long := strings.Repeat("North Korean troops and 300 soldiers ", 10<<20/37)
	tests := []struct {
		name, text string
	}{
		{"empty", ""},
		{"white space", " \n\n\t "},
		{"binary garbage", string(garbage)},
		{"10 MB single sentence", long},
		{"100,000 digits", "About " + strings.Repeat("7", 100000) + " North Korean soldiers were killed."},
		{"unbalanced quotes", strings.Repeat("“He said 300 were killed. ", 2000) + "\"\"\"”"},
		{"mixed scripts", "Буданов заявил, что 8 000 北朝鮮 soldiers حارب in Kursk. 300 उत्तर कोरियाई were killed."},
		{"only stops", strings.Repeat(". ", 50000)},
		{"deep HTML", strings.Repeat("<div>", 20000) + "300 North Korean soldiers were killed" + strings.Repeat("</div>", 20000)},
		{"numbers everywhere", strings.Repeat("1 2 3 4 5 6 7 8 9 ", 20000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := Extract(Article{Outlet: "Wire", Text: tt.text})
			checkClaims(t, tt.text, claims)
		})
	}
}

// bigArticle repeats the seed article to n bytes, cut at a paragraph.
func bigArticle(tb testing.TB, n int) string {
	seed := readShared(tb, sharedSeed)
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(seed)
		b.WriteString("\n\n")
	}
	s := b.String()[:n]
	if i := strings.LastIndex(s, "\n\n"); i > n/2 {
		s = s[:i]
	}
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// TestLinearWork checks that Extract's work grows linearly with the text:
// the CPU time per byte of a 256 KB article, measured by testing.Benchmark,
// may be at most 4 times that of a 16 KB one. Quadratic work would cost 16
// times as much per byte at 16 times the size, so the bar separates the two
// with room for a noisy, shared machine; CPU time counts what the process
// spends, not the time other processes take.
func TestLinearWork(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Extract for seconds")
	}
	const ratioBar = 4
	small, large := bigArticle(t, 16<<10), bigArticle(t, 256<<10)
	s, l := cpuPerByte(small), cpuPerByte(large)
	if s <= 0 || l <= 0 {
		t.Fatalf("no CPU time measured: %v and %v per byte", s, l)
	}
	t.Logf("CPU time per byte: %d-byte article %.1f ns, %d-byte article %.1f ns (ratio %.2f, bar %d)",
		len(small), s, len(large), l, l/s, ratioBar)
	if l > ratioBar*s {
		t.Errorf("a %d-byte article costs %.1f ns per byte, more than %d times the %.1f ns of a %d-byte one: work grows faster than the text",
			len(large), l, ratioBar, s, len(small))
	}
}

// cpuPerByte runs Extract on text under testing.Benchmark and returns the
// CPU nanoseconds per byte of its final, longest run.
func cpuPerByte(text string) float64 {
	a := Article{Outlet: "Wire", Text: text}
	var perByte float64
	testing.Benchmark(func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			Extract(a)
		}
		perByte = float64(cpuTime()-cpu0) / float64(b.N) / float64(len(text))
	})
	return perByte
}

func benchExtract(b *testing.B, n int) {
	text := bigArticle(b, n)
	a := Article{Outlet: "The Kyiv Independent", Text: text}
	x, err := NewExtractor(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		x.Extract(a)
	}
	reportCPU(b, cpu0, len(text))
}

// reportCPU adds throughput per second of CPU time used by the process
// (cpu-MB/s) and allocations per KB of text. The machine running the
// benchmarks is shared; CPU time is what one core spends, whatever else runs.
func reportCPU(b *testing.B, cpu0 time.Duration, n int) {
	cpu := cpuTime() - cpu0
	if cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExtract1KB and BenchmarkExtract1MB are the linearity pair: their
// MB/s should be within a factor of two of each other.
func BenchmarkExtract1KB(b *testing.B) { benchExtract(b, 1<<10) }
func BenchmarkExtract1MB(b *testing.B) { benchExtract(b, 1<<20) }

// BenchmarkExtractSeed is the whole Extract on the seed article.
func BenchmarkExtractSeed(b *testing.B) {
	text := readShared(b, sharedSeed)
	a := Article{Outlet: "The Kyiv Independent", Text: text}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		Extract(a)
	}
	reportCPU(b, cpu0, len(text))
}

func BenchmarkPlainHTML(b *testing.B) {
	text := "<article><p>" + strings.ReplaceAll(bigArticle(b, 64<<10), "\n\n", "</p>\n<p>") + "</p></article>"
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Plain(text)
	}
}
