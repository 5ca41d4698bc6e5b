package desk

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// want names a conflict as an editor would check it: its kind, measure and
// place, and a word from each claimant's name (in either order).
type want struct {
	kind, measure, place string
	a, b                 string
}

func (w want) String() string {
	return fmt.Sprintf("%s %s|%s: %s vs %s", w.kind, w.measure, w.place, w.a, w.b)
}

func (w want) matches(c state.Conflict) bool {
	topic := claim.TopicKey("north korean soldiers", w.measure, w.place)
	if c.Kind.String() != w.kind || c.Topic != topic {
		return false
	}
	x, y := c.Sides[0].Claimant, c.Sides[1].Claimant
	return (strings.Contains(x, w.a) && strings.Contains(y, w.b)) ||
		(strings.Contains(x, w.b) && strings.Contains(y, w.a))
}

func describeConflicts(cs []state.Conflict) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n\t%s %s: %s vs %s (%s)", c.Kind, c.Topic, c.Sides[0].Claimant, c.Sides[1].Claimant, c.Reason)
	}
	if b.Len() == 0 {
		return " none"
	}
	return b.String()
}

type scenario struct {
	file string
	// backfill lists the lines (from 1) recorded as a feed's first poll.
	backfill []int
	// mute is a topic muted before line muteBefore.
	mute       string
	muteBefore int
	// dismissAfter dismisses every open conflict after that line.
	dismissAfter int
	// quietThrough is the last line after which the outbox must be empty.
	quietThrough int

	want []want
	// maybe are conflicts an editor would also accept; any other is a
	// false alarm.
	maybe []want
	// alerts are the kinds queued at the end, in order.
	alerts []string
}

const (
	budanov  = "Budanov"
	media    = "media reports"
	nis      = "NIS"
	zelensky = "Zelensky"
	moD      = "Ministry"
)

func scenarios() []scenario {
	seed := want{"status", "at the front", "kursk", budanov, "media reports (The New York Times, Yonhap)"}
	killedZN := want{"figure", "killed", "kursk", zelensky, nis}
	return []scenario{
		{file: "kursk-seed", want: []want{seed}, alerts: []string{"new"}},
		// The Budanov item denies bare "media reports"; the New York Times
		// item names the outlets and joins the same conflict.
		{file: "kursk-split", want: []want{seed}, alerts: []string{"new", "evidence"}},
		{file: "figure-two-outlets", want: []want{killedZN}, alerts: []string{"new"}},
		{file: "revision", want: []want{{"figure", "killed", "kursk", budanov, nis}}, alerts: []string{"new", "revision"}},
		{file: "three-outlets-one-claimant"},
		{file: "month-apart"},
		{file: "hedge-reaches"},
		{file: "open-bound", want: []want{
			{"figure", "killed or wounded", "kursk", zelensky, moD},
			{"figure", "killed or wounded", "kursk", budanov, moD},
		}, alerts: []string{"new", "new"}},
		{file: "mute", mute: "North Korean soldiers | killed", muteBefore: 2, want: []want{killedZN}, quietThrough: 2},
		{file: "dismissal", dismissAfter: 2, want: []want{killedZN}, alerts: []string{"new"}},
		{file: "backfill", backfill: []int{1, 2}, quietThrough: 2, want: []want{killedZN}, alerts: []string{"new"}},
		{file: "aliases", want: []want{{"figure", "captured", "kursk", budanov, nis}}, alerts: []string{"new", "evidence"}},
		{file: "status-denial",
			want:   []want{{"status", "at the front", "kursk", budanov, "New York Times"}},
			maybe:  []want{{"status", "at the front", "kursk", budanov, media}},
			alerts: []string{"new"}},
		{file: "no-claims-noise"},
		{file: "parts-and-total", want: []want{
			{"figure", "killed or wounded", "kursk", nis, moD},
			{"figure", "killed or wounded", "kursk", zelensky, moD},
		}, alerts: []string{"new", "new"}},
	}
}

// readArticles reads a replay file: one JSON article per line.
func readArticles(t *testing.T, path string) []claim.Article {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []claim.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			Outlet, URL, Title, Published, Content string
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		pub, err := time.Parse(time.RFC3339, l.Published)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, claim.Article{Outlet: l.Outlet, URL: l.URL, Title: l.Title, Published: pub, Text: l.Content})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func newDesk(t testing.TB, now time.Time) *Desk {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "crosscheck.db"), state.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &Desk{Store: s}
}

// TestScenarios is the acceptance bar of issue 4: wire copy in, the
// conflicts an editor would agree with out, and no others.
func TestScenarios(t *testing.T) {
	ctx := context.Background()
	for _, sc := range scenarios() {
		t.Run(sc.file, func(t *testing.T) {
			articles := readArticles(t, filepath.Join("testdata", "replay", sc.file+".jsonl"))
			// The clock stands just after the last article, so mutes are
			// in force while the scenario plays.
			d := newDesk(t, articles[len(articles)-1].Published.Add(time.Hour))
			for i, a := range articles {
				line := i + 1
				if sc.mute != "" && line == sc.muteBefore {
					if err := d.Store.Mute(ctx, sc.mute, a.Published.Add(30*24*time.Hour)); err != nil {
						t.Fatal(err)
					}
				}
				item := d.Item(a)
				item.Item.Backfill = slices.Contains(sc.backfill, line)
				res, err := d.Store.Record(ctx, item)
				if err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				for _, c := range res.Opened {
					if c.Backfill != item.Item.Backfill {
						t.Errorf("line %d opened %s with backfill %v", line, c.ID, c.Backfill)
					}
				}
				if line <= sc.quietThrough {
					if n, _ := d.Store.OutboxDepth(ctx); n != 0 {
						t.Errorf("line %d queued %d alerts; want none yet", line, n)
					}
				}
				if line == sc.dismissAfter {
					open, err := d.Store.Conflicts(ctx, state.ConflictFilter{Status: state.StatusOpen})
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range open {
						if _, err := d.Store.SetConflictStatus(ctx, c.ID, state.StatusDismissed, "U0EDITOR"); err != nil {
							t.Fatal(err)
						}
					}
				}
			}

			// What the editor sees in the end: every conflict in the store.
			opened, err := d.Store.Conflicts(ctx, state.ConflictFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range sc.want {
				if !slices.ContainsFunc(opened, w.matches) {
					t.Errorf("missing conflict %s; got:%s", w, describeConflicts(opened))
				}
			}
			for _, c := range opened {
				if !slices.ContainsFunc(sc.want, func(w want) bool { return w.matches(c) }) &&
					!slices.ContainsFunc(sc.maybe, func(w want) bool { return w.matches(c) }) {
					t.Errorf("false alarm:%s", describeConflicts([]state.Conflict{c}))
				}
			}

			pending, err := d.Store.PendingAlerts(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, a := range pending {
				kinds = append(kinds, string(a.Kind))
			}
			if len(sc.maybe) == 0 && !slices.Equal(kinds, sc.alerts) {
				t.Errorf("alerts queued %q, want %q", kinds, sc.alerts)
			}
		})
	}
}

// TestReplayAndCheck runs the seed article through the desk's own entry
// points: Check previews without storing, Replay records.
func TestReplayAndCheck(t *testing.T) {
	ctx := context.Background()
	a := readArticles(t, filepath.Join("testdata", "replay", "kursk-seed.jsonl"))[0]
	d := newDesk(t, a.Published.Add(time.Hour))

	checked, err := d.Check(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	seed := want{"status", "at the front", "kursk", budanov, "media reports (The New York Times, Yonhap)"}
	if len(checked) != 1 || !seed.matches(checked[0]) {
		t.Fatalf("Check = %s, want the seed conflict", describeConflicts(checked))
	}
	if n, _ := d.Store.ClaimCount(ctx); n != 0 {
		t.Errorf("Check stored %d claims", n)
	}

	opened, err := d.Replay(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || opened[0].ID != checked[0].ID {
		t.Fatalf("Replay = %s, want the conflict Check previewed", describeConflicts(opened))
	}
	// Checking the recorded article again finds its stored conflict.
	checked, err = d.Check(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(checked) != 1 || checked[0].ID != opened[0].ID {
		t.Errorf("re-check of a recorded article = %s, want its conflict", describeConflicts(checked))
	}
	if _, err := (&Desk{Store: d.Store}).Poll(ctx, feeds.Source{Name: "x"}); !errors.Is(err, ErrNoPoller) {
		t.Errorf("Poll without a poller = %v", err)
	}
}

// rssFeed serves articles as an RSS 2.0 feed.
func rssFeed(articles []claim.Article) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire digest</title><link>https://wire.example/</link><description>d</description>`)
	for _, a := range articles {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>",
			html.EscapeString(a.Title), html.EscapeString(a.URL), html.EscapeString(a.URL), a.Published.Format(time.RFC1123Z), html.EscapeString(a.Text))
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// TestPollThroughFeed runs a real feed on loopback through the desk: the
// first poll is backfill (conflict kept, no alert); an item arriving later
// announces the conflict.
func TestPollThroughFeed(t *testing.T) {
	ctx := context.Background()
	articles := readArticles(t, filepath.Join("testdata", "replay", "dismissal.jsonl"))
	var mu sync.Mutex
	served := articles[:2]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, rssFeed(served))
	}))
	defer srv.Close()

	now := articles[2].Published.Add(time.Hour)
	d := newDesk(t, now)
	d.Poller = &feeds.Poller{
		Fetcher: feeds.NewFetcher(feeds.FetcherConfig{AllowPrivateNetworks: true, Now: func() time.Time { return now }}),
		History: d.Store,
		Now:     func() time.Time { return now },
	}
	src := feeds.Source{Name: "wire", URL: srv.URL + "/rss", Outlet: "Wire Digest"}

	res, err := d.Poll(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	killed := want{"figure", "killed", "kursk", zelensky, nis}
	if res.NewItems != 2 || len(res.Conflicts) != 1 || !killed.matches(res.Conflicts[0]) || !res.Conflicts[0].Backfill {
		t.Fatalf("first poll: %d new items, conflicts:%s", res.NewItems, describeConflicts(res.Conflicts))
	}
	if n, _ := d.Store.OutboxDepth(ctx); n != 0 {
		t.Fatalf("backfill queued %d alerts", n)
	}
	if got := res.Conflicts[0].Sides[0].Claims[0].Outlet; got != "Wire Digest" {
		t.Errorf("claim outlet = %q, want the source's outlet", got)
	}

	mu.Lock()
	served = articles
	mu.Unlock()
	res, err = d.Poll(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if res.NewItems != 1 || len(res.Conflicts) != 0 {
		t.Fatalf("second poll: %d new items, conflicts:%s", res.NewItems, describeConflicts(res.Conflicts))
	}
	pending, err := d.Store.PendingAlerts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].Kind != state.AlertNew {
		t.Fatalf("after live evidence: %+v, want one new alert", pending)
	}
	c, err := d.Store.Conflict(ctx, pending[0].ConflictID)
	if err != nil || c.Backfill || len(c.Sides[0].Claims)+len(c.Sides[1].Claims) != 3 {
		t.Errorf("announced conflict = %+v, %v", c, err)
	}
}
