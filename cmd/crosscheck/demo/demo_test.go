package demo

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
)

// The demo as a newcomer sees it: the Kursk status dispute and the flood
// toll dispute alerted, each once, with both claimants, quotes and links;
// a third outlet quoting Budanov in the thread; and none of the figures
// that only look contradictory.
func TestDemoShowsTheDisputesAndNothingElse(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	sum, err := Run(ctx, &out, Options{})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("demo took %s; it must finish in under 10 seconds", took)
	}
	text := out.String()
	t.Log("\n" + text)

	alerts := regexp.MustCompile(`(?m)^│ Conflicting claims: (.*)$`).FindAllStringSubmatch(text, -1)
	var headlines []string
	for _, a := range alerts {
		headlines = append(headlines, a[1])
	}
	want := []string{"north korean soldiers at the front in kursk", "people killed in valdora"}
	if strings.Join(headlines, "; ") != strings.Join(want, "; ") {
		t.Errorf("alerts %q, want exactly %q", headlines, want)
	}
	for _, s := range []string{
		// The Kursk dispute: Budanov against the media reports.
		"Kyrylo Budanov (HUR): ",
		"“Ukraine's military intelligence chief Kyrylo Budanov said 8,000 North",
		"https://kyiv-wire.example/2025/02/11/budanov-dprk-still-fighting",
		"media reports (The New York Times, Yonhap): not at the front",
		"“North Korean troops have not been seen at the front in Russia's Kursk",
		"https://world-desk.example/2025/02/11/dprk-troops-pulled",
		// A third outlet quoting Budanov goes into the thread.
		"In the thread of ",
		"New evidence: Kyrylo Budanov (HUR)",
		"https://world-desk.example/2025/02/11/budanov-repeated",
		// The flood toll.
		"Marta Ilves (provincial governor): Twenty-three",
		"national emergency ministry: 61",
		"“The national emergency ministry said 61 people were killed in the",
		"https://kyiv-wire.example/2025/02/11/valdora-toll-ministry",
		"[Mute 24h] [Resolved] [Not a contradiction]",
		"Severity: high",
		// Backfill is said out loud, and the summary closes the run.
		"3 items recorded as backfill",
		"Summary: 3 feeds, 10 items, ",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	// Figures that only look contradictory stay quiet: not an alert (the
	// headlines above are exact) and not a line of any alert or thread
	// reply either.
	boxed := strings.ToLower(strings.Join(regexp.MustCompile(`(?m)^│.*$`).FindAllString(text, -1), "\n"))
	for _, s := range []string{"killed or wounded", "deployed", "wounded in", "injured"} {
		if strings.Contains(boxed, s) {
			t.Errorf("false alarm on %q in what Slack would show:\n%s", s, boxed)
		}
	}
	if sum.Feeds != 3 || sum.Items != 10 || sum.Conflicts != 2 || sum.Alerts != 3 || sum.ThreadReplies != 1 {
		t.Errorf("summary %+v, want 3 feeds, 10 items, 2 conflicts, 3 alerts of which 1 reply", sum)
	}
	if sum.Claims < 10 {
		t.Errorf("only %d claims extracted from the sample", sum.Claims)
	}
	if strings.Contains(text, "\r") {
		t.Error("progress redraws written to a non-terminal")
	}
}

func TestDemoProgressLineOnATerminal(t *testing.T) {
	var out bytes.Buffer
	if _, err := Run(context.Background(), &out, Options{Progress: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "… step 2/4 · 10:00 · polling 3 feeds…") {
		t.Errorf("no progress line in %q", text[:min(400, len(text))])
	}
	if !strings.Contains(text, "\r\033[K✓ step 0/4") {
		t.Error("the progress line is not cleared before the step's result")
	}
}

// With a token and a channel, the same alerts reach Slack: two parents
// and one reply in the Kursk thread.
func TestDemoPostsToSlack(t *testing.T) {
	fake := slacktest.NewServer()
	defer fake.Close()
	var out bytes.Buffer
	sum, err := Run(context.Background(), &out, Options{
		SlackToken: fake.BotToken, SlackChannel: "C0DEMO", SlackAPIURL: fake.APIURL(),
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Posted != 3 {
		t.Errorf("posted %d alerts, want 3", sum.Posted)
	}
	var parents, replies int
	var kursk string
	for _, m := range fake.Messages() {
		if m.Channel != "C0DEMO" {
			t.Errorf("message in %s", m.Channel)
		}
		if m.ThreadTS == "" {
			parents++
			if strings.Contains(m.Text, "north korean soldiers") {
				kursk = m.TS
			}
		} else {
			replies++
			if m.ThreadTS != kursk {
				t.Errorf("reply in thread %s, want the Kursk alert's %s", m.ThreadTS, kursk)
			}
		}
	}
	if parents != 2 || replies != 1 {
		t.Errorf("%d parents and %d replies in Slack, want 2 and 1", parents, replies)
	}
	if !strings.Contains(out.String(), "Posted 3 alerts to Slack channel C0DEMO.") {
		t.Error("the summary does not say what was posted")
	}
}

func TestDemoStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	if _, err := Run(ctx, &out, Options{}); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("cancelled demo: %v", err)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		line string
		n    int
		want []string
	}{
		{"short", 10, []string{"short"}},
		{"    one two three four", 14, []string{"    one two", "      three", "      four"}},
		{"https://example.org/a/very/long/url", 10, []string{"https://example.org/a/very/long/url"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := wrap(tt.line, tt.n); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrap(%q, %d) = %q, want %q", tt.line, tt.n, got, tt.want)
			}
		})
	}
}
