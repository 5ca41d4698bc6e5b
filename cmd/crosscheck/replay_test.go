package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/bot/slacktest"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
)

// The replay scenarios live with the desk, which judges them.
var replayData = filepath.Join("..", "..", "feeds", "desk", "testdata", "replay")

func runReplayCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(context.Background(), e, append([]string{"replay"}, args...))
	return code, out.String(), errb.String()
}

func TestReplaySeedText(t *testing.T) {
	code, out, errs := runReplayCmd(t, "", filepath.Join(replayData, "kursk-seed.jsonl"))
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	golden := filepath.Join("testdata", "replay-seed.golden")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if out != string(want) {
		t.Errorf("replay output differs from %s:\n--- got\n%s--- want\n%s", golden, out, want)
	}
	// What the editor must see, whatever the golden file says.
	for _, s := range []string{
		"Kyrylo Budanov (HUR)", "media reports (The New York Times, Yonhap)",
		"not at the front", `"incorrect"`, "https://kyivindependent.com/budanov-north-korean-troops-kursk/",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if n := strings.Count(out, "CONFLICT "); n != 1 {
		t.Errorf("%d conflicts printed, want 1", n)
	}
}

func TestReplayJSON(t *testing.T) {
	type jsonClaim struct {
		Claimant, Outlet, URL, Published, Text, Status string
		AsOf                                           string `json:"as_of"`
		Low, High                                      *float64
	}
	type jsonConflict struct {
		ID, Kind, Topic string
		Severity        float64
		Claims          []jsonClaim
	}
	decode := func(t *testing.T, out string) []jsonConflict {
		t.Helper()
		var cs []jsonConflict
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &raw); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			for _, k := range []string{"id", "kind", "topic", "severity", "claims"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("line lacks %q: %s", k, line)
				}
			}
			var c jsonConflict
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatal(err)
			}
			if len(c.Claims) != 2 {
				t.Fatalf("%d claims in %s", len(c.Claims), line)
			}
			var claims []map[string]json.RawMessage
			json.Unmarshal(raw["claims"], &claims)
			for _, cl := range claims {
				for _, k := range []string{"claimant", "outlet", "url", "published", "as_of", "text", "low", "high", "status"} {
					if _, ok := cl[k]; !ok {
						t.Errorf("claim lacks %q: %s", k, line)
					}
				}
			}
			cs = append(cs, c)
		}
		return cs
	}

	t.Run("status", func(t *testing.T) {
		code, out, errs := runReplayCmd(t, "", "--json", filepath.Join(replayData, "kursk-seed.jsonl"))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		cs := decode(t, out)
		if len(cs) != 1 {
			t.Fatalf("%d conflicts, want 1", len(cs))
		}
		c := cs[0]
		if c.Kind != "status" || c.Topic != "north korean soldiers | at the front | kursk" || c.Severity != 1 {
			t.Errorf("conflict = %+v", c)
		}
		statuses := c.Claims[0].Status + "/" + c.Claims[1].Status
		if statuses != "present/absent" && statuses != "absent/present" {
			t.Errorf("statuses %s", statuses)
		}
		for _, cl := range c.Claims {
			if cl.Low != nil || cl.High != nil || cl.Published != "2025-02-12T10:00:00Z" || cl.Outlet != "The Kyiv Independent" || cl.Text == "" {
				t.Errorf("status claim = %+v", cl)
			}
		}
	})
	t.Run("figures", func(t *testing.T) {
		code, out, errs := runReplayCmd(t, "", "--json", filepath.Join(replayData, "open-bound.jsonl"))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		cs := decode(t, out)
		if len(cs) == 0 {
			t.Fatal("no conflicts")
		}
		var openEnds, points int
		for _, c := range cs {
			if c.Kind != "figure" {
				t.Errorf("kind %q", c.Kind)
			}
			for _, cl := range c.Claims {
				switch {
				case cl.Status != "":
					t.Errorf("figure claim with status %q", cl.Status)
				case cl.Low != nil && cl.High == nil && *cl.Low == 3000:
					openEnds++
				case cl.Low != nil && cl.High != nil && *cl.Low == *cl.High:
					points++
				}
			}
		}
		if openEnds == 0 || points == 0 {
			t.Errorf("want an open end (low 3000, high null) and points in %s", out)
		}
	})
}

func TestReplayBadLines(t *testing.T) {
	lines, err := os.ReadFile(filepath.Join(replayData, "figure-two-outlets.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	good := strings.Split(strings.TrimSpace(string(lines)), "\n")
	huge := `{"outlet":"X","published":"2025-03-03T00:00:00Z","content":"` + strings.Repeat("a", 50<<20) + `"}`
	input := strings.Join([]string{
		good[0],
		`{"outlet": "Reuters", "content": `,
		"{\"outlet\": \"X\xff\xfe\", \"published\": \"2025-03-03T00:00:00Z\", \"content\": \"x\"}",
		huge,
		`{"outlet": "Reuters", "content": "No date."}`,
		`{"outlet": "Reuters", "published": "March 3", "content": "Bad date."}`,
		``,
		good[1],
	}, "\n")
	dir := t.TempDir()
	path := filepath.Join(dir, "wire.jsonl")
	if err := os.WriteFile(path, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []struct{ name, arg, stdin string }{{path, path, ""}, {"stdin", "-", input}} {
		t.Run(filepath.Base(src.name), func(t *testing.T) {
			code, out, errs := runReplayCmd(t, src.stdin, src.arg)
			if code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			for _, want := range []string{
				src.name + ":2: not a JSON article",
				src.name + ":3: invalid UTF-8, skipped",
				src.name + ":4: line longer than 8 MiB, skipped",
				src.name + `:5: missing "published"`,
				src.name + `:6: "published": "March 3" is not RFC 3339`,
				"crosscheck: replay: " + src.name + ": 5 of 7 lines could not be replayed",
			} {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			for _, l := range strings.Split(strings.TrimSpace(errs), "\n") {
				if !strings.HasPrefix(l, "crosscheck: ") {
					t.Errorf("stderr line %q is not a crosscheck error", l)
				}
			}
			// The good lines around the bad ones still meet.
			if !strings.Contains(out, "Volodymyr Zelensky") || !strings.Contains(out, "South Korea's NIS") {
				t.Errorf("conflict of lines 1 and 8 missing:\n%s", out)
			}
		})
	}
}

func TestReplayKeepsLedger(t *testing.T) {
	lines, err := os.ReadFile(filepath.Join(replayData, "figure-two-outlets.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	good := strings.Split(strings.TrimSpace(string(lines)), "\n")
	db := filepath.Join(t.TempDir(), "ledger.db")
	code, out, errs := runReplayCmd(t, good[0]+"\n", "--db", db, "-")
	if code != exitOK || out != "" {
		t.Fatalf("first run: exit %d, out %q, err %q", code, out, errs)
	}
	code, out, errs = runReplayCmd(t, good[1]+"\n", "--db", db, "--json", "-")
	if code != exitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, "Volodymyr Zelensky") {
		t.Fatalf("second run against the kept ledger: exit %d, out %q, err %q", code, out, errs)
	}
	// Without --db every run starts empty.
	code, out, _ = runReplayCmd(t, good[1]+"\n", "-")
	if code != exitOK || out != "" {
		t.Errorf("run without --db found %q", out)
	}
}

func TestReplayUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{nil, exitUsage, "want one input"},
		{[]string{"a.jsonl", "b.jsonl"}, exitUsage, "want one input"},
		{[]string{"--frobnicate", "a.jsonl"}, exitUsage, "flag provided but not defined"},
		{[]string{filepath.Join("no", "such", "file.jsonl")}, exitFailed, "file.jsonl"},
		{[]string{"--db", filepath.Join("no", "such", "dir", "x.db"), "-"}, exitFailed, "x.db"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := runReplayCmd(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errs, tt.code, tt.inStderr)
			}
		})
	}
}

// FuzzReplayLine: a line is either refused with one of the errors an
// operator is shown, or parses into an article with an outlet that, written
// back as a replay line, parses into the same article.
func FuzzReplayLine(f *testing.F) {
	f.Add([]byte(`{"outlet":"Reuters","url":"https://r.example/1","title":"t","published":"2025-03-03T16:20:00Z","content":"Zelensky said 4,000 were killed."}`))
	f.Add([]byte(`{"outlet": "Reuters", "content": `))
	f.Add([]byte(`{"outlet":"X","published":"2025-03-03T00:00:00+09:00","content":"<p>a &amp; b</p>"} {"again":1}`))
	f.Add([]byte(`null`))
	refusals := []string{"not a JSON article: ", "more than one JSON value on the line", `missing "outlet"`, `missing "published"`, `"published": `}
	f.Fuzz(func(t *testing.T, line []byte) {
		a, err := parseReplayLine(line)
		if err != nil {
			if !slices.ContainsFunc(refusals, func(p string) bool { return strings.HasPrefix(err.Error(), p) }) {
				t.Errorf("%q refused with %q, not one of the replay errors", line, err)
			}
			return
		}
		if strings.TrimSpace(a.Outlet) == "" {
			t.Errorf("accepted %q as %+v", line, a)
		}
		again, err := json.Marshal(replayArticle{Outlet: a.Outlet, URL: a.URL, Title: a.Title, Published: a.Published.Format(time.RFC3339Nano), Content: a.Text})
		if err != nil {
			t.Fatal(err)
		}
		b, err := parseReplayLine(again)
		if err != nil {
			t.Fatalf("%q, written back as %s, is refused: %v", line, again, err)
		}
		if b.Outlet != a.Outlet || b.URL != a.URL || b.Title != a.Title || b.Text != a.Text ||
			!b.Published.Equal(a.Published) || b.Published.Format(time.RFC3339Nano) != a.Published.Format(time.RFC3339Nano) {
			t.Errorf("%q: parse, write, parse gives %+v, then %+v", line, a, b)
		}
	})
}

// TestReplayQueuesNothing: a back-test kept with --db raises its
// conflicts but queues no alert, so running the bot on that store later
// posts nothing of it.
func TestReplayQueuesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	code, out, errs := runReplayCmd(t, "", "--db", db, filepath.Join(replayData, "kursk-seed.jsonl"))
	if code != exitOK || !strings.Contains(out, "CONFLICT ") {
		t.Fatalf("replay: exit %d, out %q, err %q", code, out, errs)
	}
	ctx := context.Background()
	store, err := state.Open(db, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if cs, err := store.Conflicts(ctx, state.ConflictFilter{}); err != nil || len(cs) == 0 {
		t.Fatalf("conflicts kept = %d, %v; want the back-test's", len(cs), err)
	}
	if lanes, err := store.Lanes(ctx); err != nil || len(lanes) != 0 {
		t.Errorf("outbox lanes after replay = %+v, %v; want none", lanes, err)
	}
	fake := slacktest.New()
	defer fake.Close()
	n, err := bot.NewNotifier(bot.NotifierOptions{
		Store: store, Channel: "C0ALERTS", GroupInterval: -1,
		API: slack.New(fake.BotToken, slack.OptionAPIURL(fake.APIURL()), slack.OptionHTTPClient(fake.Client())),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages(); len(msgs) != 0 {
		t.Errorf("the bot posted %d messages of a back-test", len(msgs))
	}
}

// A dispute told by several articles is printed once, with a pair for
// each disagreement, from every article.
func TestReplayJSONPairs(t *testing.T) {
	code, out, errs := runReplayCmd(t, "", "--json", filepath.Join(replayData, "kursk-split.jsonl"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want the one dispute once:\n%s", len(lines), out)
	}
	var c replayConflict
	if err := json.Unmarshal([]byte(lines[0]), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Pairs) < 2 || c.PairCount != len(c.Pairs) {
		t.Fatalf("%d pairs, %d counted; want every disagreement, all kept:\n%s", len(c.Pairs), c.PairCount, out)
	}
	urls := map[string]bool{}
	for _, p := range c.Pairs {
		if claim.Party(p[0].Claimant) == claim.Party(p[1].Claimant) {
			t.Errorf("pair within one party: %s / %s", p[0].Claimant, p[1].Claimant)
		}
		if claim.Party(p[0].Claimant) != claim.Party(c.Claims[0].Claimant) {
			t.Errorf("pair %s / %s not in the order of claims (%s first)", p[0].Claimant, p[1].Claimant, c.Claims[0].Claimant)
		}
		urls[p[0].URL], urls[p[1].URL] = true, true
	}
	// The split seed is one report in three articles: each of them took
	// part in the evidence, not only the newest.
	raw, err := os.ReadFile(filepath.Join(replayData, "kursk-split.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var articles int
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var a replayArticle
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		if urls[a.URL] {
			articles++
		}
	}
	if articles < 2 {
		t.Errorf("the pairs come from %d article(s): %v; want the dispute's articles", articles, urls)
	}
}
