package feeds

import (
	"bytes"
	"time"
)

// gofeed's RSS parser parses every <pubDate> and <lastBuildDate> itself, by
// trying some 120 layouts in turn until one fits, and every miss allocates
// a time.ParseError. RFC 1123 with a named zone ("Tue, 04 Feb 2025 09:00:00
// GMT"), by far the commonest RSS date, is reached only after all of the
// numeric-offset layouts: most of the CPU time of parsing a feed went there.
// So before gofeed sees the body, the dates that are plainly RFC 1123 are
// rewritten as the same instant in RFC 3339, the second layout gofeed
// tries. Anything else is left for gofeed to read as before.

// dateTags are the RSS elements gofeed runs its date parser on while parsing.
var dateTags = [...]struct{ open, close string }{
	{"<pubDate>", "</pubDate>"},
	{"<lastBuildDate>", "</lastBuildDate>"},
}

// normalizeDates returns body with the RFC 1123 dates of its RSS date
// elements rewritten in RFC 3339, or body itself when there is none. Text
// inside CDATA sections and comments is never touched: it is content, not
// markup.
func normalizeDates(body []byte) []byte {
	var out []byte // nil until the first rewrite
	copied := 0    // body[:copied] is already in out
	var next [len(dateTags)]int
	for k := range next {
		next[k] = -2 // not searched yet
	}
	pos := 0
	for {
		// Each tag's next occurrence is remembered until passed, so a body
		// full of CDATA sections is still scanned in linear time.
		at, which := -1, 0
		for k, tag := range dateTags {
			if next[k] != -1 && next[k] < pos {
				next[k] = -1
				if j := bytes.Index(body[pos:], []byte(tag.open)); j >= 0 {
					next[k] = pos + j
				}
			}
			if next[k] >= 0 && (at < 0 || next[k] < at) {
				at, which = next[k], k
			}
		}
		if at < 0 {
			break
		}
		if m := bytes.Index(body[pos:at], []byte("<!")); m >= 0 {
			pos = skipMarkupDecl(body, pos+m)
			continue
		}
		start := at + len(dateTags[which].open)
		n := bytes.Index(body[start:], []byte(dateTags[which].close))
		if n < 0 {
			break
		}
		text := body[start : start+n]
		if bytes.IndexByte(text, '<') >= 0 {
			// Markup inside the date: scan it like any other markup.
			pos = start
			continue
		}
		pos = start + n + len(dateTags[which].close)
		t, ok := rfc1123Date(text)
		if !ok {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(body))
		}
		out = append(out, body[copied:start]...)
		out = t.UTC().AppendFormat(out, time.RFC3339)
		copied = start + n
	}
	if out == nil {
		return body
	}
	return append(out, body[copied:]...)
}

// skipMarkupDecl returns the index just past the CDATA section, comment or
// other declaration starting at body[i] ("<!").
func skipMarkupDecl(body []byte, i int) int {
	end := ""
	switch rest := body[i:]; {
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		end = "]]>"
	case bytes.HasPrefix(rest, []byte("<!--")):
		end = "-->"
	default:
		return i + len("<!")
	}
	j := bytes.Index(body[i:], []byte(end))
	if j < 0 {
		return len(body)
	}
	return i + j + len(end)
}

// rfc1123Date reads "Mon, 02 Jan 2006 15:04:05" followed by a numeric
// offset or by one of the zone names gofeed knows, with a one- or two-digit
// day. It reads exactly what gofeed's date parser would read from the same
// text, only sooner; anything else is not ok.
func rfc1123Date(text []byte) (time.Time, bool) {
	text = bytes.TrimSpace(text)
	// The longest form, "Mon, 02 Jan 2006 15:04:05 -0700", has 31 bytes.
	if len(text) < len("Mon, 2 Jan 2006 15:04:05 Z") || len(text) > 31 || text[3] != ',' {
		return time.Time{}, false
	}
	sp := bytes.LastIndexByte(text, ' ')
	zone := text[sp+1:]
	if len(zone) == 0 {
		return time.Time{}, false
	}
	if zone[0] == '+' || zone[0] == '-' {
		t, err := time.Parse("Mon, _2 Jan 2006 15:04:05 -0700", string(text))
		return t, err == nil
	}
	offset, ok := zoneOffset(string(zone))
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("Mon, _2 Jan 2006 15:04:05", string(text[:sp]))
	if err != nil {
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// zoneOffset gives the offset in seconds east of UTC of the zone names that
// gofeed resolves itself (the North American and Western European readings
// of the ambiguous ones, as gofeed does), plus the literal "Z" and "UT" it
// has layouts for. Other names are left to gofeed.
func zoneOffset(name string) (int, bool) {
	const hour = 3600
	switch name {
	case "Z", "UT", "UTC", "GMT", "WET":
		return 0, true
	case "EDT":
		return -4 * hour, true
	case "EST", "CDT":
		return -5 * hour, true
	case "CST", "MDT":
		return -6 * hour, true
	case "MST", "PDT":
		return -7 * hour, true
	case "PST":
		return -8 * hour, true
	case "WEST", "BST", "CET":
		return 1 * hour, true
	case "CEST", "EET":
		return 2 * hour, true
	case "EEST":
		return 3 * hour, true
	}
	return 0, false
}
