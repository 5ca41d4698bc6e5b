package ops

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds Crosscheck's Prometheus collectors on a registry of its own,
// so two instances (two tests, a demo inside a test) never collide on a
// process-wide default registry. The zero value is not usable; call
// NewMetrics. A nil *Metrics accepts every call and records nothing.
type Metrics struct {
	reg *prometheus.Registry

	polls        *prometheus.CounterVec
	pollErrors   *prometheus.CounterVec
	httpStatus   *prometheus.CounterVec
	items        *prometheus.CounterVec
	claims       prometheus.Counter
	conflicts    *prometheus.CounterVec
	alertsQueued prometheus.Counter
	alertsSent   prometheus.Counter
	alertsFailed prometheus.Counter
	slackLatency *prometheus.HistogramVec
	connsRefused prometheus.Counter
}

// conflictKinds are the kind label's values, known from start-up.
func conflictKinds() []string { return []string{"figure", "status"} }

// NewMetrics registers Crosscheck's collectors, the build's
// crosscheck_build_info, and the Go runtime and process collectors
// (memory, file descriptors), on a new registry. Every series whose
// labels are known at start (each conflict kind; each feed, once
// KnownFeeds names them) exists from then on at zero, so an alert rule
// on a rate or an absence sees a healthy bot, not nothing.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg:          reg,
		polls:        counterVec("crosscheck_polls_total", "Polls of each feed, successful or not.", "feed"),
		pollErrors:   counterVec("crosscheck_poll_errors_total", "Polls of each feed that failed.", "feed"),
		httpStatus:   counterVec("crosscheck_feed_http_responses_total", "Feed fetches by HTTP status code; code \"error\" when no response came back.", "code"),
		items:        counterVec("crosscheck_items_total", "New or updated feed items recorded, by feed.", "feed"),
		claims:       counter("crosscheck_claims_total", "Claims extracted and recorded in the ledger."),
		conflicts:    counterVec("crosscheck_conflicts_total", "Conflicts opened, by kind (figure or status).", "kind"),
		alertsQueued: counter("crosscheck_alerts_queued_total", "Alerts queued in the outbox."),
		alertsSent:   counter("crosscheck_alerts_sent_total", "Alerts delivered to Slack."),
		alertsFailed: counter("crosscheck_alerts_failed_total", "Delivery attempts that failed (the alert stays queued and is retried)."),
		connsRefused: counter("crosscheck_http_connections_refused_total", "Connections to the listen address refused because their client already held limits.http_conns_per_client."),
		slackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "crosscheck_slack_api_duration_seconds",
			Help:    "Slack Web API call latency, by method and outcome.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "outcome"}),
	}
	build := ReadBuild()
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "crosscheck_build_info",
		Help: "Always 1; its labels say which Crosscheck runs: module version, VCS revision, Go version.",
	}, []string{"version", "revision", "goversion"})
	buildInfo.WithLabelValues(build.Version, build.Revision, build.GoVersion).Set(1)
	for _, k := range conflictKinds() {
		m.conflicts.WithLabelValues(k)
	}
	reg.MustRegister(
		m.polls, m.pollErrors, m.httpStatus, m.items, m.claims, m.conflicts,
		m.alertsQueued, m.alertsSent, m.alertsFailed, m.slackLatency, m.connsRefused, buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// KnownFeeds makes the per-feed series of each feed exist at zero: call
// it at start with the configured and stored feeds, and when a feed is
// added.
func (m *Metrics) KnownFeeds(names ...string) {
	if m == nil {
		return
	}
	for _, n := range names {
		m.polls.WithLabelValues(n)
		m.pollErrors.WithLabelValues(n)
		m.items.WithLabelValues(n)
	}
}

func counter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// Registry is where the collectors live, for /metrics and for tests.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// ConnRefused counts one connection refused over the per-client cap.
func (m *Metrics) ConnRefused() {
	if m == nil {
		return
	}
	m.connsRefused.Inc()
}

// Poll counts one poll of feed, and a poll error when err is not nil.
func (m *Metrics) Poll(feed string, err error) {
	if m == nil {
		return
	}
	m.polls.WithLabelValues(feed).Inc()
	// A feed added while running has its error series from its first
	// poll on, at zero when that poll worked.
	errs := m.pollErrors.WithLabelValues(feed)
	m.items.WithLabelValues(feed)
	if err != nil {
		errs.Inc()
	}
}

// HTTPStatus counts one feed response by status code; code 0 means the
// request failed before a response (refused, timed out).
func (m *Metrics) HTTPStatus(code int) {
	if m == nil {
		return
	}
	label := "error"
	if code > 0 {
		label = strconv.Itoa(code)
	}
	m.httpStatus.WithLabelValues(label).Inc()
}

// Items counts n new or updated items recorded from feed.
func (m *Metrics) Items(feed string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.items.WithLabelValues(feed).Add(float64(n))
}

// Claims counts n claims recorded in the ledger.
func (m *Metrics) Claims(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.claims.Add(float64(n))
}

// Conflict counts one conflict opened, by kind ("figure", "status").
func (m *Metrics) Conflict(kind string) {
	if m == nil {
		return
	}
	m.conflicts.WithLabelValues(kind).Inc()
}

// AlertsQueued counts n alerts put in the outbox.
func (m *Metrics) AlertsQueued(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.alertsQueued.Add(float64(n))
}

// AlertSent counts one alert delivered.
func (m *Metrics) AlertSent() {
	if m == nil {
		return
	}
	m.alertsSent.Inc()
}

// AlertFailed counts one failed delivery attempt.
func (m *Metrics) AlertFailed() {
	if m == nil {
		return
	}
	m.alertsFailed.Inc()
}

// SlackCall records how long one Slack Web API call took. method is the API
// method ("chat.postMessage"); err is the call's error, if any.
func (m *Metrics) SlackCall(method string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.slackLatency.WithLabelValues(method, outcome(err)).Observe(d.Seconds())
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "error"
}

// WatchOutbox exports the outbox depth as a gauge read from the store at
// each scrape, so it can never drift from the truth. A failing read is
// reported as -1 rather than a stale number. Call it once.
func (m *Metrics) WatchOutbox(depth func() (int, error)) {
	if m == nil || depth == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "crosscheck_outbox_depth",
		Help: "Alerts waiting in the outbox (-1 when the store could not be read).",
	}, func() float64 {
		n, err := depth()
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// WatchStore exports the store file's size in bytes as a gauge read at
// each scrape (-1 when it cannot be read), so growth, and what pruning
// and `crosscheck compact` give back, can be graphed. Call it once.
func (m *Metrics) WatchStore(size func() (int64, error)) {
	if m == nil || size == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "crosscheck_store_bytes",
		Help: "Size of the bbolt store file in bytes (-1 when it could not be read).",
	}, func() float64 {
		n, err := size()
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// SlackTransport wraps rt (http.DefaultTransport when nil) so every Slack
// Web API call is timed by method. Give the result to the Slack client's
// http.Client. A non-2xx answer counts as an error; Slack's "ok": false
// answers come back as 200 and are the client's business.
func (m *Metrics) SlackTransport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if m == nil {
		return rt
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := rt.RoundTrip(req)
		callErr := err
		if err == nil && (resp.StatusCode < 200 || resp.StatusCode > 299) {
			callErr = errors.New(resp.Status)
		}
		m.SlackCall(slackMethod(req), time.Since(start), callErr)
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// slackMethod is the last path element of a Web API URL
// (".../api/chat.postMessage"). Anything else (the Socket Mode websocket)
// is "other", which keeps the label set small whatever the URL.
func slackMethod(req *http.Request) string {
	p := req.URL.Path
	i := strings.LastIndexByte(p, '/')
	name := p[i+1:]
	if name == "" || !strings.Contains(name, ".") || len(name) > 64 {
		return "other"
	}
	for _, r := range name {
		if !(r == '.' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "other"
		}
	}
	return name
}
