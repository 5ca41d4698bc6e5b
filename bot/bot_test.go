package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
)

// Compile-time: the real store is what the bot runs on.
var _ Store = (*state.Store)(nil)
var _ Scheduler = (*feeds.Scheduler)(nil)

const (
	admin  = "U0ADMIN"
	editor = "U0EDITOR"
	alerts = "CALERTS"
	// deskChannel is where editors type commands.
	deskChannel = "CDESK"
)

type harness struct {
	t *testing.T
	// stop ends the bot and waits for every request it was working on.
	stop  func()
	fake  *slacktest.Server
	store *state.Store
	bot   *Bot
	sched *feeds.Scheduler
	polls *pollCounter
}

type pollCounter struct {
	mu    sync.Mutex
	names []string
}

func (p *pollCounter) poll(ctx context.Context, src feeds.Source) (time.Time, error) {
	p.mu.Lock()
	p.names = append(p.names, src.Name)
	p.mu.Unlock()
	return time.Time{}, nil
}

func testSettings(fake *slacktest.Server, mode string) Settings {
	return Settings{
		Slack: Slack{Mode: mode, Channel: alerts, Admins: []string{admin}, APIURL: fake.APIURL(), GroupInterval: -1},
		Feeds: []feeds.Source{{Name: "kyiv-independent", URL: "https://kyivindependent.example/rss", Outlet: "The Kyiv Independent", Schedule: "@every 10m"}},
	}
}

func testSecrets(fake *slacktest.Server) Secrets {
	return Secrets{BotToken: fake.BotToken, AppToken: fake.AppToken, SigningSecret: "8f742231b10e8888abcd99yyyzzz85a5"}
}

// newHarness starts a fake Slack, a real store and the bot in mode; the
// bot runs until the test ends.
func newHarness(t *testing.T, mode string) *harness {
	t.Helper()
	fake := slacktest.NewServer()
	t.Cleanup(fake.Close)
	h := &harness{t: t, fake: fake, store: openStore(t), polls: &pollCounter{}}
	h.sched = feeds.NewScheduler(h.polls.poll, feeds.SchedulerOptions{MaxJitter: -1})
	b, err := New(Options{
		Store: h.store, Scheduler: h.sched, Settings: testSettings(fake, mode), Secrets: testSecrets(fake),
		Log: testLog(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	nctx, ncancel := context.WithCancel(context.Background())
	ndone := make(chan struct{})
	go func() { defer close(ndone); b.Notifier().Run(nctx) }()
	h.stop = sync.OnceFunc(func() {
		ncancel()
		<-ndone
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(h.stop)
	// Wait until the bot knows itself (auth.test done).
	h.eventually("bot connected", func() bool {
		u, _ := b.self()
		return u != "" && (mode == ModeHTTP || fake.Connections() > 0)
	})
	return h
}

func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitAck waits (10 s at most) for the bot to ack Socket Mode envelope
// id, and fails t if it does not.
func (h *harness) waitAck(t testing.TB, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.fake.WaitAck(ctx, id); err != nil {
		t.Fatalf("envelope %s not acked: %v", id, err)
	}
}

// command sends /crosscheck text from user over Socket Mode and returns
// the private answer.
func (h *harness) command(user, text string) string {
	h.t.Helper()
	before := len(h.fake.Ephemerals())
	h.waitAck(h.t, h.fake.SlashCommand(slack.SlashCommand{UserID: user, ChannelID: deskChannel, Text: text}))
	var got []slacktest.Message
	h.eventually("answer to "+truncate(text, 40), func() bool {
		got = h.fake.Ephemerals()
		return len(got) > before
	})
	m := got[len(got)-1]
	if m.User != user || m.Channel != deskChannel {
		h.t.Errorf("answer shown to %s, want %s", m.User, user)
	}
	return m.Text
}

// postAlert records a conflict, lets the notifier post it and returns
// the conflict and its parent message.
func (h *harness) postAlert(topic int) (state.Conflict, slacktest.Message) {
	h.t.Helper()
	c := recordConflict(h.t, h.store, topic, false)
	h.bot.Notifier().Wake()
	var th state.Thread
	h.eventually("alert posted", func() bool {
		var ok bool
		th, ok, _ = h.store.ThreadOf(context.Background(), c.ID)
		return ok
	})
	m, ok := h.fake.Message(th.Channel, th.TS)
	if !ok {
		h.t.Fatalf("no parent at %+v", th)
	}
	return c, m
}

func TestSocketCommands(t *testing.T) {
	h := newHarness(t, ModeSocket)
	tests := []struct {
		name, user, text string
		want             []string
	}{
		{"help", editor, "help", []string{"/crosscheck feeds add URL", "/crosscheck check URL", "sources, timeline, why, latest"}},
		{"empty is help", editor, "", []string{"/crosscheck claims QUERY"}},
		{"unknown subcommand", editor, "frobnicate now", []string{`I don't know the command "frobnicate"`, "/crosscheck status"}},
		{"bad argument shows that usage", editor, "conflicts closed", []string{"takes `open` or `all`", "Usage:\n`/crosscheck conflicts [open|all]`"}},
		{"feeds list", editor, "feeds", []string{"kyiv-independent", "configured"}},
		{"non-admin may not add", editor, "feeds add https://example.org/rss", []string{"Only the admins", "<@U0ADMIN>"}},
		{"non-admin may not pause", editor, "feeds pause kyiv-independent", []string{"Only the admins"}},
		{"private network refused", admin, "feeds add http://192.168.1.20/rss", []string{"private or local network", "/crosscheck feeds add URL"}},
		{"localhost refused", admin, "feeds add http://localhost:8080/rss", []string{"private or local network"}},
		{"non-http refused", admin, "feeds add gopher://example.org/", []string{"Only http and https"}},
		{"admin adds", admin, "feeds add https://www.yonhapnews.example/rss \"@every 15m\" yonhap", []string{"Added *yonhap*", "@every 15m"}},
		{"duplicate refused", admin, "feeds add https://www.yonhapnews.example/rss other", []string{"/crosscheck feeds add URL"}},
		{"listed", editor, "feeds list", []string{"yonhap", "added by <@U0ADMIN>"}},
		{"admin pauses", admin, "feeds pause yonhap", []string{"Paused *yonhap*"}},
		{"paused shows", editor, "feeds", []string{"paused"}},
		{"admin resumes", admin, "feeds resume yonhap", []string{"Resumed *yonhap*"}},
		{"configured feed not removable", admin, "feeds remove kyiv-independent", []string{"is configured in"}},
		{"unknown feed", admin, "feeds pause nosuch", []string{`no feed called "nosuch"`}},
		{"admin removes", admin, "feeds remove yonhap", []string{"Removed *yonhap*"}},
		{"mute forever refused", editor, "mute cdeadbeef forever", []string{`cannot last "forever"`, "/crosscheck mute"}},
		{"negative mute refused", editor, "mute cdeadbeef -5m", []string{`"-5m" makes no sense`}},
		{"mute a topic", editor, "mute North Korean soldiers | fighting 7d", []string{"Muted topic `north korean soldiers | fighting` for 7d"}},
		{"unmute it", editor, "unmute north korean soldiers | fighting", []string{"Unmuted"}},
		{"unmute nothing", editor, "unmute nothing here", []string{`Nothing is muted as "nothing here"`}},
		{"no conflicts yet", editor, "conflicts", []string{"No open conflicts"}},
		{"status", editor, "status", []string{"kyiv-independent", "last poll never", "Outbox*: 0 alert(s) waiting"}},
		{"claims none", editor, "claims unicorns", []string{`No stored claims match "unicorns"`}},
		{"check unavailable", editor, "check https://example.org/a", []string{"not available"}},
		{"1 MB command", editor, "claims " + strings.Repeat("x", 1<<20), []string{"too long (1.0 M bytes)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.command(tt.user, tt.text)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer to %q lacks %q:\n%s", truncate(tt.text, 60), w, got)
				}
			}
		})
	}
	t.Run("scheduler followed the feed changes", func(t *testing.T) {
		names := []string{}
		for _, f := range h.sched.Feeds() {
			names = append(names, f.Source.Name)
		}
		if len(names) != 0 {
			t.Errorf("scheduler still has %v after add and remove", names)
		}
	})
}

func TestSocketShare(t *testing.T) {
	h := newHarness(t, ModeSocket)
	h.waitAck(t, h.fake.SlashCommand(slack.SlashCommand{UserID: editor, ChannelID: alerts, Text: "conflicts --share"}))
	h.eventually("shared answer", func() bool {
		for _, m := range h.fake.Messages() {
			if m.Channel == alerts && strings.Contains(m.Text, "No open conflicts") {
				return true
			}
		}
		return false
	})
	if n := len(h.fake.Ephemerals()); n != 0 {
		t.Errorf("%d ephemeral answers to a shared command", n)
	}
}

// TestSocketDropped: an envelope torn mid-frame, and one whose ack is
// lost, are each answered exactly once after the reconnect.
func TestSocketDropped(t *testing.T) {
	h := newHarness(t, ModeSocket)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, tt := range []struct {
		name   string
		break_ func()
	}{
		{"mid-envelope", h.fake.DropNextEnvelope},
		{"lost ack", h.fake.LoseNextAck},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := h.fake.Connections()
			n0 := len(h.fake.Ephemerals())
			tt.break_()
			id := h.fake.SlashCommand(slack.SlashCommand{UserID: editor, ChannelID: alerts, Text: "help"})
			if _, err := h.fake.WaitAck(ctx, id); err != nil {
				t.Fatal(err)
			}
			h.eventually("answer", func() bool { return len(h.fake.Ephemerals()) > n0 })
			h.settle() // a double would show by now
			if got := len(h.fake.Ephemerals()) - n0; got != 1 {
				t.Errorf("%d answers, want exactly 1", got)
			}
			if h.fake.Connections() <= before || h.fake.Deliveries(id) != 2 {
				t.Errorf("connections %d→%d, deliveries %d; want a reconnect and a redelivery", before, h.fake.Connections(), h.fake.Deliveries(id))
			}
		})
	}
}

func TestInvalidAuthAtStart(t *testing.T) {
	fake := slacktest.NewServer()
	defer fake.Close()
	for _, tt := range []struct {
		name, variable string
		secrets        func(Secrets) Secrets
	}{
		{"bot token", "SLACK_BOT_TOKEN", func(s Secrets) Secrets { s.BotToken = "xoxb-revoked"; return s }},
		{"app token", "SLACK_APP_TOKEN", func(s Secrets) Secrets { s.AppToken = "xapp-revoked"; return s }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(Options{Store: openStore(t), Settings: testSettings(fake, ModeSocket), Secrets: tt.secrets(testSecrets(fake))})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = b.Run(ctx)
			if !errors.Is(err, ErrInvalidAuth) {
				t.Fatalf("Run = %v, want ErrInvalidAuth", err)
			}
			if !strings.Contains(err.Error(), tt.variable) || strings.Contains(err.Error(), "revoked") && strings.Contains(err.Error(), "xoxb-revoked") {
				t.Errorf("error %q should name %s and not the token", err, tt.variable)
			}
		})
	}
}

func blocksText(m slacktest.Message) string {
	var v any
	json.Unmarshal(m.Blocks, &v)
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAlertButtons(t *testing.T) {
	h := newHarness(t, ModeSocket)
	ctx := context.Background()
	tests := []struct {
		action     string
		wantParent string
		check      func(t *testing.T, c state.Conflict)
	}{
		{ActionResolve, "Resolved by <@U0EDITOR>", func(t *testing.T, c state.Conflict) {
			if c.Status != state.StatusResolved || c.ChangedBy != editor {
				t.Errorf("stored %s by %q", c.Status, c.ChangedBy)
			}
		}},
		{ActionDismiss, "Marked not a contradiction by <@U0EDITOR>", func(t *testing.T, c state.Conflict) {
			if c.Status != state.StatusDismissed {
				t.Errorf("stored %s", c.Status)
			}
			fb, _ := h.store.Feedbacks(ctx)
			if len(fb) == 0 || fb[0].ConflictID != c.ID {
				t.Errorf("feedback not stored: %+v", fb)
			}
		}},
		{ActionMute, "Muted until", func(t *testing.T, c state.Conflict) {
			muted, err := h.store.MutedConflict(ctx, c.ID, c.Topic, time.Now().Add(23*time.Hour))
			if err != nil || !muted {
				t.Errorf("not muted for 24h: %v %v", muted, err)
			}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			c, parent := h.postAlert(100 + i)
			if !strings.Contains(blocksText(parent), ActionResolve) {
				t.Fatalf("parent has no buttons: %s", parent.Blocks)
			}
			h.fake.SendBlockAction(editor, parent.Channel, parent.TS, tt.action, c.ID)
			h.eventually("parent updated", func() bool {
				m, _ := h.fake.Message(parent.Channel, parent.TS)
				return m.Edits > 0
			})
			m, _ := h.fake.Message(parent.Channel, parent.TS)
			if !strings.Contains(blocksText(m), jsonEscape(tt.wantParent)) {
				t.Errorf("parent after %s lacks %q: %s", tt.action, tt.wantParent, m.Blocks)
			}
			stored, err := h.store.Conflict(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, stored)
		})
	}
}

func TestThreadFollowUps(t *testing.T) {
	h := newHarness(t, ModeSocket)
	c, parent := h.postAlert(7)
	ask := func(user, text string) (answer string, answered bool) {
		t.Helper()
		id, qts := h.fake.SendUserMessage(parent.Channel, user, text, parent.TS)
		h.waitAck(t, id)
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			// The bot's first text reply after the question (a chart
			// shared for an earlier "timeline" is not it).
			for _, m := range h.fake.Thread(parent.Channel, parent.TS) {
				if m.TS <= qts || m.Files > 0 {
					continue
				}
				if m.User != "" || m.ThreadTS != parent.TS {
					t.Fatalf("next thread message is not the bot's reply: %+v", m)
				}
				if m.ReplyBroadcast {
					t.Error("answer broadcast to the channel")
				}
				return m.Text, true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return "", false
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"sources?", []string{"General Staff", "Defence Ministry", "Wire A", "Wire B"}},
		{"<@UBOT> timeline", []string{"Timeline of soldiers of brigade 7 killed in kursk", "100", "1,000"}},
		{"why?", []string{"Why this was flagged", c.Reason}},
		{"latest", []string{"Latest"}},
		{"What did the defence ministry say?", []string{"What Defence Ministry said", "1,000"}},
		{"what did Zelensky say", []string{`nothing from "Zelensky"`}},
		{"help", []string{"sources", "timeline", "why", "latest", "what did NAME say"}},
		{"<@UBOT> is this real?", []string{"I didn't catch that", "what did NAME say"}},
		{"any update?", []string{"Latest"}},
		{"who said 1,000?", []string{"Sources"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, ok := ask(editor, tt.q)
			if !ok {
				t.Fatalf("no answer to %q", tt.q)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, escape(w)) {
					t.Errorf("answer to %q lacks %q:\n%s", tt.q, w, got)
				}
			}
		})
	}

	// Bots, the bot itself and people talking: TestThreadEtiquette.

	t.Run("a retried event is answered once", func(t *testing.T) {
		// The questions before (the timeline's chart upload among them)
		// finish first, so what is posted next is this answer alone.
		h.settle()
		p, _ := h.fake.UserMessage(parent.Channel, editor, "latest", parent.TS)
		before := len(h.fake.Messages())
		for range 2 {
			id := h.fake.Send("events_api", p)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if _, err := h.fake.WaitAck(ctx, id); err != nil {
				t.Fatal(err)
			}
			cancel()
		}
		h.eventually("one answer", func() bool { return len(h.fake.Messages()) > before })
		h.settle()
		if n := len(h.fake.Messages()) - before; n != 1 {
			t.Errorf("%d answers to one event delivered twice", n)
		}
	})
}
