package bot

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

func TestThreadPhrases(t *testing.T) {
	p, err := parseThreadPhrases(threadPhrasesData)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		msg       string
		mentioned bool
		want      string
	}{
		{"sources?", false, askSources},
		{"Sources", false, askSources},
		{"show me the timeline", false, askTimeline},
		{"timeline please", false, askTimeline},
		{"why?", false, askWhy},
		{"why was this flagged", false, askWhy},
		{"latest", false, askLatest},
		{"any update?", false, askLatest},
		{"help", false, askHelp},
		{"what did Zelensky say?", false, askWhatSaid},
		{"thanks all", false, ""},
		{"ok", false, ""},
		{"Thanks, I'll call the desk", false, ""},
		{"the last edition is out", false, ""},
		{"is this real?", false, ""},
		{"lunch?", false, ""},
		{"can you check the latest figures", true, askLatest},
		{"thanks", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			if got := p.understand(tt.msg, tt.mentioned); got.kind != tt.want {
				t.Errorf("understand(%q, mentioned=%v) = %q, want %q", tt.msg, tt.mentioned, got.kind, tt.want)
			}
		})
	}
}

func TestThreadPhrasesRefuseBadData(t *testing.T) {
	for name, data := range map[string]string{
		"no sources": "questions: {help: [help], timeline: [t], why: [w], latest: [l]}\nwhat_did_say: '(x)'",
		"no group":   "questions: {help: [h], sources: [s], timeline: [t], why: [w], latest: [l]}\nwhat_did_say: 'x'",
		"bad regexp": "questions: {help: [h], sources: [s], timeline: [t], why: [w], latest: [l]}\nwhat_did_say: '('",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseThreadPhrases([]byte(data)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

// TestThreadEtiquette: people talking in an alert's thread are left
// alone; so are bots and the bot itself. The bot is stopped, which waits
// for every request it took, before the thread is read.
func TestThreadEtiquette(t *testing.T) {
	h := newHarness(t, ModeSocket)
	_, parent := h.postAlert(8)
	before := len(h.fake.Thread(parent.Channel, parent.TS))
	send := func(payload map[string]any) {
		t.Helper()
		h.waitAck(t, h.fake.Send("events_api", payload))
	}
	var people int
	for _, text := range []string{"thanks all", "ok", "Thanks, I'll call the desk", "is this real?"} {
		p, _ := h.fake.UserMessage(parent.Channel, editor, text, parent.TS)
		people++
		send(p)
	}
	for _, ev := range []map[string]any{
		{"type": "message", "channel": parent.Channel, "user": "UBOT", "text": "sources?", "ts": "1.000001", "thread_ts": parent.TS},
		{"type": "message", "channel": parent.Channel, "bot_id": "BOTHER", "subtype": "bot_message", "text": "sources?", "ts": "1.000002", "thread_ts": parent.TS},
		{"type": "message", "channel": parent.Channel, "user": "UOTHER", "bot_id": "BOTHER", "text": "timeline", "ts": "1.000003", "thread_ts": parent.TS},
	} {
		send(h.fake.EventCallback(ev))
	}
	h.stop()
	th := h.fake.Thread(parent.Channel, parent.TS)
	for _, m := range th[before:] {
		if m.User == "" {
			t.Errorf("the bot answered talk it must leave alone: %q", m.Text)
		}
	}
	if got := len(th) - before; got != people {
		t.Errorf("thread grew by %d messages, want the %d people's own", got, people)
	}
}

// TestTimelineChart: "timeline" in a thread and the Chart button each
// upload a PNG into the thread, through Slack's external upload flow,
// that shows both sides.
func TestTimelineChart(t *testing.T) {
	h := newHarness(t, ModeSocket)
	c, parent := h.postAlert(9)
	waitFile := func(n int) slacktest.File {
		t.Helper()
		var fs []slacktest.File
		h.eventually("chart uploaded", func() bool {
			fs = h.fake.Files()
			return len(fs) >= n && fs[n-1].Channel != ""
		})
		return fs[n-1]
	}
	check := func(t *testing.T, f slacktest.File) {
		if f.Channel != parent.Channel || f.ThreadTS != parent.TS {
			t.Errorf("chart shared in %s/%s, want the alert's thread %s/%s", f.Channel, f.ThreadTS, parent.Channel, parent.TS)
		}
		checkChart(t, f.Data)
	}
	t.Run("timeline", func(t *testing.T) {
		id, _ := h.fake.SendUserMessage(parent.Channel, editor, "timeline", parent.TS)
		h.waitAck(t, id)
		check(t, waitFile(1))
		var methods []string
		for _, call := range h.fake.Calls() {
			if strings.HasPrefix(call.Method, "files.") {
				methods = append(methods, call.Method)
			}
		}
		if strings.Join(methods, " ") != "files.getUploadURLExternal files.completeUploadExternal" {
			t.Errorf("upload calls %v, want Slack's external upload flow", methods)
		}
	})
	t.Run("Chart button", func(t *testing.T) {
		if !strings.Contains(blocksText(parent), ActionChart) {
			t.Fatalf("parent has no Chart button: %s", parent.Blocks)
		}
		h.fake.SendBlockAction(editor, parent.Channel, parent.TS, ActionChart, c.ID)
		check(t, waitFile(2))
	})
}

// checkChart decodes a chart and checks it is a PNG of the chart's size
// with both sides' colours on it.
func checkChart(t *testing.T, data []byte) {
	t.Helper()
	if ct := http.DetectContentType(data); ct != "image/png" {
		t.Fatalf("chart is %s, want image/png", ct)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != int(ChartWidth.Dots(96)) || b.Dy() != int(ChartHeight.Dots(96)) {
		t.Errorf("chart is %dx%d, want %.0fx%.0f", b.Dx(), b.Dy(), ChartWidth.Dots(96), ChartHeight.Dots(96))
	}
	for i := range 2 {
		if n := countColor(img, SideColor(i)); n < 50 {
			t.Errorf("side %d's colour covers %d pixels: its points are missing", i+1, n)
		}
	}
}

func countColor(img image.Image, want color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, want.R) && near(g, want.G) && near(bl, want.B) {
				n++
			}
		}
	}
	return n
}

func near(c uint32, want uint8) bool {
	d := int(c>>8) - int(want)
	return d > -8 && d < 8
}

func TestChartPNG(t *testing.T) {
	at := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	fig := func(claimant, outlet string, v claim.Interval, day int) claim.Claim {
		return claim.Claim{Kind: claim.Figure, Subject: "soldiers", Measure: "deployed", Place: "kursk", Value: v,
			Claimant: claimant, Outlet: outlet, AsOf: at.AddDate(0, 0, day)}
	}
	c := state.Conflict{ID: "c1", Kind: claim.Figure, Topic: claim.TopicKey("soldiers", "deployed", "kursk"),
		Sides: [2]state.Side{{Claimant: "HUR"}, {Claimant: "NIS"}}}
	t.Run("hedged and open figures", func(t *testing.T) {
		data, err := ChartPNG(c, []claim.Claim{
			fig("HUR", "Kyiv Independent", claim.Interval{Low: 10800, High: 13200}, 0),
			fig("HUR", "Kyiv Independent", claim.Interval{Low: 12000, High: 12000}, 7),
			fig("NIS", "Yonhap", claim.Interval{Low: 3000, High: math.Inf(1), LowOpen: true}, 3),
			fig("Pentagon", "AP", claim.Interval{Low: 0, High: 11000}, 5),
		})
		if err != nil {
			t.Fatal(err)
		}
		checkChart(t, data)
	})
	t.Run("one figure", func(t *testing.T) {
		data, err := ChartPNG(c, []claim.Claim{fig("HUR", "", claim.Point(8000), 0), fig("NIS", "", claim.Point(0), 0)})
		if err != nil {
			t.Fatal(err)
		}
		checkChart(t, data)
	})
	t.Run("status dispute", func(t *testing.T) {
		st := claim.Claim{Kind: claim.Status, Subject: "soldiers", Measure: "at the front", Polarity: claim.Absent, Claimant: "NYT", AsOf: at}
		if _, err := ChartPNG(c, []claim.Claim{st}); !errors.Is(err, ErrNoFigures) {
			t.Errorf("status claims charted: %v, want ErrNoFigures", err)
		}
	})
}

// TestButtonRule: an admin's settlement stands against a non-admin's
// click, which is told why; an admin may change anyone's, and the parent
// shows who did what.
func TestButtonRule(t *testing.T) {
	h := newHarness(t, ModeSocket)
	ctx := context.Background()
	click := func(user string, parent slacktest.Message, action, id string) {
		t.Helper()
		h.waitAck(t, h.fake.SendBlockAction(user, parent.Channel, parent.TS, action, id))
	}
	status := func(parent slacktest.Message) string {
		m, _ := h.fake.Message(parent.Channel, parent.TS)
		return blocksText(m)
	}

	t.Run("an admin's resolution stands", func(t *testing.T) {
		c, parent := h.postAlert(200)
		click(admin, parent, ActionResolve, c.ID)
		h.eventually("resolved", func() bool { return strings.Contains(status(parent), jsonEscape("Resolved by <@U0ADMIN>")) })
		edits := len(h.fake.Updates())
		before := len(h.fake.Ephemerals())
		click(editor, parent, ActionDismiss, c.ID)
		var told string
		h.eventually("the editor told why", func() bool {
			es := h.fake.Ephemerals()
			if len(es) > before {
				told = es[len(es)-1].Text
				return true
			}
			return false
		})
		if !strings.Contains(told, "Resolved by <@U0ADMIN>, an admin, stands") {
			t.Errorf("editor told %q", told)
		}
		stored, err := h.store.Conflict(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Status != state.StatusResolved || stored.ChangedBy != admin {
			t.Errorf("stored %s by %s, want resolved by the admin", stored.Status, stored.ChangedBy)
		}
		if fb, _ := h.store.Feedbacks(ctx); len(fb) != 0 {
			t.Errorf("a refused dismissal left feedback: %+v", fb)
		}
		if n := len(h.fake.Updates()); n != edits {
			t.Errorf("parent edited %d times by a refused click", n-edits)
		}
	})
	t.Run("an admin changes a non-admin's", func(t *testing.T) {
		c, parent := h.postAlert(201)
		click(editor, parent, ActionResolve, c.ID)
		h.eventually("resolved", func() bool { return strings.Contains(status(parent), jsonEscape("Resolved by <@U0EDITOR>")) })
		click(admin, parent, ActionDismiss, c.ID)
		want := jsonEscape("Marked not a contradiction by <@U0ADMIN> (was resolved by <@U0EDITOR>)")
		h.eventually("dismissed, saying what it replaced", func() bool { return strings.Contains(status(parent), want) })
	})
}

// FuzzUnderstand: whatever is typed in a thread, reading it never
// panics, yields a known question or none, and a mention only ever
// widens what is understood.
func FuzzUnderstand(f *testing.F) {
	p, err := parseThreadPhrases(threadPhrasesData)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"sources?", "thanks all", "what did the Defence Ministry say?", "show me the timeline", "", "?", "why why why", "ünïcödé?", "what did  say"} {
		f.Add(s)
	}
	known := map[string]bool{"": true, askWhatSaid: true}
	for _, k := range askOrder {
		known[k] = true
	}
	f.Fuzz(func(t *testing.T, msg string) {
		plain, mentioned := p.understand(msg, false), p.understand(msg, true)
		if !known[plain.kind] || !known[mentioned.kind] {
			t.Fatalf("understand(%q) = %q / %q, not a known question", msg, plain.kind, mentioned.kind)
		}
		if plain.kind != "" && mentioned.kind != plain.kind {
			t.Fatalf("a mention changed %q from %q to %q", msg, plain.kind, mentioned.kind)
		}
		if plain.kind == askWhatSaid && !strings.Contains(strings.ToLower(msg), strings.ToLower(plain.name)) {
			t.Fatalf("name %q is not in %q", plain.name, msg)
		}
	})
}

func BenchmarkChartPNG(b *testing.B) {
	at := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)
	c := state.Conflict{ID: "c1", Kind: claim.Figure, Topic: claim.TopicKey("soldiers", "deployed", "kursk"),
		Sides: [2]state.Side{{Claimant: "HUR"}, {Claimant: "NIS"}}}
	var claims []claim.Claim
	for i := range 40 {
		who := []string{"HUR", "NIS", "Pentagon"}[i%3]
		claims = append(claims, claim.Claim{Kind: claim.Figure, Subject: "soldiers", Measure: "deployed", Place: "kursk",
			Value: claim.Interval{Low: float64(10000 + 100*i), High: float64(11000 + 100*i)}, Claimant: who, Outlet: "Wire", AsOf: at.AddDate(0, 0, i)})
	}
	var size int
	for b.Loop() {
		png, err := ChartPNG(c, claims)
		if err != nil {
			b.Fatal(err)
		}
		size = len(png)
	}
	b.ReportMetric(float64(size), "png_bytes")
	b.ReportMetric(float64(len(claims)), "figures/chart")
}

// TestTimelineOfAStatusDispute: no figures, no empty chart: the bot says
// so in the thread.
func TestTimelineOfAStatusDispute(t *testing.T) {
	h := newHarness(t, ModeSocket)
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	status := func(id, claimant, outlet string, p claim.Polarity) feeds.PolledItem {
		u := "https://" + id + ".example/front"
		return feeds.PolledItem{
			Item: feeds.ItemRecord{ID: id, Feed: "wire-" + id, Outlet: outlet, URL: u, Published: at},
			Claims: []claim.Claim{{Kind: claim.Status, Subject: "north korean soldiers", Measure: "at the front", Place: "kursk",
				Polarity: p, Claimant: claimant, Outlet: outlet, URL: u, Published: at, AsOf: at,
				Sentence: claimant + " spoke of the soldiers at the front in Kursk."}},
		}
	}
	rec, err := h.store.Record(context.Background(), status("a", "Kyrylo Budanov (HUR)", "Kyiv Wire", claim.Present), status("b", "media reports", "World Desk", claim.Absent))
	if err != nil || len(rec.Opened) != 1 {
		t.Fatalf("recorded %+v, %v; want one status conflict", rec, err)
	}
	c := rec.Opened[0]
	h.bot.Notifier().Wake()
	var th state.Thread
	h.eventually("alert posted", func() bool {
		var ok bool
		th, ok, _ = h.store.ThreadOf(context.Background(), c.ID)
		return ok
	})
	parent, _ := h.fake.Message(th.Channel, th.TS)
	if strings.Contains(blocksText(parent), ActionChart) {
		t.Error("a status alert has a Chart button")
	}
	_, qts := h.fake.SendUserMessage(th.Channel, editor, "timeline", th.TS)
	h.eventually("the bot says there is no chart", func() bool {
		for _, m := range h.fake.Thread(th.Channel, th.TS) {
			if m.TS > qts && m.User == "" && strings.Contains(m.Text, "No chart: this dispute is about a status") {
				return true
			}
		}
		return false
	})
	if fs := h.fake.Files(); len(fs) != 0 {
		t.Errorf("%d files uploaded for a status dispute", len(fs))
	}
}
