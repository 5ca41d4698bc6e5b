package extract

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// FuzzExtract: whatever the text, the engine returns valid claims whose
// evidence lies inside the text, the same ones twice, and never panics.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"At least 45 people were killed in the blast, police said.",
		"SEOUL, Feb. 4 (Yonhap) -- About 200 North Korean troops have been captured, Seoul's spy agency said.",
		"\"It sank,\" he said. The ministry said 27 were missing.",
		"The toll rose to 4,200 on Monday, according to the ministry.",
		"", "\x00\xff", strings.Repeat("1,000 ", 300),
	} {
		f.Add(s)
	}
	x := engine(f)
	pub := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<16 {
			return
		}
		a := claim.Article{Outlet: "Wire", Published: pub, Text: text}
		cs := x.Extract(a)
		plain := claim.Plain(text)
		for _, c := range cs {
			if err := c.Validate(); err != nil {
				t.Fatalf("invalid claim %+v: %v", c, err)
			}
			if c.Start < 0 || c.End > len(plain) || c.Start > c.End {
				t.Fatalf("evidence [%d, %d) outside a text of %d bytes", c.Start, c.End, len(plain))
			}
		}
		if again := x.Extract(a); !reflect.DeepEqual(cs, again) {
			t.Fatalf("two readings differ:\n%+v\n%+v", cs, again)
		}
	})
}
