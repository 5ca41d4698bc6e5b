package extract

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/crosscheck-news/crosscheck/feeds/claim/claimtest"
)

func TestEngineDevset(t *testing.T) {
	x, err := New(Config{Pipeline: devPipeline(t)})
	if err != nil {
		t.Fatal(err)
	}
	arts, gold := claimtest.Devset(t, filepath.Join("..", "..", "..", "..", "shared", "devset"))
	sc := claimtest.Extract(t, arts, gold, x.Extract)
	t.Logf("dev set:\n%s\n%s\nfound=%d/%d unexpected=%d", strings.Join(sc.Misses, "\n"), strings.Join(sc.Unexpected, "\n"), sc.Found, len(gold), len(sc.Unexpected))
	arts, gold, _ = claimtest.Stories(t, filepath.Join("..", "..", "..", "testdata", "stories"))
	sc = claimtest.Extract(t, arts, gold, x.Extract)
	t.Logf("stories:\n%s\n%s\nfound=%d/%d unexpected=%d", strings.Join(sc.Misses, "\n"), strings.Join(sc.Unexpected, "\n"), sc.Found, len(gold), len(sc.Unexpected))
}
