package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/state"
)

// cliFeedServer serves RSS feeds on loopback: /NAME.xml lists the items
// published to NAME, with an ETag so unchanged feeds answer 304.
type cliFeedServer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	items  map[string][]string // feed → item titles, oldest first
	status map[string]int      // feed → forced status code
}

func newCLIFeedServer(t *testing.T) *cliFeedServer {
	s := &cliFeedServer{items: map[string][]string{}, status: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		feed := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")
		s.mu.Lock()
		items := append([]string(nil), s.items[feed]...)
		code := s.status[feed]
		s.mu.Unlock()
		if code != 0 {
			http.Error(w, "broken on purpose", code)
			return
		}
		etag := fmt.Sprintf(`"%s-%d"`, feed, len(items))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		var b bytes.Buffer
		fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://%s.example/</link>`, feed, feed)
		for i, title := range items {
			fmt.Fprintf(&b, `<item><title>%s</title><link>https://%s.example/news/%d</link><guid>%s-%d</guid>`+
				`<pubDate>Tue, 04 Feb 2025 09:%02d:00 GMT</pubDate><description>%s, wrote the agency.</description></item>`,
				title, feed, i, feed, i, i%60, title)
		}
		b.WriteString(`</channel></rss>`)
		w.Write(b.Bytes())
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *cliFeedServer) url(feed string) string { return s.srv.URL + "/" + feed + ".xml" }

func (s *cliFeedServer) publish(feed string, titles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[feed] = append(s.items[feed], titles...)
}

func (s *cliFeedServer) fail(feed string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[feed] = code
}

// cliRun runs the command line in process and returns its exit code,
// stdout and stderr.
func cliRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, e, args)
	return code, stdout.String(), stderr.String()
}

// cliConfig writes crosscheck.yaml into a fresh directory; the store lives
// beside it.
func cliConfig(t *testing.T, body string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "crosscheck.yaml")
	body = strings.ReplaceAll(body, "STORE", filepath.Join(dir, "crosscheck.db"))
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

// oneLine asserts stderr is a single "crosscheck: ..." line and returns it.
func oneLine(t *testing.T, stderr string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "crosscheck: ") {
		t.Errorf("stderr is not one \"crosscheck: ...\" line:\n%s", stderr)
	}
	return lines[len(lines)-1]
}

func TestPollRecordsNewItems(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("kyiv", "Budanov: 8,000 North Korean soldiers still fighting in Kursk")
	srv.publish("yonhap", "NIS: 300 North Korean soldiers killed", "Troops pulled from the front")
	_, cfg := cliConfig(t, fmt.Sprintf(`store: STORE
allow_private_networks: true
feeds:
  - name: kyiv
    url: %s
    outlet: The Kyiv Independent
  - name: yonhap
    url: %s
    outlet: Yonhap
`, srv.url("kyiv"), srv.url("yonhap")))

	code, out, errOut := cliRun(t, "", "poll", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	want := "kyiv    1 new item (first poll: recorded as backfill, never alerted on)\n" +
		"yonhap  2 new items (first poll: recorded as backfill, never alerted on)\n" +
		"2 feeds polled: 3 new items, 0 updates\n"
	if out != want {
		t.Errorf("first poll printed\n%s\nwant\n%s", out, want)
	}

	// Nothing changed: the feeds answer 304 to the stored ETag.
	code, out, _ = cliRun(t, "", "poll", "--config", cfg)
	if want := "kyiv    nothing new\nyonhap  nothing new\n2 feeds polled: 0 new items, 0 updates\n"; code != 0 || out != want {
		t.Errorf("second poll: exit %d\n%s\nwant\n%s", code, out, want)
	}

	srv.publish("kyiv", "Zelensky: more than 3,000 North Korean soldiers killed or wounded")
	code, out, _ = cliRun(t, "", "poll", "--json", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var reports []feedReport
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r feedReport
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		reports = append(reports, r)
	}
	if len(reports) != 2 || reports[0].Feed != "kyiv" || reports[0].New != 1 || reports[0].Backfill ||
		reports[0].Status != "ok" || reports[1].New != 0 || reports[0].Origin != fromConfig {
		t.Errorf("third poll: %+v", reports)
	}
}

func TestPollFailuresExitOne(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("good", "A story")
	srv.fail("broken", http.StatusServiceUnavailable)
	_, cfg := cliConfig(t, fmt.Sprintf(`store: STORE
allow_private_networks: true
feeds:
  - {name: good, url: "%s"}
  - {name: broken, url: "%s"}
`, srv.url("good"), srv.url("broken")))
	code, out, errOut := cliRun(t, "", "poll", "--config", cfg)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !regexp.MustCompile(`(?m)^broken  failed: feeds: poll broken: .*503`).MatchString(out) {
		t.Errorf("the failed feed's line does not say why:\n%s", out)
	}
	if line := oneLine(t, errOut); line != "crosscheck: poll: 1 of 2 feeds failed" {
		t.Errorf("stderr %q", line)
	}
	// The failure is stored for `status`, and the feed is kept.
	code, out, _ = cliRun(t, "", "feeds", "list", "--json", "--config", cfg)
	if code != 0 || !strings.Contains(out, `"name":"broken"`) || !strings.Contains(out, `"error_count":1`) {
		t.Errorf("feeds list after failure: exit %d\n%s", code, out)
	}
	// The backoff is what `run` hands the scheduler after a restart.
	conf, err := loadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store, err := openStore(conf, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	defs, err := allFeeds(context.Background(), conf, store)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		wait := time.Until(d.NextPoll)
		if d.Source.Name == "broken" && (wait < 4*time.Minute || wait > 6*time.Minute) {
			t.Errorf("broken feed's next poll in %v, want the 5m backoff", wait)
		}
		if d.Source.Name == "good" && wait > time.Minute {
			t.Errorf("good feed's next poll in %v", wait)
		}
	}
}

// Feeds on private addresses are refused unless the configuration allows
// them, with a message that says how.
func TestPollRefusesPrivateAddresses(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("local", "x")
	_, cfg := cliConfig(t, fmt.Sprintf("store: STORE\nfeeds:\n  - {name: local, url: %q}\n", srv.url("local")))
	code, out, _ := cliRun(t, "", "poll", "--config", cfg)
	if code != 1 || !strings.Contains(out, "allow_private_networks") {
		t.Errorf("exit %d, output does not explain the refusal:\n%s", code, out)
	}
}

func TestUsageAndConfigErrorsExitTwo(t *testing.T) {
	dir, good := cliConfig(t, "store: STORE\nfeeds:\n  - {name: a, url: 'https://a.example/rss'}\n")
	_, badCron := cliConfig(t, "store: STORE\nfeeds:\n  - name: a\n    url: https://a.example/rss\n    schedule: every 5\n")
	_, unknown := cliConfig(t, "store: STORE\nslack:\n  chanel: C0123456789\n")
	_, empty := cliConfig(t, "store: STORE\n")
	missing := filepath.Join(dir, "nope.yaml")
	tests := []struct {
		name string
		args []string
		want string // the whole stderr line
	}{
		{"missing config", []string{"poll", "--config", missing},
			"crosscheck: " + missing + ": cannot read: no such file (create one from crosscheck.example.yaml, or pass --config)"},
		{"bad cron spec", []string{"poll", "--config", badCron},
			"crosscheck: " + badCron + `:5: feeds[0].schedule: bad cron spec "every 5": expected exactly 5 fields, found 2: [every 5]`},
		{"unknown key", []string{"feeds", "list", "--config", unknown},
			"crosscheck: " + unknown + `:3: slack.chanel: unknown key (did you mean "channel"?)`},
		{"no feeds", []string{"poll", "--config", empty},
			"crosscheck: poll: no feeds in " + empty + " or the store; add some under feeds:, or run crosscheck feeds import FILE.opml"},
		{"unknown flag", []string{"poll", "--jsno", "--config", good}, "crosscheck: poll: flag provided but not defined: -jsno"},
		{"stray argument", []string{"poll", "now", "--config", good},
			`crosscheck: poll: unexpected argument "now" (usage: crosscheck poll [--config FILE] [--json])`},
		{"feeds without subcommand", []string{"feeds"}, "crosscheck: feeds: missing subcommand (usage: " + feedsUsage + ")"},
		{"feeds bad subcommand", []string{"feeds", "append", "--config", good}, `crosscheck: feeds: unknown subcommand "append" (usage: ` + feedsUsage + ")"},
		{"feeds add without a URL", []string{"feeds", "add", "--config", good}, "crosscheck: feeds add: want one feed URL (usage: crosscheck feeds add URL [--name NAME])"},
		{"import without file", []string{"feeds", "import", "--config", good},
			"crosscheck: feeds import: want one OPML file (usage: crosscheck feeds import FILE.opml [--config FILE])"},
		{"import missing file", []string{"feeds", "import", filepath.Join(dir, "x.opml"), "--config", good},
			"crosscheck: feeds import: open " + filepath.Join(dir, "x.opml") + ": no such file or directory"},
		{"remove configured feed", []string{"feeds", "remove", "a", "--config", good},
			`crosscheck: feeds remove: "a" is configured in ` + good + "; remove it there"},
		{"remove unknown feed", []string{"feeds", "remove", "zz", "--config", good},
			`crosscheck: feeds remove: no feed named "zz" (see crosscheck feeds list)`},
		{"backup without file", []string{"backup", "--config", good},
			"crosscheck: backup: want one destination file or folder (usage: crosscheck backup [--config FILE] FILE|DIR/)"},
		{"backup onto the store", []string{"backup", "--config", good, filepath.Join(dir, "crosscheck.db")},
			"crosscheck: backup: " + filepath.Join(dir, "crosscheck.db") + " is the store itself; name another file"},
	}
	// The store must exist for "backup onto the store" to be recognised.
	if code, out, errOut := cliRun(t, "", "feeds", "list", "--config", good); code != 0 {
		t.Fatalf("feeds list: %d %s %s", code, out, errOut)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cliRun(t, "", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q)", code, out)
			}
			if line := oneLine(t, errOut); line != tt.want {
				t.Errorf("got  %s\nwant %s", line, tt.want)
			}
		})
	}
}

func TestFeedsImportListAndChange(t *testing.T) {
	dir, cfg := cliConfig(t, "store: STORE\nfeeds:\n  - {name: kyiv, url: 'https://kyivindependent.com/rss/', outlet: The Kyiv Independent}\n")
	opml := filepath.Join(dir, "newsroom.opml")
	mustWrite(t, opml, []byte(`<?xml version="1.0"?>
<opml version="2.0"><head><title>Desk</title></head><body>
  <outline text="Ukraine">
    <outline text="Kyiv Independent" xmlUrl="https://KyivIndependent.com/rss/"/>
    <outline text="Ukrainska Pravda" xmlUrl="https://www.pravda.com.ua/eng/rss/"/>
  </outline>
  <outline text="Korea"><outline title="Yonhap" xmlUrl="https://en.yna.co.kr/RSS/news.xml"/></outline>
  <outline title="Broken" xmlUrl="ftp://files.example/feed"/>
</body></opml>`), 0o600)

	code, out, errOut := cliRun(t, "", "feeds", "import", opml, "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `skipped  kyiv-independent  https://KyivIndependent.com/rss/    already in ` + cfg + ` as "kyiv"
added    ukrainska-pravda  https://www.pravda.com.ua/eng/rss/  Ukrainska Pravda
added    yonhap            https://en.yna.co.kr/RSS/news.xml   Yonhap
skipped  Broken            ftp://files.example/feed            line 8: "ftp://files.example/feed": scheme "ftp" not allowed, only http and https
` + opml + ": added 2 feeds, skipped 2\n"
	if out != want {
		t.Errorf("import printed\n%s\nwant\n%s", out, want)
	}

	// Importing again adds nothing.
	code, out, _ = cliRun(t, "", "feeds", "import", "--config", cfg, opml)
	if code != 0 || !strings.HasSuffix(out, ": added 0 feeds, skipped 4\n") || !strings.Contains(out, `already in the store as "yonhap"`) {
		t.Errorf("second import: exit %d\n%s", code, out)
	}

	if code, out, _ := cliRun(t, "", "feeds", "pause", "yonhap", "--config", cfg); code != 0 || out != "paused yonhap\n" {
		t.Errorf("pause: %d %q", code, out)
	}
	if code, out, _ := cliRun(t, "", "feeds", "pause", "kyiv", "--config", cfg); code != 0 || out != "paused kyiv\n" {
		t.Errorf("pause configured: %d %q", code, out)
	}
	code, out, _ = cliRun(t, "", "feeds", "list", "--config", cfg)
	wantList := regexp.MustCompile(`^NAME +FROM +STATE +SCHEDULE +LAST SUCCESS +ERRORS +URL
kyiv +config +paused +@every 10m +never +0 +https://kyivindependent.com/rss/
ukrainska-pravda +store +active +@every 10m +never +0 +https://www.pravda.com.ua/eng/rss/
yonhap +store +paused +@every 10m +never +0 +https://en.yna.co.kr/RSS/news.xml
3 feeds
$`)
	if code != 0 || !wantList.MatchString(out) {
		t.Errorf("list:\n%s", out)
	}
	cliRun(t, "", "feeds", "resume", "kyiv", "--config", cfg)
	if code, out, _ := cliRun(t, "", "feeds", "remove", "ukrainska-pravda", "--config", cfg); code != 0 || out != "removed ukrainska-pravda\n" {
		t.Errorf("remove: %d %q", code, out)
	}
	if code, out, _ = cliRun(t, "", "feeds", "list", "--json", "--config", cfg); code != 0 {
		t.Fatalf("list --json: exit %d", code)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var l feedListing
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s paused=%v", l.Name, l.Origin, l.Paused))
	}
	if strings.Join(got, "; ") != "kyiv config paused=false; yonhap store paused=true" {
		t.Errorf("after resume and remove: %v", got)
	}

	// From stdin, an HTML page instead of OPML is a usage error.
	code, _, errOut = cliRun(t, "<html><body>oops</body></html>", "feeds", "import", "-", "--config", cfg)
	if code != 2 || oneLine(t, errOut) != "crosscheck: feeds import: -: feeds: opml: not an OPML file: the root element is <html>, want <opml>" {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// Imported feeds are polled with the configured ones.
func TestImportedFeedsArePolled(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("conf", "a")
	srv.publish("imported", "b", "c")
	dir, cfg := cliConfig(t, fmt.Sprintf("store: STORE\nallow_private_networks: true\nfeeds:\n  - {name: conf, url: %q}\n", srv.url("conf")))
	opml := filepath.Join(dir, "x.opml")
	mustWrite(t, opml, []byte(fmt.Sprintf(`<opml version="1.0"><body><outline text="Imported" xmlUrl="%s"/></body></opml>`, srv.url("imported"))), 0o600)
	if code, _, errOut := cliRun(t, "", "feeds", "import", opml, "--config", cfg); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ := cliRun(t, "", "poll", "--config", cfg)
	if code != 0 || !strings.Contains(out, "imported  2 new items") || !strings.Contains(out, "conf      1 new item") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestBackupWithoutRunningBot(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("kyiv", "one", "two")
	dir, cfg := cliConfig(t, fmt.Sprintf("store: STORE\nallow_private_networks: true\nfeeds:\n  - {name: kyiv, url: %q}\n", srv.url("kyiv")))
	if code, _, errOut := cliRun(t, "", "poll", "--config", cfg); code != 0 {
		t.Fatal(errOut)
	}
	dest := filepath.Join(dir, "copy.db")
	code, out, errOut := cliRun(t, "", "backup", "--config", cfg, dest)
	if code != 0 || out != fmt.Sprintf("backed up %s to %s\n", filepath.Join(dir, "crosscheck.db"), dest) {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	assertBackupHolds(t, dest, "kyiv", 2)
}

// While the bot holds the store, backup asks it over the listen address.
func TestBackupFromRunningBot(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("kyiv", "one", "two", "three")
	dir := t.TempDir()
	storePath := filepath.Join(dir, "crosscheck.db")

	// The "running bot": the store held open, the endpoint served.
	store, err := state.Open(storePath, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	seedItems(t, store)
	be, err := newBackupEndpoint(store, nil)
	if err != nil {
		t.Fatal(err)
	}
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == backupPath {
			be.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	defer bot.Close()
	defer be.Close()
	if fi, err := os.Stat(backupTokenPath(storePath)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}

	cfgPath := filepath.Join(dir, "crosscheck.yaml")
	mustWrite(t, cfgPath, []byte(fmt.Sprintf("store: %s\nlisten: %s\n", storePath, bot.Listener.Addr())), 0o600)
	dest := filepath.Join(dir, "copy.db")
	code, out, errOut := cliRun(t, "", "backup", dest, "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "from the running bot)") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	assertBackupHolds(t, dest, "kyiv", 2)

	// The endpoint wants the token and GET.
	for _, tc := range []struct {
		method, auth string
		want         int
	}{
		{"GET", "", http.StatusUnauthorized},
		{"GET", "Bearer wrong", http.StatusUnauthorized},
		{"POST", "Bearer " + be.token, http.StatusMethodNotAllowed},
		{"GET", "Bearer " + be.token, http.StatusOK},
	} {
		req, err := http.NewRequest(tc.method, bot.URL+backupPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s with %q: %d, want %d", tc.method, tc.auth, resp.StatusCode, tc.want)
		}
	}
	// A request relayed by a proxy on this machine is refused even with
	// the token.
	req, err := http.NewRequest("GET", bot.URL+backupPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+be.token)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("forwarded request: %v %v", resp.StatusCode, err)
	}

	// Without the bot answering, the error says what happened.
	bot.Close()
	code, _, errOut = cliRun(t, "", "backup", filepath.Join(dir, "copy2.db"), "--config", cfgPath)
	if code != 1 || !strings.Contains(oneLine(t, errOut), "is in use by a running crosscheck, and asking it failed") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "copy2.db")); !os.IsNotExist(err) {
		t.Error("a failed backup left a file behind")
	}
	// And poll on a locked store fails at once, with exit 2.
	start := time.Now()
	code, _, errOut = cliRun(t, "", "poll", "--config", cfgPath)
	if code != 2 || !strings.Contains(errOut, "in use by another process") || time.Since(start) > 10*time.Second {
		t.Errorf("poll on a locked store: exit %d after %v: %s", code, time.Since(start), errOut)
	}
}

func TestSameMachine(t *testing.T) {
	for _, tc := range []struct {
		remote, local string
		want          bool
	}{
		{"127.0.0.1:5000", "127.0.0.1:8080", true},
		{"[::1]:5000", "[::1]:8080", true},
		{"10.0.0.5:5000", "10.0.0.5:8080", true},
		{"10.0.0.6:5000", "10.0.0.5:8080", false},
		{"203.0.113.9:5000", "0.0.0.0:8080", false},
		{"garbage", "127.0.0.1:8080", false},
	} {
		r := httptest.NewRequest("GET", "/backup", nil)
		r.RemoteAddr = tc.remote
		local, _ := net.ResolveTCPAddr("tcp", tc.local)
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, net.Addr(local)))
		if got := sameMachine(r); got != tc.want {
			t.Errorf("sameMachine(%s → %s) = %v", tc.remote, tc.local, got)
		}
	}
}

// seedItems commits one poll of feed kyiv with two items.
func seedItems(t *testing.T, store *state.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.FeedState(ctx, "kyiv")
	if err != nil {
		t.Fatal(err)
	}
	st.Feed, st.Polled, st.Items = "kyiv", true, 3
	if _, err := store.CommitPoll(ctx, feeds.Poll{Feed: "kyiv", State: st, Items: []feeds.PolledItem{
		{Item: feeds.ItemRecord{ID: "1", Feed: "kyiv", URL: "https://kyiv.example/1", Title: "one", ContentHash: "h1"}},
		{Item: feeds.ItemRecord{ID: "2", Feed: "kyiv", URL: "https://kyiv.example/2", Title: "two", ContentHash: "h2"}},
	}}); err != nil {
		t.Fatal(err)
	}
}

func assertBackupHolds(t *testing.T, path, feed string, items int) {
	t.Helper()
	s, err := state.Open(path, state.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Items(context.Background(), feed)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != items {
		t.Errorf("backup holds %d items of %s, want %d", len(got), feed, items)
	}
}

// Poll runs new items through the desk: their claims are extracted and
// recorded, and a contradiction is printed as replay prints it.
func TestPollPrintsNewConflicts(t *testing.T) {
	zelensky := "Zelensky said 3,000 North Korean soldiers were killed in Kursk"
	nis := "South Korea's National Intelligence Service said 300 North Korean soldiers were killed in Kursk"
	// The same two stories, as replay reads them.
	articles := fmt.Sprintf(`{"outlet": "The Kyiv Independent", "url": "https://kyiv.example/news/1", "published": "2025-02-04T09:01:00Z", "content": "%s, wrote the agency."}
{"outlet": "Yonhap", "url": "https://yonhap.example/news/1", "published": "2025-02-04T09:01:00Z", "content": "%s, wrote the agency."}
`, zelensky, nis)
	// pollContradiction polls two feeds once (backfill), then again after
	// each published one side of the contradiction.
	pollContradiction := func(t *testing.T, flags ...string) string {
		srv := newCLIFeedServer(t)
		srv.publish("kyiv", "Weather in Kyiv")
		srv.publish("yonhap", "Markets in Seoul")
		_, cfg := cliConfig(t, fmt.Sprintf(`store: STORE
allow_private_networks: true
feeds:
  - {name: kyiv, url: "%s", outlet: The Kyiv Independent}
  - {name: yonhap, url: "%s", outlet: Yonhap}
`, srv.url("kyiv"), srv.url("yonhap")))
		if code, out, errOut := cliRun(t, "", "poll", "--config", cfg); code != 0 {
			t.Fatalf("first poll: exit %d\n%s%s", code, out, errOut)
		}
		srv.publish("kyiv", zelensky)
		srv.publish("yonhap", nis)
		code, out, errOut := cliRun(t, "", append([]string{"poll", "--config", cfg}, flags...)...)
		if code != 0 {
			t.Fatalf("second poll: exit %d\n%s%s", code, out, errOut)
		}
		return out
	}

	t.Run("text", func(t *testing.T) {
		out := pollContradiction(t)
		// Whichever feed's poll commits second raises the conflict: replay
		// the stories in that order.
		lines := strings.SplitAfter(articles, "\n")
		kyivFirst, yonhapFirst := articles, lines[1]+lines[0]
		summary := "2 feeds polled: 2 new items, 0 updates, 1 new conflict\n"
		matched := false
		for order, table := range map[string]string{
			kyivFirst:   "kyiv    1 new item\nyonhap  1 new item, 1 new conflict\n",
			yonhapFirst: "kyiv    1 new item, 1 new conflict\nyonhap  1 new item\n",
		} {
			if !strings.HasSuffix(out, table+summary) {
				continue
			}
			matched = true
			code, replayed, errOut := cliRun(t, order, "replay", "-")
			if code != 0 || !strings.HasPrefix(replayed, "CONFLICT ") {
				t.Fatalf("replay: exit %d\n%s%s", code, replayed, errOut)
			}
			if out != replayed+table+summary {
				t.Errorf("poll printed\n%s\nwant the conflict as replay prints it\n%s\nthen the feeds", out, replayed)
			}
		}
		if !matched {
			t.Errorf("poll printed\n%s\nwant one new conflict, raised by one of the feeds", out)
		}
		for _, want := range []string{"Volodymyr Zelensky", "South Korea's NIS", "3,000", "https://yonhap.example/news/1"} {
			if !strings.Contains(out, want) {
				t.Errorf("the conflict does not show %q:\n%s", want, out)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		out := pollContradiction(t, "--json")
		code, replayed, errOut := cliRun(t, articles, "replay", "--json", "-")
		var want replayConflict
		if err := json.Unmarshal([]byte(replayed), &want); code != 0 || err != nil {
			t.Fatalf("replay --json: exit %d, %v\n%s%s", code, err, replayed, errOut)
		}
		var got []replayConflict
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var r feedReport
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("not a JSON line: %q: %v", line, err)
			}
			if len(r.NewConflicts) != r.Conflicts {
				t.Errorf("%s: %d conflicts, %d listed", r.Feed, r.Conflicts, len(r.NewConflicts))
			}
			got = append(got, r.NewConflicts...)
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Errorf("poll --json listed %+v\nwant what replay --json writes: %+v", got, want)
		}
	})
}

func TestCompact(t *testing.T) {
	srv := newCLIFeedServer(t)
	srv.publish("kyiv", "one", "two")
	dir, cfg := cliConfig(t, fmt.Sprintf("store: STORE\nallow_private_networks: true\nfeeds:\n  - {name: kyiv, url: %q}\n", srv.url("kyiv")))
	if code, _, errOut := cliRun(t, "", "poll", "--config", cfg); code != 0 {
		t.Fatal(errOut)
	}
	storePath := filepath.Join(dir, "crosscheck.db")

	t.Run("refused while the store is held", func(t *testing.T) {
		held, err := state.Open(storePath, state.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		code, _, errOut := cliRun(t, "", "compact", "--config", cfg)
		if code != 1 || !strings.Contains(oneLine(t, errOut), "is in use by a running crosscheck; stop it, compact, then start it again") {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
	t.Run("compacts a store nobody holds", func(t *testing.T) {
		code, out, errOut := cliRun(t, "", "compact", "--config", cfg)
		if code != 0 || !strings.HasPrefix(out, "compacted "+storePath+": ") {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
		assertBackupHolds(t, storePath, "kyiv", 2)
	})
	t.Run("usage", func(t *testing.T) {
		if code, _, errOut := cliRun(t, "", "compact", "--config", cfg, "extra"); code != 2 {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
}
