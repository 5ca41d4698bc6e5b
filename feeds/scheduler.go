package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// PollFunc polls one feed and returns the earliest time it may be polled
// again, success or failure: the feed state's NextPoll, which the pipeline
// decides (the server's ttl, max-age or Retry-After, or the error
// backoff). A zero time means "no wish": the feed's schedule alone
// decides. The scheduler keeps no poll policy of its own.
type PollFunc func(ctx context.Context, src Source) (next time.Time, err error)

// SchedulerOptions tune a Scheduler. Zero fields take the defaults.
type SchedulerOptions struct {
	// Workers bounds the polls running at once (default 8).
	Workers int
	// PerHost bounds the polls running at once against one host:port
	// (default 2), so a newsroom with many feeds on one site stays polite.
	PerHost int
	// MaxJitter bounds the random delay added to each scheduled run
	// (default 30s; never more than a tenth of the feed's period, so an
	// "@every 1s" feed jitters by at most 100ms). Negative disables it.
	MaxJitter time.Duration
	Log       *slog.Logger
}

// Defaults of SchedulerOptions.
const (
	DefaultWorkers   = 8
	DefaultPerHost   = 2
	DefaultMaxJitter = 30 * time.Second
)

// ErrDuplicateFeed is returned by Add for a name already scheduled.
var ErrDuplicateFeed = errors.New("feeds: feed already scheduled")

// ErrUnknownFeed is returned for a name that is not scheduled.
var ErrUnknownFeed = errors.New("feeds: no such feed")

// Scheduler polls each feed on its own cron schedule, with jitter, within
// a global and a per-host limit, never one feed twice at once and never
// before the time its last poll asked for. Feeds can be added, paused,
// resumed and removed while it runs.
type Scheduler struct {
	poll PollFunc
	opts SchedulerOptions
	log  *slog.Logger
	cron *cron.Cron

	workers chan struct{}

	// cronMu serialises changes to cron entries. It is never held by
	// anything cron's goroutine waits for, and mu is never held while
	// calling into cron: cron's goroutine calls feedSchedule.Next, which
	// takes mu.
	cronMu sync.Mutex

	mu       sync.Mutex
	feeds    map[string]*scheduled
	inflight map[string]bool // by name, so a removed and re-added feed still waits for its old poll
	hosts    map[string]*hostSlot
	state    runState
	runCtx   context.Context // polls run under it; set by Start
	cancel   context.CancelFunc
	stopping chan struct{} // closed by Stop: waiters for a slot give up
	wg       sync.WaitGroup
}

type runState int

const (
	stateNew runState = iota
	stateRunning
	stateStopped
)

type scheduled struct {
	src       Source
	schedule  cron.Schedule
	entry     cron.EntryID
	paused    bool
	fresh     bool // not yet run since added: first run comes soon, not a period later
	notBefore time.Time
	lastRun   time.Time
	lastErr   error
}

type hostSlot struct {
	sem  chan struct{}
	refs int
}

// NewScheduler returns a stopped scheduler that runs poll for each feed.
func NewScheduler(poll PollFunc, opts SchedulerOptions) *Scheduler {
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.PerHost <= 0 {
		opts.PerHost = DefaultPerHost
	}
	if opts.MaxJitter == 0 {
		opts.MaxJitter = DefaultMaxJitter
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{
		poll:     poll,
		opts:     opts,
		log:      log,
		cron:     cron.New(cron.WithParser(standardParser{}), cron.WithLogger(cron.DiscardLogger)),
		workers:  make(chan struct{}, opts.Workers),
		feeds:    map[string]*scheduled{},
		inflight: map[string]bool{},
		hosts:    map[string]*hostSlot{},
		stopping: make(chan struct{}),
	}
}

type standardParser struct{}

func (standardParser) Parse(spec string) (cron.Schedule, error) { return ParseSchedule(spec) }

// Add schedules a feed. It refuses an invalid source or a name already
// scheduled. A feed added to a running scheduler is first polled soon
// (within its jitter), then on its schedule.
func (s *Scheduler) Add(src Source) error {
	if err := src.Validate(); err != nil {
		return err
	}
	if src.Schedule == "" {
		src.Schedule = DefaultSchedule
	}
	sched, err := ParseSchedule(src.Schedule)
	if err != nil {
		return &SourceError{Name: src.Name, Field: "schedule", Err: err}
	}
	s.cronMu.Lock()
	defer s.cronMu.Unlock()
	s.mu.Lock()
	if _, dup := s.feeds[src.Name]; dup {
		s.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrDuplicateFeed, src.Name)
	}
	f := &scheduled{src: src, schedule: sched, fresh: true}
	s.feeds[src.Name] = f
	s.mu.Unlock()

	id := s.cron.Schedule(&feedSchedule{s: s, name: src.Name, inner: sched}, cron.FuncJob(func() { s.runScheduled(src.Name) }))
	s.mu.Lock()
	f.entry = id
	s.mu.Unlock()
	return nil
}

// Remove unschedules a feed. A poll of it already running finishes.
func (s *Scheduler) Remove(name string) error {
	s.cronMu.Lock()
	defer s.cronMu.Unlock()
	s.mu.Lock()
	f, ok := s.feeds[name]
	if ok {
		delete(s.feeds, name)
	}
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownFeed, name)
	}
	s.cron.Remove(f.entry)
	return nil
}

// Pause stops polling a feed until Resume; a poll already running
// finishes.
func (s *Scheduler) Pause(name string) error { return s.setPaused(name, true) }

// Resume polls a paused feed again from its next scheduled time.
func (s *Scheduler) Resume(name string) error { return s.setPaused(name, false) }

func (s *Scheduler) setPaused(name string, paused bool) error {
	return s.update(name, func(f *scheduled) { f.paused = paused })
}

// SetNextPoll tells the scheduler the earliest time a feed may be polled,
// as remembered in the store from before a restart.
func (s *Scheduler) SetNextPoll(name string, t time.Time) error {
	return s.update(name, func(f *scheduled) { f.notBefore = t })
}

// update changes a scheduled feed under the lock.
func (s *Scheduler) update(name string, change func(*scheduled)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.feeds[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownFeed, name)
	}
	change(f)
	return nil
}

// FeedInfo is what the scheduler knows of one feed.
type FeedInfo struct {
	Source  Source
	Paused  bool
	Running bool
	// NotBefore is the earliest time the feed may be polled again.
	NotBefore time.Time
	// Next is the next scheduled run (zero when stopped or not yet known).
	Next    time.Time
	LastRun time.Time
	LastErr error
}

// Feeds lists the scheduled feeds in name order.
func (s *Scheduler) Feeds() []FeedInfo {
	next := map[cron.EntryID]time.Time{}
	for _, e := range s.cron.Entries() {
		next[e.ID] = e.Next
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FeedInfo, 0, len(s.feeds))
	for name, f := range s.feeds {
		out = append(out, FeedInfo{
			Source: f.src, Paused: f.paused, Running: s.inflight[name],
			NotBefore: f.notBefore, Next: next[f.entry], LastRun: f.lastRun, LastErr: f.lastErr,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source.Name < out[j].Source.Name })
	return out
}

// Start begins polling on schedule. ctx bounds every poll: cancelling it
// cancels running polls and stops scheduling. To let running polls finish
// on shutdown, call Stop with a deadline instead.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	if s.state != stateNew {
		s.mu.Unlock()
		return
	}
	s.state = stateRunning
	s.runCtx, s.cancel = context.WithCancel(ctx)
	runCtx := s.runCtx
	s.mu.Unlock()
	s.cron.Start()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-runCtx.Done():
			s.stopScheduling()
		case <-s.stopping:
		}
	}()
}

// Stop stops scheduling, gives up polls still waiting for a slot, and
// waits for running polls to finish. When ctx ends first, it cancels them,
// waits for them to return, and reports ctx's error.
func (s *Scheduler) Stop(ctx context.Context) error {
	cronDone := s.stopScheduling()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		<-cronDone.Done()
		close(done)
	}()
	select {
	case <-done:
		s.cancelRuns()
		return nil
	case <-ctx.Done():
		s.cancelRuns()
		<-done
		return fmt.Errorf("feeds: scheduler stop: polls cancelled: %w", ctx.Err())
	}
}

// stopScheduling stops cron launching jobs; the context it returns is done
// when cron's job goroutines have returned.
func (s *Scheduler) stopScheduling() context.Context {
	s.mu.Lock()
	if s.state != stateStopped {
		s.state = stateStopped
		close(s.stopping)
	}
	s.mu.Unlock()
	return s.cron.Stop()
}

func (s *Scheduler) cancelRuns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// Result is what PollAll did with one feed.
type Result struct {
	Source Source
	// Skipped says why the feed was not polled ("paused", "already being
	// polled", "stopped"); empty when it was.
	Skipped string
	Next    time.Time
	Err     error
	// Took is the time from the poll's start to its end, waits for a
	// slot excluded.
	Took time.Duration
}

// PollAll polls every feed that is not paused once, now, within the worker
// and per-host limits, and returns the results in name order. It ignores
// the feeds' NextPoll: it is the operator's explicit "now" (`crosscheck
// poll`, tests); scheduled runs keep honouring it. It works whether or not
// the scheduler was started, but not after Stop.
func (s *Scheduler) PollAll(ctx context.Context) []Result {
	s.mu.Lock()
	names := make([]string, 0, len(s.feeds))
	for name := range s.feeds {
		names = append(names, name)
	}
	s.mu.Unlock()
	sort.Strings(names)
	results := make([]Result, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		s.mu.Lock()
		f, ok := s.feeds[name]
		var why string
		switch {
		case !ok:
			why = "removed"
		case s.state == stateStopped:
			why = "stopped"
		case f.paused:
			why = "paused"
		case s.inflight[name]:
			why = "already being polled"
		}
		if why != "" {
			if ok {
				results[i] = Result{Source: f.src, Skipped: why}
			} else {
				results[i] = Result{Source: Source{Name: name}, Skipped: why}
			}
			s.mu.Unlock()
			continue
		}
		s.inflight[name] = true
		src := f.src
		s.wg.Add(1)
		s.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.wg.Done()
			results[i] = s.run(ctx, src)
		}()
	}
	wg.Wait()
	return results
}

// runScheduled is the cron job of one feed.
func (s *Scheduler) runScheduled(name string) {
	s.mu.Lock()
	f, ok := s.feeds[name]
	switch {
	case !ok, s.state != stateRunning, f.paused, s.inflight[name]:
		s.mu.Unlock()
		return
	case time.Now().Before(f.notBefore):
		// cron chose this run before the last poll said "not before";
		// feedSchedule.Next will now take it into account.
		s.mu.Unlock()
		return
	}
	s.inflight[name] = true
	src, ctx := f.src, s.runCtx
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	s.run(ctx, src)
}

// run polls src within the limits; the caller has marked it in flight.
func (s *Scheduler) run(ctx context.Context, src Source) Result {
	res := Result{Source: src}
	defer func() {
		s.mu.Lock()
		delete(s.inflight, src.Name)
		s.mu.Unlock()
	}()
	release, err := s.acquire(ctx, hostKey(src.URL))
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	start := time.Now()
	next, err := s.poll(ctx, src)
	release()
	res.Took, res.Next, res.Err = time.Since(start), next, err

	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.feeds[src.Name]
	if !ok || f.src != src {
		return res // removed (or replaced) meanwhile
	}
	f.lastRun, f.lastErr = start, err
	f.notBefore = next
	if err != nil {
		s.log.Debug("scheduled poll failed", "feed", src.Name, "error", err.Error(), "next_poll", next)
		return res
	}
	s.log.Debug("scheduled poll done", "feed", src.Name, "took", res.Took, "next_poll", next)
	return res
}

// acquire takes a slot on src's host, then a worker: in that order, so a
// feed waiting for a busy host holds no worker that other hosts could use.
func (s *Scheduler) acquire(ctx context.Context, host string) (release func(), err error) {
	s.mu.Lock()
	h := s.hosts[host]
	if h == nil {
		h = &hostSlot{sem: make(chan struct{}, s.opts.PerHost)}
		s.hosts[host] = h
	}
	h.refs++
	s.mu.Unlock()
	unref := func() {
		s.mu.Lock()
		if h.refs--; h.refs == 0 {
			delete(s.hosts, host)
		}
		s.mu.Unlock()
	}
	wait := func(sem chan struct{}) error {
		select {
		case sem <- struct{}{}:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("cancelled while waiting for a slot: %w", ctx.Err())
		case <-s.stopping:
			return errors.New("scheduler stopped")
		}
	}
	if err := wait(h.sem); err != nil {
		unref()
		return nil, err
	}
	if err := wait(s.workers); err != nil {
		<-h.sem
		unref()
		return nil, err
	}
	return func() {
		<-s.workers
		<-h.sem
		unref()
	}, nil
}

// hostKey is what the per-host limit counts: host and port, lowercased,
// the scheme's default port dropped.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443" {
		return host
	}
	return host + ":" + port
}

// feedSchedule is a feed's cron schedule, pushed back to the feed's
// NotBefore and spread by jitter. cron's goroutine calls Next.
type feedSchedule struct {
	s     *Scheduler
	name  string
	inner cron.Schedule
}

func (fs *feedSchedule) Next(t time.Time) time.Time {
	next := fs.inner.Next(t)
	if next.IsZero() {
		return next
	}
	period := fs.inner.Next(next).Sub(next)
	fs.s.mu.Lock()
	var notBefore time.Time
	fresh := false
	if f, ok := fs.s.feeds[fs.name]; ok {
		notBefore, fresh = f.notBefore, f.fresh
		f.fresh = false // cron asks once when the feed is added or started
	}
	fs.s.mu.Unlock()
	if fresh {
		// A feed just added or just started is due now, not a period
		// from now: a restart must not leave feeds unpolled for hours.
		next = t
	}
	if notBefore.After(next) {
		next = notBefore
	}
	return next.Add(fs.s.jitter(period))
}

func (s *Scheduler) jitter(period time.Duration) time.Duration {
	limit := min(s.opts.MaxJitter, period/10)
	if limit <= 0 {
		return 0
	}
	return rand.N(limit)
}
