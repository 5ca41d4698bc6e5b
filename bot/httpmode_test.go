package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// Slack's published signing example.
const (
	exampleTimestamp = 1531420618
	exampleBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	exampleSig       = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

// TestSlackSigningExample checks the published example through the bot's
// own verification (slack.NewSecretsVerifier), on a virtual clock set to
// the example's time, and that each way of breaking it gets 401.
func TestSlackSigningExample(t *testing.T) {
	tests := []struct {
		name    string
		at      time.Duration // after the example's timestamp
		body    string
		headers map[string]string
		want    int
	}{
		{"published example verifies", 10 * time.Second, exampleBody, nil, http.StatusServiceUnavailable},
		{"tampered body", 10 * time.Second, strings.Replace(exampleBody, "roadrunner", "coyote", 1), nil, http.StatusUnauthorized},
		{"stale timestamp", 5*time.Minute + time.Second, exampleBody, nil, http.StatusUnauthorized},
		{"timestamp from the future", -6 * time.Minute, exampleBody, nil, http.StatusUnauthorized},
		{"missing signature", 10 * time.Second, exampleBody, map[string]string{"X-Slack-Signature": ""}, http.StatusUnauthorized},
		{"missing timestamp", 10 * time.Second, exampleBody, map[string]string{"X-Slack-Request-Timestamp": ""}, http.StatusUnauthorized},
		{"garbage signature", 10 * time.Second, exampleBody, map[string]string{"X-Slack-Signature": "v0=zz"}, http.StatusUnauthorized},
	}
	fake := slacktest.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// The bubble's clock starts in 2000; move it to the example.
				time.Sleep(time.Until(time.Unix(exampleTimestamp, 0).Add(tt.at)))
				b, err := New(Options{Store: openStore(t), Settings: testSettings(fake, ModeHTTP), Secrets: testSecrets(fake)})
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(tt.body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Slack-Request-Timestamp", "1531420618")
				req.Header.Set("X-Slack-Signature", exampleSig)
				for k, v := range tt.headers {
					if v == "" {
						req.Header.Del(k)
					} else {
						req.Header.Set(k, v)
					}
				}
				rec := httptest.NewRecorder()
				b.Handler().ServeHTTP(rec, req)
				// A verified request reaches the bot, which is not running
				// here: 200 with a "busy" answer for a command.
				got := rec.Code
				if got == http.StatusOK && strings.Contains(rec.Body.String(), "busy") {
					got = http.StatusServiceUnavailable
				}
				if got != tt.want {
					t.Errorf("status %d (%s), want %d", rec.Code, strings.TrimSpace(rec.Body.String()), tt.want)
				}
			})
		})
	}
}

type httpHarness struct {
	*harness
	srv *httptest.Server
}

func newHTTPHarness(t *testing.T) *httpHarness {
	h := newHarness(t, ModeHTTP)
	srv := httptest.NewServer(h.bot.Handler())
	t.Cleanup(srv.Close)
	return &httpHarness{harness: h, srv: srv}
}

func (h *httpHarness) post(path, contentType string, body []byte, sign func(http.Header)) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if sign == nil {
		slacktest.Sign(req.Header, signingSecret, time.Now(), body)
	} else {
		sign(req.Header)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		h.t.Errorf("%s acknowledged after %v; Slack gives up at 3 s", path, took)
	}
	return resp
}

func readAll(r *http.Response) string {
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func TestHTTPMode(t *testing.T) {
	h := newHTTPHarness(t)
	form := "application/x-www-form-urlencoded"

	t.Run("url verification", func(t *testing.T) {
		body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
		resp := h.post("/slack/events", "application/json", body, nil)
		if got := readAll(resp); resp.StatusCode != 200 || got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Errorf("challenge answer %d %q", resp.StatusCode, got)
		}
	})

	t.Run("command answered privately", func(t *testing.T) {
		body := []byte(h.fake.CommandForm(slack.SlashCommand{UserID: editor, ChannelID: alerts, Text: "frobnicate"}).Encode())
		resp := h.post("/slack/commands", form, body, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, readAll(resp))
		}
		readAll(resp)
		h.eventually("answer", func() bool {
			e := h.fake.Ephemerals()
			return len(e) == 1 && strings.Contains(e[0].Text, `I don't know the command "frobnicate"`)
		})
	})

	t.Run("replayed command within the window acts once", func(t *testing.T) {
		before := len(h.fake.Ephemerals())
		body := []byte(h.fake.CommandForm(slack.SlashCommand{UserID: editor, ChannelID: alerts, Text: "help"}).Encode())
		ts := time.Now()
		for range 3 {
			resp := h.post("/slack/commands", form, body, func(hd http.Header) { slacktest.Sign(hd, signingSecret, ts, body) })
			readAll(resp)
		}
		h.eventually("answer", func() bool { return len(h.fake.Ephemerals()) > before })
		h.settle()
		if n := len(h.fake.Ephemerals()) - before; n != 1 {
			t.Errorf("%d answers to one command sent three times", n)
		}
	})

	t.Run("forged and stale requests", func(t *testing.T) {
		body := []byte(h.fake.CommandForm(slack.SlashCommand{UserID: admin, ChannelID: alerts, Text: "feeds add https://evil.example/rss"}).Encode())
		for _, tt := range []struct {
			name string
			sign func(http.Header)
		}{
			{"wrong secret", func(hd http.Header) { slacktest.Sign(hd, "not-the-secret", time.Now(), body) }},
			{"stale", func(hd http.Header) { slacktest.Sign(hd, signingSecret, time.Now().Add(-6*time.Minute), body) }},
			{"signed other body", func(hd http.Header) { slacktest.Sign(hd, signingSecret, time.Now(), []byte("text=help")) }},
			{"unsigned", func(http.Header) {}},
		} {
			resp := h.post("/slack/commands", form, body, tt.sign)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", tt.name, resp.StatusCode)
			}
			readAll(resp)
		}
		feeds, _ := h.store.ListFeeds(context.Background())
		if len(feeds) != 0 {
			t.Errorf("a forged request added %+v", feeds)
		}
	})

	t.Run("oversized body", func(t *testing.T) {
		body := []byte("text=" + strings.Repeat("x", 1<<20))
		resp := h.post("/slack/commands", form, body, nil)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
		readAll(resp)
	})

	t.Run("event retried by Slack is answered once", func(t *testing.T) {
		c, parent := h.postAlert(3)
		_ = c
		p, _ := h.fake.UserMessage(parent.Channel, editor, "why?", parent.TS)
		body, _ := json.Marshal(p)
		before := len(h.fake.Messages())
		for i := range 3 {
			resp := h.post("/slack/events", "application/json", body, func(hd http.Header) {
				slacktest.Sign(hd, signingSecret, time.Now(), body)
				if i > 0 {
					hd.Set("X-Slack-Retry-Num", "1")
					hd.Set("X-Slack-Retry-Reason", "http_timeout")
				}
			})
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
			readAll(resp)
		}
		h.eventually("answer", func() bool { return len(h.fake.Messages()) > before })
		h.settle()
		th := h.fake.Thread(parent.Channel, parent.TS)
		answers := 0
		for _, m := range th {
			if strings.Contains(m.Text, "Why this was flagged") {
				answers++
			}
		}
		if answers != 1 {
			t.Errorf("%d answers to one event delivered three times", answers)
		}
	})

	t.Run("button over HTTP", func(t *testing.T) {
		c, parent := h.postAlert(4)
		payload, _ := json.Marshal(h.fake.BlockAction(editor, parent.Channel, parent.TS, ActionResolve, c.ID))
		body := []byte(url.Values{"payload": {string(payload)}}.Encode())
		resp := h.post("/slack/interactivity", form, body, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		readAll(resp)
		h.eventually("parent updated", func() bool {
			m, _ := h.fake.Message(parent.Channel, parent.TS)
			return strings.Contains(blocksText(m), jsonEscape("Resolved by <@U0EDITOR>"))
		})
	})
}

// FuzzHTTPBodies posts arbitrary signed bodies to every endpoint. A signed
// request is never refused as unsigned; the answer is 200, or one of the
// handler's own errors as one line of text; the same body gets the same
// answer; a URL verification that is answered echoes its challenge.
func FuzzHTTPBodies(f *testing.F) {
	f.Add("/slack/events", `{"type":"url_verification","challenge":"x"}`)
	f.Add("/slack/events", `{"type":"event_callback","event_id":"Ev1","event":{"type":"message","channel":"C1","user":"U1","text":"why","ts":"2.0","thread_ts":"1.0"}}`)
	f.Add("/slack/commands", "command=%2Fcrosscheck&text=mute+c1+-5m&user_id=U1&channel_id=C1&trigger_id=t1")
	f.Add("/slack/interactivity", `payload={"type":"block_actions","actions":[{"action_id":"crosscheck_resolve","block_id":"a","value":"c1"}]}`)
	f.Add("/slack/interactivity", "payload=%7B")
	fake := slacktest.New()
	b, err := New(Options{Store: openStore(f), Settings: testSettings(fake, ModeHTTP), Secrets: testSecrets(fake)})
	if err != nil {
		f.Fatal(err)
	}
	h := b.Handler()
	f.Fuzz(func(t *testing.T, path, body string) {
		if path != "/slack/events" && path != "/slack/commands" && path != "/slack/interactivity" {
			return
		}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		slacktest.Sign(req.Header, signingSecret, time.Now(), []byte(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkHTTPAnswer(t, path, body, rec)
		req = httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		slacktest.Sign(req.Header, signingSecret, time.Now(), []byte(body))
		again := httptest.NewRecorder()
		h.ServeHTTP(again, req)
		if again.Code != rec.Code || again.Body.String() != rec.Body.String() {
			t.Errorf("%s: the same body answered %d %q, then %d %q", path, rec.Code, rec.Body, again.Code, again.Body)
		}
	})
}

// TestHTTPModeWithoutTriggerID: requests that carry no trigger_id are told
// apart by their own content, so two different commands (or buttons) both
// act, and a byte-for-byte retry of one, same signed timestamp, is dropped.
func TestHTTPModeWithoutTriggerID(t *testing.T) {
	h := newHTTPHarness(t)
	form := "application/x-www-form-urlencoded"
	ts := time.Now()
	send := func(path string, body []byte) {
		t.Helper()
		resp := h.post(path, form, body, func(hd http.Header) { slacktest.Sign(hd, signingSecret, ts, body) })
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", path, resp.StatusCode, readAll(resp))
		}
		readAll(resp)
	}
	command := func(text string) []byte {
		f := h.fake.CommandForm(slack.SlashCommand{UserID: editor, ChannelID: alerts, Text: text})
		f.Del("trigger_id")
		return []byte(f.Encode())
	}
	button := func(action, conflictID, messageTS string) []byte {
		p := h.fake.BlockAction(editor, alerts, messageTS, action, conflictID)
		delete(p, "trigger_id")
		payload, _ := json.Marshal(p)
		return []byte(url.Values{"payload": {string(payload)}}.Encode())
	}
	c1, parent1 := h.postAlert(5)
	c2, parent2 := h.postAlert(6)
	updatesBefore := len(h.fake.Updates())

	help, frob := command("help"), command("frobnicate")
	resolve, dismiss := button(ActionResolve, c1.ID, parent1.TS), button(ActionDismiss, c2.ID, parent2.TS)
	send("/slack/commands", help)
	send("/slack/commands", help) // Slack's retry: same body, same timestamp
	send("/slack/commands", frob)
	send("/slack/interactivity", resolve)
	send("/slack/interactivity", resolve)
	send("/slack/interactivity", dismiss)
	// Every request above was acknowledged after its work was handed to a
	// worker; waiting for the workers leaves nothing in flight.
	h.bot.work.Wait()

	var answers []string
	for _, e := range h.fake.Ephemerals() {
		answers = append(answers, e.Text)
	}
	if len(answers) != 2 || !strings.Contains(strings.Join(answers, "\n"), `I don't know the command "frobnicate"`) {
		t.Errorf("answers %q, want one to help and one to frobnicate", answers)
	}
	if n := len(h.fake.Updates()) - updatesBefore; n != 2 {
		t.Errorf("%d alert updates after resolve, its retry and dismiss; want 2", n)
	}
	for _, tc := range []struct {
		id   string
		want state.ConflictStatus
	}{{c1.ID, state.StatusResolved}, {c2.ID, state.StatusDismissed}} {
		c, err := h.store.Conflict(context.Background(), tc.id)
		if err != nil || c.Status != tc.want {
			t.Errorf("conflict %s is %v (%v), want %v", tc.id, c.Status, err, tc.want)
		}
	}
}
