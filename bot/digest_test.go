package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// Evidence that arrives while a dispute's digest waits joins it: N new
// pairs from N polls within one group interval are one thread message
// naming them all, and the next evidence after it starts a new digest.
func TestEvidenceDigest(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	fake := slacktest.New()
	fake.Start()
	defer fake.Close()
	c := recordConflict(t, st, 7, false)
	n := newNotifier(t, st, fake, NotifierOptions{GroupInterval: -1})
	flush := func() {
		t.Helper()
		fctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := n.Flush(fctx); err != nil {
			t.Fatal(err)
		}
	}
	flush()
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages after the conflict opened, want its parent", len(msgs))
	}
	parent := msgs[0]

	thread := func() []slacktest.Message {
		var out []slacktest.Message
		for _, m := range fake.Thread(parent.Channel, parent.TS) {
			if m.TS != parent.TS {
				out = append(out, m)
			}
		}
		return out
	}
	at := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
	record := func(outlet, claimant string, v float64) {
		t.Helper()
		cl := figureClaim(7, claimant, outlet, v, at)
		_, err := st.Record(ctx, feeds.PolledItem{
			Item:   feeds.ItemRecord{ID: outlet, Feed: strings.ToLower(outlet), Outlet: outlet, URL: cl.URL, Published: at},
			Claims: []claim.Claim{cl},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	news := []struct {
		outlet, claimant string
		v                float64
	}{{"Wire C", "Defence Ministry", 1000}, {"Wire D", "Defence Ministry", 1000}, {"Wire E", "General Staff", 100}}
	for _, e := range news {
		record(e.outlet, e.claimant, e.v)
	}
	if d, err := st.OutboxDepth(ctx); err != nil || d != 1 {
		t.Fatalf("outbox holds %d alerts (%v) for %d new pairs of one dispute, want one digest", d, err, len(news))
	}
	flush()
	replies := thread()
	if len(replies) != 1 {
		t.Fatalf("%d thread messages for %d new pairs, want one digest:\n%v", len(replies), len(news), replies)
	}
	for _, e := range news {
		if !strings.Contains(replies[0].Text, e.outlet) {
			t.Errorf("the digest does not name %s:\n%s", e.outlet, replies[0].Text)
		}
	}
	if !strings.Contains(replies[0].Text, fmt.Sprintf("%d disagreeing pairs", len(news))) {
		t.Errorf("the digest does not count the %d pairs:\n%s", len(news), replies[0].Text)
	}

	record("Wire F", "Defence Ministry", 1000)
	flush()
	replies = thread()
	if len(replies) != 2 {
		t.Fatalf("%d thread messages after more evidence, want a second digest", len(replies))
	}
	if got := replies[1].Text; !strings.Contains(got, "Wire F") || strings.Contains(got, "Wire C") {
		t.Errorf("the second digest should name only what arrived since the first:\n%s", got)
	}
	if _, err := st.Conflict(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
}

func TestEvidenceLine(t *testing.T) {
	tests := []struct {
		pairs int
		want  string
	}{
		{0, ""},
		{1, ""},
		{2, "1 more disagreeing pair;"},
		{213, "212 more disagreeing pairs;"},
	}
	for _, tt := range tests {
		c := state.Conflict{ID: "c1", Topic: "soldiers | killed | kursk", Kind: claim.Figure, PairCount: tt.pairs}
		_, blocks := RenderAlert(View{Conflict: c})
		raw, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		plain := PlainAlert(View{Conflict: c})
		for name, got := range map[string]string{"blocks": string(raw), "plain": plain} {
			if tt.want == "" && strings.Contains(got, "more disagreeing") {
				t.Errorf("%d pairs, %s: an evidence line for the lead pair alone:\n%s", tt.pairs, name, got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("%d pairs, %s: want %q in\n%s", tt.pairs, name, tt.want, got)
			}
		}
	}
}

func TestAlertShowsItsEvent(t *testing.T) {
	tests := []struct {
		title   string
		anchors []string
		want    string
	}{
		{"", nil, ""},
		{"Quake  hits\nIzmir", []string{"izmir", "earthquake"}, "Event: Quake hits Izmir (izmir · earthquake)"},
		{"", []string{"kursk"}, "Event: kursk"},
		{"Troops withdraw", nil, "Event: Troops withdraw"},
	}
	for _, tt := range tests {
		c := state.Conflict{ID: "c1", Topic: "soldiers | killed | kursk", Kind: claim.Figure, EventTitle: tt.title, EventAnchors: tt.anchors}
		_, blocks := RenderAlert(View{Conflict: c})
		raw, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]string{"blocks": string(raw), "plain": PlainAlert(View{Conflict: c})} {
			if tt.want == "" && strings.Contains(got, "Event:") {
				t.Errorf("%s: an event line with nothing to show:\n%s", name, got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("%s: want %q in\n%s", name, tt.want, got)
			}
		}
	}
}
