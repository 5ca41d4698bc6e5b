package feeds

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// OPML import bounds: a newsroom's subscription list is kilobytes; these
// keep a hostile or mistaken file from costing more than a moment.
const (
	MaxOPMLBytes = 10 << 20
	MaxOPMLFeeds = 10_000
	maxOPMLDepth = 64
)

// OPML is what an OPML file holds for Crosscheck: its feeds as Sources,
// and the outlines that could not become one, with the reason.
type OPML struct {
	Title   string
	Sources []Source
	Skipped []OPMLSkip
}

// OPMLSkip is an outline that names a feed Crosscheck cannot use.
type OPMLSkip struct {
	Line   int
	Title  string
	URL    string
	Reason string
}

// ParseOPML reads an OPML 1.0 or 2.0 subscription list: every outline
// with an xmlUrl, at any depth (categories are nested outlines), becomes a
// Source named after its title (or text, or URL host), with the title as
// outlet and the default schedule. Names are made unique within the file;
// a URL listed twice is kept once. Encodings other than UTF-8 are decoded
// as declared. Outlines with unusable URLs are returned in Skipped.
func ParseOPML(r io.Reader) (*OPML, error) {
	lr := &io.LimitedReader{R: r, N: MaxOPMLBytes + 1}
	dec := xml.NewDecoder(lr)
	dec.CharsetReader = charset.NewReaderLabel
	// Exported subscription lists are often sloppy (a bare & in a URL, an
	// HTML entity in a title): accept what a browser would.
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity

	out := &OPML{}
	namer := &uniqueNamer{taken: map[string]bool{}, next: map[string]int{}}
	urls := map[string]string{}
	var path []string // open elements, lowercased local names
	sawRoot := false
	for {
		tok, err := dec.Token()
		if lr.N <= 0 {
			return nil, fmt.Errorf("feeds: opml: larger than %d bytes", MaxOPMLBytes)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("feeds: opml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if !sawRoot {
				if name != "opml" {
					return nil, fmt.Errorf("feeds: opml: not an OPML file: the root element is <%s>, want <opml>", t.Name.Local)
				}
				sawRoot = true
			}
			path = append(path, name)
			if len(path) > maxOPMLDepth {
				return nil, fmt.Errorf("feeds: opml: outlines nested more than %d deep", maxOPMLDepth)
			}
			if name != "outline" || !inBody(path) {
				continue
			}
			o := outlineOf(t)
			if o.xmlURL == "" {
				continue // a category, or a link outline
			}
			line, _ := dec.InputPos()
			title := o.title
			if title == "" {
				title = o.text
			}
			skip := func(reason string) {
				out.Skipped = append(out.Skipped, OPMLSkip{Line: line, Title: title, URL: o.xmlURL, Reason: reason})
			}
			if err := ValidateURL(o.xmlURL); err != nil {
				skip(err.Error())
				continue
			}
			key := URLKey(o.xmlURL)
			if prev, dup := urls[key]; dup {
				skip("listed twice; kept as " + strconv.Quote(prev))
				continue
			}
			if len(out.Sources) >= MaxOPMLFeeds {
				return nil, fmt.Errorf("feeds: opml: more than %d feeds", MaxOPMLFeeds)
			}
			src := Source{
				Name:     namer.unique(nameFor(title, o.xmlURL)),
				URL:      o.xmlURL,
				Outlet:   clip(title, 200),
				Schedule: DefaultSchedule,
			}
			if src.Outlet == "" {
				src.Outlet = src.Name
			}
			if err := src.Validate(); err != nil {
				skip(err.Error())
				continue
			}
			namer.taken[src.Name] = true
			urls[key] = src.Name
			out.Sources = append(out.Sources, src)
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		case xml.CharData:
			if len(path) == 3 && path[1] == "head" && path[2] == "title" {
				out.Title += string(t)
			}
		}
	}
	if !sawRoot {
		return nil, errors.New("feeds: opml: not an OPML file: no elements")
	}
	out.Title = clip(collapse(out.Title), 200)
	return out, nil
}

func inBody(path []string) bool {
	return len(path) >= 3 && path[0] == "opml" && path[1] == "body"
}

type outline struct {
	title, text, xmlURL string
}

func outlineOf(t xml.StartElement) outline {
	var o outline
	for _, a := range t.Attr {
		v := collapse(a.Value)
		switch strings.ToLower(a.Name.Local) {
		case "title":
			o.title = v
		case "text":
			o.text = v
		case "xmlurl":
			o.xmlURL = v
		}
	}
	return o
}

// nameFor makes a feed name from a title, or failing that from the URL's
// host: "The Kyiv Independent" → "the-kyiv-independent", a title in
// Cyrillic at https://www.pravda.com.ua/rss/ → "pravda-com-ua".
func nameFor(title, rawURL string) string {
	if s := Slug(title); s != "" {
		return s
	}
	if u, err := url.Parse(rawURL); err == nil {
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		if s := Slug(host); s != "" {
			return s
		}
	}
	return "feed"
}

// uniqueNamer hands out names within one file, remembering the last
// suffix per base so a list of ten thousand "Untitled" stays linear.
type uniqueNamer struct {
	taken map[string]bool
	next  map[string]int
}

func (u *uniqueNamer) unique(base string) string {
	if !u.taken[base] {
		return base
	}
	i := max(u.next[base], 2)
	for ; ; i++ {
		if name := suffixed(base, i); !u.taken[name] {
			u.next[base] = i + 1
			return name
		}
	}
}

// UniqueName returns base, or base with the first free suffix "-2", "-3"…
// when taken says base is in use; the result stays within MaxNameLen.
func UniqueName(base string, taken func(string) bool) string {
	if !taken(base) {
		return base
	}
	for i := 2; ; i++ {
		if name := suffixed(base, i); !taken(name) {
			return name
		}
	}
}

func suffixed(base string, i int) string {
	suffix := "-" + strconv.Itoa(i)
	if len(base)+len(suffix) > MaxNameLen {
		base = strings.TrimRight(base[:MaxNameLen-len(suffix)], "-._")
	}
	return base + suffix
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
