package desk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/crosscheck-news/crosscheck/feeds"

	"github.com/crosscheck-news/crosscheck/state"
)

type testItem struct {
	guid, link, title, description string
}

// feedServer serves an RSS feed built from its items, with an ETag, and
// whatever misbehaviour a test switches on.
type feedServer struct {
	t        testing.TB
	srv      *httptest.Server
	mu       sync.Mutex
	items    []testItem
	ttl      int
	headers  map[string]string
	override http.HandlerFunc
	inm      []string // If-None-Match of each feed request
	hits     map[string]int
}

func newFeedServer(t testing.TB, items ...testItem) *feedServer {
	fs := &feedServer{t: t, items: items, hits: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", fs.serveFeed)
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		fs.hit(r.URL.Path)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articleHTML)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fs.hit(r.URL.Path)
		http.NotFound(w, r)
	})
	fs.srv = httptest.NewServer(mux)
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *feedServer) hit(path string) {
	fs.mu.Lock()
	fs.hits[path]++
	fs.mu.Unlock()
}

func (fs *feedServer) set(f func(fs *feedServer)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f(fs)
}

func (fs *feedServer) render() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>The Desk</title>`)
	if fs.ttl > 0 {
		fmt.Fprintf(&b, "<ttl>%d</ttl>", fs.ttl)
	}
	for _, it := range fs.items {
		b.WriteString("<item>")
		if it.guid != "" {
			fmt.Fprintf(&b, "<guid isPermaLink=\"false\">%s</guid>", html.EscapeString(it.guid))
		}
		fmt.Fprintf(&b, "<title>%s</title><link>%s</link><description>%s</description></item>",
			html.EscapeString(it.title), html.EscapeString(it.link), html.EscapeString(it.description))
	}
	b.WriteString("</channel></rss>")
	return b.Bytes()
}

func (fs *feedServer) serveFeed(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	fs.inm = append(fs.inm, r.Header.Get("If-None-Match"))
	override := fs.override
	body := fs.render()
	for k, v := range fs.headers {
		w.Header().Set(k, v)
	}
	fs.mu.Unlock()
	if override != nil {
		override(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(body))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(body)
}

type pollRig struct {
	now    time.Time
	store  *state.Store
	poller *Poller
	desk   *Desk
	feeds  *feedServer
	src    Source
}

// articleHTML is the news page the feeds package's tests serve.
var articleHTML = func() string {
	b, err := os.ReadFile("../testdata/article.html")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// resolveTo resolves every name to addr.
func resolveTo(addr string) func(context.Context, string) ([]netip.Addr, error) {
	return func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr(addr)}, nil
	}
}

// portOf is the port of a test server's URL.
func portOf(t testing.TB, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// newPollRig polls "feed.test", which resolves to the loopback test server,
// into a bbolt file in a temporary directory.
func newPollRig(t testing.TB, cfg FetcherConfig, items ...testItem) *pollRig {
	t.Helper()
	rig := &pollRig{now: time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return rig.now }
	st, err := state.Open(filepath.Join(t.TempDir(), "crosscheck.db"), state.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rig.store = st
	rig.feeds = newFeedServer(t, items...)
	cfg.Now = clock
	cfg.AllowPrivateNetworks = true
	cfg.Resolve = resolveTo("127.0.0.1")
	f := NewFetcher(cfg)
	t.Cleanup(f.Close)
	rig.poller = &Poller{Fetcher: f, History: st, Now: clock}
	rig.desk = &Desk{Store: st, Poller: rig.poller, Now: clock}
	rig.src = Source{Name: "desk", URL: "http://feed.test:" + portOf(t, rig.feeds.srv.URL) + "/rss", Outlet: "The Desk"}
	return rig
}

func (r *pollRig) commit(t testing.TB, p *Poll) state.PollResult {
	t.Helper()
	res, err := r.store.CommitPoll(context.Background(), *p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (r *pollRig) pollOK(t testing.TB) *Poll {
	t.Helper()
	p, err := r.poller.Poll(context.Background(), r.src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// feedState reads the store's poll state of the rig's feed.
func (r *pollRig) feedState(t testing.TB) FeedState {
	t.Helper()
	st, err := r.store.FeedState(context.Background(), "desk")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func byTitle(p *Poll) map[string]PolledItem {
	out := map[string]PolledItem{}
	for _, it := range p.Items {
		out[it.Item.Title] = it
	}
	return out
}

var deskItems = []testItem{
	{"k1", "https://desk.example/news/budanov-kursk", "Budanov: 8,000 still fighting", "About 8,000 North Korean soldiers are still fighting in Kursk, Budanov said."},
	{"k2", "https://desk.example/news/nyt-front", "Not seen at the front", "North Korean troops have not been seen at the front for weeks."},
	{"k3", "/news/nis-casualties", "NIS: 300 killed", "300 killed and nearly 2,700 wounded, the NIS said."},
}

func TestPollBackfillUpdatesAndRepublished(t *testing.T) {
	rig := newPollRig(t, FetcherConfig{}, deskItems...)
	ctx := context.Background()

	// First poll of a new feed: everything is backfill.
	p := rig.pollOK(t)
	if len(p.Items) != 3 {
		t.Fatalf("first poll: %d items, want 3", len(p.Items))
	}
	for _, it := range p.Items {
		if !it.Item.Backfill || it.Item.Update || it.Item.Outlet != "The Desk" || it.Item.Feed != "desk" {
			t.Errorf("first poll item %+v: want backfill from The Desk", it.Item)
		}
	}
	got := byTitle(p)
	if it := got["NIS: 300 killed"]; it.Item.URL != strings.TrimSuffix(rig.src.URL, "/rss")+"/news/nis-casualties" || it.Text != "300 killed and nearly 2,700 wounded, the NIS said." {
		t.Errorf("relative link and text: %+v / %q", it.Item.URL, it.Text)
	}
	if !p.State.Polled || p.State.ETag == "" || !p.State.LastSuccess.Equal(rig.now) {
		t.Errorf("first poll state = %+v", p.State)
	}
	// Poll does not write: polling again before the commit finds the same.
	if again := rig.pollOK(t); len(again.Items) != 3 {
		t.Errorf("uncommitted poll was stored: second poll found %d items", len(again.Items))
	}
	if res := rig.commit(t, p); res.NewItems != 3 {
		t.Errorf("commit: %+v, want 3 new", res)
	}

	// Nothing changed: a conditional GET, a 304, nothing new.
	rig.now = rig.now.Add(10 * time.Minute)
	p = rig.pollOK(t)
	if len(p.Items) != 0 {
		t.Errorf("304 poll: %d items", len(p.Items))
	}
	if inm := rig.feeds.inm[len(rig.feeds.inm)-1]; inm == "" || inm != p.State.ETag {
		t.Errorf("second poll sent If-None-Match %q, want the stored ETag %q", inm, p.State.ETag)
	}
	rig.commit(t, p)
	st := rig.feedState(t)
	if st.Items != 3 || !st.LastSuccess.Equal(rig.now) || st.ErrorCount != 0 {
		t.Errorf("state after 304 = %+v", st)
	}
	if items, err := rig.store.Items(ctx, "desk"); err != nil || len(items) != 3 {
		t.Errorf("%d items stored after 304 (error %v), want 3", len(items), err)
	}

	// One new item, one changed, one re-published under a new GUID and a
	// tracking-laden link, one carried unchanged.
	rig.feeds.set(func(fs *feedServer) {
		fs.items = []testItem{
			{"k4", "https://desk.example/news/zelensky", "Zelensky: more than 3,000", "More than 3,000 killed or wounded, Zelensky said."},
			{"k1", "https://desk.example/news/budanov-kursk", "Budanov: 8,000 still fighting", "About 8,000 North Korean soldiers are still fighting in Kursk, Budanov said on Monday."},
			{"k2-republished", "http://www.desk.example/news/nyt-front/?utm_source=rss", "Not seen at the front", "North Korean troops have not been seen at the front for weeks."},
			deskItems[2],
		}
	})
	rig.now = rig.now.Add(10 * time.Minute)
	p = rig.pollOK(t)
	got = byTitle(p)
	if len(p.Items) != 2 {
		t.Fatalf("third poll: %d items %v, want the new and the updated", len(p.Items), got)
	}
	if it := got["Zelensky: more than 3,000"]; it.Item.Backfill || it.Item.Update || it.Item.ID != ItemID(Item{GUID: "k4"}) {
		t.Errorf("new item = %+v", it.Item)
	}
	if it := got["Budanov: 8,000 still fighting"]; !it.Item.Update || it.Item.Backfill || it.Item.ID != ItemID(Item{GUID: "k1"}) ||
		!strings.HasSuffix(it.Text, "Budanov said on Monday.") {
		t.Errorf("updated item = %+v, text %q", it.Item, it.Text)
	}
	if res := rig.commit(t, p); res.NewItems != 1 || res.Updates != 1 {
		t.Errorf("commit: %+v, want 1 new and 1 update", res)
	}
	st = rig.feedState(t)
	if st.Items != 4 {
		t.Errorf("state counts %d items, want 4", st.Items)
	}
}

// snapshotFeed is everything a failed poll must leave alone.
func snapshotFeed(t testing.TB, s *state.Store, feed string) (FeedState, []ItemRecord) {
	t.Helper()
	st, err := s.FeedState(context.Background(), feed)
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.Items(context.Background(), feed)
	if err != nil {
		t.Fatal(err)
	}
	return st, items
}

func TestPollBadInputLeavesStoreAsItWas(t *testing.T) {
	// Every kind of bad server is the fetcher's to refuse (feeds'
	// TestFetchBadServers); here a few of them show that a failure leaves
	// the store as it was, but for the failure on the feed's record.
	cases := []struct {
		name    string
		handler http.HandlerFunc
		strict  bool // refuse private addresses; feed.test resolves to 10.0.0.1
		want    string
	}{
		{"HTML page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!DOCTYPE html><html><head><title>The Desk</title></head><body>Home</body></html>")
		}, false, "feeds: poll desk: parse: not a feed: looks like an HTML page"},
		{"empty body", func(w http.ResponseWriter, r *http.Request) {}, false, "feeds: poll desk: parse: not a feed: empty body"},
		{"truncated XML", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>The Desk</title><item><title>Budanov: 8,000`)
		}, false, "feeds: poll desk: parse: truncated document: XML syntax error"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) },
			false, "stopped after 5 redirects"},
		{"429 with Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(http.StatusTooManyRequests)
		}, false, "server answered 429 Too Many Requests (retry after 2025-01-20T11:10:00Z)"},
		{"name resolving to 10.0.0.1", nil, true,
			"refusing to connect to feed.test (10.0.0.1): 10.0.0.1 is a private address, and private networks are not allowed (set allow_private_networks: true in the configuration to allow it)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rig := newPollRig(t, FetcherConfig{RequestTimeout: 1500 * time.Millisecond}, deskItems...)
			rig.commit(t, rig.pollOK(t))
			rig.now = rig.now.Add(10 * time.Minute)
			beforeState, beforeItems := snapshotFeed(t, rig.store, "desk")

			rig.feeds.set(func(fs *feedServer) {
				fs.items = append(fs.items, testItem{"k9", "https://desk.example/news/k9", "Fresh", "Not stored if the poll fails."})
				fs.override = tc.handler
			})
			if tc.strict {
				strict := NewFetcher(FetcherConfig{Now: rig.poller.Now, Resolve: resolveTo("10.0.0.1")})
				defer strict.Close()
				rig.poller.Fetcher = strict
			}
			if _, err := rig.poller.Poll(context.Background(), rig.src); err == nil {
				t.Fatal("poll succeeded")
			}
			if after, _ := snapshotFeed(t, rig.store, "desk"); !reflect.DeepEqual(after, beforeState) {
				t.Errorf("the poller wrote the feed's state: %+v", after)
			}
			_, err := rig.desk.Poll(context.Background(), rig.src)
			if err == nil {
				t.Fatal("the desk's poll succeeded")
			}
			var pe *PollError
			if !errors.As(err, &pe) || pe.Feed != "desk" {
				t.Errorf("error %T does not name the feed", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant it to contain %q", err, tc.want)
			}

			afterState, afterItems := snapshotFeed(t, rig.store, "desk")
			if !reflect.DeepEqual(beforeItems, afterItems) {
				t.Errorf("items changed by a failed poll:\nbefore %+v\nafter  %+v", beforeItems, afterItems)
			}
			wantState := beforeState
			wantState.LastPoll = rig.now
			wantState.ErrorCount = 1
			wantState.LastError = err.Error()
			wantState.NextPoll = rig.now.Add(BackoffBase)
			if strings.Contains(tc.name, "429") {
				wantState.NextPoll = rig.now.Add(2 * time.Hour)
			}
			if !reflect.DeepEqual(afterState, wantState) {
				t.Errorf("state after failure:\n got %+v\nwant %+v", afterState, wantState)
			}
		})
	}
}

func TestPollFailingServerBacksOffAndRecovers(t *testing.T) {
	rig := newPollRig(t, FetcherConfig{}, deskItems...)
	ctx := context.Background()
	rig.feeds.set(func(fs *feedServer) {
		fs.override = func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) }
	})
	var waits []time.Duration
	for i := 1; i <= 5; i++ {
		if _, err := rig.desk.Poll(ctx, rig.src); err == nil {
			t.Fatalf("poll %d succeeded against a 500", i)
		}
		st, err := rig.store.FeedState(ctx, "desk")
		if err != nil {
			t.Fatal(err)
		}
		want := "feeds: poll desk: fetch " + rig.src.URL + ": server answered 500 Internal Server Error"
		if st.ErrorCount != i || st.LastError != want || st.Polled || !st.LastSuccess.IsZero() {
			t.Errorf("after %d failures: %+v", i, st)
		}
		waits = append(waits, st.NextPoll.Sub(rig.now))
		rig.now = st.NextPoll
	}
	if want := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute}; !reflect.DeepEqual(waits, want) {
		t.Errorf("backoff = %v, want %v", waits, want)
	}
	all, err := rig.store.FeedStates(ctx)
	if err != nil || len(all) != 1 || all[0].Feed != "desk" {
		t.Errorf("FeedStates = %+v, %v: the failing feed must stay listed", all, err)
	}

	// Back up: the first successful poll is still the backfill.
	rig.feeds.set(func(fs *feedServer) { fs.override = nil })
	p := rig.pollOK(t)
	if len(p.Items) != 3 || !p.Items[0].Item.Backfill {
		t.Errorf("recovery poll: %d items, backfill %v", len(p.Items), len(p.Items) > 0 && p.Items[0].Item.Backfill)
	}
	rig.commit(t, p)
	st := rig.feedState(t)
	if st.ErrorCount != 0 || st.LastError != "" || !st.LastSuccess.Equal(rig.now) {
		t.Errorf("state after recovery = %+v", st)
	}
}

// TestFailureOfAnUnreadStateRecordsNothing: when the poll failed reading
// the feed's state (a store that fails), there is no state to back off
// from, and recording on a blank one would reset the feed's error count.
func TestFailureOfAnUnreadStateRecordsNothing(t *testing.T) {
	rig := newPollRig(t, FetcherConfig{}, deskItems...)
	ctx := context.Background()
	rig.feeds.set(func(fs *feedServer) {
		fs.override = func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) }
	})
	for range 3 {
		rig.desk.Poll(ctx, rig.src)
	}
	before := rig.feedState(t)
	unread := &PollError{Feed: "desk", Err: errors.New("state: feed state desk: disk I/O error")}
	if err := rig.desk.failed(ctx, rig.src, unread); err != unread {
		t.Errorf("failed returned %v, want the poll's error", err)
	}
	if after := rig.feedState(t); !reflect.DeepEqual(after, before) || after.ErrorCount != 3 {
		t.Errorf("state after an unread failure:\n got %+v\nwant %+v", after, before)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 0, 1: 5 * time.Minute, 2: 10 * time.Minute, 7: 320 * time.Minute, 8: 6 * time.Hour, 1000: 6 * time.Hour} {
		if got := Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestPollNextPollHonoursTheServer(t *testing.T) {
	cases := []struct {
		name    string
		ttl     int
		headers map[string]string
		status  int
		want    time.Duration
	}{
		{"nothing asked", 0, nil, 200, 0},
		{"RSS ttl", 60, nil, 200, time.Hour},
		{"max-age longer than ttl", 60, map[string]string{"Cache-Control": "max-age=7200"}, 200, 2 * time.Hour},
		{"ttl longer than max-age", 180, map[string]string{"Cache-Control": "max-age=600"}, 200, 3 * time.Hour},
		{"absurd max-age capped", 0, map[string]string{"Cache-Control": "max-age=31536000"}, 200, MaxServerDelay},
		{"503 Retry-After date", 0, map[string]string{"Retry-After": "Mon, 20 Jan 2025 12:00:00 GMT"}, 503, 3 * time.Hour},
		{"429 Retry-After shorter than backoff", 0, map[string]string{"Retry-After": "30"}, 429, BackoffBase},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rig := newPollRig(t, FetcherConfig{}, deskItems...)
			rig.feeds.set(func(fs *feedServer) {
				fs.ttl, fs.headers = tc.ttl, tc.headers
				if tc.status != 200 {
					fs.override = func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tc.status) }
				}
			})
			var next time.Time
			if tc.status == 200 {
				p, err := rig.poller.Poll(context.Background(), rig.src)
				if err != nil {
					t.Fatal(err)
				}
				next = p.State.NextPoll
			} else {
				if _, err := rig.desk.Poll(context.Background(), rig.src); err == nil {
					t.Fatal("poll succeeded")
				}
				st := rig.feedState(t)
				next = st.NextPoll
			}
			if got := next.Sub(rig.now); got != tc.want {
				t.Errorf("next poll in %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPollFullText(t *testing.T) {
	long := strings.Repeat("North Korean soldiers were seen in Kursk. ", 20)
	rig := newPollRig(t, FetcherConfig{},
		testItem{"t1", "/story", "Teaser with a page", "Budanov says 8,000 still fight."},
		testItem{"t2", "/gone", "Teaser whose page is gone", "Zelensky says more than 3,000."},
		testItem{"t3", "/long", "Full story in the feed", long},
	)
	rig.src.FullText = true
	p := rig.pollOK(t)
	got := byTitle(p)
	if it := got["Teaser with a page"]; !strings.Contains(it.Text, "About 8,000 North Korean soldiers are still fighting in Russia's Kursk region") || it.Item.FullTextError != "" {
		t.Errorf("teaser with a page: text %q, error %q", it.Text, it.Item.FullTextError)
	}
	gone := got["Teaser whose page is gone"]
	if gone.Text != "Zelensky says more than 3,000." || !strings.Contains(gone.Item.FullTextError, "/gone: server answered 404 Not Found") {
		t.Errorf("teaser whose page is gone: text %q, error %q", gone.Text, gone.Item.FullTextError)
	}
	if it := got["Full story in the feed"]; it.Text != strings.TrimSpace(long) || it.Item.FullTextError != "" {
		t.Errorf("long item: text changed or error %q", it.Item.FullTextError)
	}
	rig.feeds.set(func(fs *feedServer) {
		if fs.hits["/long"] != 0 || fs.hits["/story"] != 1 {
			t.Errorf("page fetches: %v, want /story once and /long never", fs.hits)
		}
	})

	// The reason is kept with the item in the store.
	rig.commit(t, p)
	rec, ok, err := rig.store.Item(context.Background(), "desk", gone.Item.ID)
	if err != nil || !ok || rec.FullTextError != gone.Item.FullTextError {
		t.Errorf("stored item %+v (%v, %v), want its full-text error kept", rec, ok, err)
	}
}

func TestPollShutdownIsNotAFailure(t *testing.T) {
	rig := newPollRig(t, FetcherConfig{}, deskItems...)
	rig.feeds.set(func(fs *feedServer) {
		fs.override = func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := rig.poller.Poll(ctx, rig.src); err == nil {
		t.Fatal("poll succeeded")
	}
	st := rig.feedState(t)
	if st.ErrorCount != 0 || st.LastError != "" {
		t.Errorf("cancelled poll recorded as a failure: %+v", st)
	}
}
