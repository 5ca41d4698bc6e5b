package extract

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/claimtest"
)

// TestPrefilterLosesNothing: reading only the sentences the prefilter picks
// gives the claims that analysing every sentence gives, on the project's
// stories (each article, and all of them as one) and the seed article.
func TestPrefilterLosesNothing(t *testing.T) {
	x := engine(t)
	all := *x
	all.parseAll = true
	arts, _, _ := claimtest.Stories(t, filepath.Join("..", "..", "..", "testdata", "stories"))
	pub := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	if seed, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "seed", "kursk-dispute.txt")); err == nil {
		arts["seed"] = claim.Article{Outlet: "Wire", Published: pub, Text: string(seed)}
	} else {
		t.Logf("no seed article beside the repository: %v", err)
	}
	// One long article too: its sentences are analysed on several cores,
	// and people named in one story come back in later ones.
	arts["all stories"] = claim.Article{Outlet: "Wire", Published: pub, Text: storiesProse(t)}
	ids := slices.Sorted(maps.Keys(arts))
	n := 0
	for _, id := range ids {
		got, want := x.Extract(arts[id]), all.Extract(arts[id])
		n += len(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with the prefilter\n%s\nanalysing every sentence\n%s", id, dumpClaims(got), dumpClaims(want))
		}
	}
	if n == 0 {
		t.Fatal("no claims at all: the comparison proves nothing")
	}
	t.Logf("%d articles, %d claims, the same with and without the prefilter", len(ids), n)
	// The dev set is compared and reported, not asserted: analysing every
	// sentence also gives the coreference pass (remember) the trees of
	// sentences that hold no claim, and the names it reads from them can
	// change whom a later pronoun stands for. That is the resolver reading
	// more, not a claim the prefilter missed.
	dir := filepath.Join("..", "..", "..", "..", "shared", "devset")
	if !fileExists(filepath.Join(dir, "items.jsonl")) {
		return
	}
	dev, _ := claimtest.Devset(t, dir)
	same, differ := 0, 0
	for _, id := range slices.Sorted(maps.Keys(dev)) {
		got, want := x.Extract(dev[id]), all.Extract(dev[id])
		if reflect.DeepEqual(got, want) {
			same++
			continue
		}
		differ++
		t.Logf("dev set %s: with the prefilter\n%s\nanalysing every sentence\n%s", id, dumpClaims(got), dumpClaims(want))
	}
	t.Logf("dev set: %d items the same, %d differ", same, differ)
}

func dumpClaims(cs []claim.Claim) string {
	var b []byte
	for _, c := range cs {
		b = append(b, "  "...)
		b = append(b, c.Subject+" | "+c.Measure+" | "+c.Claimant+" | "+c.ValueText+" | "+c.Sentence...)
		b = append(b, '\n')
	}
	return string(b)
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
