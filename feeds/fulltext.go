package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html/charset"
)

// FullTextMinWords is the length below which an item's feed text is taken
// for a teaser and the article page is fetched instead.
const FullTextMinWords = 80

// ErrNoArticle means the page was fetched but held no article text.
var ErrNoArticle = errors.New("no article text found on the page")

// FullText fetches the article page at link through f, with the same
// limits and the same refusal of private addresses as feeds, and returns
// its main text as plain text with paragraphs on their own lines.
func (f *Fetcher) FullText(ctx context.Context, link string) (string, error) {
	text, err := f.fullText(ctx, link)
	if err != nil {
		return "", fmt.Errorf("feeds: full text of %s: %w", link, err)
	}
	return text, nil
}

func (f *Fetcher) fullText(ctx context.Context, link string) (string, error) {
	resp, err := f.Fetch(ctx, link, Validators{})
	if err != nil {
		return "", err
	}
	mediaType, _, _ := mime.ParseMediaType(resp.ContentType)
	if mediaType != "" && mediaType != "text/html" && mediaType != "application/xhtml+xml" {
		return "", fmt.Errorf("page is %s, not HTML", mediaType)
	}
	// The page may be in any charset; readability wants UTF-8.
	r, err := charset.NewReader(bytes.NewReader(resp.Body), resp.ContentType)
	if err != nil {
		return "", fmt.Errorf("page charset: %w", err)
	}
	pageURL, err := url.Parse(resp.URL)
	if err != nil {
		return "", err
	}
	parser := readability.NewParser()
	article, err := parser.Parse(r, pageURL)
	if err != nil {
		return "", fmt.Errorf("readability: %w", err)
	}
	if article.Node == nil {
		return "", ErrNoArticle
	}
	var b strings.Builder
	if err := article.RenderText(&b); err != nil {
		return "", fmt.Errorf("readability: %w", err)
	}
	text := strings.TrimSpace(b.String())
	if text == "" {
		return "", ErrNoArticle
	}
	return text, nil
}
