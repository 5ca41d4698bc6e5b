package demo

import (
	"html"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func TestSampleIsValid(t *testing.T) {
	s, err := LoadSample()
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Steps(); got != 4 {
		t.Errorf("sample has %d steps, want 4", got)
	}
	formats := map[string]bool{}
	for _, f := range s.Feeds {
		formats[f.Format] = true
	}
	if len(formats) != 3 {
		t.Errorf("sample feeds use formats %v; want rss, atom and json", formats)
	}
	// Step 0 is backfill for every feed: each must have something to
	// backfill, or its first real story would be swallowed as backfill.
	for _, f := range s.Feeds {
		found := false
		for _, st := range s.Stories {
			found = found || st.Feed == f.Name && st.Step == 0
		}
		if !found {
			t.Errorf("feed %s has no step-0 story", f.Name)
		}
	}
}

func TestParseSampleRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not json", `{`, "demo: sample: unexpected end of JSON input"},
		{"no feeds", `{"feeds":[]}`, "demo: sample: no feeds"},
		{"bad format", `{"feeds":[{"name":"a","outlet":"A","site":"https://a.example","format":"csv"}]}`, `feeds[0]: format "csv"`},
		{"duplicate feed", `{"feeds":[{"name":"a","outlet":"A","site":"s","format":"rss"},{"name":"a","outlet":"A","site":"s","format":"rss"}]}`, `feeds[1]: duplicate name "a"`},
		{"unknown feed", `{"feeds":[{"name":"a","outlet":"A","site":"s","format":"rss"}],"stories":[{"feed":"b","slug":"x","title":"t","content":"c"}]}`, `stories[0]: unknown feed "b"`},
		{"empty story", `{"feeds":[{"name":"a","outlet":"A","site":"s","format":"rss"}],"stories":[{"feed":"a","slug":"x","title":"t"}]}`, `stories[0]: slug, title and content are required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSample([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func fetch(t *testing.T, url, etag string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// Every feed parses in its own format at every step, shows exactly the
// stories revealed so far with their titles, links and simulated dates.
func TestServerRevealsStoriesStepByStep(t *testing.T) {
	sample, srv := serveSample(t)
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("server not on loopback: %s", srv.URL())
	}
	wantType := map[string]string{"rss": "rss", "atom": "atom", "json": "json"}
	for step := 0; step <= sample.Steps(); step++ {
		srv.SetStep(step)
		for _, src := range srv.Sources("@every 1s") {
			t.Run(src.Name, func(t *testing.T) {
				f, _ := sample.feed(src.Name)
				resp, body := fetch(t, src.URL, "")
				if resp.StatusCode != 200 {
					t.Fatalf("step %d: %s", step, resp.Status)
				}
				feed, err := gofeed.NewParser().ParseString(string(body))
				if err != nil {
					t.Fatalf("step %d: %s does not parse: %v", step, src.Name, err)
				}
				if feed.FeedType != wantType[f.Format] {
					t.Errorf("served as %s, want %s", feed.FeedType, f.Format)
				}
				if feed.Title != src.Outlet {
					t.Errorf("title %q, want %q", feed.Title, src.Outlet)
				}
				var want []Story
				for _, st := range sample.Stories {
					if st.Feed == src.Name && st.Step <= step {
						want = append(want, st)
					}
				}
				if len(feed.Items) != len(want) {
					t.Fatalf("step %d: %d items, want %d", step, len(feed.Items), len(want))
				}
				for _, it := range feed.Items {
					var st *Story
					for i := range want {
						if want[i].Title == it.Title {
							st = &want[i]
						}
					}
					if st == nil {
						t.Errorf("unexpected item %q", it.Title)
						continue
					}
					if !strings.HasPrefix(it.Link, f.Site+"/2025/02/") || !strings.HasSuffix(it.Link, "/"+st.Slug) {
						t.Errorf("item %q links to %s", it.Title, it.Link)
					}
					if it.PublishedParsed == nil {
						t.Errorf("item %q has no date", it.Title)
					} else if d := it.PublishedParsed.Sub(DefaultStart); d < time.Duration(st.Step)*StepInterval || d >= time.Duration(st.Step+1)*StepInterval {
						t.Errorf("item %q published %s, outside its step %d", it.Title, it.PublishedParsed, st.Step)
					}
					text := html.UnescapeString(it.Content + it.Description)
					if !strings.Contains(text, st.Content) {
						t.Errorf("item %q lost its text: %q", it.Title, text)
					}
				}
			})
		}
	}
	if got := srv.Requests("kyiv-wire"); got != sample.Steps()+1 {
		t.Errorf("kyiv-wire fetched %d times, want %d", got, sample.Steps()+1)
	}
}

func TestServerAnswersConditionalGET(t *testing.T) {
	sample, srv := serveSample(t)
	url := srv.Sources("")[0].URL
	resp, _ := fetch(t, url, "")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Last-Modified") == "" {
		t.Fatalf("no validators: %v", resp.Header)
	}
	if resp, _ = fetch(t, url, etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("unchanged feed: %s, want 304", resp.Status)
	}
	srv.SetStep(sample.Steps())
	if resp, _ = fetch(t, url, etag); resp.StatusCode != http.StatusOK {
		t.Errorf("changed feed: %s, want 200", resp.Status)
	}
	if resp, _ = fetch(t, srv.URL()+"/feeds/nope", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown feed: %s", resp.Status)
	}
}

// serveSample serves the built-in sample from step 0 until the test ends.
func serveSample(t *testing.T) (*Sample, *Server) {
	t.Helper()
	sample, err := LoadSample()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(sample, DefaultStart)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return sample, srv
}
