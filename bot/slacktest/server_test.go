package slacktest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestWebAPI(t *testing.T) {
	ctx := context.Background()
	s := NewServer()
	defer s.Close()
	api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()))

	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if auth.UserID != s.BotUserID || auth.BotID != s.BotID {
		t.Errorf("auth.test = %+v", auth)
	}

	_, parent, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("parent", false),
		slack.MsgOptionBlocks(slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", "Topic", false, false))))
	if err != nil {
		t.Fatal(err)
	}
	_, reply, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(parent))
	if err != nil {
		t.Fatal(err)
	}
	if parent == reply || parent == "" {
		t.Fatalf("ts not unique: %q %q", parent, reply)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", parent, slack.MsgOptionText("parent, resolved", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("just you", false)); err != nil {
		t.Fatal(err)
	}
	msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Text != "parent, resolved" || msgs[1].Text != "reply" || msgs[1].ThreadTimestamp != parent {
		t.Errorf("conversations.replies = %+v", msgs)
	}
	if got := s.Ephemerals(); len(got) != 1 || got[0].User != "U1" || got[0].Text != "just you" {
		t.Errorf("ephemerals = %+v", got)
	}
	if m, _ := s.Message("C1", parent); m.Edits != 1 || len(m.Blocks) == 0 {
		t.Errorf("parent after update = %+v", m)
	}

	t.Run("failures", func(t *testing.T) {
		s.Fail("chat.postMessage",
			Failure{Status: 429, RetryAfter: 7},
			Failure{Status: 500},
			Failure{Error: "channel_not_found"})
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
			t.Errorf("first = %v, want rate limit of 7s", err)
		}
		_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		var sc slack.StatusCodeError
		if !errors.As(err, &sc) || sc.Code != 500 {
			t.Errorf("second = %v, want 500", err)
		}
		_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		if err == nil || err.Error() != "channel_not_found" {
			t.Errorf("third = %v, want channel_not_found", err)
		}
		s.SetChannelMissing("C9", true)
		if _, _, err = api.PostMessageContext(ctx, "C9", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
			t.Errorf("missing channel = %v", err)
		}
		bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL()))
		if _, err := bad.AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
			t.Errorf("wrong token = %v, want invalid_auth", err)
		}
		s.SetDown(true)
		_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		if !errors.As(err, &sc) || sc.Code != 503 {
			t.Errorf("down = %v, want 503", err)
		}
		s.SetDown(false)
	})
}

func TestInProcessClient(t *testing.T) {
	s := New()
	api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionHTTPClient(s.Client()))
	if _, _, err := api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	if got := s.Messages(); len(got) != 1 || got[0].Text != "hi" {
		t.Errorf("messages = %+v", got)
	}
}

// runSocketClient runs slack-go's Socket Mode client against s, acking
// every slash command, and returns the commands it saw.
func runSocketClient(t *testing.T, s *Server) (<-chan slack.SlashCommand, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(s.AppToken))
	client := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	seen := make(chan slack.SlashCommand, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		client.RunContext(ctx)
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-client.Events:
				if ev.Type == socketmode.EventTypeSlashCommand {
					seen <- ev.Data.(slack.SlashCommand)
					client.Ack(*ev.Request, map[string]any{"text": "ok"})
				}
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return seen, cancel
}

func TestSocketMode(t *testing.T) {
	s := NewServer()
	defer s.Close()
	seen, _ := runSocketClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	id := s.SlashCommand(slack.SlashCommand{UserID: "U1", ChannelID: "C1", Text: "help"})
	ack, err := s.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack), `"ok"`) {
		t.Errorf("ack payload = %s", ack)
	}
	if cmd := <-seen; cmd.Text != "help" || cmd.UserID != "U1" || cmd.TriggerID == "" {
		t.Errorf("command = %+v", cmd)
	}

	t.Run("dropped mid-envelope is delivered again", func(t *testing.T) {
		before := s.Connections()
		s.DropNextEnvelope()
		id := s.SlashCommand(slack.SlashCommand{UserID: "U1", ChannelID: "C1", Text: "status"})
		if _, err := s.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
		if cmd := <-seen; cmd.Text != "status" {
			t.Errorf("command = %+v", cmd)
		}
		if s.Connections() <= before || s.Deliveries(id) != 2 {
			t.Errorf("connections %d→%d, deliveries %d", before, s.Connections(), s.Deliveries(id))
		}
	})

	t.Run("lost ack means a second delivery", func(t *testing.T) {
		s.LoseNextAck()
		id := s.SlashCommand(slack.SlashCommand{UserID: "U1", ChannelID: "C1", Text: "feeds"})
		if _, err := s.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
		a, b := <-seen, <-seen
		if a.TriggerID != b.TriggerID || s.Deliveries(id) != 2 {
			t.Errorf("redelivery: %q %q, deliveries %d", a.TriggerID, b.TriggerID, s.Deliveries(id))
		}
	})
}

func TestSocketModeInvalidAuth(t *testing.T) {
	s := NewServer()
	defer s.Close()
	api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken("xapp-wrong"))
	client := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		for range client.Events {
		}
	}()
	err := client.RunContext(ctx)
	if err == nil || err.Error() != "invalid_auth" {
		t.Errorf("RunContext = %v, want invalid_auth", err)
	}
}

func TestSignature(t *testing.T) {
	// Slack's published example.
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := Signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", []byte(body))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("Signature = %s, want %s", got, want)
	}
	h := http.Header{}
	Sign(h, "8f742231b10e8888abcd99yyyzzz85a5", time.Unix(1531420618, 0), []byte(body))
	if h.Get("X-Slack-Signature") != got || h.Get("X-Slack-Request-Timestamp") != "1531420618" {
		t.Errorf("Sign headers = %v", h)
	}
}

// TestMetadataHistory: message metadata is kept and shown by
// conversations.history and conversations.replies only when asked for,
// newest first in pages, bounded by oldest, as Slack does.
func TestMetadataHistory(t *testing.T) {
	ctx := context.Background()
	s := New()
	api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionHTTPClient(s.Client()))
	meta := func(n int) slack.MsgOption {
		return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "crosscheck_alert", EventPayload: map[string]any{"alert": strconv.Itoa(n)}})
	}
	var stamps []string
	for i := range 5 {
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("alert "+strconv.Itoa(i), false), meta(i))
		if err != nil {
			t.Fatal(err)
		}
		stamps = append(stamps, ts)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("in the thread", false), slack.MsgOptionTS(stamps[0]), meta(9)); err != nil {
		t.Fatal(err)
	}

	var got []string
	params := &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: stamps[0], Limit: 2, IncludeAllMetadata: true}
	for pages := 0; ; pages++ {
		h, err := api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range h.Messages {
			got = append(got, m.Text+"="+fmt.Sprint(m.Metadata.EventPayload["alert"]))
		}
		if !h.HasMore {
			break
		}
		if pages > 5 {
			t.Fatal("history pages never end")
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	// Newest first, after oldest (exclusive), no thread replies.
	if want := []string{"alert 4=4", "alert 3=3", "alert 2=2", "alert 1=1"}; !slices.Equal(got, want) {
		t.Errorf("history = %q, want %q", got, want)
	}

	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil || len(h.Messages) != 5 || h.Messages[0].Metadata.EventType != "" {
		t.Errorf("history without include_all_metadata = %+v, %v; want 5 messages, no metadata", h, err)
	}
	replies, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: stamps[0], IncludeAllMetadata: true})
	if err != nil || len(replies) != 2 || replies[1].Metadata.EventPayload["alert"] != "9" {
		t.Errorf("replies = %+v, %v; want the parent and the reply with its metadata", replies, err)
	}
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "x"}))
	if err == nil || err.Error() != "invalid_metadata_schema" {
		t.Errorf("metadata without a payload = %v, want invalid_metadata_schema", err)
	}
	if _, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: "bm9wZQ=="}); err == nil || err.Error() != "invalid_cursor" {
		t.Errorf("history with a forged cursor = %v, want invalid_cursor", err)
	}
}

// TestOnPostLosesAnswer: the post is kept, the caller never hears so.
func TestOnPostLosesAnswer(t *testing.T) {
	s := New()
	ctx, cancel := context.WithCancel(context.Background())
	s.OnPost = func(m Message) bool {
		cancel()
		return m.Text == "lost"
	}
	api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionHTTPClient(s.Client()))
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("lost", false)); !errors.Is(err, context.Canceled) {
		t.Errorf("post whose answer is lost = %v, want context.Canceled", err)
	}
	if ms := s.Messages(); len(ms) != 1 || ms[0].Text != "lost" {
		t.Errorf("messages = %+v; the post must be kept", ms)
	}
}

// TestFileUpload: slack-go's three-step upload (getUploadURLExternal, a
// POST to the upload URL on this same server, completeUploadExternal)
// works unchanged against the fake, over a socket and in process, and
// the fake keeps the bytes and where they were shared.
func TestFileUpload(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for name, api := range map[string]*slack.Client{
		"socket":     slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL())),
		"in process": slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionHTTPClient(s.Client())),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			data := "\x89PNG\r\n\x1a\n chart bytes for " + name
			before := len(s.Files())
			f, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
				Reader: strings.NewReader(data), FileSize: len(data), Filename: "chart.png", Title: "Timeline",
				Channel: "C1", ThreadTimestamp: "1700000000.000100", InitialComment: "the chart",
			})
			if err != nil {
				t.Fatal(err)
			}
			files := s.Files()
			if len(files) != before+1 {
				t.Fatalf("%d files, want %d", len(files), before+1)
			}
			got := files[len(files)-1]
			if got.ID != f.ID || string(got.Data) != data || got.Name != "chart.png" || got.Title != "Timeline" ||
				got.Channel != "C1" || got.ThreadTS != "1700000000.000100" || got.InitialComment != "the chart" {
				t.Errorf("file %+v (returned %+v)", got, f)
			}
			th := s.Thread("C1", "1700000000.000100")
			if len(th) == 0 || th[len(th)-1].Files != 1 || th[len(th)-1].Text != "the chart" {
				t.Errorf("no message sharing the file in the thread: %+v", th)
			}
		})
	}
	t.Run("size mismatch", func(t *testing.T) {
		api := slack.New(s.BotToken, slack.OptionAPIURL(s.APIURL()))
		_, err := api.UploadFileContext(context.Background(), slack.UploadFileParameters{
			Reader: strings.NewReader("short"), FileSize: 99, Filename: "x.png", Channel: "C1",
		})
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != "file_upload_size_mismatch" {
			t.Errorf("error %v, want file_upload_size_mismatch", err)
		}
	})
}
