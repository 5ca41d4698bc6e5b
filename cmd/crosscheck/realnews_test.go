package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Real news, replayed: the dev set's disputes (scored as
// ../shared/devset/score.py scores them) and ECB+'s pairs of different
// events of one kind. The tests print the figures with their bars and fail
// when judgement gets worse than it is today; the bars are raised as it
// improves.

// Today's figures, the bars.
const (
	devsetMinFound       = 14  // of 82 must-conflict pairs
	devsetMaxViolations  = 10  // of 84 must-not pairs
	ecbMaxCrossEvent     = 8   // 112 before claims were judged within events
	ecbMaxConflictsTotal = 120 // 253 before events

	storiesMinFound      = 3 // of 32 must-conflict pairs (3 with all 25 stories)
	storiesMaxViolations = 0 // of 75 must-not pairs (5 before events)
	storiesMaxCrossEvent = 0 // a ferry's dead met a measles outbreak's before events
)

func sharedPath(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("crosscheck: %s not found (../shared sits beside the repository): %v", p, err)
	}
	return p
}

// replayJSON replays the articles in path and returns its conflicts.
func replayJSON(t *testing.T, path string) []replayConflict {
	t.Helper()
	code, out, errs := runReplayCmd(t, "", "--json", path)
	if code != exitOK {
		t.Fatalf("replay %s: exit %d: %s", path, code, errs)
	}
	var cs []replayConflict
	for n, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var c replayConflict
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatalf("replay output line %d: %v", n+1, err)
		}
		cs = append(cs, c)
	}
	return cs
}

// readJSONL decodes every line of path into a fresh T.
func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxReplayLine)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", path, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

type pair struct{ a, b string }

func newPair(a, b string) pair {
	if b < a {
		a, b = b, a
	}
	return pair{a, b}
}

// claimPairs maps a conflict to the unordered pairs of the items its claims
// come from, and says whether two of its claims share a claimant.
func claimPairs(c replayConflict, itemOf map[string]string) (pairs []pair, self bool) {
	seen := map[pair]bool{}
	for i := range c.Claims {
		for j := i + 1; j < len(c.Claims); j++ {
			a, b := itemOf[c.Claims[i].URL], itemOf[c.Claims[j].URL]
			if ka := strings.ToLower(strings.Join(strings.Fields(c.Claims[i].Claimant), " ")); ka != "" &&
				ka == strings.ToLower(strings.Join(strings.Fields(c.Claims[j].Claimant), " ")) {
				self = true
			}
			if a == "" || b == "" {
				continue
			}
			if p := newPair(a, b); !seen[p] {
				seen[p] = true
				pairs = append(pairs, p)
			}
		}
	}
	return pairs, self
}

// label is one labelled pair of items, as the dev set's gold.json has them.
type label struct{ A, B, Kind, Why string }

// replayScore is what a replay got right and wrong of the labelled pairs.
type replayScore struct {
	found, violated int
	report          []string // misses, violations, cross-event conflicts
	cross, self     int
}

// scoreReplay maps each conflict to the pairs of items its claims come from
// (itemOf: claim URL → item) and scores them as score.py does: a
// must-conflict pair is found by a conflict of its kind, a must-not pair is
// violated by one, a conflict between two disputes (disputeOf: item →
// dispute) is a cross-event false alarm, and one whose claims share a
// claimant is a self-conflict.
func scoreReplay(conflicts []replayConflict, itemOf, disputeOf map[string]string, mustConflict, mustNot []label) replayScore {
	must, not := map[pair]label{}, map[pair]label{}
	for _, l := range mustConflict {
		must[newPair(l.A, l.B)] = l
	}
	for _, l := range mustNot {
		not[newPair(l.A, l.B)] = l
	}
	found, violated := map[pair]bool{}, map[pair]bool{}
	var sc replayScore
	var cross []string
	for _, c := range conflicts {
		pairs, isSelf := claimPairs(c, itemOf)
		if isSelf {
			sc.self++
		}
		for _, p := range pairs {
			if disputeOf[p.a] != disputeOf[p.b] {
				cross = append(cross, fmt.Sprintf("cross-event %s ~ %s: %s: %s", p.a, p.b, c.Topic, claimsLine(c)))
				continue
			}
			if l, ok := must[p]; ok && (l.Kind == "" || strings.EqualFold(l.Kind, c.Kind)) {
				found[p] = true
			}
			if l, ok := not[p]; ok && (l.Kind == "" || strings.EqualFold(l.Kind, c.Kind)) {
				violated[p] = true
			}
		}
	}
	for _, l := range mustConflict {
		if !found[newPair(l.A, l.B)] {
			sc.report = append(sc.report, fmt.Sprintf("missed %s ~ %s (%s): %s", l.A, l.B, l.Kind, l.Why))
		}
	}
	for _, l := range mustNot {
		if violated[newPair(l.A, l.B)] {
			sc.report = append(sc.report, fmt.Sprintf("violated %s ~ %s (%s): %s", l.A, l.B, l.Kind, l.Why))
		}
	}
	sort.Strings(cross)
	sc.report = append(sc.report, cross...)
	sc.found, sc.violated, sc.cross = len(found), len(violated), len(cross)
	return sc
}

func TestDevsetReplay(t *testing.T) {
	items := sharedPath(t, "devset/items.jsonl")
	type item struct{ ID, Dispute, URL string }
	var gold struct {
		MustConflict    []label `json:"must_conflict"`
		MustNotConflict []label `json:"must_not_conflict"`
	}
	raw, err := os.ReadFile(sharedPath(t, "devset/gold.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &gold); err != nil {
		t.Fatalf("gold.json: %v", err)
	}
	itemOf, disputeOf := map[string]string{}, map[string]string{}
	for _, it := range readJSONL[item](t, items) {
		itemOf[it.URL], disputeOf[it.ID] = it.ID, it.Dispute
	}
	sc := scoreReplay(replayJSON(t, items), itemOf, disputeOf, gold.MustConflict, gold.MustNotConflict)
	t.Logf("dev set replay:\n%s\nrecall=%.2f (%d/%d, bar %d) false_alarms=%d (of %d, bar %d) cross_event=%d self_conflicts=%d",
		strings.Join(sc.report, "\n"), float64(sc.found)/float64(len(gold.MustConflict)), sc.found, len(gold.MustConflict), devsetMinFound,
		sc.violated, len(gold.MustNotConflict), devsetMaxViolations, sc.cross, sc.self)
	if sc.found < devsetMinFound {
		t.Errorf("dev set: %d must-conflict pairs found, below the bar of %d", sc.found, devsetMinFound)
	}
	if sc.violated > devsetMaxViolations {
		t.Errorf("dev set: %d must-not pairs violated, over the bar of %d", sc.violated, devsetMaxViolations)
	}
	if sc.cross > 0 || sc.self > 0 {
		t.Errorf("dev set: %d conflicts across disputes, %d of one claimant with itself (want none)", sc.cross, sc.self)
	}
}

// TestStoriesReplay replays the project's own stories (testdata/stories)
// together, so a conflict between two stories is a false alarm across
// events too.
func TestStoriesReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "stories", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stories in testdata/stories (%v)", err)
	}
	in := filepath.Join(t.TempDir(), "stories.jsonl")
	out, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(out)
	itemOf, storyOf := map[string]string{}, map[string]string{}
	var must, mustNot []label
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		var s struct {
			Articles []struct {
				replayArticle
				ID string
			}
			MustConflict    []label `json:"must_conflict"`
			MustNotConflict []label `json:"must_not_conflict"`
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, a := range s.Articles {
			id := name + "/" + a.ID
			itemOf[a.URL], storyOf[id] = id, name
			if err := enc.Encode(a.replayArticle); err != nil {
				t.Fatal(err)
			}
		}
		prefix := func(ls []label) []label {
			for i := range ls {
				ls[i].A, ls[i].B = name+"/"+ls[i].A, name+"/"+ls[i].B
			}
			return ls
		}
		must, mustNot = append(must, prefix(s.MustConflict)...), append(mustNot, prefix(s.MustNotConflict)...)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	sc := scoreReplay(replayJSON(t, in), itemOf, storyOf, must, mustNot)
	t.Logf("stories replay:\n%s\nfound=%d/%d (bar %d) false_alarms=%d (of %d, bar %d) cross_event=%d self_conflicts=%d",
		strings.Join(sc.report, "\n"), sc.found, len(must), storiesMinFound, sc.violated, len(mustNot), storiesMaxViolations, sc.cross, sc.self)
	if sc.found < storiesMinFound || sc.violated > storiesMaxViolations || sc.cross > storiesMaxCrossEvent || sc.self > 0 {
		t.Errorf("stories: found %d (bar %d), violated %d (bar %d), cross-event %d (bar %d), self %d (want 0)",
			sc.found, storiesMinFound, sc.violated, storiesMaxViolations, sc.cross, storiesMaxCrossEvent, sc.self)
	}
}

// TestECBPlusReplay replays ECB+: each topic holds two different real
// events of one kind, placed in the same ten days, so a conflict between
// them is a false alarm. Conflicts within one event are listed for a person
// to read (early and later tolls are judgement's to sort out).
func TestECBPlusReplay(t *testing.T) {
	src := sharedPath(t, "corpora/ecbplus/articles.jsonl")
	type article struct {
		ID, Event, Outlet, URL, Title, Content string
		Published                              string `json:"replay_published"`
	}
	arts := readJSONL[article](t, src)
	in := filepath.Join(t.TempDir(), "ecbplus.jsonl")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	eventOf := map[string]string{}
	for _, a := range arts {
		eventOf[a.URL] = a.Event
		if err := enc.Encode(replayArticle{Outlet: a.Outlet, URL: a.URL, Title: a.Title, Published: a.Published, Content: a.Content}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	conflicts := replayJSON(t, in)
	var cross, within []string
	for _, c := range conflicts {
		events := map[string]bool{}
		for _, cl := range c.Claims {
			events[eventOf[cl.URL]] = true
		}
		line := fmt.Sprintf("%s [%s]: %s", c.Topic, c.Kind, claimsLine(c))
		if len(events) > 1 {
			cross = append(cross, line)
		} else {
			within = append(within, line)
		}
	}
	t.Logf("ECB+ replay: %d articles, %d conflicts: %d between two different events (bar %d), %d within one event:\n%s",
		len(arts), len(conflicts), len(cross), ecbMaxCrossEvent, len(within), strings.Join(within, "\n"))
	if len(cross) > ecbMaxCrossEvent || len(conflicts) > ecbMaxConflictsTotal {
		t.Errorf("ECB+: %d conflicts, %d between different events: over the bars (%d, %d)", len(conflicts), len(cross), ecbMaxConflictsTotal, ecbMaxCrossEvent)
	}
}

func claimsLine(c replayConflict) string {
	var parts []string
	for _, cl := range c.Claims {
		v := cl.Status
		if v == "" && cl.Low != nil {
			v = fmt.Sprint(*cl.Low)
			if cl.High == nil {
				v += "+"
			} else if *cl.High != *cl.Low {
				v += fmt.Sprintf("–%v", *cl.High)
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s) %s", cl.Claimant, cl.Outlet, v))
	}
	return strings.Join(parts, " vs ")
}
