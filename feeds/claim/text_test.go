package claim

import (
	"strings"
	"testing"
)

func TestPlain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept as is", "He said 8 000 are fighting.\n\nNext.", "He said 8 000 are fighting.\n\nNext."},
		{"line endings", "One.\r\nTwo.\rThree.", "One.\nTwo.\nThree."},
		{"entities in plain text", "Budanov&#8217;s agency &amp; the NIS", "Budanov’s agency & the NIS"},
		{"a bare < is not HTML", "fewer than <5% of them", "fewer than <5% of them"},
		{"paragraphs", "<p>Media reports are <em>incorrect</em>.</p><p>This was stated by Budanov.</p>",
			"Media reports are incorrect.\n\nThis was stated by Budanov."},
		{"entities and no-break spaces", "<p>8&nbsp;000 North&#x20;Korean fighters &mdash; in Kursk</p>",
			"8\u00a0000 North Korean fighters — in Kursk"},
		{"line breaks and scripts", "<div>Line one<br>Line two<script>var x = '<p>no</p>';</script></div><style>p{}</style>",
			"Line one\nLine two"},
		{"white space collapses", "<p>  North\n   Korea   sent\ttroops </p>", "North Korea sent troops"},
		{"invalid UTF-8 is replaced", "abc\xffdef", "abc\uFFFDdef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Plain(tt.in); got != tt.want {
				t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"titles", "Lt. Gen. Kyrylo Budanov said it. Mr. Kim agreed.",
			[]string{"Lt. Gen. Kyrylo Budanov said it.", "Mr. Kim agreed."}},
		{"U.S. inside and at the end", "U.S. officials said 300 died in the U.S. The next day was quiet.",
			[]string{"U.S. officials said 300 died in the U.S.", "The next day was quiet."}},
		{"months and numbers", "On Feb. 4 the No. 10 brigade moved. It met St. George's unit.",
			[]string{"On Feb. 4 the No. 10 brigade moved.", "It met St. George's unit."}},
		{"decimals", "Russia lost 2.7 million shells. Then 3.5bn more.",
			[]string{"Russia lost 2.7 million shells.", "Then 3.5bn more."}},
		{"initials", "Analyst J. R. Smith said so. He left.", []string{"Analyst J. R. Smith said so.", "He left."}},
		{"quotation closing after the stop", "\"They are fighting.\" Budanov said so.",
			[]string{"\"They are fighting.\"", "Budanov said so."}},
		{"question inside a quotation", "\"Where are they?\" he asked. Nobody knew.",
			[]string{"\"Where are they?\" he asked.", "Nobody knew."}},
		{"a heading without a stop", "Participation of the DPRK military\nUkrainian intelligence reported it.",
			[]string{"Participation of the DPRK military", "Ukrainian intelligence reported it."}},
		{"hard-wrapped text", "Ukrainian intelligence reported on October 24 that the first soldiers\nhad arrived at the front.",
			[]string{"Ukrainian intelligence reported on October 24 that the first soldiers\nhad arrived at the front."}},
		{"paragraphs", "First\n\nSecond", []string{"First", "Second"}},
		{"ellipsis", "They waited... Then they left.", []string{"They waited...", "Then they left."}},
		{"lower case after a stop is no break", "The approx. number is 300.", []string{"The approx. number is 300."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range sentences(tt.in, nil) {
				got = append(got, tt.in[s.start:s.end])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestQuotationsOverSentences(t *testing.T) {
	p := "Budanov spoke. “We need to wait. It is hard. Very hard,” Budanov explained. Then he left.\n\n\"Unclosed. Quote."
	ss := sentences(p, nil)
	qs := markQuotations(p, ss, nil)
	var got []int
	for _, s := range ss {
		got = append(got, s.quote)
	}
	want := []int{-1, 0, 0, 0, -1, -1, -1}
	if len(qs) != 1 || len(got) != len(want) {
		t.Fatalf("quotations %v, sentence marks %v", qs, got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d %q: quote %d, want %d", i, p[ss[i].start:ss[i].end], got[i], want[i])
		}
	}
	if qs[0].first != 1 || qs[0].last != 3 {
		t.Errorf("quotation spans sentences %d..%d, want 1..3", qs[0].first, qs[0].last)
	}
}
