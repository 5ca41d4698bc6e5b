package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
)

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	d := &desk.Desk{Store: st}
	// The ledger already holds the media reports.
	jan11 := time.Date(2025, 1, 11, 9, 0, 0, 0, time.UTC)
	if _, err := d.Record(ctx, claim.Article{
		Outlet: "Yonhap", URL: "https://yonhap.example/nk", Published: jan11,
		Text: "North Korean troops have not been seen at the front in Kursk for about two weeks, The New York Times and Yonhap reported.",
	}); err != nil {
		t.Fatal(err)
	}
	page := `<html><head><title>Budanov: North Korean troops still fighting</title></head><body><article>
<h1>Budanov: North Korean troops still fighting in Kursk</h1>
<p>About 8,000 North Korean soldiers are still fighting in Kursk Oblast, Kyrylo Budanov, the head of Ukraine's military intelligence (HUR), said on Jan. 13.</p>
<p>Reports that they had not been seen at the front for weeks are incorrect, Budanov said.</p>
</article></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/budanov" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	defer srv.Close()
	f := feeds.NewFetcher(feeds.FetcherConfig{AllowPrivateNetworks: true})
	defer f.Close()
	checker := ArticleChecker{Fetch: f.FullText, Desk: d, Now: func() time.Time { return jan11.Add(48 * time.Hour) }}

	h := newHarness(t, "socket")
	h.bot.opts.Checker = checker

	got := h.command(editor, "check "+srv.URL+"/budanov")
	for _, want := range []string{"claim(s) found", "Kyrylo Budanov"} {
		if !strings.Contains(got, want) {
			t.Errorf("check answer lacks %q:\n%s", want, got)
		}
	}
	// The page's "still fighting" against the ledger's "not seen at the
	// front": the check runs the desk's judgement, not only extraction.
	if !strings.Contains(got, "It contradicts") {
		t.Errorf("check found no contradiction with the ledger:\n%s", got)
	}
	if n, _ := st.ClaimCount(ctx); n != 1 {
		t.Errorf("check stored claims: ledger holds %d, want 1", n)
	}

	got = h.command(editor, "check "+srv.URL+"/missing")
	if !strings.Contains(got, "I could not read") || !strings.Contains(got, "404") {
		t.Errorf("answer for a 404 page:\n%s", got)
	}
}
