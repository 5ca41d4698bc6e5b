package feeds

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/unicode"
)

// sharedFeeds is the project's shared test material, beside the repository.
const sharedFeeds = "../../shared/benchmarks/feeds"

// feedsDir returns the shared feed collection; it skips the test with a
// message when the repository is checked out without it.
func feedsDir(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(sharedFeeds); err != nil {
		t.Skipf("%s is absent: the shared test material is not beside the repository", sharedFeeds)
	}
	return sharedFeeds
}

func readFeed(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(feedsDir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hasItemTitled(f *Feed, title string) bool {
	for _, it := range f.Items {
		if it.Title == title {
			return true
		}
	}
	return false
}

func titles(f *Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Title)
	}
	return out
}

// The item counts were counted with grep on <item>/<entry> and the titles
// read by eye in each file's declared encoding.
var realWorld = map[string]struct {
	items     int
	title     string
	itemTitle string
	ttl       time.Duration
}{
	"encoding_ISO-8859-1.xml":    {40, "Golem.de", "Wochenrückblick: Wilder Westen, buntes Handy, nutzloses Siegel", 0},
	"encoding_WINDOWS-1251.xml":  {50, "iBash.Org.Ru", "Цитата #17703", 0},
	"large_atom.xml":             {25, "Artificial truth", "Using vale with vim", 0},
	"large_rss.xml":              {25, "Artificial truth", "Using vale with vim", 0},
	"no_encoding_ISO-8859-1.xml": {10, "Flux RSS du magazine de psychologie Le Cercle Psy", "La criminalité liée surtout à... l'ennui ?", 0},
	"rdf_UTF8.xml":               {60, "heise online News", "Mega-Deal: IBM übernimmt Red Hat", 0},
	"small_atom.xml":             {20, "Recent Commits to v2:main", "Parse podcast categories", 0},
	"urdu_UTF8.xml": {26, "BBC News  اردو - پاکستان کے لیے امریکی امداد کی بہار و خزاں",
		"امریکہ کے ساتھ خفیہ معلومات کا تبادلہ اور فوجی تعاون معطل کر دیا: وزیر دفاع", 15 * time.Minute},
}

func TestParseRealWorldFeeds(t *testing.T) {
	dir := filepath.Join(feedsDir(t), "real-world")
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no feeds in %s", dir)
	}
	for _, file := range files {
		t.Run(file.Name(), func(t *testing.T) {
			want, ok := realWorld[file.Name()]
			if !ok {
				t.Fatalf("%s is not pinned: count its items and pick a title to check", file.Name())
			}
			body, err := os.ReadFile(filepath.Join(dir, file.Name()))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != want.title {
				t.Errorf("title = %q, want %q", f.Title, want.title)
			}
			if len(f.Items) != want.items {
				t.Errorf("%d items, want %d", len(f.Items), want.items)
			}
			if !hasItemTitled(f, want.itemTitle) {
				t.Errorf("no item titled %q among %q", want.itemTitle, titles(f))
			}
			if f.TTL != want.ttl {
				t.Errorf("TTL = %v, want %v", f.TTL, want.ttl)
			}
			for i, it := range f.Items {
				if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Content) || strings.ContainsRune(it.Title, utf8.RuneError) {
					t.Errorf("item %d: badly decoded title %q", i, it.Title)
				}
				empty := it.GUID == "" && it.Link == "" && it.Title == "" && strings.TrimSpace(it.Content) == ""
				if (ItemID(it) == "") != empty {
					t.Errorf("item %d (%+v): identity %q", i, it, ItemID(it))
				}
			}
		})
	}
}

func TestParseEdgeCases(t *testing.T) {
	cases := map[string]struct {
		title     string
		items     int
		itemTitle string
		err       string // substring of the error; "" means it must parse
	}{
		"gofeed-atom03_feed.xml":                     {title: "Feed Title"},
		"gofeed-atom10_feed.xml":                     {title: "Feed Title"},
		"gofeed-empty_feed.xml":                      {err: "feeds: parse: not a feed: empty body"},
		"gofeed-invalid.json":                        {err: "feeds: parse: truncated document"},
		"gofeed-json10_feed.json":                    {title: "title", items: 1, itemTitle: "title"},
		"gofeed-json11_feed.json":                    {title: "title", items: 1, itemTitle: "title"},
		"gofeed-rdf_feed.xml":                        {title: "Feed Title"},
		"gofeed-rss_feed.xml":                        {title: "Feed Title"},
		"gofeed-rss_feed_bom.xml":                    {title: "Feed Title"},
		"gofeed-rss_feed_leading_spaces.xml":         {title: "Feed Title"},
		"gofeed-unknown_feed.xml":                    {err: "feeds: parse: not a feed: root element <note> is not rss, RDF, feed or a JSON Feed"},
		"miniflux-invalid-prolog.xml":                {title: "테스트 피드", items: 1, itemTitle: "Café"},
		"miniflux-iso-8859-1.xml":                    {title: "Café"},
		"miniflux-iso88591_utf8_mismatch.xml":        {err: "root element <note>"},
		"miniflux-koi8r.xml":                         {title: "Пример RSS ленты", items: 2, itemTitle: "Первая новость"},
		"miniflux-utf8-incorrect-prolog.xml":         {title: "테스트 피드", items: 1, itemTitle: "Café"},
		"miniflux-windows-1252-incorrect-prolog.xml": {title: "Euro €"},
		"miniflux-windows-1252.xml":                  {title: "Euro €"},
	}
	dir := filepath.Join(feedsDir(t), "edge-cases")
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(file.Name(), func(t *testing.T) {
			want, ok := cases[file.Name()]
			if !ok {
				t.Fatalf("%s is not pinned: say whether it parses and to what", file.Name())
			}
			body, err := os.ReadFile(filepath.Join(dir, file.Name()))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(body)
			if want.err != "" {
				if err == nil || !strings.Contains(err.Error(), want.err) {
					t.Fatalf("error = %v, want one containing %q", err, want.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != want.title || len(f.Items) != want.items {
				t.Errorf("got %q with %d items, want %q with %d", f.Title, len(f.Items), want.title, want.items)
			}
			if want.itemTitle != "" && !hasItemTitled(f, want.itemTitle) {
				t.Errorf("no item titled %q among %q", want.itemTitle, titles(f))
			}
		})
	}
}

// stripDeclaration removes the XML declaration, leaving a document that
// does not say its encoding.
func stripDeclaration(b []byte) []byte {
	if d := declaration(bytes.TrimLeft(b, " \t\r\n")); d != nil {
		return bytes.TrimLeft(b, " \t\r\n")[len(d):]
	}
	return b
}

func TestParseEncodings(t *testing.T) {
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name        string
		body        []byte
		contentType string
		title       string
		itemTitle   string
	}{
		{"Windows-1251 undeclared", stripDeclaration(readFeed(t, "real-world/encoding_WINDOWS-1251.xml")), "", "iBash.Org.Ru", "Цитата #17703"},
		{"KOI8-R undeclared", stripDeclaration(readFeed(t, "edge-cases/miniflux-koi8r.xml")), "", "Пример RSS ленты", "Вторая новость"},
		{"KOI8-R from the HTTP header", stripDeclaration(readFeed(t, "edge-cases/miniflux-koi8r.xml")), "application/rss+xml; charset=KOI8-R", "Пример RSS ленты", "Первая новость"},
		{"ISO-8859-1 undeclared", readFeed(t, "real-world/no_encoding_ISO-8859-1.xml"), "", "Flux RSS du magazine de psychologie Le Cercle Psy", "La criminalité liée surtout à... l'ennui ?"},
		{"Windows-1252 undeclared", []byte("<rss version=\"2.0\"><channel><title>Caf\xe9 \x80 \x93quoted\x94</title>" +
			"<item><title>Na\xefve r\xe9sum\xe9</title></item></channel></rss>"), "", "Café € “quoted”", "Naïve résumé"},
		{"ISO-8859-1 declared, header says otherwise", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Z\xfcrich</title>" +
			"<item><title>Gr\xfc\xdfe</title></item></channel></rss>"), "text/xml; charset=KOI8-R", "Zürich", "Grüße"},
		{"UTF-16 with BOM", utf16(`<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Киев</title><item><title>Курск</title></item></channel></rss>`),
			"", "Киев", "Курск"},
		{"illegal XML characters", []byte("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Kursk\x01 \x0bupdate\uFFFE</title>" +
			"<item><title>Budanov\x1f says \uFFFF8,000</title></item></channel></rss>"), "", "Kursk update", "Budanov says 8,000"},
		{"mostly UTF-8 with a stray byte", []byte("<rss version=\"2.0\"><channel><title>Київ — Курськ</title><item><title>Zelensky\xff said</title></item></channel></rss>"),
			"", "Київ — Курськ", "Zelensky\uFFFD said"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseWithContentType(tc.body, tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != tc.title {
				t.Errorf("title = %q, want %q", f.Title, tc.title)
			}
			if !hasItemTitled(f, tc.itemTitle) {
				t.Errorf("no item titled %q among %q", tc.itemTitle, titles(f))
			}
		})
	}
}

func TestParseFormats(t *testing.T) {
	pub := time.Date(2025, 1, 20, 9, 30, 0, 0, time.UTC)
	cases := []struct {
		name string
		body string
		want Item
		ttl  time.Duration
	}{
		{"RSS 0.91", `<?xml version="1.0"?><rss version="0.91"><channel><title>Desk</title><ttl>60</ttl>
			<item><title>Kursk</title><link>https://example.org/kursk</link><description>8,000 still fighting</description></item></channel></rss>`,
			Item{Title: "Kursk", Link: "https://example.org/kursk", Content: "8,000 still fighting"}, time.Hour},
		{"RSS 0.92", `<rss version="0.92"><channel><title>Desk</title><ttl>not a number</ttl>
			<item><title>Kursk</title><link>https://example.org/kursk</link><description>8,000 still fighting</description></item></channel></rss>`,
			Item{Title: "Kursk", Link: "https://example.org/kursk", Content: "8,000 still fighting"}, 0},
		{"RSS 2.0 with content:encoded", `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Desk</title><ttl>99999999</ttl>
			<item><guid isPermaLink="false"> kursk-1 </guid><title>Kursk</title><link>https://example.org/kursk</link>
			<description>teaser</description><content:encoded><![CDATA[<p>8,000 still fighting</p>]]></content:encoded>
			<pubDate>Mon, 20 Jan 2025 10:30:00 +0100</pubDate></item></channel></rss>`,
			Item{GUID: "kursk-1", Title: "Kursk", Link: "https://example.org/kursk", Content: "<p>8,000 still fighting</p>", Published: pub}, 7 * 24 * time.Hour},
		{"RDF (RSS 1.0)", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
			<channel rdf:about="https://example.org/"><title>Desk</title></channel>
			<item rdf:about="https://example.org/kursk"><title>Kursk</title><link>https://example.org/kursk</link><description>8,000 still fighting</description></item></rdf:RDF>`,
			Item{Title: "Kursk", Link: "https://example.org/kursk", Content: "8,000 still fighting"}, 0},
		{"Atom 1.0, updated only", `<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>
			<entry><id>urn:kursk</id><title>Kursk</title><link href="https://example.org/kursk"/><updated>2025-01-20T09:30:00Z</updated><summary>8,000 still fighting</summary></entry></feed>`,
			Item{GUID: "urn:kursk", Title: "Kursk", Link: "https://example.org/kursk", Content: "8,000 still fighting", Published: pub}, 0},
		{"Atom 0.3", `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Desk</title>
			<entry><id>urn:kursk</id><title>Kursk</title><link rel="alternate" href="https://example.org/kursk"/><issued>2025-01-20T09:30:00Z</issued><content>8,000 still fighting</content></entry></feed>`,
			Item{GUID: "urn:kursk", Title: "Kursk", Link: "https://example.org/kursk", Content: "8,000 still fighting", Published: pub}, 0},
		{"JSON Feed 1.1", `{"version":"https://jsonfeed.org/version/1.1","title":"Desk","items":[{"id":"k1","url":"https://example.org/kursk","title":"Kursk","content_text":"8,000 still fighting","date_published":"2025-01-20T09:30:00Z"}]}`,
			Item{GUID: "k1", Title: "Kursk", Link: "https://example.org/kursk", Content: "8,000 still fighting", Published: pub}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != "Desk" || len(f.Items) != 1 {
				t.Fatalf("got %q with %d items, want Desk with 1", f.Title, len(f.Items))
			}
			got := f.Items[0]
			if got.GUID != tc.want.GUID || got.Title != tc.want.Title || got.Link != tc.want.Link ||
				got.Content != tc.want.Content || !got.Published.Equal(tc.want.Published) {
				t.Errorf("item = %+v\nwant   %+v", got, tc.want)
			}
			if f.TTL != tc.ttl {
				t.Errorf("TTL = %v, want %v", f.TTL, tc.ttl)
			}
		})
	}
}

func TestParseBadInput(t *testing.T) {
	large := readFeed(t, "real-world/large_rss.xml")
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"HTML page", []byte("<!DOCTYPE html>\n<html lang=\"en\"><head><title>The Kyiv Independent</title></head><body><p>News</p></body></html>"),
			"feeds: parse: not a feed: looks like an HTML page"},
		{"HTML page without doctype", []byte("<html><body>Moved</body></html>"), "feeds: parse: not a feed: looks like an HTML page"},
		{"empty body", nil, "feeds: parse: not a feed: empty body"},
		{"only whitespace", []byte(" \r\n\t "), "feeds: parse: not a feed: empty body"},
		{"truncated XML", large[:len(large)/2], "feeds: parse: truncated document: XML syntax error"},
		{"truncated JSON Feed", []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"Desk","items":[{"id":"k1"`), "feeds: parse: truncated document"},
		{"plain text", []byte("Service temporarily unavailable"), `feeds: parse: not a feed: no RSS, Atom or JSON Feed document found (starts "Service temporarily unavailable")`},
		{"other XML", []byte(`<?xml version="1.0"?><sitemap><url/></sitemap>`), "feeds: parse: not a feed: root element <sitemap>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.body)
			if err == nil {
				t.Fatalf("parsed %+v, want error %q", f, tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant it to start %q", err, tc.want)
			}
		})
	}
	if _, err := Parse([]byte("<html><body/></html>")); !errors.Is(err, ErrNotAFeed) {
		t.Errorf("HTML page: error %v does not wrap ErrNotAFeed", err)
	}
}

// FuzzParse: whatever the bytes, Parse returns without panicking, text
// comes out as valid UTF-8, errors say they are Parse's, and parsing is a
// function: the same bytes give the same error or the same items, with the
// same identity and content hash. An item that has a GUID, a link or text
// has an ID, and IDs and hashes have their one shape.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := Parse(body)
		again, errAgain := Parse(body)
		if (err == nil) != (errAgain == nil) || (err != nil && err.Error() != errAgain.Error()) {
			t.Fatalf("the same bytes parsed twice: %v, then %v", err, errAgain)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "feeds: parse: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if !utf8.ValidString(feed.Title) {
			t.Errorf("invalid UTF-8 title %q", feed.Title)
		}
		if len(again.Items) != len(feed.Items) {
			t.Fatalf("the same bytes parsed twice: %d items, then %d", len(feed.Items), len(again.Items))
		}
		for i, it := range feed.Items {
			if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Content) || !utf8.ValidString(it.Link) {
				t.Errorf("invalid UTF-8 in item %+v", it)
			}
			id, hash := ItemID(it), ContentHash(it)
			if id != ItemID(again.Items[i]) || hash != ContentHash(again.Items[i]) || LinkKey(it.Link) != LinkKey(again.Items[i].Link) {
				t.Errorf("item %d: identity or hash differs between two parses of the same bytes", i)
			}
			hasIdentity := strings.TrimSpace(it.GUID+it.Link+it.Title+it.Content) != ""
			if hasIdentity != (id != "") {
				t.Errorf("item %d: ID %q for an item with GUID %q, link %q, title %q", i, id, it.GUID, it.Link, it.Title)
			}
			if (id != "" && !isHash(id)) || !isHash(hash) {
				t.Errorf("item %d: ID %q, hash %q: want 32 hex digits", i, id, hash)
			}
		}
	})
}

// isHash reports whether s has the shape of hashParts' output.
func isHash(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// rssWithDate is a one-item RSS feed whose channel and item carry date.
func rssWithDate(date string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Desk</title>` +
		`<lastBuildDate>` + date + `</lastBuildDate><item><title>Kursk</title><pubDate>` + date + `</pubDate></item></channel></rss>`
}

// stockPublished is what gofeed, left to itself, reads as the item's date.
func stockPublished(t *testing.T, body string) (time.Time, bool) {
	t.Helper()
	gf, err := gofeed.NewParser().ParseString(body)
	if err != nil || len(gf.Items) != 1 {
		return time.Time{}, false
	}
	if p := gf.Items[0].PublishedParsed; p != nil {
		return p.UTC(), true
	}
	return time.Time{}, true
}

// Parse rewrites the RFC 1123 dates of RSS feeds before gofeed reads them;
// an item's date must come out exactly as gofeed alone would read it.
func TestParseDatesAgreeWithGofeed(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2025, 2, 4, h, m, 0, 0, time.UTC) }
	cases := []struct {
		date      string
		want      time.Time // zero: no date
		rewritten bool      // read by the fast path rather than by gofeed
	}{
		{"Tue, 04 Feb 2025 09:00:00 GMT", at(9, 0), true},
		{"Tue, 4 Feb 2025 09:00:00 +0100", at(8, 0), true},
		{"Tue, 04 Feb 2025 09:00:00 -0530", at(14, 30), true},
		{"  Tue, 04 Feb 2025 09:00:00 EST\n", at(14, 0), true},
		{"Tue, 04 Feb 2025 09:00:00 PDT", at(16, 0), true},
		{"Tue, 04 Feb 2025 09:00:00 CEST", at(7, 0), true},
		{"Tue, 04 Feb 2025 09:00:00 UT", at(9, 0), true},
		{"Tue, 04 Feb 2025 09:00:00 UTC", at(9, 0), true},
		{"Tue, 04 Feb 2025 09:00:00 Z", at(9, 0), true},
		{"tue, 04 feb 2025 09:00:00 GMT", at(9, 0), true},
		{"2025-02-04T09:00:00Z", at(9, 0), false},
		{"Tue, 04 Feb 2025 09:00:00 -07:00", at(16, 0), false},
		{"Tuesday, 04 Feb 2025 09:00:00 GMT", at(9, 0), false},
		{"Tue, 04 Feb 2025 09:00 GMT", at(9, 0), false},
		{"Tue, 04 Feb 2025 09:00:00 XYZ", at(9, 0), false},
		{"Sun, 30 Feb 2025 09:00:00 GMT", time.Time{}, false},
		{"Tue, 04 Feb 2025 25:00:00 GMT", time.Time{}, false},
		{"Tue, 04 Feb 2025 09:00:00 +01", at(8, 0), false},
		{"soon", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.date, func(t *testing.T) {
			body := rssWithDate(tc.date)
			f, err := Parse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Items[0].Published; !got.Equal(tc.want) {
				t.Errorf("published %v, want %v", got, tc.want)
			}
			if stock, ok := stockPublished(t, body); !ok || !stock.Equal(f.Items[0].Published) {
				t.Errorf("published %v, gofeed alone reads %v", f.Items[0].Published, stock)
			}
			if rewritten := string(normalizeDates([]byte(body))) != body; rewritten != tc.rewritten {
				t.Errorf("rewritten = %v, want %v", rewritten, tc.rewritten)
			}
		})
	}
}

// Every zone name the fast path resolves must mean what it means to gofeed.
func TestParseDateZonesAgreeWithGofeed(t *testing.T) {
	for _, zone := range []string{"Z", "UT", "UTC", "GMT", "WET", "EDT", "EST", "CDT", "CST", "MDT", "MST",
		"PDT", "PST", "WEST", "BST", "CET", "CEST", "EET", "EEST"} {
		t.Run(zone, func(t *testing.T) {
			body := rssWithDate("Sat, 16 Aug 2025 23:30:00 " + zone)
			if string(normalizeDates([]byte(body))) == body {
				t.Fatalf("%s was left to gofeed", zone)
			}
			f, err := Parse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			stock, ok := stockPublished(t, body)
			if !ok || stock.IsZero() || !stock.Equal(f.Items[0].Published) {
				t.Errorf("published %v, gofeed alone reads %v", f.Items[0].Published, stock)
			}
		})
	}
}

// A date-like element inside a CDATA section or a comment is text, which
// must reach the reader unchanged.
func TestNormalizeDatesLeavesContentAlone(t *testing.T) {
	const gmt = "Tue, 04 Feb 2025 09:00:00 GMT"
	body := `<rss version="2.0"><channel><title>Desk</title><!-- <pubDate>` + gmt + `</pubDate> -->` +
		`<item><description><![CDATA[Sample: <pubDate>` + gmt + `</pubDate>]]></description><pubDate>` + gmt + `</pubDate></item>` +
		`<item><pubDate><![CDATA[` + gmt + `]]></pubDate><description><![CDATA[unterminated <pubDate>` + gmt + `</pubDate>`
	want := `<rss version="2.0"><channel><title>Desk</title><!-- <pubDate>` + gmt + `</pubDate> -->` +
		`<item><description><![CDATA[Sample: <pubDate>` + gmt + `</pubDate>]]></description><pubDate>2025-02-04T09:00:00Z</pubDate></item>` +
		`<item><pubDate><![CDATA[` + gmt + `]]></pubDate><description><![CDATA[unterminated <pubDate>` + gmt + `</pubDate>`
	if got := string(normalizeDates([]byte(body))); got != want {
		t.Errorf("normalizeDates:\n got %s\nwant %s", got, want)
	}
}

// FuzzDates: whatever an RSS item's date says, Parse reads the same
// instant from it as gofeed alone.
func FuzzDates(f *testing.F) {
	f.Fuzz(func(t *testing.T, date string) {
		if !utf8.ValidString(date) || strings.ContainsAny(date, "<&") {
			return
		}
		body := rssWithDate(date)
		stock, ok := stockPublished(t, body)
		if !ok {
			return
		}
		feed, err := Parse([]byte(body))
		if err != nil {
			t.Fatalf("gofeed reads %q, Parse fails: %v", body, err)
		}
		if len(feed.Items) != 1 || !feed.Items[0].Published.Equal(stock) {
			t.Fatalf("date %q: published %+v, gofeed alone reads %v", date, feed.Items, stock)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"large_rss.xml", "large_atom.xml"} {
		b.Run(name, func(b *testing.B) {
			body := readFeed(b, "real-world/"+name)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
