package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
)

// BenchmarkItemToAlert measures, with every feed on a one-second schedule,
// the delay from a story appearing in a feed to its alert reaching Slack,
// over 100 stories, one at a time, each at a random moment of the
// schedule's period (so Slack's one-message-a-second pacing is not what is
// measured). Target: p99 under schedule + 2 s + group interval. It takes
// about three minutes; run it alone:
//
//	go test -run '^$' -bench ItemToAlert -benchtime 1x ./cmd/crosscheck
func BenchmarkItemToAlert(b *testing.B) {
	const items = 100
	const groupInterval = 200 * time.Millisecond
	const targetP99 = time.Second + 2*time.Second + groupInterval
	for b.Loop() {
		x := &e2e{dir: b.TempDir(), news: newNewsroom(b), slack: slacktest.NewServer(), addr: freeAddr(b), feeds: []string{"wire-a", "wire-b"}}
		defer x.slack.Close()
		var fl strings.Builder
		for _, f := range x.feeds {
			x.news.publish(f, "old-"+f, "Shipping resumes", backfillText)
			fmt.Fprintf(&fl, "  - name: %s\n    url: %s\n    outlet: %s\n    schedule: \"@every 1s\"\n", f, x.news.url(f), outletOf(f))
		}
		cfg := writeConfig(b, x.dir, fmt.Sprintf("store: %s/crosscheck.db\nlisten: %s\nallow_private_networks: true\nslack:\n  channel: %s\n  api_url: %s\n  group_interval: %s\nfeeds:\n%s",
			x.dir, x.addr, alertChannel, x.slack.APIURL(), groupInterval, fl.String()))
		p := startBot(b, cfg, slackEnv(x.slack))
		parents := func() int {
			n := 0
			for _, m := range x.slack.Messages() {
				if m.ThreadTS == "" && m.User == "" && !m.Ephemeral {
					n++
				}
			}
			return n
		}
		waitFor := func(what string, cond func() bool) {
			deadline := time.Now().Add(30 * time.Second)
			for !cond() {
				if time.Now().After(deadline) {
					b.Fatalf("%s; stderr:\n%s", what, p.stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		for _, f := range x.feeds {
			waitFor(f+" backfilled", func() bool { return x.news.fetchCount(f) >= 2 })
		}
		x.news.publish("wire-a", "governor", "Governor: 23 dead", governorSays)
		waitFor("governor polled", func() bool { return x.news.fetchCount("wire-a") >= 4 })

		// Each story is a new official contradicting the governor: one new
		// conflict, one alert.
		first := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Irina", "Jonas"}
		last := []string{"Aalto", "Berg", "Castell", "Dorn", "Ekholm", "Falk", "Grau", "Holm", "Ivers", "Jansen"}
		delays := make([]time.Duration, 0, items)
		for i := range items {
			name := first[i%10] + " " + last[i/10]
			// A random moment in the schedule's period, or every story
			// would land at the same phase after the last poll.
			time.Sleep(rand.N(time.Second))
			published := time.Now()
			x.news.publish("wire-b", fmt.Sprintf("toll-%d", i), "Official: 61 dead",
				fmt.Sprintf("Rescue official %s said 61 people were killed in the floods in Valdora province.", name))
			waitFor(fmt.Sprintf("alert %d", i+1), func() bool { return parents() >= i+1 })
			msgs := x.slack.Messages()
			delays = append(delays, msgs[len(msgs)-1].Posted.Sub(published))
		}
		if code := p.stop(b); code != 0 {
			b.Fatalf("exit %d", code)
		}
		slices.Sort(delays)
		b.ReportMetric(delays[len(delays)/2].Seconds(), "median_s")
		b.ReportMetric(delays[len(delays)*99/100].Seconds(), "p99_s")
		b.ReportMetric(delays[len(delays)-1].Seconds(), "max_s")
		if p99 := delays[len(delays)*99/100]; p99 > targetP99 {
			b.Errorf("p99 item-to-alert delay %v, over the target of %v (schedule + 2 s + group interval)", p99, targetP99)
		}
	}
}

// The child processes of the peak-memory benchmarks: the test binary run
// again with CROSSCHECK_BENCH_CHILD set runs one subcommand and exits, so
// its peak RSS is the subcommand's.
func TestMain(m *testing.M) {
	if args := os.Getenv("CROSSCHECK_BENCH_CHILD"); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, strings.Fields(args))
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// child runs `crosscheck ARGS` in a child process until it exits or
// stopAfter passes (then SIGTERM), and returns its peak RSS in bytes.
func child(b *testing.B, args string, extraEnv []string, stopAfter time.Duration) (peakRSS int64, stdout string) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "CROSSCHECK_BENCH_CHILD="+args), extraEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(stopAfter):
		cmd.Process.Signal(syscall.SIGTERM)
		err = <-done
	}
	if err != nil {
		b.Fatalf("crosscheck %s: %v\n%s", args, err, errb.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage on this platform")
	}
	return ru.Maxrss * 1024, out.String() // Linux reports kilobytes
}

// BenchmarkDemoPeakRSS is the peak resident memory of `crosscheck demo`.
func BenchmarkDemoPeakRSS(b *testing.B) {
	var peak int64
	for b.Loop() {
		rss, out := child(b, "demo", nil, time.Minute)
		if !strings.Contains(out, "Summary: 3 feeds") {
			b.Fatalf("demo output:\n%s", out)
		}
		peak = max(peak, rss)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak_RSS_MiB")
}

// BenchmarkRun200FeedsPeakRSS is the peak resident memory of `crosscheck
// run` polling 200 feeds (20 stories each, one new story per feed every
// few cycles) on a one-second schedule for 30 cycles. It takes ~35 s.
func BenchmarkRun200FeedsPeakRSS(b *testing.B) {
	const feedCount, cycles = 200, 30
	var peak int64
	for b.Loop() {
		dir := b.TempDir()
		news := newNewsroom(b)
		fake := slacktest.NewServer()
		var fl strings.Builder
		for i := range feedCount {
			f := fmt.Sprintf("feed-%03d", i)
			for j := range 20 {
				news.publish(f, fmt.Sprintf("s%d", j), "Story", benchStory(i, j))
			}
			fmt.Fprintf(&fl, "  - name: %s\n    url: %s\n    outlet: Outlet %d\n    schedule: \"@every 1s\"\n", f, news.url(f), i)
		}
		cfg := writeConfig(b, dir, fmt.Sprintf("store: %s/crosscheck.db\nlisten: %s\nallow_private_networks: true\nslack:\n  channel: %s\n  api_url: %s\n  group_interval: 1s\nfeeds:\n%s",
			dir, freeAddr(b), alertChannel, fake.APIURL(), fl.String()))
		stop := make(chan struct{})
		go func() {
			// New stories keep arriving so every cycle has work.
			for j := 20; ; j++ {
				select {
				case <-stop:
					return
				case <-time.After(3 * time.Second):
				}
				for i := range feedCount {
					news.publish(fmt.Sprintf("feed-%03d", i), fmt.Sprintf("s%d", j), "Story", benchStory(i, j))
				}
			}
		}()
		rss, _ := child(b, "run --config "+cfg, []string{"SLACK_BOT_TOKEN=" + fake.BotToken, "SLACK_APP_TOKEN=" + fake.AppToken}, cycles*time.Second)
		close(stop)
		fake.Close()
		total := 0
		for i := range feedCount {
			total += news.fetchCount(fmt.Sprintf("feed-%03d", i))
		}
		b.ReportMetric(float64(total), "feed_fetches")
		peak = max(peak, rss)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak_RSS_MiB")
}

// benchStory is about 1 KB of wire copy with one figure claim.
func benchStory(feed, n int) string {
	return fmt.Sprintf("Officials in district %d said %d people had been evacuated from flooded villages by Tuesday. ", feed, 100+n) +
		strings.Repeat("Rescue teams worked through the night to reach stranded residents, and roads remained closed across the region. ", 8)
}
