package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Feed is a parsed feed: only what the pipeline needs.
type Feed struct {
	Title string
	// TTL is RSS <ttl>: how long the publisher asks readers to cache the
	// feed. Zero if absent.
	TTL   time.Duration
	Items []Item
}

// Item is one entry of a feed. Content is HTML or text as the feed gave it:
// the full content if the feed carries it, else the summary.
type Item struct {
	GUID      string
	Link      string
	Title     string
	Content   string
	Published time.Time
}

// ErrNotAFeed is wrapped when the body is readable but is no RSS, Atom or
// JSON Feed document (an HTML page, an empty body, some other XML).
var ErrNotAFeed = errors.New("not a feed")

// Parse reads an RSS 0.9x–2.0, RDF, Atom 0.3/1.0 or JSON Feed 1.0/1.1
// document. Whatever the document's encoding, declared truthfully, falsely
// or not at all, the text comes out as UTF-8. Errors start "feeds: parse:"
// and say what the body looked like.
func Parse(body []byte) (*Feed, error) {
	return ParseWithContentType(body, "")
}

// ParseWithContentType is Parse with the HTTP Content-Type, whose charset
// is used for a non-UTF-8 document that declares none itself.
func ParseWithContentType(body []byte, contentType string) (*Feed, error) {
	body = trimBOMAndSpace(body)
	if len(body) == 0 {
		return nil, fmt.Errorf("feeds: parse: %w: empty body", ErrNotAFeed)
	}
	if body[0] != '{' && body[0] != '[' {
		body = normalizeDates(xmlToUTF8(body, headerCharset(contentType)))
	} else if !utf8.Valid(body) {
		// JSON is UTF-8 by definition; salvage what can be read.
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}

	p := gofeed.NewParser()
	// The universal feed drops RSS <ttl>; the original keeps it.
	p.KeepOriginalFeed = true
	// The default translator parses every item's content and description
	// as an HTML document to find an image, which Crosscheck never shows:
	// it was a quarter of all the allocations of parsing a feed.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	gf, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, parseError(body, err)
	}

	feed := &Feed{Title: strings.TrimSpace(gf.Title), Items: make([]Item, 0, len(gf.Items))}
	if rf, ok := gf.OriginalFeed().(*rss.Feed); ok {
		if minutes, err := strconv.Atoi(strings.TrimSpace(rf.TTL)); err == nil && minutes > 0 {
			feed.TTL = time.Duration(min(minutes, 7*24*60)) * time.Minute
		}
	}
	for _, gi := range gf.Items {
		if gi == nil {
			continue
		}
		it := Item{
			GUID:    strings.TrimSpace(gi.GUID),
			Link:    strings.TrimSpace(gi.Link),
			Title:   strings.TrimSpace(gi.Title),
			Content: gi.Content,
		}
		if strings.TrimSpace(it.Content) == "" {
			it.Content = gi.Description
		}
		if it.Link == "" && len(gi.Links) > 0 {
			it.Link = strings.TrimSpace(gi.Links[0])
		}
		switch {
		case gi.PublishedParsed != nil:
			it.Published = gi.PublishedParsed.UTC()
		case gi.UpdatedParsed != nil:
			it.Published = gi.UpdatedParsed.UTC()
		}
		feed.Items = append(feed.Items, it)
	}
	return feed, nil
}

func parseError(body []byte, err error) error {
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		if looksLikeHTML(body) {
			return fmt.Errorf("feeds: parse: %w: looks like an HTML page", ErrNotAFeed)
		}
		if root := rootElement(body); root != "" {
			return fmt.Errorf("feeds: parse: %w: root element <%s> is not rss, RDF, feed or a JSON Feed", ErrNotAFeed, root)
		}
		return fmt.Errorf("feeds: parse: %w: no RSS, Atom or JSON Feed document found (starts %q)", ErrNotAFeed, preview(body))
	}
	msg := err.Error()
	if strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "unexpected end") {
		return fmt.Errorf("feeds: parse: truncated document: %w", err)
	}
	return fmt.Errorf("feeds: parse: malformed feed: %w", err)
}

func looksLikeHTML(body []byte) bool {
	head := bytes.ToLower(body[:min(len(body), 1024)])
	return bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))
}

var rootTag = regexp.MustCompile(`<([A-Za-z_][-A-Za-z0-9_.:]*)`)

// rootElement names the first element of an XML-ish body, to say in an
// error what the document was instead of a feed.
func rootElement(body []byte) string {
	head := body[:min(len(body), 4096)]
	for {
		i := bytes.IndexByte(head, '<')
		if i < 0 || i+1 >= len(head) {
			return ""
		}
		head = head[i:]
		switch {
		case bytes.HasPrefix(head, []byte("<?")):
			head = skipPast(head, "?>")
		case bytes.HasPrefix(head, []byte("<!--")):
			head = skipPast(head, "-->")
		case bytes.HasPrefix(head, []byte("<!")):
			head = skipPast(head, ">")
		default:
			if m := rootTag.FindSubmatch(head); m != nil && bytes.HasPrefix(head, m[0]) {
				return string(m[1])
			}
			return ""
		}
	}
}

func skipPast(b []byte, sep string) []byte {
	i := bytes.Index(b, []byte(sep))
	if i < 0 {
		return nil
	}
	return b[i+len(sep):]
}

func preview(body []byte) string {
	s := body[:min(len(body), 40)]
	for !utf8.Valid(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	return string(s)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func trimBOMAndSpace(body []byte) []byte {
	switch {
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		// UTF-16 with a BOM: the BOM tells the byte order.
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(body); err == nil {
			body = rewriteDeclaredEncoding(out)
		}
	}
	body = bytes.TrimPrefix(body, utf8BOM)
	return bytes.TrimLeft(body, " \t\r\n")
}

var encodingAttr = regexp.MustCompile(`encoding\s*=\s*["']([^"']*)["']`)

// declaration returns the XML declaration at the start of body, if any.
func declaration(body []byte) []byte {
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		return nil
	}
	end := bytes.Index(body[:min(len(body), 512)], []byte("?>"))
	if end < 0 {
		return nil
	}
	return body[:end+2]
}

func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// xmlToUTF8 decodes an XML document to UTF-8 and says so in its
// declaration. Prologs lie: a body that is valid UTF-8 is taken as UTF-8
// whatever it declares (a Latin-1 reading of real UTF-8 would garble every
// accent); otherwise the declared charset is used, then the HTTP one, and
// a guess between Windows-1252, Windows-1251 and KOI8-R when neither is
// known.
func xmlToUTF8(body []byte, httpCharset string) []byte {
	decl := declaration(body)
	label := ""
	if m := encodingAttr.FindSubmatch(decl); m != nil {
		label = strings.TrimSpace(string(m[1]))
	}
	if label == "" || strings.EqualFold(label, "utf-8") {
		if e, _ := charset.Lookup(httpCharset); e != nil && e != unicode.UTF8 {
			label = httpCharset
		}
	}
	if !utf8.Valid(body) {
		body = decodeNonUTF8(body, label)
	}
	body = dropIllegalXMLChars(body)
	if label != "" && !strings.EqualFold(label, "utf-8") {
		body = rewriteDeclaredEncoding(body)
	}
	return body
}

func decodeNonUTF8(body []byte, label string) []byte {
	var enc encoding.Encoding
	if label != "" {
		enc, _ = charset.Lookup(label)
	}
	if enc == nil || enc == unicode.UTF8 {
		// Undeclared or declared UTF-8 yet invalid: mostly-valid UTF-8 with
		// a few broken bytes is kept as UTF-8; otherwise it is most likely
		// Latin-1 or its Windows superset.
		if mostlyUTF8(body) {
			return bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		enc = guessSingleByte(body)
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return out
}

// mostlyUTF8 reports whether valid multi-byte UTF-8 sequences outnumber
// the bytes that are not UTF-8.
func mostlyUTF8(b []byte) bool {
	good, bad := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else {
			good++
		}
		b = b[n:]
	}
	return good > bad
}

// guessSingleByte tells Cyrillic from Western single-byte text. Western
// text has accented letters scattered among ASCII ones; Cyrillic text is
// made of runs of high bytes. Between the Cyrillic code pages, the far more
// frequent lowercase letters sit at 0xE0–0xFF in Windows-1251 and at
// 0xC0–0xDF in KOI8-R.
func guessSingleByte(body []byte) encoding.Encoding {
	high, inRun, lowerCP1251, lowerKOI8 := 0, 0, 0, 0
	for i, c := range body {
		if c < 0x80 {
			continue
		}
		high++
		if (i > 0 && body[i-1] >= 0x80) || (i+1 < len(body) && body[i+1] >= 0x80) {
			inRun++
		}
		switch {
		case c >= 0xE0:
			lowerCP1251++
		case c >= 0xC0:
			lowerKOI8++
		}
	}
	if high == 0 || inRun*2 < high {
		return charmap.Windows1252
	}
	if lowerKOI8 > lowerCP1251 {
		return charmap.KOI8R
	}
	return charmap.Windows1251
}

// rewriteDeclaredEncoding makes the declaration say UTF-8, so the XML
// decoder does not convert an already converted body a second time.
func rewriteDeclaredEncoding(body []byte) []byte {
	decl := declaration(body)
	if decl == nil {
		return body
	}
	loc := encodingAttr.FindSubmatchIndex(decl)
	if loc == nil {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:loc[2]]...)
	out = append(out, "UTF-8"...)
	out = append(out, body[loc[3]:]...)
	return out
}

// dropIllegalXMLChars removes what XML 1.0 forbids and Go's decoder rejects:
// C0 controls other than tab, LF and CR, and U+FFFE and U+FFFF.
func dropIllegalXMLChars(body []byte) []byte {
	clean := true
	for i := 0; i < len(body); i++ {
		c := body[i]
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			(c == 0xEF && i+2 < len(body) && body[i+1] == 0xBF && (body[i+2] == 0xBE || body[i+2] == 0xBF)) {
			clean = false
			break
		}
	}
	if clean {
		return body
	}
	out := make([]byte, 0, len(body))
	for len(body) > 0 {
		r, n := utf8.DecodeRune(body)
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			body = body[n:]
			continue
		}
		out = append(out, body[:n]...)
		body = body[n:]
	}
	return out
}
