// Package claimtest scores claim extraction against gold claims, for the
// tests of the extraction engines: the dev set beside the repository
// (../shared/devset, scored the way its score_extract.py does) and the
// project's own stories (testdata/stories).
package claimtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// Gold is one expected claim: text fields are case-insensitive regular
// expressions (nil: any), bounds within 1% (a present null: an open end).
type Gold struct {
	Item, Label                               string
	Claimant, Subject, Measure, Place, Status *string
	Low, High                                 *float64
	hasLow, hasHigh                           bool
}

func (g *Gold) UnmarshalJSON(b []byte) error {
	type plain Gold
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	_, g.hasLow = raw["low"]
	_, g.hasHigh = raw["high"]
	return json.Unmarshal(b, (*plain)(g))
}

// Item is an article of the dev set or a story: the replay format plus an
// id.
type Item struct {
	ID, Dispute, Outlet, URL, Title, Published, Content string
}

// Article turns the item into what extraction reads.
func (it Item) Article(t testing.TB) claim.Article {
	t.Helper()
	pub, err := time.Parse(time.RFC3339, it.Published)
	if err != nil {
		t.Fatalf("item %s: published %q: %v", it.ID, it.Published, err)
	}
	return claim.Article{Outlet: it.Outlet, URL: it.URL, Title: it.Title, Published: pub, Text: it.Content}
}

// Devset reads ../shared/devset from dir (the path of ../shared/devset as
// seen from the calling test), skipping the test when it is absent.
func Devset(t testing.TB, dir string) (map[string]claim.Article, []Gold) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "items.jsonl")); err != nil {
		t.Skipf("claimtest: dev set not found at %s (../shared sits beside the repository): %v", dir, err)
	}
	f, err := os.Open(filepath.Join(dir, "items.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	arts := map[string]claim.Article{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 8<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var it Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("items.jsonl line %d: %v", n, err)
		}
		arts[it.ID] = it.Article(t)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "extract-gold.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gold []Gold
	if err := json.Unmarshal(raw, &gold); err != nil {
		t.Fatalf("extract-gold.json: %v", err)
	}
	return arts, gold
}

// Story is one file of testdata/stories.
type Story struct {
	Beat, About string
	Articles    []struct {
		Item
		Claims []Gold
	}
}

// Stories reads every story in dir (testdata/stories as seen from the
// calling test), its articles keyed "story/id", and reports the beats they
// cover.
func Stories(t testing.TB, dir string) (map[string]claim.Article, []Gold, map[string]int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stories in %s (%v)", dir, err)
	}
	arts, beats := map[string]claim.Article{}, map[string]int{}
	var gold []Gold
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s Story
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		beats[s.Beat]++
		for _, a := range s.Articles {
			id := name + "/" + a.ID
			a.Item.ID = id
			arts[id] = a.Item.Article(t)
			for _, c := range a.Claims {
				c.Item = id
				gold = append(gold, c)
			}
		}
	}
	return arts, gold, beats
}

// Score is what extraction found of the gold claims: how many, the labels
// it missed, and the claims no gold claim describes ("[item]: claim").
type Score struct {
	Found              int
	Misses, Unexpected []string
}

// Extract scores extract over the articles against gold.
func Extract(t testing.TB, articles map[string]claim.Article, gold []Gold, extract func(claim.Article) []claim.Claim) Score {
	t.Helper()
	ids := make([]string, 0, len(articles))
	for id := range articles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	claims := map[string][]claim.JSONClaim{}
	described := map[string][]bool{}
	for _, id := range ids {
		for _, c := range extract(articles[id]) {
			claims[id] = append(claims[id], claim.ToJSON(c))
		}
		described[id] = make([]bool, len(claims[id]))
	}
	var sc Score
	for _, g := range gold {
		if _, ok := articles[g.Item]; !ok {
			t.Fatalf("gold claim %q names item %s, which is not among the articles", g.Label, g.Item)
		}
		hit := false
		for i, c := range claims[g.Item] {
			ok, err := g.Matches(c)
			if err != nil {
				t.Fatalf("gold claim %s %q: %v", g.Item, g.Label, err)
			}
			if ok {
				hit, described[g.Item][i] = true, true
			}
		}
		if hit {
			sc.Found++
		} else {
			sc.Misses = append(sc.Misses, fmt.Sprintf("missing [%s]: %s", g.Item, g.Label))
		}
	}
	for _, id := range ids {
		for i, c := range claims[id] {
			if !described[id][i] {
				sc.Unexpected = append(sc.Unexpected, fmt.Sprintf("unexpected [%s]: %s", id, Describe(c)))
			}
		}
	}
	return sc
}

// Matches reports whether claim c is the gold claim.
func (g *Gold) Matches(c claim.JSONClaim) (bool, error) {
	for _, f := range []struct {
		re  *string
		got string
	}{{g.Claimant, c.Claimant}, {g.Subject, c.Subject}, {g.Measure, c.Measure}, {g.Place, c.Place}, {g.Status, c.Status}} {
		if f.re == nil {
			continue
		}
		match, err := compile(*f.re)
		if err != nil {
			return false, err
		}
		if !match(f.got) {
			return false, nil
		}
	}
	return (!g.hasLow || close1(c.Low, g.Low)) && (!g.hasHigh || close1(c.High, g.High)), nil
}

// compile compiles one of the gold files' case-insensitive Python regular
// expressions. RE2 has no lookahead; the one form the files use, a leading
// "^(?!.*X)" (the text must not contain X), is read as its own test.
func compile(expr string) (func(string) bool, error) {
	not := func(string) bool { return false }
	if rest, ok := strings.CutPrefix(expr, "^(?!.*"); ok {
		depth, end := 1, -1
		for i := 0; i < len(rest) && end < 0; i++ {
			switch rest[i] {
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					end = i
				}
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("unbalanced lookahead in %q", expr)
		}
		neg, err := regexp.Compile("(?i)" + rest[:end])
		if err != nil {
			return nil, err
		}
		not, expr = neg.MatchString, "^"+rest[end+1:]
	}
	re, err := regexp.Compile("(?i)" + expr)
	if err != nil {
		return nil, err
	}
	return func(s string) bool { return !not(s) && re.MatchString(s) }, nil
}

// close1 is score_extract.py's test: both absent, or within 1%.
func close1(got, want *float64) bool {
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	return math.Abs(*got-*want) <= math.Max(1e-9, 0.01*math.Abs(*want))
}

// Describe is one line an editor reads: who, what, how many.
func Describe(c claim.JSONClaim) string {
	v := c.Status
	if c.Low != nil {
		v = fmt.Sprint(*c.Low)
		if c.High == nil {
			v += "+"
		} else if *c.High != *c.Low {
			v += fmt.Sprintf("–%v", *c.High)
		}
	}
	return fmt.Sprintf("%s: %s %s %s (%s) — %q", c.Claimant, c.Subject, c.Measure, v, c.Place, c.Text)
}
