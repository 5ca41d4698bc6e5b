package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
)

// newsroom is a set of httptest feeds whose stories the test publishes as
// it goes, served as RSS 2.0.
type newsroom struct {
	srv *httptest.Server

	mu      sync.Mutex
	stories map[string][]story // feed name → stories, oldest first
	fetches map[string]int
	// slow delays the answers of a feed; started is told when such a
	// delayed request arrives.
	slow    map[string]time.Duration
	started chan string
}

type story struct {
	Title, Link, Content string
	Published            time.Time
}

func newNewsroom(t testing.TB) *newsroom {
	n := &newsroom{stories: map[string][]story{}, fetches: map[string]int{}, slow: map[string]time.Duration{}, started: make(chan string, 100)}
	n.srv = httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(n.srv.Close)
	return n
}

func (n *newsroom) url(feed string) string { return n.srv.URL + "/" + feed + ".xml" }

// publish adds a story to feed; its link is unique per feed and slug.
func (n *newsroom) publish(feed, slug, title, content string) story {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := story{
		Title:     title,
		Link:      "https://" + feed + ".example/news/" + slug,
		Content:   content,
		Published: time.Now().UTC().Truncate(time.Second),
	}
	n.stories[feed] = append(n.stories[feed], s)
	return s
}

// setSlow makes feed answer after d.
func (n *newsroom) setSlow(feed string, d time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.slow[feed] = d
}

func (n *newsroom) fetchCount(feed string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.fetches[feed]
}

func (n *newsroom) serve(w http.ResponseWriter, r *http.Request) {
	feed := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")
	n.mu.Lock()
	n.fetches[feed]++
	list := append([]story(nil), n.stories[feed]...)
	delay := n.slow[feed]
	n.mu.Unlock()
	if delay > 0 {
		select {
		case n.started <- feed:
		default:
		}
		// The answer is late but whole: the poll in flight at shutdown
		// must be let finish, not cut.
		time.Sleep(delay)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<rss version=\"2.0\"><channel><title>%s</title><link>https://%s.example/</link><description>test feed</description>\n", feed, feed)
	for i := len(list) - 1; i >= 0; i-- {
		s := list[i]
		b.WriteString("<item><title>")
		xml.EscapeText(&b, []byte(s.Title))
		b.WriteString("</title><link>")
		xml.EscapeText(&b, []byte(s.Link))
		b.WriteString("</link><guid>")
		xml.EscapeText(&b, []byte(s.Link))
		b.WriteString("</guid><pubDate>" + s.Published.Format(time.RFC1123Z) + "</pubDate><description>")
		xml.EscapeText(&b, []byte(s.Content))
		b.WriteString("</description></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(b.Bytes())
}

// botProcess is `crosscheck run` started in process by a test.
type botProcess struct {
	cancel context.CancelFunc
	done   chan struct{}
	code   int
	stdout bytes.Buffer
	stderr lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// slackEnv is the environment a bot talking to fake Slack gets.
func slackEnv(fake *slacktest.Server) func(string) string {
	return func(k string) string {
		switch k {
		case "SLACK_BOT_TOKEN":
			return fake.BotToken
		case "SLACK_APP_TOKEN":
			return fake.AppToken
		}
		return ""
	}
}

// startBot runs `crosscheck run --config path` until stop is called.
func startBot(t testing.TB, path string, getenv func(string) string) *botProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &botProcess{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.code = run(ctx, env{stdin: strings.NewReader(""), stdout: &p.stdout, stderr: &p.stderr, getenv: getenv}, []string{"run", "--config", path})
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends the equivalent of SIGTERM and waits for a clean exit.
func (p *botProcess) stop(t testing.TB) int {
	t.Helper()
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("crosscheck run did not exit within 30s of SIGTERM; stderr:\n%s", p.stderr.String())
	}
	return p.code
}

// exited reports whether the bot stopped by itself, and its exit code.
func (p *botProcess) exited() (bool, int) {
	select {
	case <-p.done:
		return true, p.code
	default:
		return false, 0
	}
}

// writeConfig writes a crosscheck.yaml in dir and returns its path.
func writeConfig(t testing.TB, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "crosscheck.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeAddr is a loopback address nothing listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}
