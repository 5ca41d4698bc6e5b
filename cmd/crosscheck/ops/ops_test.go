package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestNilMetricsAcceptsEverything(t *testing.T) {
	var m *Metrics
	m.Poll("f", errors.New("x"))
	m.HTTPStatus(200)
	m.Items("f", 3)
	m.Claims(2)
	m.Conflict("figure")
	m.AlertsQueued(1)
	m.AlertSent()
	m.AlertFailed()
	m.SlackCall("chat.postMessage", time.Second, nil)
	m.WatchOutbox(func() (int, error) { return 1, nil })
	if m.Registry() != nil {
		t.Error("nil Metrics has a registry")
	}
	if rt := m.SlackTransport(nil); rt != http.DefaultTransport {
		t.Error("nil Metrics wrapped the transport")
	}
}

func TestMetricsExposition(t *testing.T) {
	m := NewMetrics()
	m.Poll("kyiv-wire", nil)
	m.Poll("kyiv-wire", errors.New("feeds: fetch: 500"))
	m.Poll("seoul-dispatch", nil)
	m.HTTPStatus(200)
	m.HTTPStatus(304)
	m.HTTPStatus(0)
	m.Items("kyiv-wire", 4)
	m.Items("kyiv-wire", 0) // no-op, must not create noise
	m.Claims(7)
	m.Conflict("status")
	m.Conflict("figure")
	m.Conflict("figure")
	m.AlertsQueued(3)
	m.AlertSent()
	m.AlertSent()
	m.AlertFailed()
	depth := 5
	m.WatchOutbox(func() (int, error) { return depth, nil })
	m.SlackCall("chat.postMessage", 30*time.Millisecond, nil)
	m.SlackCall("chat.update", 2*time.Second, context.DeadlineExceeded)

	h := NewHandler(HandlerOptions{Metrics: m})
	code, body := get(t, h, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	for _, want := range []string{
		`crosscheck_polls_total{feed="kyiv-wire"} 2`,
		`crosscheck_polls_total{feed="seoul-dispatch"} 1`,
		`crosscheck_poll_errors_total{feed="kyiv-wire"} 1`,
		`crosscheck_feed_http_responses_total{code="200"} 1`,
		`crosscheck_feed_http_responses_total{code="304"} 1`,
		`crosscheck_feed_http_responses_total{code="error"} 1`,
		`crosscheck_items_total{feed="kyiv-wire"} 4`,
		`crosscheck_claims_total 7`,
		`crosscheck_conflicts_total{kind="figure"} 2`,
		`crosscheck_conflicts_total{kind="status"} 1`,
		`crosscheck_alerts_queued_total 3`,
		`crosscheck_alerts_sent_total 2`,
		`crosscheck_alerts_failed_total 1`,
		`crosscheck_outbox_depth 5`,
		`crosscheck_slack_api_duration_seconds_count{method="chat.postMessage",outcome="ok"} 1`,
		`crosscheck_slack_api_duration_seconds_count{method="chat.update",outcome="timeout"} 1`,
		`process_resident_memory_bytes`,
		`go_goroutines`,
	} {
		// A value line must match to its end; a bare name only needs to appear.
		if strings.Contains(want, " ") {
			want += "\n"
		}
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// A feed without errors has its error series at zero, so a rule on
	// its rate sees it (issue 13).
	if !strings.Contains(body, `poll_errors_total{feed="seoul-dispatch"} 0`+"\n") {
		t.Error("a feed without errors has no error series at zero")
	}

	// The gauge reads the store at each scrape.
	depth = 0
	if _, body = get(t, h, "/metrics"); !strings.Contains(body, "crosscheck_outbox_depth 0\n") {
		t.Error("outbox depth did not follow the store")
	}
}

// TestStoreGauges: the gauges read from the store show its value, and -1
// when the store cannot be read.
func TestStoreGauges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		watch func(*Metrics)
		want  string
	}{
		{"a readable store", func(m *Metrics) { m.WatchStore(func() (int64, error) { return 65536, nil }) }, "crosscheck_store_bytes 65536\n"},
		{"an unreadable store", func(m *Metrics) { m.WatchStore(func() (int64, error) { return 0, errors.New("state: closed") }) }, "crosscheck_store_bytes -1\n"},
		{"an unreadable outbox", func(m *Metrics) { m.WatchOutbox(func() (int, error) { return 0, errors.New("state: closed") }) }, "crosscheck_outbox_depth -1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMetrics()
			tc.watch(m)
			if _, body := get(t, NewHandler(HandlerOptions{Metrics: m}), "/metrics"); !strings.Contains(body, tc.want) {
				t.Errorf("/metrics lacks %q:\n%s", tc.want, body)
			}
		})
	}
}

func TestTwoMetricsDoNotCollide(t *testing.T) {
	a, b := NewMetrics(), NewMetrics()
	a.Claims(1)
	if _, body := get(t, NewHandler(HandlerOptions{Metrics: b}), "/metrics"); strings.Contains(body, "crosscheck_claims_total 1") {
		t.Error("metrics leaked between instances")
	}
}

func TestHealthAndReadiness(t *testing.T) {
	storeOpen := true
	ready := []Check{
		{Name: "store", Func: func(context.Context) error {
			if !storeOpen {
				return errors.New("state: store closed")
			}
			return nil
		}},
		{Name: "slack", Func: func(context.Context) error { return nil }},
	}
	h := NewHandler(HandlerOptions{Ready: ready, CheckTimeout: 100 * time.Millisecond})

	tests := []struct {
		name      string
		path      string
		storeOpen bool
		code      int
		body      []string
	}{
		{"healthz", "/healthz", true, 200, []string{"ok"}},
		{"healthz with store closed", "/healthz", false, 200, []string{"ok"}},
		{"ready", "/readyz", true, 200, []string{"ready", "ok   store", "ok   slack"}},
		{"not ready", "/readyz", false, 503, []string{"not ready", "fail store: state: store closed", "ok   slack"}},
		{"no metrics without Metrics", "/metrics", true, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storeOpen = tt.storeOpen
			code, body := get(t, h, tt.path)
			if code != tt.code {
				t.Fatalf("%s: status %d, want %d (%s)", tt.path, code, tt.code, body)
			}
			for _, w := range tt.body {
				if !strings.Contains(body, w) {
					t.Errorf("%s: body %q lacks %q", tt.path, body, w)
				}
			}
		})
	}
}

func TestReadinessCheckThatHangsOrPanics(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	h := NewHandler(HandlerOptions{CheckTimeout: 50 * time.Millisecond, Ready: []Check{
		{Name: "slack", Func: func(context.Context) error { <-release; return nil }},
		{Name: "broken", Func: func(context.Context) error { panic("boom") }},
		{Name: "missing"},
	}})
	start := time.Now()
	code, body := get(t, h, "/readyz")
	if time.Since(start) > 2*time.Second {
		t.Errorf("/readyz took %s with a hung check", time.Since(start))
	}
	if code != 503 {
		t.Fatalf("status %d", code)
	}
	for _, w := range []string{"fail slack: no answer within 50ms", "fail broken: check panicked: boom", "fail missing: no check function"} {
		if !strings.Contains(body, w) {
			t.Errorf("body %q lacks %q", body, w)
		}
	}
}

func TestHandlerLeavesRoomForMoreEndpoints(t *testing.T) {
	mux := NewHandler(HandlerOptions{})
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "events") })
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/slack/events", nil))
	if rec.Body.String() != "events" {
		t.Errorf("mounted endpoint answered %q", rec.Body.String())
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", rec.Code)
	}
}

// The transport times calls made by the real slack-go client.
func TestSlackTransportTimesSlackCalls(t *testing.T) {
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/auth.test":
			io.WriteString(w, `{"ok":true,"user_id":"UBOT","team":"T"}`)
		default:
			io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.000001"}`)
		}
	}))
	defer srv.Close()
	m := NewMetrics()
	client := slack.New("xoxb-test", slack.OptionAPIURL(srv.URL+"/api/"),
		slack.OptionHTTPClient(&http.Client{Transport: m.SlackTransport(nil)}))
	if _, err := client.AuthTest(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	fail = true
	if _, _, err := client.PostMessage("C1", slack.MsgOptionText("hi", false)); err == nil {
		t.Fatal("500 not reported")
	}
	_, body := get(t, NewHandler(HandlerOptions{Metrics: m}), "/metrics")
	for _, w := range []string{
		`crosscheck_slack_api_duration_seconds_count{method="auth.test",outcome="ok"} 1`,
		`crosscheck_slack_api_duration_seconds_count{method="chat.postMessage",outcome="ok"} 1`,
		`crosscheck_slack_api_duration_seconds_count{method="chat.postMessage",outcome="error"} 1`,
	} {
		if !strings.Contains(body, w+"\n") {
			t.Errorf("/metrics lacks %s", w)
		}
	}
}

func TestSlackMethodLabel(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://slack.com/api/chat.postMessage", "chat.postMessage"},
		{"http://127.0.0.1:1/api/auth.test?x=1", "auth.test"},
		{"wss://wss-primary.slack.com/link/", "other"},
		{"http://h/api/" + strings.Repeat("a.", 50), "other"},
		{"http://h/api/chat.post%00Message", "other"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := slackMethod(req); got != tt.want {
				t.Errorf("slackMethod(%s) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestListenAddressInUse(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Listen(ln.Addr().String())
	if err == nil {
		t.Fatal("second listen on the same address succeeded")
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("error does not wrap EADDRINUSE: %v", err)
	}
	want := "ops: listen " + ln.Addr().String() + ": bind: address already in use"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestServeStopsWithContext(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, NewHandler(HandlerOptions{}), ServeOptions{}) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok\n" {
		t.Errorf("/healthz over TCP: %d %q", resp.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestSeriesExistFromStart: the README's alert rule on
// crosscheck_poll_errors_total must see a healthy bot at zero, not no
// series at all, before any poll failed.
func TestSeriesExistFromStart(t *testing.T) {
	m := NewMetrics()
	m.KnownFeeds("kyiv-independent", "world-desk")
	h := NewHandler(HandlerOptions{Metrics: m})
	_, body := get(t, h, "/metrics")
	for _, want := range []string{
		`crosscheck_poll_errors_total{feed="kyiv-independent"} 0`,
		`crosscheck_poll_errors_total{feed="world-desk"} 0`,
		`crosscheck_polls_total{feed="world-desk"} 0`,
		`crosscheck_items_total{feed="kyiv-independent"} 0`,
		`crosscheck_conflicts_total{kind="figure"} 0`,
		`crosscheck_conflicts_total{kind="status"} 0`,
		"crosscheck_claims_total 0",
		"crosscheck_alerts_sent_total 0",
		"crosscheck_alerts_failed_total 0",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics at start lacks %s", want)
		}
	}
	// A feed added later has its error series from its first poll.
	m.Poll("added-later", nil)
	if _, body = get(t, h, "/metrics"); !strings.Contains(body, `crosscheck_poll_errors_total{feed="added-later"} 0`+"\n") {
		t.Error("a feed's error series is missing after a good poll")
	}
}

func TestBuildInfo(t *testing.T) {
	b := ReadBuild()
	if b.Version == "" || !strings.HasPrefix(b.GoVersion, "go") {
		t.Errorf("build %+v lacks a version or Go version", b)
	}
	_, body := get(t, NewHandler(HandlerOptions{Metrics: NewMetrics()}), "/metrics")
	want := fmt.Sprintf(`crosscheck_build_info{goversion=%q,revision=%q,version=%q} 1`, b.GoVersion, b.Revision, b.Version)
	if !strings.Contains(body, want+"\n") {
		t.Errorf("/metrics lacks %s", want)
	}
	for _, tt := range []struct {
		b    Build
		want string
	}{
		{Build{Version: "v1.4.0", Revision: "3f9c2a1e", GoVersion: "go1.26.0"}, "crosscheck v1.4.0 (revision 3f9c2a1e, go1.26.0)"},
		{Build{Version: "(devel)", Revision: "3f9c2a1e", Modified: true, GoVersion: "go1.26.0"}, "crosscheck (devel) (revision 3f9c2a1e (modified), go1.26.0)"},
		{Build{Version: "(devel)", GoVersion: "go1.26.0"}, "crosscheck (devel) (revision unknown, go1.26.0)"},
	} {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("%+v prints %q, want %q", tt.b, got, tt.want)
		}
	}
}
