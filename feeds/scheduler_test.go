package feeds

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// concurrency counts the polls in flight on one host (or on all of them)
// and remembers the peak.
type concurrency struct {
	mu        sync.Mutex
	now, peak int
	total     int
	byPath    map[string]int
}

func (c *concurrency) enter(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now++
	c.total++
	c.peak = max(c.peak, c.now)
	if c.byPath == nil {
		c.byPath = map[string]int{}
	}
	c.byPath[path]++
}

func (c *concurrency) leave() {
	c.mu.Lock()
	c.now--
	c.mu.Unlock()
}

func TestPollAllHoldsWorkerAndPerHostLimits(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const hosts, perHostFeeds = 3, 8
		global := &concurrency{}
		locals := map[string]*concurrency{}
		for h := range hosts {
			locals[fmt.Sprintf("h%d.example", h)] = &concurrency{}
		}
		// Each poll holds its host for a while on the fake clock, so the
		// polls that the limits let run together do overlap.
		s := NewScheduler(func(ctx context.Context, src Source) (time.Time, error) {
			local := locals[hostKey(src.URL)]
			local.enter(src.URL)
			global.enter(src.URL)
			time.Sleep(60 * time.Millisecond)
			global.leave()
			local.leave()
			return time.Time{}, nil
		}, SchedulerOptions{Workers: 4, PerHost: 2})
		for h := range hosts {
			for i := range perHostFeeds {
				mustAdd(t, s, Source{Name: fmt.Sprintf("h%d-f%d", h, i), URL: fmt.Sprintf("https://h%d.example/feed/%d", h, i)})
			}
		}
		results := s.PollAll(context.Background())
		if len(results) != hosts*perHostFeeds {
			t.Fatalf("%d results", len(results))
		}
		for _, r := range results {
			if r.Err != nil || r.Skipped != "" {
				t.Errorf("%s: err=%v skipped=%q", r.Source.Name, r.Err, r.Skipped)
			}
		}
		for host, local := range locals {
			if local.peak != 2 {
				t.Errorf("host %s saw at most %d requests at once; per_host is 2", host, local.peak)
			}
			if local.total != perHostFeeds {
				t.Errorf("host %s served %d requests, want %d (each feed once)", host, local.total, perHostFeeds)
			}
		}
		// The limits are limits, not a throttle to one: with three hosts
		// of two slots each, all four workers are busy together.
		if global.peak != 4 {
			t.Errorf("peak concurrency %d, want the 4 workers used and no more", global.peak)
		}
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// A host whose slots are full must not hold workers that other hosts'
// feeds could use. The polls hold their host for a fixed time on the
// bubble's fake clock, so the durations checked are exact.
func TestBusyHostDoesNotStarveOthers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const hold = 400 * time.Millisecond
		slowHost := &concurrency{}
		var mu sync.Mutex
		done := map[string]time.Time{}
		s := NewScheduler(func(ctx context.Context, src Source) (time.Time, error) {
			if strings.Contains(src.URL, "slow.example") {
				slowHost.enter(src.URL)
				time.Sleep(hold)
				slowHost.leave()
			}
			mu.Lock()
			done[src.Name] = time.Now()
			mu.Unlock()
			return time.Time{}, nil
		}, SchedulerOptions{Workers: 3, PerHost: 1})
		for i := range 4 {
			mustAdd(t, s, Source{Name: fmt.Sprintf("slow-%d", i), URL: fmt.Sprintf("https://slow.example/%d", i)})
		}
		start := time.Now()
		slowDone := make(chan []Result)
		go func() { slowDone <- s.PollAll(context.Background()) }()
		// Once the slow host's one slot is taken, the other three slow
		// feeds queue for it; then a feed on another host comes due.
		synctest.Wait()
		slowHost.mu.Lock()
		running, started := slowHost.now, slowHost.total
		slowHost.mu.Unlock()
		if running != 1 || started != 1 {
			t.Fatalf("slow host: %d polls running, %d started; want its one slot taken", running, started)
		}
		mustAdd(t, s, Source{Name: "fast", URL: "https://fast.example/x"})
		fastStart := time.Now()
		for _, r := range s.PollAll(context.Background()) {
			if r.Source.Name == "fast" && (r.Err != nil || r.Skipped != "") {
				t.Errorf("fast: %+v", r)
			}
		}
		// Had the queued slow feeds held the three workers while waiting
		// for their host, the fast feed would have waited for the first
		// slow poll to end.
		mu.Lock()
		fastDone := done["fast"]
		mu.Unlock()
		if took := fastDone.Sub(fastStart); took != 0 {
			t.Errorf("the fast host's feed finished after %v, behind a busy host", took)
		}
		for _, r := range <-slowDone {
			if r.Err != nil {
				t.Error(r.Err)
			}
		}
		if slowHost.peak != 1 {
			t.Errorf("slow host saw %d polls at once; per_host is 1", slowHost.peak)
		}
		var last time.Time
		for i := range 4 {
			if d := done[fmt.Sprintf("slow-%d", i)]; d.After(last) {
				last = d
			}
		}
		if took := last.Sub(start); took != 4*hold {
			t.Errorf("slow host's four feeds done in %v, want %v: one at a time", took, 4*hold)
		}
	})
}

// recorder is a PollFunc that remembers when each feed was polled and
// checks that no feed is ever polled twice at once.
type recorder struct {
	mu      sync.Mutex
	t       *testing.T
	times   map[string][]time.Time
	running map[string]bool
	hold    time.Duration
	next    func(name string, now time.Time) (time.Time, error)
}

func newRecorder(t *testing.T, hold time.Duration) *recorder {
	return &recorder{t: t, times: map[string][]time.Time{}, running: map[string]bool{}, hold: hold}
}

func (r *recorder) poll(ctx context.Context, src Source) (time.Time, error) {
	now := time.Now()
	r.mu.Lock()
	if r.running[src.Name] {
		r.t.Errorf("%s polled twice at once", src.Name)
	}
	r.running[src.Name] = true
	r.times[src.Name] = append(r.times[src.Name], now)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running[src.Name] = false
		r.mu.Unlock()
	}()
	select {
	case <-time.After(r.hold):
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	if r.next != nil {
		return r.next(src.Name, now)
	}
	return time.Time{}, nil
}

func (r *recorder) polls(name string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.times[name]...)
}

func (r *recorder) count(name string) int { return len(r.polls(name)) }

// The scheduler runs on robfig/cron's timers and time.Now, which the
// synctest bubble replaces with a fake clock: the tests below wait whole
// seconds in no real time, and their counts are exact.
func TestCronSchedulesEachFeedAndNeverOverlaps(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder(t, 0)
		slow := newRecorder(t, 2500*time.Millisecond)
		s := NewScheduler(func(ctx context.Context, src Source) (time.Time, error) {
			if src.Name == "slow" {
				return slow.poll(ctx, src)
			}
			return rec.poll(ctx, src)
		}, SchedulerOptions{MaxJitter: 200 * time.Millisecond})
		mustAdd(t, s, Source{Name: "every-second", URL: "https://a.example/rss", Schedule: "@every 1s"})
		mustAdd(t, s, Source{Name: "hourly", URL: "https://b.example/rss", Schedule: "@every 1h"})
		mustAdd(t, s, Source{Name: "slow", URL: "https://c.example/rss", Schedule: "@every 1s"})
		start := time.Now()
		s.Start(context.Background())
		time.Sleep(3300 * time.Millisecond)
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		stopped := time.Now()

		// Started feeds are polled at once (within the jitter, a tenth of
		// the period), then on schedule: at 0, 1, 2 and 3 s.
		if n := rec.count("every-second"); n != 4 {
			t.Errorf("@every 1s feed polled %d times in 3.3s, want 4: %v", n, rec.polls("every-second"))
		}
		if first := rec.polls("hourly"); len(first) != 1 || first[0].Sub(start) >= 200*time.Millisecond {
			t.Errorf("@every 1h feed: polls at %v, want one within the jitter of start", first)
		}
		// The slow feed takes 2.5s: the runs due at 1 and 2 s are skipped,
		// the one at 3 s runs.
		if n := slow.count("slow"); n != 2 {
			t.Errorf("slow feed polled %d times, want 2", n)
		}
		time.Sleep(1200 * time.Millisecond)
		if n := rec.count("every-second"); rec.polls("every-second")[n-1].After(stopped) {
			t.Error("polled after Stop")
		}
	})
}

func TestNextPollIsNeverEarlierThanAsked(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder(t, 0)
		rec.next = func(name string, now time.Time) (time.Time, error) {
			switch name {
			case "asks-2s":
				return now.Add(2 * time.Second), nil
			case "failing":
				// the pipeline's backoff after a first failure
				return now.Add(5 * time.Minute), errors.New("503")
			}
			return time.Time{}, nil
		}
		s := NewScheduler(rec.poll, SchedulerOptions{MaxJitter: -1})
		mustAdd(t, s, Source{Name: "asks-2s", URL: "https://a.example/rss", Schedule: "@every 1s"})
		mustAdd(t, s, Source{Name: "failing", URL: "https://b.example/rss", Schedule: "@every 1s"})
		mustAdd(t, s, Source{Name: "remembered", URL: "https://c.example/rss", Schedule: "@every 1s"})
		// As after a restart: the store says the server wants 10 more minutes.
		if err := s.SetNextPoll("remembered", time.Now().Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		s.Start(context.Background())
		time.Sleep(4500 * time.Millisecond)
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		polls := rec.polls("asks-2s")
		if len(polls) < 2 {
			t.Fatalf("asks-2s polled %d times in 4.5s, want at least 2", len(polls))
		}
		for i := 1; i < len(polls); i++ {
			if gap := polls[i].Sub(polls[i-1]); gap < 2*time.Second {
				t.Errorf("asks-2s polled again after %v; the server asked for 2s", gap)
			}
		}
		// A failure waits as long as the pipeline says (5 minutes first).
		if n := rec.count("failing"); n != 1 {
			t.Errorf("failing feed polled %d times in 4.5s, want 1 then back off", n)
		}
		if n := rec.count("remembered"); n != 0 {
			t.Errorf("feed with a stored NextPoll 10m ahead polled %d times", n)
		}
		for _, f := range s.Feeds() {
			if f.Source.Name == "failing" && (f.LastErr == nil || time.Until(f.NotBefore) < 4*time.Minute) {
				t.Errorf("failing feed: %+v", f)
			}
		}
	})
}

func TestAddPauseResumeRemoveWhileRunning(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder(t, 0)
		s := NewScheduler(rec.poll, SchedulerOptions{})
		s.Start(context.Background())
		defer func() {
			if err := s.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		}()

		mustAdd(t, s, Source{Name: "late", URL: "https://a.example/rss", Schedule: "@every 1s"})
		waitFor(t, "added feed polled", func() bool { return rec.count("late") >= 1 })

		if err := s.Pause("late"); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // a run already launched finishes
		paused := rec.count("late")
		time.Sleep(2200 * time.Millisecond)
		if n := rec.count("late"); n != paused {
			t.Errorf("paused feed polled %d more times", n-paused)
		}
		if info := s.Feeds(); len(info) != 1 || !info[0].Paused {
			t.Errorf("Feeds() = %+v", info)
		}
		if err := s.Resume("late"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "resumed feed polled", func() bool { return rec.count("late") > paused })

		if err := s.Remove("late"); err != nil {
			t.Fatal(err)
		}
		removed := rec.count("late")
		time.Sleep(2200 * time.Millisecond)
		if n := rec.count("late"); n != removed {
			t.Errorf("removed feed polled %d more times", n-removed)
		}
		for _, err := range []error{s.Remove("late"), s.Pause("late"), s.Resume("nope")} {
			if !errors.Is(err, ErrUnknownFeed) {
				t.Errorf("got %v, want ErrUnknownFeed", err)
			}
		}
		// The name is free again.
		mustAdd(t, s, Source{Name: "late", URL: "https://a.example/rss", Schedule: "@every 1s"})
		if err := s.Add(Source{Name: "late", URL: "https://other.example/"}); !errors.Is(err, ErrDuplicateFeed) {
			t.Errorf("duplicate add: %v", err)
		}
		if err := s.Add(Source{Name: "bad", URL: "ftp://x.example/", Schedule: "@every 1s"}); err == nil {
			t.Error("invalid source accepted")
		}
	})
}

func TestStopWaitsForRunningPolls(t *testing.T) {
	t.Parallel()
	t.Run("finish", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			const pollTakes = 300 * time.Millisecond
			var finished string
			started := make(chan struct{})
			s := NewScheduler(func(ctx context.Context, src Source) (time.Time, error) {
				close(started)
				select {
				case <-time.After(pollTakes):
					finished = "done"
					return time.Time{}, nil
				case <-ctx.Done():
					finished = "cancelled"
					return time.Time{}, ctx.Err()
				}
			}, SchedulerOptions{MaxJitter: -1})
			mustAdd(t, s, Source{Name: "a", URL: "https://a.example/", Schedule: "@every 1h"})
			s.Start(context.Background())
			<-started
			begin := time.Now()
			if err := s.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(begin); finished != "done" || took != pollTakes {
				t.Errorf("Stop returned after %v with the poll %q, want after %v with it done", took, finished, pollTakes)
			}
		})
	})
	t.Run("deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var finished string
			started := make(chan struct{})
			block := make(chan struct{})
			defer close(block)
			s := NewScheduler(func(ctx context.Context, src Source) (time.Time, error) {
				close(started)
				select {
				case <-block:
				case <-ctx.Done():
					finished = "cancelled"
				}
				return time.Time{}, ctx.Err()
			}, SchedulerOptions{MaxJitter: -1})
			mustAdd(t, s, Source{Name: "b", URL: "https://b.example/", Schedule: "@every 1h"})
			s.Start(context.Background())
			<-started
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			err := s.Stop(ctx)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Stop = %v, want deadline exceeded", err)
			}
			if finished != "cancelled" {
				t.Errorf("poll %q, want cancelled", finished)
			}
			if r := s.PollAll(context.Background()); len(r) != 1 || r[0].Skipped != "stopped" {
				t.Errorf("PollAll after Stop = %+v", r)
			}
		})
	})
}

func TestPollAllSkipsPausedAndReportsErrors(t *testing.T) {
	t.Parallel()
	s := NewScheduler(func(ctx context.Context, src Source) (time.Time, error) {
		if strings.Contains(src.URL, "broken") {
			return time.Time{}, errors.New("feeds: fetch: 500 Internal Server Error")
		}
		return time.Time{}, nil
	}, SchedulerOptions{})
	mustAdd(t, s, Source{Name: "ok", URL: "https://ok.example/"})
	mustAdd(t, s, Source{Name: "broken", URL: "https://broken.example/"})
	mustAdd(t, s, Source{Name: "quiet", URL: "https://quiet.example/"})
	if err := s.Pause("quiet"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range s.PollAll(context.Background()) {
		got = append(got, fmt.Sprintf("%s err=%v skipped=%q", r.Source.Name, r.Err, r.Skipped))
	}
	want := []string{
		`broken err=feeds: fetch: 500 Internal Server Error skipped=""`,
		`ok err=<nil> skipped=""`,
		`quiet err=<nil> skipped="paused"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCancelledStartContextStopsEverything(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder(t, time.Hour)
		s := NewScheduler(rec.poll, SchedulerOptions{MaxJitter: -1})
		mustAdd(t, s, Source{Name: "a", URL: "https://a.example/", Schedule: "@every 1s"})
		ctx, cancel := context.WithCancel(context.Background())
		s.Start(ctx)
		synctest.Wait()
		if n := rec.count("a"); n != 1 {
			t.Fatalf("%d polls started, want 1", n)
		}
		cancel()
		done := make(chan error)
		go func() { done <- s.Stop(context.Background()) }()
		// The poll holds an hour unless cancelled: Stop returning before
		// then proves the cancellation reached it.
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("Stop hangs after the Start context was cancelled")
		}
	})
}

func TestJitterBounds(t *testing.T) {
	s := NewScheduler(nil, SchedulerOptions{})
	tests := []struct {
		spec string
		max  time.Duration
	}{
		{"@every 1s", 100 * time.Millisecond},
		{"@every 10m", 30 * time.Second},
		{"@every 2m", 12 * time.Second},
		{"*/5 * * * *", 30 * time.Second},
	}
	base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			inner, err := ParseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			fs := &feedSchedule{s: s, name: "x", inner: inner}
			want := inner.Next(base)
			var seen []time.Duration
			for range 200 {
				d := fs.Next(base).Sub(want)
				if d < 0 || d >= tt.max {
					t.Fatalf("jitter %v outside [0, %v)", d, tt.max)
				}
				seen = append(seen, d)
			}
			sort.Slice(seen, func(i, j int) bool { return seen[i] < seen[j] })
			if seen[len(seen)-1]-seen[0] < tt.max/4 {
				t.Errorf("jitter hardly varies: %v..%v", seen[0], seen[len(seen)-1])
			}
		})
	}
}

func TestHostKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://Example.org/rss":      "example.org",
		"https://example.org:443/a":    "example.org",
		"http://example.org:80/":       "example.org",
		"http://127.0.0.1:8080/feed/1": "127.0.0.1:8080",
		"http://[::1]:9/":              "::1:9",
	} {
		if got := hostKey(in); got != want {
			t.Errorf("hostKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustAdd(t *testing.T, s *Scheduler, src Source) {
	t.Helper()
	if err := s.Add(src); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
