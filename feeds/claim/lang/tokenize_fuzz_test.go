package lang

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// FuzzTokenize checks, on any input, the invariants checkTokenized asserts:
// spans in order and inside the text, non-empty words that are cuts of
// their tokens, tokens covering their words, no sentence over MaxWords
// words, and no panic.
func FuzzTokenize(f *testing.F) {
	f.Add("SEOUL, Feb. 4 (Yonhap) -- North Korea's Lt. Gen. Kim didn't go.")
	f.Fuzz(func(t *testing.T, text string) {
		checkTokenized(t, Tokenize(text))
	})
}

// benchText returns about size bytes of the news prose in testdata,
// repeated; without stops it has no sentence-final punctuation at all.
func newsBenchText(b *testing.B, size int, withStops bool) string {
	raw, err := os.ReadFile("testdata/news.txt")
	if err != nil {
		b.Fatal(err)
	}
	prose := string(raw)
	if !withStops {
		prose = strings.NewReplacer(".", ",", "!", ",", "?", ",", "\n", " ").Replace(prose)
	}
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(prose)
		sb.WriteByte(' ')
	}
	text := sb.String()[:size]
	for len(text) > 0 && text[len(text)-1]&0xc0 == 0x80 {
		text = text[:len(text)-1] // never end inside a character
	}
	return text
}

// binaryGarbage returns size bytes of pseudo-random binary, the same every run.
func binaryGarbage(size int) string {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, size)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	return string(buf)
}

// BenchmarkTokenize measures throughput on news prose, and on input built
// to be slow: 10 MB with no full stop (one run-on sentence cut at
// MaxWords), binary garbage, and one 1 MB "word" of inner marks. None may
// cost much more per byte than prose does.
func BenchmarkTokenize(b *testing.B) {
	for _, bc := range []struct {
		name string
		text func(b *testing.B) string
	}{
		{"prose_1KB", func(b *testing.B) string { return newsBenchText(b, 1<<10, true) }},
		{"prose_1MB", func(b *testing.B) string { return newsBenchText(b, 1<<20, true) }},
		{"no_stop_10MB", func(b *testing.B) string { return newsBenchText(b, 10<<20, false) }},
		{"garbage_1MB", func(b *testing.B) string { return binaryGarbage(1 << 20) }},
		{"no_space_1MB", func(b *testing.B) string { return strings.Repeat("U.S.-led-e-mail's-8,000:1/2&x.On", 1<<15)[:1<<20] }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			text := bc.text(b)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			tokens := 0
			cpu := processCPUTime()
			for b.Loop() {
				doc := Tokenize(text)
				tokens = 0
				for _, s := range doc.Sentences {
					tokens += len(s.Tokens)
				}
			}
			cpu = processCPUTime() - cpu
			b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			if cpu > 0 { // throughput per CPU second: what the machine's load does not change
				b.ReportMetric(float64(len(text))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
			}
		})
	}
}

// BenchmarkDocFloor measures what Tokenize cannot go below on 1 MB of
// prose: allocating and filling as many Words and Tokens as it returns
// there, with no tokenizing at all. Both types are large and hold strings,
// so the memory and garbage collection they cost set Tokenize's pace.
func BenchmarkDocFloor(b *testing.B) {
	text := newsBenchText(b, 1<<20, true)
	nw, nt := 0, 0
	for _, s := range Tokenize(text).Sentences {
		nw += len(s.Words)
		nt += len(s.Tokens)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		var words []Word
		var tokens []Token
		for i := range nw {
			if len(words) == cap(words) {
				words = make([]Word, 0, 8192)
			}
			words = append(words, Word{Form: text[i : i+3], Start: i, End: i + 3, MWT: -1, Head: -1})
		}
		for i := range nt {
			if len(tokens) == cap(tokens) {
				tokens = make([]Token, 0, 8192)
			}
			tokens = append(tokens, Token{Form: text[i : i+3], Start: i, End: i + 3, First: i, Last: i})
		}
	}
	b.ReportMetric(float64(nw+nt), "words+tokens/op")
}
