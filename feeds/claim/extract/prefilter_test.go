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
// stories, the seed article and (when it is beside the repository) the dev
// set.
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
