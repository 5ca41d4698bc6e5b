package claim

import (
	"strings"
	"testing"
)

// seedArticle is the canonical article repeated to about size bytes.
func seedArticle(b *testing.B, size int) string {
	b.Helper()
	raw := readShared(b, sharedSeed)
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(raw)
		sb.WriteString("\n\n")
	}
	return sb.String()
}

// BenchmarkFindQuantities measures the scanner on news prose: the whole of
// Extract must reach 20 MB/s, so this part should do well over 100 MB/s.
func BenchmarkFindQuantities(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"1KB", 1 << 10}, {"64KB", 64 << 10}, {"1MB", 1 << 20}} {
		text := seedArticle(b, size.n)
		h := DefaultHedges()
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				findQuantities(text, &h)
			}
		})
	}
}

// BenchmarkFindQuantitiesDigits is the worst case the fuzz test hints at: a
// figure-dense text where every token is a number to parse.
func BenchmarkFindQuantitiesDigits(b *testing.B) {
	text := strings.Repeat("nearly 2 700, about 11,000 to 12,000 and 3.5bn; ", 1<<14)
	h := DefaultHedges()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		findQuantities(text, &h)
	}
}
