package claim

import (
	"math"
	"strings"
	"testing"
)

var inf = math.Inf(1)

// want is one expected quantity: its words and its interval.
type want struct {
	text string
	iv   Interval
}

func closed(lo, hi float64) Interval { return Interval{Low: lo, High: hi} }

func checkQuantities(t *testing.T, in string, got []Quantity, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("findQuantities(%q) gave %d quantities %v, want %d %v", in, len(got), texts(got), len(wants), wants)
	}
	for i, w := range wants {
		g := got[i]
		if g.Text != w.text || g.Value != w.iv {
			t.Errorf("findQuantities(%q)[%d] = %q %v, want %q %v", in, i, g.Text, g.Value, w.text, w.iv)
		}
		if in[g.Start:g.End] != g.Text {
			t.Errorf("findQuantities(%q)[%d]: offsets [%d,%d] do not cover %q", in, i, g.Start, g.End, g.Text)
		}
	}
}

func texts(qs []Quantity) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Text + " " + q.Value.String()
	}
	return out
}

func TestFindQuantitiesSeedSentences(t *testing.T) {
	tests := []struct {
		in    string
		wants []want
	}{
		{"He said that 8 000 North Korean fighters are still fighting in Kursk.", []want{{"8 000", closed(8000, 8000)}}},
		{"North Korea sent about 11 000 troops to fight against Ukraine.", []want{{"about 11 000", closed(9900, 12100)}}},
		{"300 of them are now believed to be killed and nearly 2 700 wounded.", []want{{"300", closed(300, 300)}, {"nearly 2 700", closed(2430, 2700)}}},
		{"There are approximately 12 000 soldiers, including 500 officers and three generals.",
			[]want{{"approximately 12 000", closed(10800, 13200)}, {"500", closed(500, 500)}, {"three", closed(3, 3)}}},
		{"Zelensky said that more than 3 000 soldiers from the DPRK have already been killed or wounded.",
			[]want{{"more than 3 000", Interval{Low: 3000, High: inf, LowOpen: true}}}},
		{"Zelensky first reported on December 27, 2024, that the Defense Forces had captured North Korean soldiers.", nil},
		{"The North Korean soldiers were captured for the second time in January 2025.", nil},
	}
	h := DefaultHedges()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			checkQuantities(t, tt.in, findQuantities(tt.in, &h), tt.wants)
		})
	}
}

func open(lo float64) Interval    { return Interval{Low: lo, High: inf, LowOpen: true} }
func atLeast(lo float64) Interval { return Interval{Low: lo, High: inf} }
func below(hi float64) Interval   { return Interval{Low: 0, High: hi, HighOpen: true} }

func TestFindQuantitiesForms(t *testing.T) {
	tests := []struct {
		name, in string
		wants    []want
	}{
		// Separators.
		{"space", "8 000 fighters", []want{{"8 000", closed(8000, 8000)}}},
		{"thin space", "8\u2009000 fighters", []want{{"8\u2009000", closed(8000, 8000)}}},
		{"narrow no-break space", "8\u202f000 fighters", []want{{"8\u202f000", closed(8000, 8000)}}},
		{"no-break space", "8\u00a0000 fighters", []want{{"8\u00a0000", closed(8000, 8000)}}},
		{"comma", "11,000 troops", []want{{"11,000", closed(11000, 11000)}}},
		{"long comma", "1,414,021,100 people", []want{{"1,414,021,100", closed(1414021100, 1414021100)}}},
		{"european", "2.400.000 residents", []want{{"2.400.000", closed(2400000, 2400000)}}},
		{"european decimal", "1.111,5 tonnes", []want{{"1.111,5", closed(1111.5, 1111.5)}}},
		{"decimal not thousands", "4.800 points", []want{{"4.800", closed(4.8, 4.8)}}},
		{"year then count not joined", "In 2024 300 soldiers died", []want{{"300", closed(300, 300)}}},
		// Scales and suffixes.
		{"million", "2.7 million people", []want{{"2.7 million", closed(2.7e6, 2.7e6)}}},
		{"bn", "3.5bn in aid", []want{{"3.5bn", closed(3.5e9, 3.5e9)}}},
		{"k", "12k troops", []want{{"12k", closed(12000, 12000)}}},
		{"spaced bn", "10 bln roubles", []want{{"10 bln", closed(1e10, 1e10)}}},
		{"hundred after digits", "27-hundred soldiers", []want{{"27-hundred", closed(2700, 2700)}}},
		{"thousand after digits", "15-thousand soldiers", []want{{"15-thousand", closed(15000, 15000)}}},
		{"mixed compound", "four-thousand-100 men", []want{{"four-thousand-100", closed(4100, 4100)}}},
		// Words.
		{"three", "three generals", []want{{"three", closed(3, 3)}}},
		{"twelve thousand", "twelve thousand troops", []want{{"twelve thousand", closed(12000, 12000)}}},
		{"compound", "one hundred and sixty-one soldiers", []want{{"one hundred and sixty-one", closed(161, 161)}}},
		{"a dozen", "a dozen officers", []want{{"a dozen", closed(12, 12)}}},
		{"half a dozen", "half a dozen officers", []want{{"half a dozen", closed(6, 6)}}},
		{"a thousand", "a thousand men", []want{{"a thousand", closed(1000, 1000)}}},
		{"one and a half million", "one and a half million refugees", []want{{"one and a half million", closed(1.5e6, 1.5e6)}}},
		{"zero", "zero casualties", []want{{"zero", closed(0, 0)}}},
		// Fractions.
		{"half", "half of them", []want{{"half", closed(0.5, 0.5)}}},
		{"two-thirds of whom", "two-thirds of whom were killed", []want{{"two-thirds", closed(2.0/3, 2.0/3)}}},
		{"a third of", "a third of the unit", []want{{"a third", closed(1.0/3, 1.0/3)}}},
		{"three quarters", "three quarters of them", []want{{"three quarters", closed(0.75, 0.75)}}},
		{"slash", "3/4 of the troops", []want{{"3/4", closed(0.75, 0.75)}}},
		{"vulgar", "½ of the troops", []want{{"½", closed(0.5, 0.5)}}},
		// Vague amounts.
		{"dozens", "dozens of drones", []want{{"dozens", closed(24, 99)}}},
		{"hundreds", "hundreds of soldiers", []want{{"hundreds", closed(200, 999)}}},
		{"several hundred", "several hundred soldiers", []want{{"several hundred", closed(200, 900)}}},
		{"thousands", "thousands of troops", []want{{"thousands", closed(2000, 9999)}}},
		{"tens of thousands", "tens of thousands of troops", []want{{"tens of thousands", closed(20000, 99990)}}},
		{"hundreds of thousands", "hundreds of thousands of people", []want{{"hundreds of thousands", closed(200000, 999000)}}},
		// Percentages.
		{"percent sign", "40% of the troops", []want{{"40%", closed(40, 40)}}},
		{"percent word", "40 percent of the troops", []want{{"40 percent", closed(40, 40)}}},
		{"per cent", "nearly 40 per cent", []want{{"nearly 40 per cent", closed(36, 40)}}},
		{"percent range", "10-15% of them", []want{{"10-15%", closed(10, 15)}}},
		// Ranges.
		{"between", "between 100 and 300 soldiers", []want{{"between 100 and 300", closed(100, 300)}}},
		{"to", "15,000 to 18,000 troops", []want{{"15,000 to 18,000", closed(15000, 18000)}}},
		{"hyphen", "1,000-3,000 troops", []want{{"1,000-3,000", closed(1000, 3000)}}},
		{"en dash", "1,000–3,000 troops", []want{{"1,000–3,000", closed(1000, 3000)}}},
		{"spaced dash", "1,000 – 3,000 troops", []want{{"1,000 – 3,000", closed(1000, 3000)}}},
		{"from to", "from 10,000 to 12,000 soldiers", []want{{"from 10,000 to 12,000", closed(10000, 12000)}}},
		{"low end of", "the low end of 100 to 300 killed", []want{{"100 to 300", closed(100, 300)}}},
		{"shared scale", "between 2 and 3 million people", []want{{"between 2 and 3 million", closed(2e6, 3e6)}}},
		{"words", "two to three thousand troops", []want{{"two to three thousand", closed(2000, 3000)}}},
		{"descending is no range", "a 3-1 vote", []want{{"3", closed(3, 3)}, {"1", closed(1, 1)}}},
		{"bounds together", "more than 10 and less than 40 soldiers", []want{{"more than 10 and less than 40", Interval{Low: 10, High: 40, LowOpen: true, HighOpen: true}}}},
		// Money is kept and marked.
		{"dollars", "$5 million in aid", []want{{"$5 million", closed(5e6, 5e6)}}},
		{"pounds", "£3m in aid", []want{{"£3m", closed(3e6, 3e6)}}},
	}
	h := DefaultHedges()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkQuantities(t, tt.in, findQuantities(tt.in, &h), tt.wants)
		})
	}
}

func TestFindQuantitiesFlags(t *testing.T) {
	tests := []struct {
		in                              string
		percent, fraction, vague, money bool
	}{
		{"40% of them", true, false, false, false},
		{"40 percent", true, false, false, false},
		{"half of them", false, true, false, false},
		{"two-thirds of whom", false, true, false, false},
		{"half a dozen", false, false, false, false},
		{"dozens of drones", false, false, true, false},
		{"several hundred", false, false, true, false},
		{"more than a dozen", false, false, false, false},
		{"$20 each", false, false, false, true},
		{"300 euros", false, false, false, true},
		{"300 soldiers", false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			qs := findQuantities(tt.in, nil)
			if len(qs) != 1 {
				t.Fatalf("findQuantities(%q) = %v, want one quantity", tt.in, texts(qs))
			}
			q := qs[0]
			if q.Percent != tt.percent || q.Fraction != tt.fraction || q.Vague != tt.vague || q.Money != tt.money {
				t.Errorf("findQuantities(%q): percent %v fraction %v vague %v money %v, want %v %v %v %v",
					tt.in, q.Percent, q.Fraction, q.Vague, q.Money, tt.percent, tt.fraction, tt.vague, tt.money)
			}
		})
	}
}

// TestFindQuantitiesNotCounts: years, dates, times, ages, ordinals, phone
// numbers, labels, street numbers and model numbers give nothing.
func TestFindQuantitiesNotCounts(t *testing.T) {
	for _, in := range []string{
		"in 2024", "since 2014,", "2024-2025", "the 2024-25 season", "during 1995-01",
		"from 2000 to 2005", "October 24", "on Jan. 13", "24/10/2024", "5/17/2018", "2024-10-24",
		"24 October", "on October 24, 2024,", "at the end of 2024.",
		"10:30", "at 5 p.m.", "at 5 pm", "at 7 o'clock", "at 14:00 GMT",
		"a 45-year-old man", "aged 30", "30 years old",
		"the 1st battalion", "the third time", "the 5th brigade", "a third time", "the 1990s", "in their 20s",
		"+380 44 123 4567", "+1-222-2222/2222", "555-123-4567",
		"No. 10", "Section 8", "Article 5", "10 Downing Street", "Route 66", "Resolution 2231", "#1",
		"Su-34", "F-16", "S-400", "HIMARS", "MiG-29", "COVID-19", "Kursk-2", "MH17", "5G", "29km", "180ml",
		"192.168.1.2", "version 1.2.3", "https://example.org/a/2024/300-killed?x=30%25",
		"the one who", "which one", "that one", "one another", "the only one",
		"The 2022 invasion", "Ukraine's 2025 budget", "in the 2024 elections",
	} {
		t.Run(in, func(t *testing.T) {
			if qs := findQuantities(in, nil); len(qs) != 0 {
				t.Errorf("findQuantities(%q) = %v, want nothing", in, texts(qs))
			}
		})
	}
}

// TestFindQuantitiesCountsNearNotCounts keeps what only looks like a year or
// a date: a four-digit count after a hedge, a count right after a date.
func TestFindQuantitiesCountsNearNotCounts(t *testing.T) {
	tests := []struct {
		in    string
		wants []want
	}{
		{"around 2000 troops", []want{{"around 2000", closed(1800, 2200)}}},
		{"out of 2000 soldiers", []want{{"2000", closed(2000, 2000)}}},
		{"On October 24, 2024, 300 soldiers arrived", []want{{"300", closed(300, 300)}}},
		{"one of them", []want{{"one", closed(1, 1)}}},
		{"In 2025, 1,500 were killed", []want{{"1,500", closed(1500, 1500)}}},
		{"10 brigades", []want{{"10", closed(10, 10)}}},
		{"2000 killed", []want{{"2000", closed(2000, 2000)}}},
		{"Only one in five returned", []want{{"one", closed(1, 1)}, {"five", closed(5, 5)}}},
		{"rose by 1,200 to 790,000", []want{{"1,200", closed(1200, 1200)}, {"790,000", closed(790000, 790000)}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			checkQuantities(t, tt.in, findQuantities(tt.in, nil), tt.wants)
		})
	}
}

func TestFindQuantitiesOrderAndOffsets(t *testing.T) {
	in := "About 11 000 were sent; 300 of them died and nearly 2 700 were wounded, more than 3 000 in all."
	qs := findQuantities(in, nil)
	if len(qs) != 4 {
		t.Fatalf("got %v, want 4 quantities", texts(qs))
	}
	for i, q := range qs {
		if in[q.Start:q.End] != q.Text {
			t.Errorf("quantity %d: text %q is not in[%d:%d] = %q", i, q.Text, q.Start, q.End, in[q.Start:q.End])
		}
		if i > 0 && q.Start < qs[i-1].End {
			t.Errorf("quantity %d starts at %d, inside the one before (ends %d)", i, q.Start, qs[i-1].End)
		}
	}
}

func TestFindQuantitiesEmpty(t *testing.T) {
	for _, in := range []string{"", " ", "no figures here at all.", "\x00\xff\xfe", "a", "an and of"} {
		if qs := findQuantities(in, nil); qs != nil {
			t.Errorf("findQuantities(%q) = %v, want nil", in, texts(qs))
		}
	}
}

// FuzzQuantities: any bytes give quantities in order, inside the input,
// with valid intervals, and never a panic.
func FuzzQuantities(f *testing.F) {
	for _, s := range []string{
		"He said that 8 000 North Korean fighters are still fighting in Kursk.",
		"300 of them are now believed to be killed and nearly 2 700 wounded.",
		"between 100 and 300, 15,000 to 18,000, 1,000–3,000, the low end of 100 to 300",
		"two-thirds of whom; half a dozen; one and a half million; several hundred; tens of thousands",
		"more than 10 and less than 40; 300 or more; 5,000+; 40 per cent; $5m; €3.5bn",
		"on October 24, 2024, at 10:30, a 45-year-old, No. 10, Su-34, +380 44 123 4567, 192.168.1.2",
		"1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9",
		strings.Repeat("9", 2000),
		strings.Repeat("1,000", 300),
		"\xff\xfe\x00 8\u202f000 \xe2\x80 ½ ⅔ 3½ 2.400.000,5",
		"hundred thousand million billion trillion lakh crore dozen dozens",
	} {
		f.Add(s)
	}
	h := DefaultHedges()
	f.Fuzz(func(t *testing.T, s string) {
		qs := findQuantities(s, &h)
		prev := 0
		for i, q := range qs {
			if q.Start < prev || q.Start >= q.End || q.End > len(s) {
				t.Fatalf("quantity %d [%d,%d] out of order or out of range (input %d bytes, previous end %d)", i, q.Start, q.End, len(s), prev)
			}
			if s[q.Start:q.End] != q.Text {
				t.Fatalf("quantity %d: text %q is not input[%d:%d]", i, q.Text, q.Start, q.End)
			}
			if !q.Value.Valid() {
				t.Fatalf("quantity %d %q: invalid interval %v", i, q.Text, q.Value)
			}
			// A hedge widens or opens the interval around the number it
			// hedges; it never moves the number out of it.
			if n, ok := soleNumber(q); ok && !(q.Value.Low <= n*(1+1e-9) && n <= q.Value.High*(1+1e-9)) {
				t.Fatalf("quantity %d %q: interval %v does not reach the number %v it hedges", i, q.Text, q.Value, n)
			}
			prev = q.End
		}
		for i, q := range scanNumbers(s) {
			if q.Start < 0 || q.Start >= q.End || q.End > len(s) || !q.Value.Valid() {
				t.Fatalf("raw number %d [%d,%d] %v invalid (input %d bytes)", i, q.Start, q.End, q.Value, len(s))
			}
		}
	})
}

// soleNumber is the one plain number a quantity's words hold, if they hold
// exactly one and the quantity is a count built from it.
func soleNumber(q Quantity) (float64, bool) {
	if q.Vague || q.Fraction {
		return 0, false
	}
	raw := scanNumbers(q.Text)
	if len(raw) != 1 || raw[0].Value.Low != raw[0].Value.High {
		return 0, false
	}
	return raw[0].Value.Low, true
}

// TestFindQuantitiesBadInput: the inputs issue 3 names give a result, in
// bounded time (the benchmarks measure it), and never a panic.
func TestFindQuantitiesBadInput(t *testing.T) {
	bin := make([]byte, 1<<16)
	for i := range bin {
		bin[i] = byte(i*7919 + i>>3)
	}
	tests := []struct {
		name string
		in   string
		max  int // most quantities that make sense
	}{
		{"100,000 digits", strings.Repeat("7", 100000), 0},
		{"binary garbage", string(bin), len(bin)},
		{"invalid UTF-8", strings.Repeat("\xc3\x28\xa0\xa1 3 000 \xe2\x82", 1000), 1000},
		{"one long sentence", strings.Repeat("about 300 soldiers and ", 20000), 20000},
		{"unbalanced quotes", strings.Repeat("\u201cnearly 2 700 ", 500), 500},
		{"mixed scripts", strings.Repeat("около 8 000 солдат, 約3000人, about 3 000 troops. ", 200), 600},
		{"separators only", strings.Repeat(", . - – ~ %", 5000), 0},
		{"words only", strings.Repeat("hundred and thousand and a half of ", 5000), 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs := findQuantities(tt.in, nil)
			if len(qs) > tt.max {
				t.Errorf("%d quantities, want at most %d", len(qs), tt.max)
			}
			for _, q := range qs {
				if !q.Value.Valid() || q.End > len(tt.in) {
					t.Fatalf("bad quantity %q %v", q.Text, q.Value)
				}
			}
		})
	}
	// A long text of one repeated figure yields one quantity per figure.
	in := strings.Repeat("about 300 soldiers and ", 20000)
	if qs := findQuantities(in, nil); len(qs) != 20000 || qs[19999].Value != closed(270, 330) {
		t.Errorf("repeated figure: %d quantities, want 20000", len(qs))
	}
}
