package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/state"
)

// TestNotifierOutage: Slack answers 503 for ten minutes, then 429 with
// Retry-After, then 500s; every queued alert still arrives exactly once,
// in order, and the retry waits what Slack asked.
func TestNotifierOutage(t *testing.T) {
	st := openStore(t)
	var cs []state.Conflict
	for i := range 5 {
		cs = append(cs, recordConflict(t, st, i, true))
	}
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		fake := slacktest.New()
		fake.Now = time.Now
		for _, c := range cs {
			if _, err := st.QueueAlert(ctx, state.Alert{ConflictID: c.ID, Kind: state.AlertNew}); err != nil {
				t.Fatal(err)
			}
		}
		fake.SetDown(true)
		n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1, MaxBackoff: time.Minute})
		stop := runNotifier(n)
		defer stop()
		time.Sleep(10 * time.Minute)
		if len(fake.Messages()) != 0 {
			t.Fatal("posted while Slack was down")
		}
		head, _ := st.PendingAlerts(ctx, 1)
		if len(head) != 1 || head[0].Attempts < 5 || !strings.Contains(head[0].LastError, "503") {
			t.Errorf("head of the outbox after the outage: %+v", head)
		}
		// Attempts back off: ten minutes at a one-minute cap is about 15
		// attempts, not hundreds.
		if calls := len(fake.Calls()); calls > 30 {
			t.Errorf("%d calls during a 10-minute outage; backoff not applied", calls)
		}
		fake.SetDown(false)
		fake.Fail("chat.postMessage", slacktest.Failure{Status: 429, RetryAfter: 30}, slacktest.Failure{Status: 500})
		waitEmpty(t, st, time.Hour)

		msgs := fake.Messages()
		if len(msgs) != len(cs) {
			t.Fatalf("%d messages after the outage, want %d", len(msgs), len(cs))
		}
		for i, m := range msgs {
			if !strings.Contains(m.Text, Headline(cs[i])) {
				t.Errorf("message %d is %q, want conflict %d (in queue order)", i, m.Text, i)
			}
		}
		var rateLimited, next time.Time
		for _, c := range fake.Calls() {
			if c.Failed == "429" {
				rateLimited = c.At
			} else if !rateLimited.IsZero() && next.IsZero() && c.Method == "chat.postMessage" {
				next = c.At
			}
		}
		if gap := next.Sub(rateLimited); gap < 30*time.Second {
			t.Errorf("retried %v after a 429 with Retry-After: 30", gap)
		}
	})
}

// TestNotifierChannelNotFound: the alert stays queued, the error shows in
// status, and it goes out once the channel exists.
func TestNotifierChannelNotFound(t *testing.T) {
	h := newHarness(t, "socket")
	h.fake.SetChannelMissing(alerts, true)
	c := recordConflict(t, h.store, 1, false)
	h.bot.Notifier().Wake()
	h.eventually("delivery attempted", func() bool {
		head, _ := h.store.PendingAlerts(context.Background(), 1)
		return len(head) == 1 && head[0].Attempts > 0
	})
	status := h.command(editor, "status")
	for _, want := range []string{"Outbox*: 1 alert(s) waiting", "channel_not_found", "invite the bot"} {
		if !strings.Contains(status, want) {
			t.Errorf("status lacks %q:\n%s", want, status)
		}
	}
	h.fake.SetChannelMissing(alerts, false)
	h.eventually("delivered after the fix", func() bool {
		_, ok, _ := h.store.ThreadOf(context.Background(), c.ID)
		return ok
	})
	if n := len(h.fake.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// TestNotifierThreads: evidence goes into the thread and updates the
// parent, a revision is noted in the thread, and both find the thread after
// a restart.
func TestNotifierThreads(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	fake := slacktest.New()
	c := recordConflict(t, st, 9, false)
	n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1, PollInterval: 10 * time.Millisecond})
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	th, ok, _ := st.ThreadOf(ctx, c.ID)
	if !ok {
		t.Fatal("parent not recorded")
	}

	// A restart: a new notifier on the same store.
	n = newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1, PollInterval: 10 * time.Millisecond})
	ev := figureClaim(9, "Defence Ministry", "Reuters", 1000, time.Now().Add(-30*time.Minute))
	rev := figureClaim(9, "General Staff", "Wire A", 150, time.Now().Add(-10*time.Minute))
	for _, a := range []state.Alert{
		{ConflictID: c.ID, Kind: state.AlertEvidence, Claim: &ev},
		{ConflictID: c.ID, Kind: state.AlertRevision, Claim: &rev},
	} {
		if _, err := st.QueueAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	thread := fake.Thread(th.Channel, th.TS)
	if len(thread) != 3 {
		t.Fatalf("thread has %d messages, want parent + evidence + revision: %+v", len(thread), thread)
	}
	if !strings.Contains(thread[1].Text, "New evidence: *Defence Ministry*") || !strings.Contains(thread[1].Text, "Reuters") {
		t.Errorf("evidence reply = %q", thread[1].Text)
	}
	if !strings.Contains(thread[2].Text, "Revision: *General Staff* now says 150") {
		t.Errorf("revision note = %q", thread[2].Text)
	}
	for _, m := range thread[1:] {
		if m.ReplyBroadcast || m.ThreadTS != th.TS {
			t.Errorf("follow-up not kept in the thread: %+v", m)
		}
	}
	if parent, _ := fake.Message(th.Channel, th.TS); parent.Edits != 1 {
		t.Errorf("parent edited %d times, want once for the evidence", parent.Edits)
	}
	if len(fake.Messages()) != 3 {
		t.Errorf("%d messages in all; a follow-up escaped the thread", len(fake.Messages()))
	}
}

// TestNotifierSkipsClosed: an alert whose conflict was resolved or muted
// before delivery is dropped, not posted.
func TestNotifierSkipsClosed(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	fake := slacktest.New()
	resolved := recordConflict(t, st, 1, false)
	muted := recordConflict(t, st, 2, false)
	open := recordConflict(t, st, 3, false)
	if _, err := st.SetConflictStatus(ctx, resolved.ID, state.StatusResolved, editor); err != nil {
		t.Fatal(err)
	}
	if err := st.Mute(ctx, muted.Topic, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1, PollInterval: 10 * time.Millisecond})
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, Headline(open)) {
		t.Errorf("posted %+v, want only the open conflict", msgs)
	}
}

// TestNotifierGroupInterval: alerts wait out slack.group_interval (the
// configuration's default 30s, 10s), and not at all for an explicit 0s;
// cmd/crosscheck/config's tests check that the file gives these values.
func TestNotifierGroupInterval(t *testing.T) {
	tests := []struct {
		name string
		wait time.Duration
	}{
		{"30s", 30 * time.Second},
		{"10s", 10 * time.Second},
		{"0s", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			c := recordConflict(t, st, 1, true)
			synctest.Test(t, func(t *testing.T) {
				fake := slacktest.New()
				fake.Now = time.Now
				queued := time.Now()
				for range 3 {
					if _, err := st.QueueAlert(context.Background(), state.Alert{ConflictID: c.ID, Kind: state.AlertNew, Queued: queued}); err != nil {
						t.Fatal(err)
					}
				}
				n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: tt.wait})
				stop := runNotifier(n)
				defer stop()
				if tt.wait > 0 {
					time.Sleep(tt.wait - time.Second)
					if len(fake.Messages()) != 0 {
						t.Fatal("posted before the group interval")
					}
				}
				waitEmpty(t, st, time.Minute)
				msgs := fake.Messages()
				if len(msgs) != 3 {
					t.Fatalf("%d messages, want 3", len(msgs))
				}
				// Three posts to one channel are paced a second apart.
				if first := msgs[0].Posted.Sub(queued); first < tt.wait || first > tt.wait+time.Second {
					t.Errorf("first message %v after queueing, want %v", first, tt.wait)
				}
			})
		})
	}
}

// TestNotifierCrashAfterPost: the bot stops right after Slack took a post
// and before it recorded so; after a restart the channel holds the
// message exactly once and the thread mapping points at it.
func TestNotifierCrashAfterPost(t *testing.T) {
	tests := []struct {
		name string
		// reply crashes on an evidence reply in an existing thread, not
		// on the parent.
		reply bool
		// taken is whether Slack took the post before the crash.
		taken bool
	}{
		{"parent taken", false, true},
		{"thread reply taken", true, true},
		{"parent never reached Slack", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			fake := slacktest.New()
			c := recordConflict(t, st, 4, tt.reply)
			opts := NotifierOptions{GroupInterval: -1, PollInterval: 10 * time.Millisecond}
			var parent state.Thread
			if tt.reply {
				if _, err := st.QueueAlert(ctx, state.Alert{ConflictID: c.ID, Kind: state.AlertNew}); err != nil {
					t.Fatal(err)
				}
				if err := newNotifier(t, st, fake, opts).Flush(ctx); err != nil {
					t.Fatal(err)
				}
				parent, _, _ = st.ThreadOf(ctx, c.ID)
				ev := figureClaim(4, "Defence Ministry", "Reuters", 1000, time.Now().Add(-30*time.Minute))
				if _, err := st.QueueAlert(ctx, state.Alert{ConflictID: c.ID, Kind: state.AlertEvidence, Claim: &ev}); err != nil {
					t.Fatal(err)
				}
			}
			pending, _ := st.PendingAlerts(ctx, 0)
			if len(pending) != 1 {
				t.Fatalf("%d alerts queued, want 1", len(pending))
			}

			if tt.taken {
				runCtx, crash := context.WithCancel(ctx)
				fake.OnPost = func(slacktest.Message) bool {
					crash()
					return true
				}
				if err := newNotifier(t, st, fake, opts).Run(runCtx); err != nil {
					t.Fatal(err)
				}
				fake.OnPost = nil
			} else if _, err := st.BeginAlert(ctx, pending[0].Seq, time.Now()); err != nil {
				t.Fatal(err)
			}
			before := len(fake.Messages())
			if d, _ := st.OutboxDepth(ctx); d != 1 {
				t.Fatalf("outbox depth %d after the crash, want the alert still queued", d)
			}

			// The restart.
			if err := newNotifier(t, st, fake, opts).Flush(ctx); err != nil {
				t.Fatal(err)
			}
			msgs := fake.Messages()
			want := 1
			if tt.reply {
				want = 2
			}
			if len(msgs) != want {
				var texts []string
				for _, m := range msgs {
					texts = append(texts, m.TS+" "+m.Text)
				}
				t.Fatalf("%d messages after the restart (%d before it), want %d:\n%s", len(msgs), before, want, strings.Join(texts, "\n"))
			}
			th, ok, _ := st.ThreadOf(ctx, c.ID)
			if !ok || th.Channel != msgs[0].Channel || th.TS != msgs[0].TS {
				t.Errorf("thread of the conflict = %+v %v, want the parent %s/%s", th, ok, msgs[0].Channel, msgs[0].TS)
			}
			if id, ok, _ := st.ConflictInThread(ctx, th); !ok || id != c.ID {
				t.Errorf("ConflictInThread(%+v) = %q %v", th, id, ok)
			}
			if tt.reply {
				if th != parent {
					t.Errorf("thread moved from %+v to %+v", parent, th)
				}
				if r := msgs[1]; r.ThreadTS != parent.TS || !strings.Contains(r.Text, "Defence Ministry") {
					t.Errorf("reply = %+v, want the evidence in the parent's thread", r)
				}
				if p, _ := fake.Message(parent.Channel, parent.TS); p.Edits != 1 {
					t.Errorf("parent edited %d times, want once for the evidence", p.Edits)
				}
			}
			if d, _ := st.OutboxDepth(ctx); d != 0 {
				t.Errorf("outbox depth %d after the restart, want 0", d)
			}
			lookup := "conversations.history"
			if tt.reply {
				lookup = "conversations.replies"
			}
			if !slices.ContainsFunc(fake.Calls(), func(c slacktest.Call) bool { return c.Method == lookup }) {
				t.Errorf("the restart never asked %s", lookup)
			}
		})
	}
}
