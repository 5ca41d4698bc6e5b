package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
)

// Every mistake the operator must fix stops `crosscheck run` at once: one
// line naming the cause, exit 2, and nothing left behind (no store file
// created, the listen address free again).
func TestRunRefusesToStart(t *testing.T) {
	fake := slacktest.NewServer()
	defer fake.Close()
	refusing := slacktest.NewServer()
	defer refusing.Close()
	refusing.Fail("auth.test", slacktest.Failure{Error: "invalid_auth"})
	noChannel := slacktest.NewServer()
	defer noChannel.Close()

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	// The read-only folder and the unreadable file: root ignores file
	// modes, so it gets a folder the kernel refuses and a directory.
	roDir := filepath.Join(t.TempDir(), "readonly")
	if err := os.Mkdir(roDir, 0o555); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(t.TempDir(), "secret.yaml")
	mustWrite(t, unreadable, []byte("store: x.db\n"), 0o000)
	wantUnreadable := "secret.yaml: cannot read: permission denied"
	if os.Geteuid() == 0 {
		roDir = "/sys"
		unreadable = t.TempDir()
		wantUnreadable = "cannot read"
	}

	config := func(dir, store, listen, apiURL string) string {
		if store == "" {
			store = filepath.Join(dir, "crosscheck.db")
		}
		if listen == "" {
			listen = freeAddr(t)
		}
		return writeConfig(t, dir, fmt.Sprintf("store: %s\nlisten: %s\nslack:\n  channel: C0ALERTS01\n  api_url: %s\n", store, listen, apiURL))
	}
	tests := []struct {
		name   string
		config func(dir string) string
		env    func(string) string
		want   string
	}{
		{"missing configuration", func(dir string) string { return filepath.Join(dir, "nope.yaml") },
			slackEnv(fake), "nope.yaml: cannot read: no such file"},
		{"unreadable configuration", func(string) string { return unreadable },
			slackEnv(fake), wantUnreadable},
		{"store in a read-only folder", func(dir string) string {
			return config(dir, filepath.Join(roDir, "crosscheck.db"), "", fake.APIURL())
		}, slackEnv(fake), filepath.Join(roDir, "crosscheck.db") + ": permission denied"},
		{"listen address in use", func(dir string) string {
			return config(dir, "", busy.Addr().String(), fake.APIURL())
		}, slackEnv(fake), "address already in use"},
		{"bot token missing", func(dir string) string { return config(dir, "", "", fake.APIURL()) },
			func(string) string { return "" }, "SLACK_BOT_TOKEN: not set in the environment"},
		{"app token missing in socket mode", func(dir string) string { return config(dir, "", "", fake.APIURL()) },
			func(k string) string {
				if k == "SLACK_BOT_TOKEN" {
					return "xoxb-1"
				}
				return ""
			}, "SLACK_APP_TOKEN: not set in the environment"},
		{"Slack refuses the token", func(dir string) string { return config(dir, "", "", refusing.APIURL()) },
			slackEnv(refusing), "SLACK_BOT_TOKEN: refused by Slack (invalid_auth)"},
		{"no channel for the alerts", func(dir string) string {
			return writeConfig(t, dir, fmt.Sprintf("store: %s\nlisten: %s\nslack:\n  api_url: %s\n",
				filepath.Join(dir, "crosscheck.db"), freeAddr(t), noChannel.APIURL()))
		}, slackEnv(noChannel), "crosscheck.yaml:3: slack.channel: required by crosscheck run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.config(dir)
			start := time.Now()
			code, stdout, stderr := runCrosscheck(t, context.Background(), tt.env, "run", "--config", path)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s to refuse", took)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if !strings.HasPrefix(stderr, "crosscheck: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q, want one line containing %q", stderr, tt.want)
			}
			for _, secret := range []string{fake.BotToken, fake.AppToken} {
				if strings.Contains(stderr, secret) {
					t.Error("a token was printed")
				}
			}
			if n := len(noChannel.Calls()); n > 0 {
				t.Errorf("Slack called %d times before the configuration was complete", n)
			}
			// Nothing half-started: no store file, the listen address free.
			if _, err := os.Stat(filepath.Join(dir, "crosscheck.db")); err == nil {
				t.Error("a store file was created")
			}
			if cfg, err := os.ReadFile(path); err == nil {
				if _, listen, ok := strings.Cut(string(cfg), "listen: "); ok {
					listen, _, _ = strings.Cut(listen, "\n")
					if listen != busy.Addr().String() {
						ln, err := net.Listen("tcp", listen)
						if err != nil {
							t.Errorf("listen address left busy: %v", err)
						} else {
							ln.Close()
						}
					}
				}
			}
		})
	}
}

// A second `crosscheck run` on the same store fails at once and says why,
// while the first carries on.
func TestRunSecondInstanceOnTheSameStore(t *testing.T) {
	x := newE2E(t, "wire-a")
	first := x.start()
	// Same store, another listen address.
	other := writeConfig(t, t.TempDir(), strings.Replace(mustRead(t, x.cfg), "listen: "+x.addr, "listen: "+freeAddr(t), 1))
	start := time.Now()
	code, _, stderr := runCrosscheck(t, context.Background(), slackEnv(x.slack), "run", "--config", other)
	if code != 2 {
		t.Errorf("second instance exited %d, want 2", code)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("second instance took %s to give up", took)
	}
	if !strings.Contains(stderr, "in use by another process") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q", stderr)
	}
	if done, _ := first.exited(); done {
		t.Fatal("the first instance stopped")
	}
	if code := first.stop(t); code != 0 {
		t.Errorf("first instance exited %d", code)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The operator's view of a running bot: health, readiness, metrics that
// move with the work, the health check command, and a backup taken while
// it runs.
func TestRunOperations(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b")
	p := x.start()
	x.backfilled()
	x.contradiction()

	base := "http://" + x.addr
	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 200 || !strings.Contains(body, "ok   store") || !strings.Contains(body, "ok   slack") {
		t.Errorf("/readyz: %d %q", code, body)
	}
	_, metrics := get(t, base+"/metrics")
	for _, want := range []string{
		`crosscheck_polls_total{feed="wire-a"}`,
		`crosscheck_feed_http_responses_total{code="200"}`,
		`crosscheck_items_total{feed="wire-b"}`,
		`crosscheck_claims_total`,
		`crosscheck_conflicts_total{kind="figure"} 1`,
		`crosscheck_alerts_queued_total 1`,
		`crosscheck_alerts_sent_total 1`,
		`crosscheck_alerts_failed_total 0`,
		`crosscheck_outbox_depth 0`,
		`crosscheck_store_bytes `,
		`crosscheck_slack_api_duration_seconds_count{method="chat.postMessage",outcome="ok"}`,
		`crosscheck_slack_api_duration_seconds_count{method="auth.test",outcome="ok"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	t.Run("healthcheck", func(t *testing.T) {
		if code, out, errOut := runCrosscheck(t, context.Background(), nil, "healthcheck", "--addr", x.addr); code != 0 {
			t.Errorf("healthcheck exited %d: %s %s", code, out, errOut)
		}
	})

	t.Run("backup while running", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "copy.db")
		code, out, errOut := runCrosscheck(t, context.Background(), nil, "backup", "--config", x.cfg, dest)
		if code != 0 {
			t.Fatalf("backup exited %d: %s", code, errOut)
		}
		mustContain(t, "backup's report", out, "from the running bot")
		if st, err := os.Stat(dest); err != nil || st.Size() == 0 {
			t.Errorf("backup file: %v", err)
		}
	})

	if code := p.stop(t); code != 0 {
		t.Errorf("exit %d after SIGTERM", code)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("/healthz still answers after shutdown")
	}
}

// SIGTERM during a poll: scheduling stops, the poll in flight finishes
// and is committed, its alert gets a last delivery attempt, the store is
// closed and the exit code is 0.
func TestRunShutdownLetsThePollInFlightFinish(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b")
	p := x.start()
	x.backfilled()
	x.news.publish("wire-a", "governor-toll", "Governor: 23 dead", governorSays)
	x.polled("wire-a", 2)

	x.news.setSlow("wire-b", 1500*time.Millisecond)
	for len(x.news.started) > 0 {
		<-x.news.started
	}
	x.news.publish("wire-b", "ministry-toll", "Ministry: 61 dead", ministrySays)
	select {
	case <-x.news.started:
	case <-time.After(10 * time.Second):
		t.Fatal("wire-b was not polled")
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr.String())
	}
	// SIGTERM came while the feed was still answering (it takes 1.5 s):
	// its alert, posted before the exit, proves the poll in flight was let
	// finish. A clock measuring the shutdown would fail on a machine too
	// busy to send SIGTERM within 0.5 s of the fetch.
	alerts := x.parents()
	if len(alerts) != 1 {
		t.Fatalf("%d alerts after shutdown, want the in-flight poll's one", len(alerts))
	}
	mustContain(t, "the alert", seen(alerts[0]), "national emergency ministry", "Marta Ilves")
	// The store is closed: it opens again at once.
	code, _, stderr := runCrosscheck(t, context.Background(), nil, "backup", "--config", x.cfg, filepath.Join(t.TempDir(), "after.db"))
	if code != 0 {
		t.Errorf("store not released at exit: %s", stderr)
	}
}

// In HTTP mode the Slack endpoints are served on the listen address beside
// the operational ones, only signed requests get in, and clients that hold
// connections are cut off by the configured limits.
func TestRunHTTPMode(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	x := newE2E(t, "wire-a")
	body := strings.Replace(mustRead(t, x.cfg), "mode: socket", "mode: http", 1) +
		"limits:\n  http_read_timeout: 1s\n  http_conns_per_client: 3\n"
	writeConfig(t, x.dir, body)
	getenv := func(k string) string {
		switch k {
		case "SLACK_BOT_TOKEN":
			return x.slack.BotToken
		case "SLACK_SIGNING_SECRET":
			return secret
		}
		return ""
	}
	p := startBot(t, x.cfg, getenv)
	eventually(t, 10*time.Second, "/healthz", func() bool {
		resp, err := http.Get("http://" + x.addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	form := x.slack.CommandForm(slack.SlashCommand{Text: "help", UserID: editorUser, ChannelID: alertChannel}).Encode()
	post := func(sign bool) int {
		req, err := http.NewRequest(http.MethodPost, "http://"+x.addr+"/slack/commands", strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sign {
			slacktest.Sign(req.Header, secret, time.Now(), []byte(form))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(false); code != http.StatusUnauthorized {
		t.Errorf("unsigned command: %d, want 401", code)
	}
	if code := post(true); code != http.StatusOK {
		t.Errorf("signed command: %d, want 200", code)
	}
	http.DefaultClient.CloseIdleConnections()

	// Clients that send headers and never the body: three are held, until
	// limits.http_read_timeout cuts them off; the rest are turned away.
	const clients = 10
	type outcome struct {
		status string
		after  time.Duration
	}
	outcomes := make(chan outcome, clients)
	for range clients {
		go func() {
			c, err := net.DialTimeout("tcp", x.addr, 5*time.Second)
			if err != nil {
				outcomes <- outcome{status: err.Error()}
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: bot\r\nContent-Length: 1000\r\n\r\n")
			start := time.Now()
			first, _ := io.ReadAll(c)
			status, _, _ := strings.Cut(string(first), "\r\n")
			outcomes <- outcome{status, time.Since(start)}
		}()
	}
	held, refused := 0, 0
	for range clients {
		o := <-outcomes
		switch {
		case strings.Contains(o.status, "503"):
			refused++
		case o.after < 3*time.Second && (o.status == "" || strings.Contains(o.status, "400")):
			held++ // cut off at the read timeout, maybe with a 400
		default:
			t.Errorf("a silent client saw %q after %v", o.status, o.after)
		}
	}
	if held < 1 || held > 3 || held+refused != clients {
		t.Errorf("%d clients held and cut off, %d turned away; want at most 3 held", held, refused)
	}
	t.Logf("%d silent clients: %d held and cut off at the read timeout, %d turned away", clients, held, refused)
	if code := p.stop(t); code != 0 {
		t.Errorf("exit %d", code)
	}
}
