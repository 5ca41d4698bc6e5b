package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// articleHTML is a news page as sites serve them: navigation, the story,
// a sidebar and a footer. Only the story is the article.
// articleHTML is a news page with navigation, an article and a footer
// (the desk's pipeline tests serve it too).
var articleHTML = func() string {
	b, err := os.ReadFile("testdata/article.html")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

func TestFullText(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articleHTML)
	})
	mux.HandleFunc("/story-1251", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		page := strings.Replace(articleHTML, `<meta charset="utf-8">`, "", 1)
		page = strings.Replace(page, "About 8,000", "Около 8000 (about 8,000)", 1)
		b, err := charmap.Windows1251.NewEncoder().String(page)
		if err != nil {
			t.Error(err)
		}
		fmt.Fprint(w, b)
	})
	mux.HandleFunc("/pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.4")
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body></body></html>")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := testFetcher(t, FetcherConfig{})
	ctx := context.Background()

	t.Run("article", func(t *testing.T) {
		text, err := f.FullText(ctx, srv.URL+"/story")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"About 8,000 North Korean soldiers are still fighting in Russia's Kursk region",
			"more than 3,000 had been killed or wounded",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("full text lacks %q:\n%s", want, text)
			}
		}
		for _, junk := range []string{"Subscribe to our newsletter", "All rights reserved", "Sports results"} {
			if strings.Contains(text, junk) {
				t.Errorf("full text keeps page furniture %q", junk)
			}
		}
	})
	t.Run("page in Windows-1251", func(t *testing.T) {
		text, err := f.FullText(ctx, srv.URL+"/story-1251")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "Около 8000 (about 8,000) North Korean soldiers") {
			t.Errorf("badly decoded full text:\n%s", text)
		}
	})

	failures := []struct {
		path string
		want string
	}{
		{"/pdf", "page is application/pdf, not HTML"},
		{"/empty", ErrNoArticle.Error()},
		{"/missing", "server answered 404 Not Found"},
	}
	for _, tc := range failures {
		t.Run(tc.path, func(t *testing.T) {
			_, err := f.FullText(ctx, srv.URL+tc.path)
			want := "feeds: full text of " + srv.URL + tc.path + ": "
			if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q…%q", err, want, tc.want)
			}
		})
	}

	t.Run("private address refused", func(t *testing.T) {
		strict := NewFetcher(FetcherConfig{})
		defer strict.Close()
		_, err := strict.FullText(ctx, srv.URL+"/story")
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("error = %v, want ErrPrivateAddress", err)
		}
	})
}
