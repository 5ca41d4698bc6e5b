package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"

	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
)

// Server serves the sample feeds on loopback, each showing the stories of
// the steps revealed so far. It answers conditional GETs (ETag and
// Last-Modified), as a well-behaved publisher does, so an unchanged feed
// costs a 304.
type Server struct {
	sample *Sample
	start  time.Time
	ln     net.Listener
	srv    *http.Server
	done   chan struct{}

	mu       sync.Mutex
	step     int
	requests map[string]int // feed name → feed requests answered
}

// NewServer starts serving sample on a free loopback port. start is the
// simulated publication time of step 0.
func NewServer(sample *Sample, start time.Time) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: serve sample feeds: %w", err)
	}
	s := &Server{sample: sample, start: start, ln: ln, done: make(chan struct{}), requests: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{name}", s.serveFeed)
	// Loopback only, but no listener in the project lets a client hold a
	// connection forever.
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln)
	}()
	return s, nil
}

// URL is the server's base URL, http://127.0.0.1:PORT.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Sources are the sample feeds as Crosscheck's configuration would name
// them.
func (s *Server) Sources(schedule string) []feeds.Source {
	out := make([]feeds.Source, 0, len(s.sample.Feeds))
	for _, f := range s.sample.Feeds {
		out = append(out, feeds.Source{
			Name:     f.Name,
			URL:      s.URL() + "/feeds/" + f.Name,
			Outlet:   f.Outlet,
			Schedule: schedule,
		})
	}
	return out
}

// SetStep reveals the stories of every step up to n.
func (s *Server) SetStep(n int) {
	s.mu.Lock()
	s.step = n
	s.mu.Unlock()
}

// Step is the last step revealed.
func (s *Server) Step() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.step
}

// Requests is how many times feed has been fetched.
func (s *Server) Requests(feed string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[feed]
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	if err != nil {
		return fmt.Errorf("demo: stop sample feeds: %w", err)
	}
	return nil
}

// article is a story as it appears at a given step, with its simulated
// publication time and link.
type article struct {
	Story
	Link      string
	GUID      string
	Published time.Time
}

// articles returns what feed shows at step, newest first.
func (s *Server) articles(feed string, step int) []article {
	f, ok := s.sample.feed(feed)
	if !ok {
		return nil
	}
	fi := 0
	for i, sf := range s.sample.Feeds {
		if sf.Name == feed {
			fi = i
		}
	}
	var out []article
	for i, st := range s.sample.Stories {
		if st.Feed != feed || st.Step > step {
			continue
		}
		// Feeds publish a few minutes apart within a step, and stories in
		// file order, so every article has its own time.
		pub := s.start.Add(time.Duration(st.Step)*StepInterval + time.Duration(fi)*17*time.Minute + time.Duration(i)*time.Minute)
		link := fmt.Sprintf("%s/%s/%s", strings.TrimRight(f.Site, "/"), pub.Format("2006/01/02"), st.Slug)
		out = append(out, article{Story: st, Link: link, GUID: link, Published: pub})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out
}

func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f, ok := s.sample.feed(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	step := s.step
	s.requests[name]++
	s.mu.Unlock()

	arts := s.articles(name, step)
	var body []byte
	var ctype string
	var err error
	switch f.Format {
	case "rss":
		body, err = renderRSS(f, arts)
		ctype = "application/rss+xml; charset=utf-8"
	case "atom":
		body, err = renderAtom(f, arts)
		ctype = "application/atom+xml; charset=utf-8"
	default:
		body, err = renderJSONFeed(f, s.URL()+r.URL.Path, arts)
		ctype = "application/feed+json"
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if len(arts) > 0 {
		w.Header().Set("Last-Modified", arts[0].Published.UTC().Format(http.TimeFormat))
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(body)
}

func paragraphs(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>")
			xml.EscapeText(&b, []byte(p))
			b.WriteString("</p>")
		}
	}
	return b.String()
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title         string    `xml:"title"`
		Link          string    `xml:"link"`
		Description   string    `xml:"description"`
		LastBuildDate string    `xml:"lastBuildDate,omitempty"`
		Items         []rssItem `xml:"item"`
	} `xml:"channel"`
}

type rssItem struct {
	Title string `xml:"title"`
	Link  string `xml:"link"`
	GUID  struct {
		IsPermaLink string `xml:"isPermaLink,attr"`
		Value       string `xml:",chardata"`
	} `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
}

// renderRSS writes RSS 2.0 with the article as escaped HTML in
// <description>, the way most newsroom CMSs do it.
func renderRSS(f SampleFeed, arts []article) ([]byte, error) {
	var d rssDoc
	d.Version = "2.0"
	d.Channel.Title = f.Outlet
	d.Channel.Link = f.Site
	d.Channel.Description = "Latest news from " + f.Outlet
	if len(arts) > 0 {
		d.Channel.LastBuildDate = arts[0].Published.Format(time.RFC1123Z)
	}
	for _, a := range arts {
		it := rssItem{Title: a.Title, Link: a.Link, PubDate: a.Published.Format(time.RFC1123Z), Description: paragraphs(a.Content)}
		it.GUID.IsPermaLink = "true"
		it.GUID.Value = a.GUID
		d.Channel.Items = append(d.Channel.Items, it)
	}
	return marshalXML(d)
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomDoc struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Link      atomLink `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Author    struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Content struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"content"`
}

// renderAtom writes Atom 1.0 with plain-text content and tag: IDs that are
// not links, so item identity cannot lean on the URL.
func renderAtom(f SampleFeed, arts []article) ([]byte, error) {
	d := atomDoc{Title: f.Outlet, ID: f.Site + "/", Link: atomLink{Href: f.Site + "/", Rel: "alternate"}}
	d.Updated = time.Unix(0, 0).UTC().Format(time.RFC3339)
	if len(arts) > 0 {
		d.Updated = arts[0].Published.Format(time.RFC3339)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(f.Site, "https://"), "http://")
	for _, a := range arts {
		e := atomEntry{
			Title:     a.Title,
			ID:        fmt.Sprintf("tag:%s,%s:%s", host, a.Published.Format("2006-01-02"), a.Slug),
			Link:      atomLink{Href: a.Link, Rel: "alternate"},
			Published: a.Published.Format(time.RFC3339),
			Updated:   a.Published.Format(time.RFC3339),
		}
		e.Author.Name = f.Outlet + " staff"
		e.Content.Type = "text"
		e.Content.Value = a.Content
		d.Entries = append(d.Entries, e)
	}
	return marshalXML(d)
}

func marshalXML(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("demo: render feed: %w", err)
	}
	return append([]byte(xml.Header), body...), nil
}

type jsonFeed struct {
	Version     string         `json:"version"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Items       []jsonFeedItem `json:"items"`
}

type jsonFeedItem struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	ContentText   string `json:"content_text"`
	DatePublished string `json:"date_published"`
}

// renderJSONFeed writes JSON Feed 1.1.
func renderJSONFeed(f SampleFeed, feedURL string, arts []article) ([]byte, error) {
	d := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Outlet, HomePageURL: f.Site + "/", FeedURL: feedURL, Items: []jsonFeedItem{}}
	for _, a := range arts {
		d.Items = append(d.Items, jsonFeedItem{ID: a.GUID, URL: a.Link, Title: a.Title, ContentText: a.Content, DatePublished: a.Published.Format(time.RFC3339)})
	}
	body, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("demo: render feed: %w", err)
	}
	return body, nil
}
