package lang

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// renderTokens writes a document the way a linguist checks one: one string per
// sentence, words separated by " | ", the words of a multiword token joined
// by "+" ("do+n't").
func renderTokens(doc *Doc) []string {
	var out []string
	for _, s := range doc.Sentences {
		var parts []string
		for _, tk := range surfaceTokens(&s) {
			var ws []string
			for i := tk.First; i <= tk.Last; i++ {
				ws = append(ws, s.Words[i].Form)
			}
			parts = append(parts, strings.Join(ws, "+"))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}

// checkTokenized asserts what every tokenization must hold, whatever the text:
// spans increase and lie inside the text, every word and token is its span
// of the text (a multiword token's words are plain cuts of it), tokens
// cover their words, and no sentence is longer than MaxWords words.
func checkTokenized(t *testing.T, doc *Doc) {
	t.Helper()
	text := doc.Text
	last := 0
	for si, s := range doc.Sentences {
		if len(s.Words) == 0 || len(s.Words) > MaxWords {
			t.Fatalf("sentence %d has %d words; want 1 to %d", si, len(s.Words), MaxWords)
		}
		if s.Start < last || s.End > len(text) || s.Start >= s.End {
			t.Fatalf("sentence %d spans %d:%d after offset %d in a text of %d bytes", si, s.Start, s.End, last, len(text))
		}
		next := 0
		for ti, tk := range s.Tokens {
			if tk.First != next || tk.Last < tk.First || tk.Last >= len(s.Words) {
				t.Fatalf("sentence %d token %d %q covers words %d–%d; want from %d", si, ti, tk.Form, tk.First, tk.Last, next)
			}
			next = tk.Last + 1
			if tk.Start < last || tk.End <= tk.Start || tk.Start < s.Start || tk.End > s.End || text[tk.Start:tk.End] != tk.Form {
				t.Fatalf("sentence %d token %d %q spans %d:%d, out of order or not its text", si, ti, tk.Form, tk.Start, tk.End)
			}
			pos := tk.Start
			for i := tk.First; i <= tk.Last; i++ {
				w := s.Words[i]
				if w.Form == "" || w.Start != pos || text[w.Start:w.End] != w.Form {
					t.Fatalf("sentence %d word %d %q spans %d:%d; want a non-empty cut of token %q from %d", si, i, w.Form, w.Start, w.End, tk.Form, pos)
				}
				if (tk.Last > tk.First) != (w.MWT == ti) || (tk.Last == tk.First && w.MWT != -1) {
					t.Fatalf("sentence %d word %q has MWT %d; its token is %d (%d words)", si, w.Form, w.MWT, ti, tk.Last-tk.First+1)
				}
				if w.Head != -1 || w.UPOS != "" || w.Lemma != "" {
					t.Fatalf("sentence %d word %q is annotated (head %d, %q, %q); Tokenize must leave it bare", si, w.Form, w.Head, w.UPOS, w.Lemma)
				}
				pos = w.End
			}
			if pos != tk.End {
				t.Fatalf("sentence %d token %q: its words end at %d, it ends at %d", si, tk.Form, pos, tk.End)
			}
			last = tk.End
		}
		if next != len(s.Words) {
			t.Fatalf("sentence %d: tokens cover %d of %d words", si, next, len(s.Words))
		}
		last = s.End
	}
}

func TestTokenizeWireCopy(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"ranks, titles, months and times keep their stop",
			"Lt. Gen. Park met Mr. Kim and Dr. Lee on Jan. 5 at 10 a.m. in the U.S. capital.",
			[]string{"Lt. | Gen. | Park | met | Mr. | Kim | and | Dr. | Lee | on | Jan. | 5 | at | 10 | a.m. | in | the | U.S. | capital | ."}},
		{"No. before a number is an abbreviation, elsewhere a word",
			"He moved to No. 10 on Feb. 3. The answer was no. Then he left.",
			[]string{"He | moved | to | No. | 10 | on | Feb. | 3 | .", "The | answer | was | no | .", "Then | he | left | ."}},
		{"an abbreviation ends a sentence only before a usual opener",
			"The aid came from the U.S. The U.S. Army said it arrived at 9 a.m. Monday.",
			[]string{"The | aid | came | from | the | U.S | .", "The | U.S. | Army | said | it | arrived | at | 9 | a.m. | Monday | ."}},
		{"an abbreviation that ends a paragraph gives up its stop, as EWT writes it",
			"They sell apples, pears etc.\n\nPrices rose.",
			[]string{"They | sell | apples | , | pears | etc | .", "Prices | rose | ."}},
		{"AP state abbreviations keep their stop",
			"Rep. John Lewis, D-Ga., and Sen. Ann Lee, R-Calif., voted no.",
			[]string{"Rep. | John | Lewis | , | D | - | Ga. | , | and | Sen. | Ann | Lee | , | R | - | Calif. | , | voted | no | ."}},
		{"an acronym before a stop ends the sentence",
			"They met at 3 p.m. EST. Gov. Newsom left. See p. 12 of the report.",
			[]string{"They | met | at | 3 | p.m. | EST | .", "Gov. | Newsom | left | .", "See | p. | 12 | of | the | report | ."}},
		{"a spaced-out abbreviation does not end a sentence",
			"Updated 4:08 p. m. ET on Monday.",
			[]string{"Updated | 4:08 | p | . | m | . | ET | on | Monday | ."}},
		{"a time of day ends a sentence before a capital that is not a date word",
			"The blast came at 9 a.m. Officials arrived at 10 a.m. Monday and left at 2 p.m. EST.",
			[]string{"The | blast | came | at | 9 | a.m | .", "Officials | arrived | at | 10 | a.m. | Monday | and | left | at | 2 | p.m. | EST | ."}},
		{"initials do not end a sentence",
			"N. Korea and J. R. Smith agreed.",
			[]string{"N. | Korea | and | J. | R. | Smith | agreed | ."}},
		{"an initial before a usual opener ends the sentence",
			"They chose Plan B. The vote was close.",
			[]string{"They | chose | Plan | B | .", "The | vote | was | close | ."}},
		{"numbers stay whole, hyphens are split",
			"The 6.1-magnitude quake killed 8,000 people, 3.5 percent of 1.2 million in Al-Zaman.",
			[]string{"The | 6.1 | - | magnitude | quake | killed | 8,000 | people | , | 3.5 | percent | of | 1.2 | million | in | Al | - | Zaman | ."}},
		{"thousands separated by a space are one number",
			"About 8 000 troops and 12 500 000 euros, but not 2015 100 or 8 00.",
			[]string{"About | 8 000 | troops | and | 12 500 000 | euros | , | but | not | 2015 | 100 | or | 8 | 00 | ."}},
		{"hyphen prefixes, telephone numbers and ranges",
			"The co-founder sent an e-mail to 713-853-3989 about the 1969-1970 season.",
			[]string{"The | co-founder | sent | an | e-mail | to | 713-853-3989 | about | the | 1969 | - | 1970 | season | ."}},
		{"a stop with no space after it still ends the sentence",
			"The blast caused heavy casualties.On Monday, officials said more.",
			[]string{"The | blast | caused | heavy | casualties | .", "On | Monday | , | officials | said | more | ."}},
		{"a dateline belongs to the first sentence",
			"SEOUL, Feb. 4 (Yonhap) -- North Korea fired a missile, officials said.",
			[]string{"SEOUL | , | Feb. | 4 | ( | Yonhap | ) | -- | North | Korea | fired | a | missile | , | officials | said | ."}},
		{"quotes that close after the full stop stay with the sentence",
			"\"We will not retreat,\" he said. \"The fight goes on.\" Then he said it was “over.” Talks resumed.",
			[]string{"\" | We | will | not | retreat | , | \" | he | said | .", "\" | The | fight | goes | on | . | \"",
				"Then | he | said | it | was | “ | over | . | ”", "Talks | resumed | ."}},
		{"a question inside quotes goes on with a lower-case word",
			"\"Why now?\" she asked. ‘Because,’ he said. «Enough!» Nobody answered.",
			[]string{"\" | Why | now | ? | \" | she | asked | .", "‘ | Because | , | ’ | he | said | .", "« | Enough | ! | »", "Nobody | answered | ."}},
		{"a straight quote between marks closes after a stop and opens after a bracket",
			"He said \"no.\"Then (\"maybe\") he left.",
			[]string{"He | said | \" | no | . | \"", "Then | ( | \" | maybe | \" | ) | he | left | ."}},
		{"a quote closed after a stop goes on before a lower-case word",
			"\"We will go.\" he said. \"Now.\" They left.",
			[]string{"\" | We | will | go | . | \" | he | said | .", "\" | Now | . | \"", "They | left | ."}},
		{"low and guillemet quotes open and close by their spacing",
			"He called it „a farce“. Others said »no more«. ”Enough,” one wrote.",
			[]string{"He | called | it | „ | a | farce | “ | .", "Others | said | » | no | more | « | .", "” | Enough | , | ” | one | wrote | ."}},
		{"dashes and brackets are tokens of their own",
			"The vote — delayed twice – was held; results--due (on Friday) [or later]--were not.",
			[]string{"The | vote | — | delayed | twice | – | was | held | ; | results | -- | due | ( | on | Friday | ) | [ | or | later | ] | -- | were | not | ."}},
		{"an ellipsis ends a sentence only before a capital",
			"He paused... and went on. Then silence… Nothing more.",
			[]string{"He | paused | ... | and | went | on | .", "Then | silence | …", "Nothing | more | ."}},
		{"a blank line always ends a sentence",
			"Talks stalled\n\nthe next day, they resumed",
			[]string{"Talks | stalled", "the | next | day | , | they | resumed"}},
		{"a headline line ends at its line break, wrapped prose does not",
			"Quake hits southern Turkey\nANKARA, Feb. 6 (Reuters) - A strong earthquake struck the region early on Monday, and\nofficials said dozens of buildings had collapsed.",
			[]string{"Quake | hits | southern | Turkey",
				"ANKARA | , | Feb. | 6 | ( | Reuters | ) | - | A | strong | earthquake | struck | the | region | early | on | Monday | , | and | officials | said | dozens | of | buildings | had | collapsed | ."}},
		{"bullets start sentences",
			"Key points:\n• Prices rose 3%\n• Wages fell\n- Rents were flat",
			[]string{"Key | points | :", "• | Prices | rose | 3 | %", "• | Wages | fell", "- | Rents | were | flat"}},
		{"numbered list items are one sentence each",
			"Demands:\n1. A ceasefire now\n2. Talks in May.",
			[]string{"Demands | :", "1 | . | A | ceasefire | now", "2 | . | Talks | in | May | ."}},
		{"a URL keeps a bracket it opened, not one around it",
			"(see https://en.wikipedia.org/wiki/Mercury_(planet)) and [www.example.com].",
			[]string{"( | see | https://en.wikipedia.org/wiki/Mercury_(planet) | ) | and | [ | www.example.com | ] | ."}},
		{"clitics and contractions are multiword tokens",
			"I'm sure they don't know; we won't say, she cannot, it’s Russia's call and I dont care.",
			[]string{"I+'m | sure | they | do+n't | know | ; | we | wo+n't | say | , | she | can+not | , | it+’s | Russia+'s | call | and | I | do+nt | care | ."}},
		{"plural possessives take the apostrophe as a word",
			"The workers' union and the Joneses’ lawyer gonna sue.",
			[]string{"The | workers+' | union | and | the | Joneses+’ | lawyer | gon+na | sue | ."}},
		{"URLs, e-mail addresses, handles and hashtags stay whole",
			"Write to press@example.org or see https://example.com/news?id=5, follow @Reuters_World, #Quake2023 and bbc.co.uk.",
			[]string{"Write | to | press@example.org | or | see | https://example.com/news?id=5 | , | follow | @Reuters_World | , | #Quake2023 | and | bbc.co.uk | ."}},
		{"an address after a colon is found",
			"Contact:press@example.org, tips/leads and and/or.",
			[]string{"Contact | : | press@example.org | , | tips | / | leads | and | and | / | or | ."}},
		{"Unicode line and paragraph separators break lines",
			"Storm nears coast\u2028Residents flee.\u2029the end",
			[]string{"Storm | nears | coast", "Residents | flee | .", "the | end"}},
		{"letters written against a number are split off it, but for ordinals and decades",
			"It costs $5m, or £1.4bn, at 5pm on the 9th after 40mins, as in the 1990s on 5G for $136M.",
			[]string{"It | costs | $ | 5 | m | , | or | £ | 1.4 | bn | , | at | 5 | pm | on | the | 9th | after | 40 | mins | , | as | in | the | 1990s | on | 5G | for | $ | 136 | M | ."}},
		{"a prefix inside a hyphenated name is split",
			"Lashkar-e-Toiba claimed the e-mail.",
			[]string{"Lashkar | - | e | - | Toiba | claimed | the | e-mail | ."}},
		{"an emoticon or emoji after the final mark stays with the sentence",
			"What a win! :) Fans cheered 🎉 Then they left. 👋",
			[]string{"What | a | win | ! | :)", "Fans | cheered | 🎉 | Then | they | left | . | 👋"}},
		{"a soft hyphen does not cut a word",
			"The inter\u00adnational talks.",
			[]string{"The | inter\u00adnational | talks | ."}},
		{"other scripts and emoji",
			"Protesters chanted «Слава Україні» 🇺🇦 and waved 👍🏽👨‍👩‍👧 in 東京.",
			[]string{"Protesters | chanted | « | Слава | Україні | » | 🇺🇦 | and | waved | 👍🏽 | 👨‍👩‍👧 | in | 東京 | ."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := Tokenize(tc.text)
			checkTokenized(t, doc)
			got := renderTokens(doc)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Tokenize(%q):\ngot  %d sentences:\n\t%s\nwant %d:\n\t%s", tc.text,
					len(got), strings.Join(got, "\n\t"), len(tc.want), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}

func TestTokenizeSpaceAfter(t *testing.T) {
	doc := Tokenize("He said \"no.\"\nDon't.")
	checkTokenized(t, doc)
	var got []string
	for _, s := range doc.Sentences {
		for _, w := range s.Words {
			mark := ""
			if !w.SpaceAfter {
				mark = "·"
			}
			got = append(got, w.Form+mark)
		}
	}
	want := "He said \"· no· .· \" Do· n't· .·"
	if strings.Join(got, " ") != want {
		t.Errorf("SpaceAfter (· marks no space after):\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestTokenizeLimits(t *testing.T) {
	clause := "the ministry said on Tuesday that the convoy had reached the border town"
	for _, tc := range []struct {
		name string
		text string
		// cutAfterComma: every piece but the last ends with a comma
		cutAfterComma bool
	}{
		{"a run-on sentence is cut at a comma near the limit", strings.Repeat(clause+", ", 200), true},
		{"a sentence with no comma is cut at the limit", strings.Repeat("word ", 1000), false},
		{"a run of multiword tokens is cut between tokens", strings.Repeat("don't ", 400), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := Tokenize(tc.text)
			checkTokenized(t, doc)
			if len(doc.Sentences) < 2 {
				t.Fatalf("%d sentences; want the text cut into several", len(doc.Sentences))
			}
			for i, s := range doc.Sentences[:len(doc.Sentences)-1] {
				lastWord := s.Words[len(s.Words)-1].Form
				if tc.cutAfterComma && (lastWord != "," || len(s.Words) < MaxWords-cutWindow) {
					t.Errorf("piece %d ends with %q after %d words; want a comma within %d words of %d", i, lastWord, len(s.Words), cutWindow, MaxWords)
				}
				if !tc.cutAfterComma && len(s.Words) < MaxWords-1 {
					t.Errorf("piece %d has %d words; want it cut at the limit of %d", i, len(s.Words), MaxWords)
				}
			}
		})
	}
}

func TestTokenizeOddInput(t *testing.T) {
	for _, tc := range []struct{ name, text string }{
		{"empty", ""},
		{"only whitespace", " \n\t\r\n  "},
		{"invalid UTF-8", "caf\xe9 \xff\xfe\xfd ok\xc3"},
		{"control characters", "a\x00b\x01c\x1b[31mred\x7f \u0085next"},
		{"a long run of one letter", strings.Repeat("a", 5000)},
		{"a long run of one mark", strings.Repeat("!", 5000) + strings.Repeat("-", 3000)},
		{"hyphen chain", strings.Repeat("a-", 3000)},
		{"stop chain", strings.Repeat("a.", 3000)},
		{"digits with spaces", strings.Repeat("1 000 ", 2000)},
		{"an URL with no end", "http://" + strings.Repeat("x", 10000)},
		{"at signs", strings.Repeat("a@", 3000)},
		{"quotes", strings.Repeat("'\"“‘", 1000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := Tokenize(tc.text)
			checkTokenized(t, doc)
			for _, s := range doc.Sentences {
				for _, tk := range s.Tokens {
					if len(tk.Form) > maxURLBytes {
						t.Errorf("token of %d bytes; want at most %d", len(tk.Form), maxURLBytes)
					}
				}
			}
			if !utf8.ValidString(tc.text) {
				return
			}
			// On valid text, every non-space byte is in some token.
			covered := 0
			for _, s := range doc.Sentences {
				for _, tk := range s.Tokens {
					covered += len(strings.Join(strings.Fields(tk.Form), ""))
				}
			}
			if want := len(strings.Join(strings.FieldsFunc(tc.text, func(r rune) bool { return r <= ' ' || r == 0x7f || r == 0x85 }), "")); covered != want {
				t.Errorf("tokens cover %d non-space bytes of %d", covered, want)
			}
		})
	}
}

// TestTokenizeCoNLLURoundTrip writes Tokenize's output as CoNLL-U and reads
// it back: the same sentences, words and multiword tokens must come out, so
// the tokenization can be handed to UD tools and back.
func TestTokenizeCoNLLURoundTrip(t *testing.T) {
	text := "SEOUL, Feb. 4 (Yonhap) -- North Korea's envoy didn't come.\n\n\"We cannot wait,\" he said. Officials meet at 10 a.m. Monday."
	doc := Tokenize(text)
	var buf strings.Builder
	if err := WriteCoNLLU(&buf, doc); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCoNLLU(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("reading back what WriteCoNLLU wrote: %v\n%s", err, buf.String())
	}
	if got, want := renderTokens(back), renderTokens(doc); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after a CoNLL-U round trip:\ngot  %q\nwant %q", got, want)
	}
}

func TestTokenizeOffsets(t *testing.T) {
	text := "Ali-Zaman didn’t see 8 000 troops.\n\nThen?"
	doc := Tokenize(text)
	checkTokenized(t, doc)
	type spanned struct {
		form       string
		start, end int
	}
	var got []spanned
	for _, s := range doc.Sentences {
		got = append(got, spanned{"<s>", s.Start, s.End})
		for _, w := range s.Words {
			got = append(got, spanned{w.Form, w.Start, w.End})
		}
	}
	want := []spanned{
		{"<s>", 0, 36}, {"Ali", 0, 3}, {"-", 3, 4}, {"Zaman", 4, 9}, {"did", 10, 13}, {"n’t", 13, 18},
		{"see", 19, 22}, {"8 000", 23, 28}, {"troops", 29, 35}, {".", 35, 36},
		{"<s>", 38, 43}, {"Then", 38, 42}, {"?", 42, 43},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("word spans (sentences as <s>):\ngot  %v\nwant %v", got, want)
	}
}
