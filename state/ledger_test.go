package state

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

var published = time.Date(2025, 2, 12, 9, 30, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// openStore opens the store at path on the clock now. It is closed when
// the test ends; a test may close it sooner, to reopen it.
func openStore(t testing.TB, path string, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(path, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openTestStore(t testing.TB) (*Store, *clock) {
	t.Helper()
	clk := &clock{t: published.Add(time.Hour)}
	return openStore(t, filepath.Join(t.TempDir(), "crosscheck.db"), clk.now), clk
}

const (
	budanov  = "Kyrylo Budanov (HUR)"
	media    = "media reports (The New York Times, Yonhap)"
	nis      = "South Korea's NIS"
	zelensky = "Volodymyr Zelensky"
	ukrintel = "Ukrainian intelligence"
	nkSoldie = "north korean soldiers"
	// story is the title of every fixture article: they all report one
	// event, the North Korean troops in Kursk, so events keep none apart.
	story = "North Korean troops fight in Kursk"
)

// article builds claims as Extract reports them for one article.
type article struct {
	outlet, url string
	published   time.Time
	claims      []claim.Claim
}

func newArticle(outlet, url string, at time.Time) *article {
	return &article{outlet: outlet, url: url, published: at}
}

func (a *article) figure(claimant, measure, place, text string, iv claim.Interval, sentence string) *article {
	a.claims = append(a.claims, claim.Claim{
		Kind: claim.Figure, Subject: nkSoldie, Measure: measure, Place: place,
		Value: iv, ValueText: text, Claimant: claimant,
		Outlet: a.outlet, URL: a.url, Published: a.published, AsOf: a.published, Sentence: sentence,
	})
	return a
}

func (a *article) status(claimant, place string, p claim.Polarity, sentence string) *article {
	a.claims = append(a.claims, claim.Claim{
		Kind: claim.Status, Subject: nkSoldie, Measure: "at the front", Place: place,
		Polarity: p, Claimant: claimant,
		Outlet: a.outlet, URL: a.url, Published: a.published, AsOf: a.published, Sentence: sentence,
	})
	return a
}

func (a *article) asOf(t time.Time) *article {
	a.claims[len(a.claims)-1].AsOf = t
	return a
}

func (a *article) subject(s string) *article {
	a.claims[len(a.claims)-1].Subject = s
	return a
}

func (a *article) item(backfill bool) feeds.PolledItem {
	return feeds.PolledItem{Item: feeds.ItemRecord{ID: a.url, Outlet: a.outlet, URL: a.url, Title: story, Published: a.published, Backfill: backfill}, Claims: a.claims}
}

func about(n float64) claim.Interval  { return claim.Interval{Low: 0.9 * n, High: 1.1 * n} }
func nearly(n float64) claim.Interval { return claim.Interval{Low: 0.9 * n, High: n} }
func moreThan(n float64) claim.Interval {
	return claim.Interval{Low: n, LowOpen: true, High: math.Inf(1)}
}

// seedArticle holds the claims of testdata/kursk-dispute.txt as issue 3's
// table lists them, plus the repeats the article makes.
func seedArticle(url string) *article {
	a := newArticle("The Kyiv Independent", url, published)
	a.status(media, "kursk", claim.Absent, `Media reports that North Korean soldiers have not been seen at the front in the Kursk region for weeks are "incorrect".`)
	a.status(budanov, "kursk", claim.Present, `Media reports that North Korean soldiers have not been seen at the front in the Kursk region for weeks are "incorrect".`)
	a.figure(budanov, "fighting", "kursk", "8 000", claim.Point(8000), "He said that 8 000 North Korean fighters are still fighting in Kursk, but in reduced numbers.")
	a.status(media, "", claim.Absent, "The fact that North Korean troops withdrew from the front lines several weeks ago was reported by various media outlets, including The New York Times and the South Korean Yonhap news agency.")
	a.figure("The Kyiv Independent", "deployed", "", "about 11 000", about(11000), "North Korea sent about 11 000 troops to fight against Ukraine.")
	a.figure(nis, "killed", "", "300", claim.Point(300), "300 of them are now believed to be killed and nearly 2 700 wounded, according to South Korean intelligence.")
	a.figure(nis, "wounded", "", "nearly 2 700", nearly(2700), "300 of them are now believed to be killed and nearly 2 700 wounded, according to South Korean intelligence.")
	a.figure(ukrintel, "deployed", "kursk", "approximately 12 000", about(12000), "There are approximately 12 000 soldiers, including 500 officers and three generals.").
		asOf(time.Date(2024, 10, 24, 0, 0, 0, 0, time.UTC))
	a.figure("The New York Times", "deployed", "kursk", "50 000", claim.Point(50000), "According to sources in the American newspaper The New York Times, Russia has assembled a group of 50 000 soldiers for an offensive in the Kursk region.").
		subject("russian soldiers")
	a.figure(zelensky, "killed or wounded", "", "more than 3 000", moreThan(3000), "Ukrainian President Volodymyr Zelensky said that more than 3 000 soldiers from the DPRK have already been killed or wounded.")
	a.figure(nis, "killed", "", "300", claim.Point(300), "South Korean intelligence believes that 300 soldiers have been killed in the war and almost 2 700 have been wounded.")
	a.figure(nis, "wounded", "", "almost 2 700", nearly(2700), "South Korean intelligence believes that 300 soldiers have been killed in the war and almost 2 700 have been wounded.")
	return a
}

// pair names a conflict the way an editor reads it.
func pair(c Conflict) string {
	return fmt.Sprintf("%s: %s vs %s", c.Topic, c.Sides[0].Claimant, c.Sides[1].Claimant)
}

func pairs(cs []Conflict) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, pair(c))
	}
	slices.Sort(out)
	return out
}

func alertKinds(t *testing.T, s *Store) []string {
	t.Helper()
	as, err := s.PendingAlerts(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		k := string(a.Kind) + " " + a.ConflictID
		if a.Claim != nil {
			k += " " + a.Claim.Claimant + "@" + a.Claim.Outlet
		}
		out = append(out, k)
	}
	return out
}

const seedConflict = "north korean soldiers | at the front | kursk: Kyrylo Budanov (HUR) vs media reports (The New York Times, Yonhap)"

func TestRecordSeedArticle(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	res, err := s.Record(ctx, seedArticle("https://kyivindependent.com/budanov").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := pairs(res.Opened); !slices.Equal(got, []string{seedConflict}) {
		t.Fatalf("opened %q, want only %q", got, seedConflict)
	}
	c := res.Opened[0]
	if c.Kind != claim.Status || c.Status != StatusOpen || c.Severity != 1 {
		t.Errorf("conflict = kind %v status %v severity %v", c.Kind, c.Status, c.Severity)
	}
	// Budanov's side carries his denial and his 8,000 still fighting; the
	// media side both of its reports.
	if n0, n1 := len(c.Sides[0].Claims), len(c.Sides[1].Claims); n0 != 2 || n1 != 2 {
		t.Errorf("sides hold %d and %d claims, want 2 and 2", n0, n1)
	}
	if lead := c.Lead(0); lead.Kind != claim.Status || lead.Polarity != claim.Present {
		t.Errorf("Budanov's lead claim = %+v", lead)
	}
	if res.Claims != 12 || res.Alerts != 1 {
		t.Errorf("recorded %d claims, %d alerts; want 12 claims, 1 alert", res.Claims, res.Alerts)
	}
	if got := alertKinds(t, s); !slices.Equal(got, []string{"new " + c.ID}) {
		t.Errorf("outbox = %q", got)
	}
	if c.ID != ConflictID("north korean soldiers | at the front | kursk", media, budanov) {
		t.Errorf("conflict id %s is not the stable id of its topic and pair", c.ID)
	}

	// The same article polled again adds nothing.
	res, err = s.Record(ctx, seedArticle("https://kyivindependent.com/budanov").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if res.Claims != 0 || res.Duplicates != 12 || res.Alerts != 0 || len(res.Opened)+len(res.Joined) != 0 {
		t.Errorf("second record = %+v, want only duplicates", res)
	}
}

func TestRecordSeedSplitAcrossOutlets(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	full := seedArticle("https://example.org/full").claims
	outlets := map[string]string{budanov: "Ukrainska Pravda", media: "The New York Times"}
	var items []feeds.PolledItem
	byOutlet := map[string]*article{}
	for _, c := range full {
		o := outlets[c.Claimant]
		if o == "" {
			o = "Yonhap"
		}
		a := byOutlet[o]
		if a == nil {
			a = newArticle(o, "https://"+strings.ReplaceAll(strings.ToLower(o), " ", "")+".example/story", published)
			byOutlet[o] = a
		}
		c.Outlet, c.URL = a.outlet, a.url
		a.claims = append(a.claims, c)
	}
	for _, o := range []string{"Yonhap", "The New York Times", "Ukrainska Pravda"} {
		items = append(items, byOutlet[o].item(false))
	}
	var opened []Conflict
	for _, it := range items {
		res, err := s.Record(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		opened = append(opened, res.Opened...)
	}
	if got := pairs(opened); !slices.Equal(got, []string{seedConflict}) {
		t.Fatalf("opened %q, want only %q", got, seedConflict)
	}
	if got := alertKinds(t, s); len(got) != 1 || !strings.HasPrefix(got[0], "new ") {
		t.Errorf("outbox = %q, want one new alert", got)
	}
}

func TestRecordFalseAlarmsStayQuiet(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	// Each pair the seed article's figures must never turn into an alert,
	// recorded from two different outlets to rule out corroboration.
	oct24 := time.Date(2024, 10, 24, 0, 0, 0, 0, time.UTC)
	cases := map[string][2]*article{
		"about 11,000 sent against approximately 12,000 (same day)": {
			newArticle("A", "https://a.example/1", published).figure("The Kyiv Independent", "deployed", "", "about 11 000", about(11000), "s"),
			newArticle("B", "https://b.example/1", published).figure(ukrintel, "deployed", "kursk", "approximately 12 000", about(12000), "s"),
		},
		"approximately 12,000 as of October 24 against about 11,000 in February": {
			newArticle("A", "https://a.example/2", published).figure(ukrintel, "deployed", "kursk", "approximately 12 000", about(12000), "s").asOf(oct24),
			newArticle("B", "https://b.example/2", published).figure("Yonhap", "deployed", "kursk", "about 7 000", about(7000), "s"),
		},
		"more than 3,000 killed or wounded against 300 killed plus nearly 2,700 wounded": {
			newArticle("A", "https://a.example/3", published).figure(zelensky, "killed or wounded", "", "more than 3 000", moreThan(3000), "s"),
			newArticle("B", "https://b.example/3", published).
				figure(nis, "killed", "", "300", claim.Point(300), "s").
				figure(nis, "wounded", "", "nearly 2 700", nearly(2700), "s"),
		},
		"8,000 fighting against 11,000 sent": {
			newArticle("A", "https://a.example/4", published).figure(budanov, "fighting", "kursk", "8 000", claim.Point(8000), "s"),
			newArticle("B", "https://b.example/4", published).figure("The Kyiv Independent", "deployed", "", "about 11 000", about(11000), "s"),
		},
		"50,000 Russian soldiers against 12,000 North Koreans": {
			newArticle("A", "https://a.example/5", published).figure("The New York Times", "deployed", "kursk", "50 000", claim.Point(50000), "s").subject("russian soldiers"),
			newArticle("B", "https://b.example/5", published).figure(ukrintel, "deployed", "kursk", "12 000", claim.Point(12000), "s"),
		},
	}
	for name, arts := range cases {
		t.Run(name, func(t *testing.T) {
			for _, order := range [][2]int{{0, 1}, {1, 0}} {
				s, _ := openTestStore(t)
				for _, i := range order {
					res, err := s.Record(ctx, arts[i].item(false))
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Opened) != 0 || res.Alerts != 0 {
						t.Fatalf("false alarm: %q", pairs(res.Opened))
					}
				}
			}
		})
	}
	_ = s
}

func TestRecordFigureConflictEvidenceAndRevision(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	rec := func(a *article, backfill bool) Recorded {
		t.Helper()
		res, err := s.Record(ctx, a.item(backfill))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	topic := "north korean soldiers | killed | kursk"

	// Two outlets, two claimants: a conflict and one alert.
	rec(newArticle("Reuters", "https://reuters.example/1", published).figure(budanov, "killed", "kursk", "1 000", claim.Point(1000), "Budanov said 1 000 were killed in Kursk."), false)
	res := rec(newArticle("Yonhap", "https://yonhap.example/1", published.Add(time.Hour)).figure(nis, "killed", "kursk", "300", claim.Point(300), "The NIS said 300 were killed in Kursk."), false)
	if got := pairs(res.Opened); !slices.Equal(got, []string{topic + ": Kyrylo Budanov (HUR) vs South Korea's NIS"}) {
		t.Fatalf("opened %q", got)
	}
	id := res.Opened[0].ID
	if !strings.Contains(res.Opened[0].Reason, "70% apart") {
		t.Errorf("reason %q does not say how far apart", res.Opened[0].Reason)
	}

	// A third outlet quoting Budanov joins the conflict as evidence.
	clk.advance(time.Hour)
	res = rec(newArticle("AP", "https://ap.example/1", published.Add(2*time.Hour)).figure(budanov, "killed", "", "about 1 000", about(1000), "About 1 000 were killed, Budanov told AP."), false)
	if len(res.Opened) != 0 || len(res.Joined) != 1 || res.Joined[0].ID != id {
		t.Fatalf("evidence: opened %q joined %q", pairs(res.Opened), pairs(res.Joined))
	}
	if n := len(res.Joined[0].Sides[0].Claims); n != 2 {
		t.Errorf("Budanov's side holds %d claims, want 2", n)
	}
	if !res.Joined[0].Updated.Equal(clk.t) {
		t.Errorf("updated %v, want %v", res.Joined[0].Updated, clk.t)
	}

	// Budanov revises his figure: a revision note in the thread.
	res = rec(newArticle("Reuters", "https://reuters.example/2", published.Add(3*time.Hour)).figure(budanov, "killed", "kursk", "400", claim.Point(400), "Budanov now puts the dead at 400."), false)
	if len(res.Opened) != 0 {
		t.Fatalf("revision opened %q", pairs(res.Opened))
	}
	want := []string{
		"new " + id,
		"evidence " + id + " Kyrylo Budanov (HUR)@AP",
		"revision " + id + " Kyrylo Budanov (HUR)@Reuters",
	}
	if got := alertKinds(t, s); !slices.Equal(got, want) {
		t.Errorf("outbox = %q, want %q", got, want)
	}

	// After the revision Budanov's word is 400, which agrees with the NIS:
	// another outlet's 300 raises nothing new against him.
	res = rec(newArticle("BBC", "https://bbc.example/1", published.Add(4*time.Hour)).figure("The BBC", "killed", "kursk", "about 350", about(350), "About 350 were killed."), false)
	if len(res.Opened) != 0 {
		t.Errorf("claim agreeing with the revised figure opened %q", pairs(res.Opened))
	}
}

func TestRecordPartsAgainstTotal(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	_, err := s.Record(ctx, newArticle("Yonhap", "https://yonhap.example/2", published).
		figure(nis, "killed", "", "300", claim.Point(300), "300 killed").
		figure(nis, "wounded", "", "nearly 2 700", nearly(2700), "nearly 2 700 wounded").item(false))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Record(ctx, newArticle("Kyiv Post", "https://kyivpost.example/1", published).
		figure("The Kyiv Post", "killed or wounded", "", "about 1 000", about(1000), "About 1 000 killed or wounded").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := pairs(res.Opened); !slices.Equal(got, []string{"north korean soldiers | killed or wounded | : South Korea's NIS vs The Kyiv Post"}) {
		t.Fatalf("opened %q", got)
	}
	c := res.Opened[0]
	lead := c.Lead(0)
	if lead.Measure != "killed or wounded" || lead.Value.Low != 2730 || lead.Value.High != 3000 {
		t.Errorf("NIS lead = %s %v, want the sum [2,730, 3,000]", lead.Measure, lead.Value)
	}
	if !strings.Contains(c.Reason, "300 killed + nearly 2 700 wounded") {
		t.Errorf("reason %q does not show the sum", c.Reason)
	}
}

func TestRecordWindowAndCorroboration(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	for i, o := range []string{"Reuters", "AP", "AFP"} {
		res, err := s.Record(ctx, newArticle(o, fmt.Sprintf("https://%d.example/", i), published.Add(time.Duration(i)*time.Hour)).
			figure(zelensky, "captured", "", "two", claim.Point(2), "Zelensky said two were captured.").item(false))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Opened) != 0 || res.Alerts != 0 {
			t.Fatalf("outlet %s quoting the same claimant raised %q", o, pairs(res.Opened))
		}
	}
	res, err := s.Record(ctx, newArticle("TASS", "https://tass.example/", published.AddDate(0, 1, 0)).
		figure("Russian Defence Ministry", "captured", "", "none", claim.Point(0), "None were captured.").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 0 {
		t.Errorf("claims a month apart raised %q", pairs(res.Opened))
	}
	res, err = s.Record(ctx, newArticle("RIA", "https://ria.example/", published.AddDate(0, 0, 1)).
		figure("Russian Defence Ministry", "captured", "", "none", claim.Point(0), "None were captured, the ministry said.").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 1 || len(res.Opened[0].Sides[1].Claims) != 3 {
		t.Fatalf("want one conflict with Zelensky's three quotes, got %q", pairs(res.Opened))
	}
}

func TestRecordBackfillMuteDismiss(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t)
	rec := func(outlet, claimant string, n float64, backfill bool) Recorded {
		t.Helper()
		url := "https://" + strings.ToLower(strings.ReplaceAll(outlet, " ", "")) + ".example/" + fmt.Sprint(n)
		res, err := s.Record(ctx, newArticle(outlet, url, published).figure(claimant, "missing", "kursk", fmt.Sprint(n), claim.Point(n), fmt.Sprintf("%v are missing.", n)).item(backfill))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Backfill: recorded, conflict kept, nothing alerted.
	rec("Meduza", "Meduza", 100, true)
	res := rec("Novaya Gazeta", "Novaya Gazeta", 400, true)
	if len(res.Opened) != 1 || !res.Opened[0].Backfill || res.Alerts != 0 {
		t.Fatalf("backfill: %+v", res)
	}
	id := res.Opened[0].ID
	// A live article joining it announces it.
	res = rec("Reuters", "Novaya Gazeta", 410, false)
	if res.Alerts != 1 || len(res.Joined) != 1 || res.Joined[0].Backfill {
		t.Fatalf("live evidence on a backfill conflict: %+v", res)
	}
	if got := alertKinds(t, s); !slices.Equal(got, []string{"new " + id}) {
		t.Errorf("outbox = %q", got)
	}

	// Mute the topic: new conflicts on it are recorded but silent.
	if err := s.Mute(ctx, "North Korean soldiers | MISSING", clk.t.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	res = rec("Kommersant", "Kommersant", 2000, false)
	if len(res.Opened) != 2 || res.Alerts != 0 {
		t.Fatalf("muted: opened %q, %d alerts", pairs(res.Opened), res.Alerts)
	}
	if muted, err := s.MutedConflict(ctx, res.Opened[0].ID, res.Opened[0].Topic, clk.t); err != nil || !muted {
		t.Errorf("MutedConflict = %v, %v", muted, err)
	}
	// Once the mute ends, the next evidence announces the muted conflict.
	clk.advance(25 * time.Hour)
	if muted, _ := s.Muted(ctx, "north korean soldiers | missing | kursk", clk.t); muted {
		t.Error("mute still in force after it ended")
	}
	res = rec("Interfax", "Kommersant", 2100, false)
	if res.Alerts != 2 {
		t.Errorf("after the mute: %d alerts, want 2 (both conflicts announced)", res.Alerts)
	}

	// Not a contradiction: dismissed, feedback kept, later evidence silent.
	c, err := s.SetConflictStatus(ctx, id, StatusDismissed, "U0EDITOR")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusDismissed || c.ChangedBy != "U0EDITOR" {
		t.Errorf("dismissed conflict = %+v", c)
	}
	countFor := func(id string) int {
		n := 0
		for _, a := range alertKinds(t, s) {
			if strings.Contains(a, " "+id) {
				n++
			}
		}
		return n
	}
	before := countFor(id)
	res = rec("AP", "Novaya Gazeta", 420, false)
	if len(res.Joined) == 0 {
		t.Fatal("evidence did not join the conflicts")
	}
	if after := countFor(id); after != before {
		t.Errorf("evidence on a dismissed conflict queued %d alerts", after-before)
	}
	fbs, err := s.Feedbacks(ctx)
	if err != nil || len(fbs) != 1 || fbs[0].ConflictID != id || fbs[0].Verdict != VerdictNotAContradiction || fbs[0].By != "U0EDITOR" {
		t.Errorf("feedback = %+v, %v", fbs, err)
	}
	if _, err := s.SetConflictStatus(ctx, id, "maybe", "U1"); !errors.Is(err, ErrBadStatus) {
		t.Errorf("bad status: %v", err)
	}
	if _, err := s.SetConflictStatus(ctx, "cnope", StatusResolved, "U1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown conflict: %v", err)
	}
}

func TestRecordRefusesInvalidClaims(t *testing.T) {
	ctx := context.Background()
	good := newArticle("A", "https://a.example/", published).figure(budanov, "killed", "", "1", claim.Point(1), "s").claims[0]
	tests := map[string]func(c *claim.Claim){
		"NaN":                func(c *claim.Claim) { c.Value = claim.Interval{Low: math.NaN(), High: 1} },
		"NaN high":           func(c *claim.Claim) { c.Value = claim.Interval{Low: 1, High: math.NaN()} },
		"infinite low":       func(c *claim.Claim) { c.Value = claim.Interval{Low: math.Inf(1), High: math.Inf(1)} },
		"negative":           func(c *claim.Claim) { c.Value = claim.Interval{Low: -3, High: 5} },
		"inverted":           func(c *claim.Claim) { c.Value = claim.Interval{Low: 5, High: 3} },
		"no claimant":        func(c *claim.Claim) { c.Claimant = "" },
		"zero byte":          func(c *claim.Claim) { c.Subject = "north\x00korean" },
		"status no polarity": func(c *claim.Claim) { c.Kind = claim.Status },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			bad := good
			mutate(&bad)
			s, _ := openTestStore(t)
			res, err := s.Record(ctx, feeds.PolledItem{Item: feeds.ItemRecord{ID: "item-7"}, Claims: []claim.Claim{bad, good}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Refused) != 1 || !errors.Is(res.Refused[0], ErrInvalidClaim) || !strings.Contains(res.Refused[0].Error(), "item item-7 claim 0") {
				t.Fatalf("Refused = %v, want claim 0 of item-7 refused as invalid", res.Refused)
			}
			if n, _ := s.ClaimCount(ctx); n != 1 || res.Claims != 1 {
				t.Errorf("%d claims stored, want only the valid one", n)
			}
		})
	}
}

func TestPreviewStoresNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	res, err := s.Preview(ctx, seedArticle("https://example.org/preview").item(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := pairs(res.Opened); !slices.Equal(got, []string{seedConflict}) {
		t.Errorf("preview opened %q", got)
	}
	if n, _ := s.ClaimCount(ctx); n != 0 {
		t.Errorf("preview stored %d claims", n)
	}
	if d, _ := s.OutboxDepth(ctx); d != 0 {
		t.Errorf("preview queued %d alerts", d)
	}
}

func TestClaimQueries(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t)
	if _, err := s.Record(ctx, seedArticle("https://kyivindependent.com/budanov").item(false)); err != nil {
		t.Fatal(err)
	}
	later := newArticle("Reuters", "https://reuters.example/z", published.AddDate(0, 0, 2)).
		figure(zelensky, "killed or wounded", "kursk", "4 000", claim.Point(4000), "Zelensky said 4 000 were killed or wounded in Kursk.")
	if _, err := s.Record(ctx, later.item(false)); err != nil {
		t.Fatal(err)
	}
	claimants := func(cs []StoredClaim) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Claimant+" "+c.Value.String())
		}
		return out
	}

	got, err := s.ClaimsBy(ctx, "zelensky", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Volodymyr Zelensky [4,000, 4,000]", "Volodymyr Zelensky (3,000, ∞)"}; !slices.Equal(claimants(got), want) {
		t.Errorf("ClaimsBy(zelensky) = %q, want %q", claimants(got), want)
	}

	got, err = s.ClaimsOnTopic(ctx, "north korean soldiers | killed or wounded | kursk", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Value.Low != 3000 || got[1].Value.Low != 4000 {
		t.Errorf("ClaimsOnTopic = %q, want the place-less claim then the Kursk one", claimants(got))
	}

	got, err = s.SearchClaims(ctx, "NIS wounded", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Claimant != nis || got[0].Measure != "wounded" {
		t.Errorf("SearchClaims(NIS wounded) = %q", claimants(got))
	}
	got, err = s.SearchClaims(ctx, "russian", 10)
	if err != nil || len(got) != 1 || got[0].Value.Low != 50000 {
		t.Errorf("SearchClaims(russian) = %q, %v", claimants(got), err)
	}
	got, err = s.SearchClaims(ctx, "", 3)
	if err != nil || len(got) != 3 || got[0].Claimant != zelensky {
		t.Errorf("SearchClaims(\"\") = %q, %v", claimants(got), err)
	}
	if got, _ := s.SearchClaims(ctx, "belgorod", 10); len(got) != 0 {
		t.Errorf("SearchClaims(belgorod) = %q", claimants(got))
	}

	cs, err := s.Conflicts(ctx, ConflictFilter{Status: StatusOpen, Claimant: "budanov"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("Conflicts(open, budanov) = %q, %v", pairs(cs), err)
	}
	if cs, _ := s.Conflicts(ctx, ConflictFilter{Status: StatusResolved}); len(cs) != 0 {
		t.Errorf("Conflicts(resolved) = %q", pairs(cs))
	}
	if cs, _ := s.ConflictsOnTopic(ctx, "north korean soldiers | at the front | kursk"); len(cs) != 1 {
		t.Errorf("ConflictsOnTopic = %q", pairs(cs))
	}
	if cs, _ := s.ConflictsOf(ctx, media); len(cs) != 1 {
		t.Errorf("ConflictsOf(media) = %q", pairs(cs))
	}
	c, err := s.Conflict(ctx, cs[0].ID)
	if err != nil || pair(c) != seedConflict {
		t.Errorf("Conflict(%s) = %q, %v", cs[0].ID, pair(c), err)
	}
	if _, err := s.Conflict(ctx, "cmissing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Conflict(missing) = %v", err)
	}
}
