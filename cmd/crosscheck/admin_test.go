package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestFeedCommandsWhileRunning: with `crosscheck run` holding the store,
// feeds list, pause, resume, add and import, and status, go through the
// running bot, say so in one line, and print what they print without it;
// poll and replay --db say the bot holds the file.
func TestFeedCommandsWhileRunning(t *testing.T) {
	x := newE2E(t, "wire-a", "wire-b")
	x.start()
	cli := func(args ...string) (int, string, string) {
		t.Helper()
		return cliRun(t, "", append(args, "--config", x.cfg)...)
	}
	saysSo := func(t *testing.T, stderr string) {
		t.Helper()
		if line := oneLine(t, stderr); !strings.Contains(line, "is held by the running bot; asking it on "+x.addr) {
			t.Errorf("stderr %q does not say the bot answered", line)
		}
	}

	t.Run("feeds list", func(t *testing.T) {
		code, out, errOut := cli("feeds", "list", "--json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		saysSo(t, errOut)
		var names []string
		for line := range strings.Lines(out) {
			var l feedListing
			if err := json.Unmarshal([]byte(line), &l); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			names = append(names, l.Name)
		}
		if strings.Join(names, " ") != "wire-a wire-b" {
			t.Errorf("feeds %v, want wire-a wire-b", names)
		}
	})

	t.Run("feeds pause stops the polls", func(t *testing.T) {
		code, out, errOut := cli("feeds", "pause", "wire-b")
		if code != exitOK || out != "paused wire-b\n" {
			t.Fatalf("exit %d: %q %s", code, out, errOut)
		}
		saysSo(t, errOut)
		// The bot's scheduler followed: wire-b is fetched no more, while
		// wire-a (every second) goes on.
		n := x.news.fetchCount("wire-b")
		a := x.news.fetchCount("wire-a")
		eventually(t, 10*time.Second, "wire-a polled twice more", func() bool { return x.news.fetchCount("wire-a") >= a+2 })
		if got := x.news.fetchCount("wire-b"); got > n+1 {
			t.Errorf("wire-b fetched %d times after its pause", got-n)
		}
		_, out, _ = cli("feeds", "list")
		if !strings.Contains(out, "wire-b") || !strings.Contains(out, "paused") {
			t.Errorf("feeds list after the pause:\n%s", out)
		}
		if code, out, errOut := cli("feeds", "resume", "wire-b"); code != exitOK || out != "resumed wire-b\n" {
			t.Errorf("resume: exit %d: %q %s", code, out, errOut)
		}
	})

	t.Run("feeds add and import", func(t *testing.T) {
		x.news.publish("wire-c", "old-c", "Shipping resumes", backfillText)
		code, out, errOut := cli("feeds", "add", x.news.url("wire-c"), "--name", "wire-c", "--schedule", "@every 1s")
		if code != exitOK || !strings.HasPrefix(out, "added wire-c") {
			t.Fatalf("exit %d: %q %s", code, out, errOut)
		}
		eventually(t, 10*time.Second, "the added feed polled by the bot", func() bool { return x.news.fetchCount("wire-c") > 0 })
		opml := `<opml version="2.0"><body><outline text="Wire D" type="rss" xmlUrl="` + x.news.url("wire-d") + `"/></body></opml>`
		var stdout, stderr strings.Builder
		e := env{stdin: strings.NewReader(opml), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := run(context.Background(), e, []string{"feeds", "import", "-", "--config", x.cfg}); code != exitOK {
			t.Fatalf("import: exit %d: %s", code, stderr.String())
		}
		if !strings.Contains(strings.Join(strings.Fields(stdout.String()), " "), "added wire-d") || !strings.Contains(stdout.String(), "added 1 feed, skipped 0") {
			t.Errorf("import printed:\n%s", stdout.String())
		}
	})

	t.Run("status", func(t *testing.T) {
		code, out, errOut := cli("status", "--json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var r statusReport
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if !r.BotRunning || len(r.Feeds) != 4 {
			t.Errorf("status %+v, want the running bot's four feeds", r)
		}
	})

	t.Run("a mistake is the bot's one line, with its exit code", func(t *testing.T) {
		code, _, errOut := cli("feeds", "pause", "no-such-feed")
		if code != exitUsage || !strings.Contains(errOut, `crosscheck: feeds pause: no feed named "no-such-feed"`) {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})

	t.Run("commands that need the file say the bot holds it", func(t *testing.T) {
		code, _, errOut := cli("poll")
		if line := oneLine(t, errOut); code != exitUsage || !strings.Contains(line, "the running bot (crosscheck run) holds it, and poll needs the file itself") {
			t.Errorf("poll: exit %d: %s", code, errOut)
		}
		code, _, errOut = cliRun(t, "", "replay", "--db", x.dir+"/crosscheck.db", "-")
		if line := oneLine(t, errOut); code != exitUsage || !strings.Contains(line, "is held by the running bot") {
			t.Errorf("replay --db: exit %d: %s", code, errOut)
		}
	})
}

// TestStatusWithoutBot: without a running bot, status reads the store.
func TestStatusWithoutBot(t *testing.T) {
	_, cfg := cliConfig(t, "store: STORE\nfeeds:\n  - name: kyiv\n    url: https://kyiv.example/rss\n")
	code, out, errOut := cliRun(t, "", "status", "--config", cfg)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"(not running)", "outbox     0 alerts waiting", "conflicts  0 open", "kyiv"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
