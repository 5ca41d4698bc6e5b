package bot

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

var jan13 = time.Date(2025, 1, 13, 9, 30, 0, 0, time.UTC)

// kursk is the canonical status conflict from DESIGN.md.
func kursk() state.Conflict {
	budanov := claim.Claim{
		Kind: claim.Status, Subject: "north korean soldiers", Measure: "at the front", Place: "kursk",
		Polarity: claim.Present, Claimant: "Kyrylo Budanov (HUR)",
		Outlet: "The Kyiv Independent", URL: "https://kyivindependent.example/budanov-kursk",
		Published: jan13, AsOf: jan13,
		Sentence: "About 8,000 North Korean soldiers are still fighting in Kursk Oblast, Budanov said, adding that reports they had not been seen at the front for weeks are incorrect.",
	}
	media := claim.Claim{
		Kind: claim.Status, Subject: "north korean soldiers", Measure: "at the front", Place: "kursk",
		Polarity: claim.Absent, Claimant: "media reports (The New York Times, Yonhap)",
		Outlet: "Yonhap", URL: "https://yonhap.example/nk-troops?id=1&lang=en",
		Published: jan13.Add(-36 * time.Hour), AsOf: jan13.Add(-36 * time.Hour),
		Sentence: "North Korean troops have not been seen at the front in Kursk for about two weeks, The New York Times and Yonhap reported.",
	}
	nyt := media
	nyt.Outlet, nyt.URL = "The New York Times", "https://nytimes.example/2025/01/11/world/europe/north-korea-kursk.html"
	nyt.AsOf = nyt.AsOf.Add(-2 * time.Hour)
	return state.Conflict{
		ID: "c-3f9a1b", Kind: claim.Status, Topic: "north korean soldiers | at the front | kursk",
		Severity: 1, Reason: "status: present vs absent on north korean soldiers at the front in kursk",
		Sides: [2]state.Side{
			{Claimant: budanov.Claimant, Claims: []claim.Claim{budanov}},
			{Claimant: media.Claimant, Claims: []claim.Claim{nyt, media}},
		},
		Status: state.StatusOpen, Opened: jan13, Updated: jan13,
	}
}

func figureConflict() state.Conflict {
	a := claim.Claim{
		Kind: claim.Figure, Subject: "north korean soldiers", Measure: "killed or wounded", Place: "kursk",
		Value: claim.Interval{Low: 3000, High: math.Inf(1), LowOpen: true}, ValueText: "more than 3,000",
		Claimant: "Volodymyr Zelensky", Outlet: "Ukrainska Pravda", URL: "https://pravda.example/a",
		Published: jan13, AsOf: jan13,
		Sentence: "More than 3,000 North Korean soldiers have been killed or wounded in Kursk, Zelensky said <on Monday>.",
	}
	b := claim.Claim{
		Kind: claim.Figure, Subject: "north korean soldiers", Measure: "killed or wounded", Place: "kursk",
		Value: claim.Interval{Low: 990, High: 1210}, ValueText: "about 1,100",
		Claimant: "South Korea's National Intelligence Service", Outlet: "Yonhap", URL: "https://yonhap.example/b",
		Published: jan13.Add(-24 * time.Hour),
		Sentence:  "About 1,100 North Korean soldiers have been killed or wounded, the NIS told lawmakers.",
	}
	return state.Conflict{
		ID: "c-77d2e0", Kind: claim.Figure, Topic: "north korean soldiers | killed or wounded | kursk",
		Severity: 0.6, Reason: "figures apart: (3,000, ∞) vs [990, 1,210], gap 60% > tolerance 10%",
		Sides: [2]state.Side{
			{Claimant: a.Claimant, Claims: []claim.Claim{a}},
			{Claimant: b.Claimant, Claims: []claim.Claim{b}},
		},
		Status: state.StatusOpen, Opened: jan13, Updated: jan13,
	}
}

func TestRenderAlertGolden(t *testing.T) {
	resolved := figureConflict()
	resolved.Status = state.StatusResolved
	dismissed := kursk()
	dismissed.Status = state.StatusDismissed
	tests := []struct {
		name string
		view View
	}{
		{"kursk_status", View{Conflict: kursk()}},
		{"figure_open", View{Conflict: figureConflict()}},
		{"figure_resolved", View{Conflict: resolved, By: "U0EDITOR"}},
		{"kursk_dismissed", View{Conflict: dismissed, By: "U0EDITOR"}},
		{"kursk_muted", View{Conflict: kursk(), MutedUntil: jan13.Add(24 * time.Hour), By: "U0EDITOR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, blocks := RenderAlert(tt.view)
			js, err := json.MarshalIndent(blocks, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt", PlainAlert(tt.view))
			golden(t, tt.name+".fallback.txt", text+"\n")
			golden(t, tt.name+".blocks.json", string(js)+"\n")
		})
	}
}

func TestRenderAlertWhatEditorsSee(t *testing.T) {
	text, blocks := RenderAlert(View{Conflict: kursk()})
	js, _ := json.Marshal(blocks)
	for _, want := range []string{
		"Conflicting claims: north korean soldiers at the front in kursk",
		"Kyrylo Budanov (HUR)", "media reports (The New York Times, Yonhap)",
		"not at the front", "<https://kyivindependent.example/budanov-kursk|The Kyiv Independent>",
		"Jan 13, 2025", "Mute 24h", "Resolved", "Not a contradiction",
		"Also: <https://nytimes.example/2025/01/11/world/europe/north-korea-kursk.html|The New York Times>",
	} {
		if !strings.Contains(string(js), jsonEscape(want)) {
			t.Errorf("blocks lack %q", want)
		}
	}
	if !strings.Contains(text, "Kyrylo Budanov (HUR): at the front vs media reports (The New York Times, Yonhap): not at the front") {
		t.Errorf("fallback = %q", text)
	}
	// Markup in a quoted sentence must not become a link or a mention.
	_, blocks = RenderAlert(View{Conflict: figureConflict()})
	js, _ = json.Marshal(blocks)
	if strings.Contains(string(js), jsonEscape("<on Monday>")) || !strings.Contains(string(js), jsonEscape("&lt;on Monday&gt;")) {
		t.Errorf("sentence not escaped: %s", js)
	}
	// Once resolved the buttons are gone.
	c := figureConflict()
	c.Status = state.StatusResolved
	_, blocks = RenderAlert(View{Conflict: c, By: "U1"})
	js, _ = json.Marshal(blocks)
	if strings.Contains(string(js), ActionResolve) || !strings.Contains(string(js), jsonEscape("Resolved by <@U1>")) {
		t.Errorf("resolved parent: %s", js)
	}
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestRenderThreadGolden(t *testing.T) {
	c := figureConflict()
	newer := c.Sides[1].Claims[0]
	newer.Value, newer.ValueText = claim.Interval{Low: 1800, High: 2200}, "about 2,000"
	newer.Published = jan13.Add(48 * time.Hour)
	newer.Sentence = "The NIS now estimates about 2,000 North Korean casualties."
	rev := state.Alert{Kind: state.AlertRevision, ConflictID: c.ID, Claim: &newer}
	ev := c.Sides[0].Claims[0]
	ev.Outlet, ev.URL = "Reuters", "https://reuters.example/z"
	evidence := state.Alert{Kind: state.AlertEvidence, ConflictID: c.ID, Claim: &ev}
	golden(t, "figure_revision.txt", PlainText(rev, c))
	golden(t, "figure_evidence.txt", PlainText(evidence, c))
	golden(t, "figure_revision.mrkdwn", RenderRevision(c, newer)+"\n")
}

// TestRenderStatusEvidence: a figure that joins a status conflict says
// what it counts and which status it implies, in the thread and in every
// answer about the conflict.
func TestRenderStatusEvidence(t *testing.T) {
	c := kursk()
	fighting := claim.Claim{
		Kind: claim.Figure, Subject: "north korean soldiers", Measure: claim.MeasureFighting, Place: "kursk",
		Value: claim.Point(8000), ValueText: "8,000", Claimant: "Kyrylo Budanov (HUR)",
		Outlet: "Reuters", URL: "https://reuters.example/budanov-8000", Published: jan13.Add(24 * time.Hour),
		Sentence: "About 8,000 North Korean soldiers are still fighting in Kursk, Budanov said.",
	}
	none := fighting
	none.Value, none.ValueText, none.Claimant = claim.Point(0), "none", "media reports (The New York Times, Yonhap)"
	nearly := fighting
	nearly.Value, nearly.ValueText = claim.Interval{Low: 7200, High: 8000}, "nearly 8,000"
	tests := []struct {
		name string
		cl   claim.Claim
		want string
	}{
		{"figure implying present", fighting, "New evidence: *Kyrylo Budanov (HUR)* — 8,000 still fighting (implies: at the front)"},
		{"figure implying absent", none, "— none (0) still fighting (implies: not at the front)"},
		{"hedged figure keeps its interval", nearly, "— nearly 8,000 still fighting [7,200, 8,000] (implies: at the front)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderEvidence(c, tt.cl); !strings.Contains(got, tt.want) {
				t.Errorf("evidence reply =\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
	// A status claim on the conflict's own measure needs no more words.
	if got := RenderEvidence(c, c.Sides[1].Claims[0]); !strings.Contains(got, "— not at the front\n") {
		t.Errorf("status evidence = %q", got)
	}
	// A figure in a figure conflict on its own measure stays a figure.
	f := figureConflict()
	if got := says(f, f.Sides[0].Claims[0]); got != "more than 3,000 (3,000, ∞)" {
		t.Errorf("figure on the conflict's measure = %q", got)
	}
	ev := state.Alert{Kind: state.AlertEvidence, ConflictID: c.ID, Claim: &fighting}
	golden(t, "kursk_evidence.txt", PlainText(ev, c))
	c.Sides[0].Claims = append(c.Sides[0].Claims, fighting)
	for name, text := range map[string]string{"sources": sources(c), "latest": latest(c)} {
		if !strings.Contains(text, "8,000 still fighting (implies: at the front)") {
			t.Errorf("%s answer lacks what the figure says:\n%s", name, text)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four five", 12, "one two…"},
		{"  spaces   collapse  ", 20, "spaces collapse"},
		{"ÄÖÜäöüßÄÖÜ", 5, "ÄÖÜä…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
