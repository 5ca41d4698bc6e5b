package bot

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// routedSettings route disputes with a claim from kyiv-independent to the
// world desk and disasters to theirs.
func routedSettings() Settings {
	return Settings{
		Slack: Slack{Mode: ModeSocket, Channel: "C0ALERTS01", GroupInterval: 30 * time.Second, Routes: []Route{
			{Channel: "C0WORLD0001", Feeds: []string{"kyiv-independent"}},
			{Channel: "C0DISASTER1", Beats: []string{"disasters"}},
		}},
		Feeds: []feeds.Source{
			{Name: "kyiv-independent", URL: "https://kyivindependent.example/rss", Outlet: "kyiv-independent", Schedule: feeds.DefaultSchedule},
			{Name: "wire", URL: "https://wire.example/rss", Outlet: "wire", Schedule: feeds.DefaultSchedule},
		},
	}
}

// livePoll is one poll of feed bringing one article with one claim.
func livePoll(feed string, c claim.Claim) feeds.Poll {
	id := fmt.Sprintf("%s-%s-%s", feed, c.Outlet, claim.FormatNumber(c.Value.Low))
	return feeds.Poll{Feed: feed, State: feeds.FeedState{Polled: true}, Items: []feeds.PolledItem{{
		Item:   feeds.ItemRecord{ID: id, Outlet: c.Outlet, URL: c.URL, Published: c.Published},
		Claims: []claim.Claim{c},
	}}}
}

// TestRoutesEndToEnd: two routes send two disputes, each a parent and its
// evidence, to two channels from the pipeline's own commits; each channel
// is its own lane at one post a second, neither waits for the other, the
// replies stay in their parent's thread, and status shows the routes and
// each channel's delivery.
func TestRoutesEndToEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cfg := routedSettings()
		st, err := state.Open(filepath.Join(t.TempDir(), "crosscheck.db"), state.Options{Router: NewRouter(cfg.Slack)})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fake := slacktest.New()
		fake.Now = time.Now
		cfg.Slack.APIURL = fake.APIURL()
		b, err := New(Options{Store: st, Settings: cfg, Secrets: testSecrets(fake), HTTPClient: fake.Client(), Log: testLog(t)})
		if err != nil {
			t.Fatal(err)
		}

		at := time.Now().Add(-time.Hour).Truncate(time.Second)
		war := func(claimant, outlet string, n float64) claim.Claim {
			c := figureClaim(1, claimant, outlet, n, at)
			c.Subject = "north korean soldiers"
			return c
		}
		quake := func(claimant, outlet string, n float64) claim.Claim {
			c := figureClaim(2, claimant, outlet, n, at)
			c.Subject, c.Place = "people", "izmir"
			return c
		}
		polls := []feeds.Poll{
			livePoll("kyiv-independent", war("General Staff", "The Kyiv Independent", 100)),
			livePoll("wire", war("Defence Ministry", "Wire", 1000)),
			livePoll("wire", quake("Civil Defence", "Wire", 10)),
			livePoll("wire", quake("Mayor", "Wire", 60)),
		}
		for i, outlet := range []string{"Reuters", "AP", "AFP"} {
			polls = append(polls,
				livePoll("wire", war("Defence Ministry", outlet, 1000+float64(i))),
				livePoll("wire", quake("Mayor", outlet, 60+float64(i))))
		}
		for _, p := range polls {
			if _, err := st.CommitPoll(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		lanes, err := st.Lanes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint([]state.Lane{{Channel: "C0DISASTER1", Queued: 4}, {Channel: "C0WORLD0001", Queued: 4}}); fmt.Sprint(lanes) != want {
			t.Fatalf("lanes after the polls = %v, want %s", lanes, want)
		}

		start := time.Now()
		stop := runNotifier(b.Notifier())
		waitEmpty(t, st, time.Hour)

		msgs := fake.Messages()
		if len(msgs) != 8 {
			t.Fatalf("%d messages, want a parent and three replies in each of two channels", len(msgs))
		}
		byChannel := checkPacing(t, msgs)
		for ch, headline := range map[string]string{"C0WORLD0001": "north korean soldiers", "C0DISASTER1": "people killed"} {
			ms := byChannel[ch]
			if len(ms) != 4 {
				t.Errorf("channel %s got %d messages, want 4", ch, len(ms))
				continue
			}
			if !strings.Contains(strings.ToLower(ms[0].Text), headline) || ms[0].ThreadTS != "" && ms[0].ThreadTS != ms[0].TS {
				t.Errorf("first message in %s = %q, want the parent about %s", ch, ms[0].Text, headline)
			}
			for _, r := range ms[1:] {
				if r.ThreadTS != ms[0].TS {
					t.Errorf("reply in %s outside its parent's thread: %+v", ch, r)
				}
			}
			// Both lanes start when the group interval ends, not one
			// after the other.
			if wait := ms[0].Posted.Sub(start); wait > 31*time.Second {
				t.Errorf("channel %s waited %v for its first post", ch, wait)
			}
			if span := ms[3].Posted.Sub(ms[0].Posted); span > 4*time.Second {
				t.Errorf("channel %s took %v for 4 posts at one a second", ch, span)
			}
		}
		if n := len(byChannel["C0ALERTS01"]); n != 0 {
			t.Errorf("%d messages in the default channel, want none", n)
		}

		status, err := b.status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("status:\n%s", status)
		for _, m := range msgs {
			t.Logf("%s %s thread=%s +%v %.60q", m.Channel, m.TS, m.ThreadTS, m.Posted.Sub(start), m.Text)
		}
		for _, want := range []string{
			"*Outbox*: 0 alert(s) waiting",
			"<#C0ALERTS01> (default): 0 queued · last post never",
			"<#C0WORLD0001>: 0 queued · last post",
			"1. feeds kyiv-independent → <#C0WORLD0001>",
			"2. beats disasters → <#C0DISASTER1>",
			"otherwise → <#C0ALERTS01>",
		} {
			if !strings.Contains(status, want) {
				t.Errorf("status lacks %q:\n%s", want, status)
			}
		}
		stop()
	})
}
