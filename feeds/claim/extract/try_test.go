package extract

import (
	"os"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/claim/lang"
)

func TestTry(t *testing.T) {
	text := os.Getenv("TRY")
	if text == "" {
		t.Skip()
	}
	p := devPipeline(t)
	x, err := New(Config{Pipeline: p})
	if err != nil {
		t.Fatal(err)
	}
	doc := p.Analyze(text)
	lang.WriteTree(os.Stdout, doc)
	for _, c := range x.Extract(claim.Article{Outlet: "Wire", Published: time.Date(2025, 2, 11, 9, 0, 0, 0, time.UTC), Text: text}) {
		t.Logf("%s | %s | %s | %s | %v %s | %s", c.Claimant, c.Subject, c.Measure, c.Place, c.Value, c.Polarity, c.AsOf.Format("2006-01-02"))
	}
}
