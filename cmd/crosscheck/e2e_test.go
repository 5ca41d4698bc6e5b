package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
)

const (
	alertChannel = "C0ALERTS01"
	adminUser    = "U0ADMIN01"
	editorUser   = "U0EDITOR1"
)

// The wire copy the end-to-end tests publish: a flood death toll that a
// governor and a ministry put far apart, and a third outlet quoting the
// ministry.
const (
	governorSays = "Regional governor Marta Ilves said 23 people were killed in the floods in Valdora province."
	ministrySays = "The national emergency ministry said 61 people were killed in the floods in Valdora province."
	thirdQuotes  = "Rescuers are still searching the river towns. The national emergency ministry said on Thursday that 61 people had been killed in the floods in Valdora province."
	backfillText = "The port authority said shipping resumed on Tuesday after the storm."
)

// e2e is one end-to-end setup: a newsroom of feeds, a fake Slack, a
// configuration using both, and a real bbolt file in a temporary folder.
type e2e struct {
	t     *testing.T
	dir   string
	news  *newsroom
	slack *slacktest.Server
	cfg   string
	addr  string
	feeds []string
}

func newE2E(t *testing.T, feeds ...string) *e2e {
	t.Helper()
	x := &e2e{t: t, dir: t.TempDir(), news: newNewsroom(t), slack: slacktest.NewServer(), addr: freeAddr(t), feeds: feeds}
	t.Cleanup(x.slack.Close)
	var fl strings.Builder
	for _, f := range feeds {
		// Every feed starts with one story, so its first poll (backfill,
		// never alerted) is over before the test publishes.
		x.news.publish(f, "old-"+f, "Shipping resumes", backfillText)
		fmt.Fprintf(&fl, "  - name: %s\n    url: %s\n    outlet: %s\n    schedule: \"@every 1s\"\n", f, x.news.url(f), outletOf(f))
	}
	x.cfg = writeConfig(t, x.dir, fmt.Sprintf(`store: %s/crosscheck.db
listen: %s
allow_private_networks: true
slack:
  mode: socket
  channel: %s
  admins: [%s]
  api_url: %s
  group_interval: 100ms
feeds:
%s`, x.dir, x.addr, alertChannel, adminUser, x.slack.APIURL(), fl.String()))
	return x
}

// outletOf names a test feed's outlet: "wire-a" is "Wire A".
func outletOf(feed string) string {
	parts := strings.Split(feed, "-")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, " ")
}

func (x *e2e) start() *botProcess {
	x.t.Helper()
	p := startBot(x.t, x.cfg, slackEnv(x.slack))
	eventually(x.t, 10*time.Second, "the bot answers /healthz", func() bool {
		if done, code := p.exited(); done {
			x.t.Fatalf("crosscheck run exited %d at start:\n%s", code, p.stderr.String())
		}
		resp, err := http.Get("http://" + x.addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return p
}

// polled waits until feed has been fetched n more times than now: once a
// fetch has begun after a publish, the poll before it is committed (a feed
// is never polled twice at once), so two fetches mean the story is in.
func (x *e2e) polled(feed string, n int) {
	x.t.Helper()
	target := x.news.fetchCount(feed) + n
	eventually(x.t, 15*time.Second, fmt.Sprintf("%s polled %d more times", feed, n), func() bool {
		return x.news.fetchCount(feed) >= target
	})
}

// backfilled waits for every feed's first poll to be committed.
func (x *e2e) backfilled() {
	for _, f := range x.feeds {
		eventually(x.t, 15*time.Second, f+" polled twice", func() bool { return x.news.fetchCount(f) >= 2 })
	}
}

func (x *e2e) parents() []slacktest.Message {
	var out []slacktest.Message
	for _, m := range x.slack.Messages() {
		if m.Channel == alertChannel && m.ThreadTS == "" && m.User == "" && !m.Ephemeral {
			out = append(out, m)
		}
	}
	return out
}

func (x *e2e) replies(ts string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range x.slack.Thread(alertChannel, ts) {
		if m.TS != ts && m.User == "" {
			out = append(out, m)
		}
	}
	return out
}

// seen is everything an editor reads in a message: its text and its
// blocks' text.
func seen(m slacktest.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && (k == "text" || k == "url" || k == "alt_text") {
					b.WriteString("\n" + s)
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	var blocks any
	if len(m.Blocks) > 0 && json.Unmarshal(m.Blocks, &blocks) == nil {
		walk(blocks)
	}
	return b.String()
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// waitAlert waits for exactly want parent alerts and returns them.
func (x *e2e) waitParents(want int) []slacktest.Message {
	x.t.Helper()
	eventually(x.t, 15*time.Second, fmt.Sprintf("%d alerts in %s", want, alertChannel), func() bool { return len(x.parents()) >= want })
	x.quiet() // a wrongly doubled alert would show by now
	got := x.parents()
	if len(got) != want {
		for _, m := range got {
			x.t.Logf("alert: %s", seen(m))
		}
		x.t.Fatalf("%d alerts in %s, want %d", len(got), alertChannel, want)
	}
	return got
}

// contradiction publishes the governor's figure on wire-a, then the
// ministry's on wire-b, and returns the one alert they raise.
func (x *e2e) contradiction() (slacktest.Message, story, story) {
	x.t.Helper()
	a := x.news.publish("wire-a", "governor-toll", "Governor: 23 dead in Valdora floods", governorSays)
	x.polled("wire-a", 2)
	if n := len(x.parents()); n != 0 {
		x.t.Fatalf("%d alerts after one side only", n)
	}
	b := x.news.publish("wire-b", "ministry-toll", "Ministry: 61 dead in Valdora floods", ministrySays)
	return x.waitParents(1)[0], a, b
}

func TestE2EContradictionRaisesOneAlert(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b")
	x.start()
	x.backfilled()
	alert, a, b := x.contradiction()
	text := seen(alert)
	t.Log(text)
	mustContain(t, "the alert", text,
		"Marta Ilves", "national emergency ministry", // both claimants
		"23 people were killed in the floods in Valdora province", // both sentences
		"61 people were killed in the floods in Valdora province",
		a.Link, b.Link, // both articles
		"Wire A", "Wire B",
	)
}

// waitReplies waits for at least want bot replies in the thread of ts.
func (x *e2e) waitReplies(ts string, want int) []slacktest.Message {
	x.t.Helper()
	eventually(x.t, 15*time.Second, fmt.Sprintf("%d replies in the thread of %s", want, ts), func() bool {
		return len(x.replies(ts)) >= want
	})
	return x.replies(ts)
}

// A third outlet quoting the ministry adds to the alert's thread and
// raises no new alert; asked "sources?" there, the bot names every outlet
// on both sides.
func TestE2EThirdOutletGoesToTheThread(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b", "wire-c")
	x.start()
	x.backfilled()
	alert, _, _ := x.contradiction()

	c := x.news.publish("wire-c", "ministry-quoted", "Ministry toll quoted", thirdQuotes)
	replies := x.waitReplies(alert.TS, 1)
	x.waitParents(1) // no new alert, even after a while
	reply := seen(replies[0])
	mustContain(t, "the thread reply", reply, "national emergency ministry", "Wire C", c.Link)
	if replies[0].ReplyBroadcast {
		t.Error("the thread reply was broadcast to the channel")
	}

	t.Run("sources", func(t *testing.T) {
		before := len(x.replies(alert.TS))
		payload, _ := x.slack.UserMessage(alertChannel, editorUser, "sources?", alert.TS)
		x.slack.Send("events_api", payload)
		replies := x.waitReplies(alert.TS, before+1)
		answer := seen(replies[len(replies)-1])
		mustContain(t, "the answer to sources?", answer,
			"Marta Ilves", "Wire A", // one side
			"national emergency ministry", "Wire B", "Wire C", // the other, read at two outlets
		)
	})
}

// Restarted between polls, the bot repeats no alert and carries on in the
// same thread.
func TestE2ERestartKeepsThreads(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b", "wire-c")
	first := x.start()
	x.backfilled()
	alert, _, _ := x.contradiction()
	if code := first.stop(t); code != 0 {
		t.Fatalf("crosscheck run exited %d on SIGTERM:\n%s", code, first.stderr.String())
	}
	mustContain(t, "the log", first.stderr.String(), "shutting down", "stopped")

	x.news.publish("wire-c", "ministry-quoted", "Ministry toll quoted", thirdQuotes)
	x.start()
	replies := x.waitReplies(alert.TS, 1)
	mustContain(t, "the reply after the restart", seen(replies[0]), "Wire C")
	x.waitParents(1)
}

// Slack answering 500 while the contradicting poll happens: the alert
// waits in the outbox and arrives once Slack is back, exactly once.
func TestE2ESlackDownDuringThePoll(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b")
	x.start()
	x.backfilled()
	x.news.publish("wire-a", "governor-toll", "Governor: 23 dead", governorSays)
	x.polled("wire-a", 2)

	x.slack.SetDown(true)
	x.news.publish("wire-b", "ministry-toll", "Ministry: 61 dead", ministrySays)
	x.polled("wire-b", 2)
	eventually(t, 10*time.Second, "a delivery attempt that Slack fails", func() bool {
		for _, c := range x.slack.Calls() {
			if c.Method == "chat.postMessage" && c.Failed != "" {
				return true
			}
		}
		return false
	})
	if n := len(x.parents()); n != 0 {
		t.Fatalf("%d alerts posted while Slack was down", n)
	}
	x.slack.SetDown(false)
	alert := x.waitParents(1)[0]
	mustContain(t, "the alert", seen(alert), "Marta Ilves", "national emergency ministry")
	// The operator saw it happen.
	_, metrics := get(t, "http://"+x.addr+"/metrics")
	mustContain(t, "/metrics", metrics, "crosscheck_alerts_sent_total 1\n", "crosscheck_outbox_depth 0\n")
	if strings.Contains(metrics, "crosscheck_alerts_failed_total 0\n") {
		t.Error("/metrics shows no failed delivery")
	}
}

// `/crosscheck feeds add` from an admin: the feed is polled on its
// schedule. From anyone else: refused, and never polled.
func TestE2EFeedsAdd(t *testing.T) {
	x := newE2E(t, "wire-a")
	x.start()
	x.news.publish("wire-new", "first", "First story", backfillText)
	x.news.publish("wire-sneaky", "first", "First story", backfillText)

	t.Run("by anyone else", func(t *testing.T) {
		id := x.slack.SlashCommand(slack.SlashCommand{
			Text: "feeds add " + x.news.url("wire-sneaky") + " @every 1s wire-sneaky", UserID: editorUser, ChannelID: alertChannel,
		})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := x.slack.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
		var refusal string
		eventually(t, 10*time.Second, "an answer to the editor", func() bool {
			for _, m := range x.slack.Ephemerals() {
				if m.User == editorUser {
					refusal = m.Text
					return true
				}
			}
			return false
		})
		mustContain(t, "the refusal", refusal, "Only the admins")
	})

	t.Run("by an admin", func(t *testing.T) {
		x.slack.SlashCommand(slack.SlashCommand{
			Text: "feeds add " + x.news.url("wire-new") + " @every 1s wire-new", UserID: adminUser, ChannelID: alertChannel,
		})
		eventually(t, 10*time.Second, "an answer to the admin", func() bool {
			for _, m := range x.slack.Ephemerals() {
				if m.User == adminUser {
					return strings.Contains(m.Text, "wire-new")
				}
			}
			return false
		})
		// On an "@every 1s" schedule: polled again and again.
		eventually(t, 10*time.Second, "the added feed polled three times", func() bool { return x.news.fetchCount("wire-new") >= 3 })
	})

	if n := x.news.fetchCount("wire-sneaky"); n != 0 {
		t.Errorf("the feed a non-admin asked for was fetched %d times", n)
	}
}
