package state

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// twoConflicts records two conflicts and three alerts: new, new, evidence.
func twoConflicts(t *testing.T, s *Store) (first, second string) {
	t.Helper()
	ctx := context.Background()
	items := []feeds.PolledItem{
		newArticle("Reuters", "https://reuters.example/1", published).figure(budanov, "killed", "kursk", "1 000", claim.Point(1000), "a").item(false),
		newArticle("Yonhap", "https://yonhap.example/1", published).figure(nis, "killed", "kursk", "300", claim.Point(300), "b").item(false),
		newArticle("Yonhap", "https://yonhap.example/2", published).status(budanov, "kursk", claim.Present, "c").item(false),
		newArticle("NYT", "https://nyt.example/1", published).status(media, "kursk", claim.Absent, "d").item(false),
	}
	res, err := s.Record(ctx, items...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 2 || res.Alerts != 2 {
		t.Fatalf("setup: opened %q, %d alerts", pairs(res.Opened), res.Alerts)
	}
	// Evidence in the poll that opens a conflict is part of its parent
	// message; evidence in a later poll is an alert of its own.
	more, err := s.Record(ctx, newArticle("AP", "https://ap.example/1", published).figure(nis, "killed", "", "about 300", about(300), "e").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(more.Joined) != 1 || more.Alerts != 1 {
		t.Fatalf("setup: evidence joined %q, %d alerts", pairs(more.Joined), more.Alerts)
	}
	return res.Opened[0].ID, res.Opened[1].ID
}

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	clk := &clock{t: published}
	s := openStore(t, path, clk.now)
	first, second := twoConflicts(t, s)

	as, err := s.PendingAlerts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range as {
		got = append(got, string(a.Kind)+" "+a.ConflictID)
	}
	if want := []string{"new " + first, "new " + second, "evidence " + first}; !slices.Equal(got, want) {
		t.Fatalf("pending = %q, want %q", got, want)
	}
	if as[2].Claim == nil || as[2].Claim.Outlet != "AP" || as[2].Claim.Value.High != 330 {
		t.Errorf("evidence claim = %+v", as[2].Claim)
	}
	if as[0].Seq >= as[1].Seq || as[1].Seq >= as[2].Seq {
		t.Errorf("seqs not increasing: %d %d %d", as[0].Seq, as[1].Seq, as[2].Seq)
	}
	if head, _ := s.PendingAlerts(ctx, 1); len(head) != 1 || head[0].Seq != as[0].Seq {
		t.Errorf("PendingAlerts(1) = %+v", head)
	}

	// Slack is down: the first alert is deferred and keeps its place.
	retry := published.Add(time.Minute)
	if err := s.DeferAlert(ctx, as[0].Seq, retry, "slack: 503"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeferAlert(ctx, as[0].Seq, retry.Add(time.Minute), "slack: 503"); err != nil {
		t.Fatal(err)
	}
	head, _ := s.PendingAlerts(ctx, 1)
	if head[0].Seq != as[0].Seq || head[0].Attempts != 2 || !head[0].NotBefore.Equal(retry.Add(time.Minute)) || head[0].LastError != "slack: 503" {
		t.Errorf("deferred alert = %+v", head[0])
	}

	// Delivered: the alert leaves, the thread is remembered both ways.
	th := Thread{Channel: "C0ALERTS", TS: "1739352600.000100"}
	if err := s.MarkAlertSent(ctx, as[0].Seq, th); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAlertSent(ctx, as[0].Seq, th); !errors.Is(err, ErrNotFound) {
		t.Errorf("second MarkAlertSent = %v, want ErrNotFound", err)
	}
	// The evidence is posted in the same thread; a different ts must not
	// move the thread.
	if err := s.MarkAlertSent(ctx, as[2].Seq, Thread{Channel: "C0ALERTS", TS: "1739352601.000200"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.OutboxDepth(ctx); d != 1 {
		t.Errorf("depth = %d, want 1", d)
	}

	// Everything survives a restart.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path, clk.now)
	if got, ok, err := s.ThreadOf(ctx, first); err != nil || !ok || got != th {
		t.Errorf("ThreadOf(%s) = %+v %v %v, want %+v", first, got, ok, err, th)
	}
	if id, ok, err := s.ConflictInThread(ctx, th); err != nil || !ok || id != first {
		t.Errorf("ConflictInThread = %q %v %v, want %s", id, ok, err, first)
	}
	if _, ok, _ := s.ConflictInThread(ctx, Thread{Channel: "C0ALERTS", TS: "1739352601.000200"}); ok {
		t.Error("an evidence reply became a conflict's thread")
	}
	if _, ok, _ := s.ThreadOf(ctx, second); ok {
		t.Error("undelivered conflict has a thread")
	}
	left, _ := s.PendingAlerts(ctx, 0)
	if len(left) != 1 || left[0].ConflictID != second {
		t.Errorf("left after restart = %+v", left)
	}

	// Moving a thread updates the reverse lookup.
	moved := Thread{Channel: "C0OTHER", TS: "1739352700.000300"}
	if err := s.SetThread(ctx, first, moved); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.ConflictInThread(ctx, th); ok {
		t.Error("old thread still maps to the conflict")
	}
	if id, ok, _ := s.ConflictInThread(ctx, moved); !ok || id != first {
		t.Errorf("moved thread maps to %q", id)
	}
	if err := s.SetThread(ctx, "cnothing", moved); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetThread of an unknown conflict = %v", err)
	}

	if err := s.DropAlert(ctx, left[0].Seq); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.OutboxDepth(ctx); d != 0 {
		t.Errorf("depth after drop = %d", d)
	}
	if err := s.DeferAlert(ctx, left[0].Seq, retry, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeferAlert of a gone alert = %v", err)
	}
	seq, err := s.QueueAlert(ctx, Alert{ConflictID: second, Kind: AlertNew, Channel: "C0DESK"})
	if err != nil {
		t.Fatal(err)
	}
	if as, _ := s.PendingAlerts(ctx, 0); len(as) != 1 || as[0].Seq != seq || as[0].Channel != "C0DESK" || as[0].Queued.IsZero() {
		t.Errorf("queued by hand = %+v", as)
	}
	if _, err := s.QueueAlert(ctx, Alert{ConflictID: "cnothing", Kind: AlertNew}); !errors.Is(err, ErrNotFound) {
		t.Errorf("QueueAlert for an unknown conflict = %v", err)
	}
}

// TestBeginAlert: the mark of a post under way survives a failed attempt
// and a restart, keeps its earliest start, and goes with the alert.
func TestBeginAlert(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crosscheck.db")
	clk := &clock{t: published}
	s := openStore(t, path, clk.now)
	twoConflicts(t, s)
	as, _ := s.PendingAlerts(ctx, 0)
	evidence := as[2]
	first := published.Add(time.Minute)

	if earlier, err := s.BeginAlert(ctx, evidence.Seq, first); err != nil || !earlier.IsZero() {
		t.Fatalf("first BeginAlert = %v, %v; want no earlier attempt", earlier, err)
	}
	if err := s.DeferAlert(ctx, evidence.Seq, first.Add(time.Minute), "context deadline exceeded"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path, clk.now)
	earlier, err := s.BeginAlert(ctx, evidence.Seq, first.Add(2*time.Minute))
	if err != nil || !earlier.Equal(first) {
		t.Errorf("BeginAlert after a failure and a restart = %v, %v; want the first attempt's %v", earlier, err, first)
	}
	if again, _ := s.BeginAlert(ctx, evidence.Seq, first.Add(3*time.Minute)); !again.Equal(first) {
		t.Errorf("third BeginAlert = %v; the earliest start must be kept", again)
	}
	head, _ := s.PendingAlerts(ctx, 0)
	if got := head[2]; got.Attempts != 1 || got.Claim == nil || got.Claim.Outlet != "AP" || got.Claim.Value.High != 330 {
		t.Errorf("alert after BeginAlert and DeferAlert = %+v; its claim and attempts must be kept", got)
	}
	if err := s.MarkAlertSent(ctx, evidence.Seq, Thread{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginAlert(ctx, evidence.Seq, first); !errors.Is(err, ErrNotFound) {
		t.Errorf("BeginAlert of a sent alert = %v, want ErrNotFound", err)
	}
}

func TestMutes(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	until := clk.t.Add(24 * time.Hour)
	tests := []struct {
		target      string
		conflict    string
		topic       string
		wantMuted   bool
		description string
	}{
		{"North  Korean soldiers|killed", "c1", "north korean soldiers | killed | kursk", true, "subject and measure prefix"},
		{"north korean soldiers", "c2", "north korean soldiers | at the front | kursk", true, "subject prefix"},
		{"north korean", "c3", "north korean soldiers | killed | kursk", false, "a word prefix is not a part"},
		{"cabc123", "cabc123", "russian soldiers | killed | kursk", true, "conflict id"},
		{"cabc123", "cother", "russian soldiers | killed | kursk", false, "another conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if err := s.Mute(ctx, tt.target, until); err != nil {
				t.Fatal(err)
			}
			defer s.Unmute(ctx, tt.target)
			got, err := s.MutedConflict(ctx, tt.conflict, tt.topic, clk.t)
			if err != nil || got != tt.wantMuted {
				t.Errorf("MutedConflict(%s, %s) under mute %q = %v, %v; want %v", tt.conflict, tt.topic, tt.target, got, err, tt.wantMuted)
			}
		})
	}

	if err := s.Mute(ctx, "russian soldiers", clk.t.Add(-time.Minute)); !errors.Is(err, ErrBadMute) {
		t.Errorf("mute ending in the past = %v", err)
	}
	if err := s.Mute(ctx, " | ", until); !errors.Is(err, ErrBadMute) {
		t.Errorf("mute without target = %v", err)
	}
	if err := s.Mute(ctx, "russian soldiers", until); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Mutes(ctx, clk.t)
	if err != nil || len(ms) != 1 || ms[0].Target != "russian soldiers" || !ms[0].Until.Equal(until) {
		t.Errorf("Mutes = %+v, %v", ms, err)
	}
	if ms, _ := s.Mutes(ctx, until); len(ms) != 0 {
		t.Errorf("mutes at their end = %+v", ms)
	}
	if ok, err := s.Unmute(ctx, "Russian Soldiers"); err != nil || !ok {
		t.Errorf("Unmute = %v, %v", ok, err)
	}
	if ok, _ := s.Unmute(ctx, "russian soldiers"); ok {
		t.Error("second Unmute found a mute")
	}
}
