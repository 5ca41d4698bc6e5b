package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
)

// maxArticleBytes bounds what extract reads from a file or stdin, as the
// fetcher bounds a page.
const maxArticleBytes = feeds.DefaultMaxBodyBytes

func runExtract(ctx context.Context, e env, args []string) error {
	const usage = "crosscheck extract [--json] [--outlet NAME] [--title T] [--published RFC3339] [--engine tokens|frames] FILE|URL|-"
	fs := newFlagSet(e, "extract", usage)
	asJSON := fs.Bool("json", false, "one JSON claim per line")
	outlet := fs.String("outlet", "", "the outlet that published the article")
	title := fs.String("title", "", "the article's headline (read for its place and antecedents)")
	published := fs.String("published", "", "when it was published (RFC 3339)")
	allowPrivate := fs.Bool("allow-private-networks", false, "let a URL resolve to a private address")
	engine := fs.String("engine", config.EngineTokens, "the extractor: tokens, or frames (over the language layer; experimental)")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("extract: want one FILE, URL or - (usage: %s)", usage)
	}
	src := rest[0]
	a := claim.Article{Outlet: *outlet, Title: *title}
	if *published != "" {
		t, err := time.Parse(time.RFC3339, *published)
		if err != nil {
			return usagef("extract: --published %q is not RFC 3339 (such as 2025-03-03T09:00:00Z)", *published)
		}
		a.Published = t
	} else {
		a.Published = time.Now().UTC().Truncate(time.Second)
	}
	switch {
	case src == "-":
		a.Text, err = readArticle(e.stdin, "stdin")
	case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://"):
		a.URL = src
		if a.Outlet == "" {
			if u, perr := url.Parse(src); perr == nil {
				a.Outlet = strings.TrimPrefix(u.Hostname(), "www.")
			}
		}
		f := feeds.NewFetcher(feeds.FetcherConfig{AllowPrivateNetworks: *allowPrivate, PrivateNetworksHint: "pass --allow-private-networks to allow it"})
		defer f.Close()
		a.Text, err = f.FullText(ctx, src)
	default:
		var file *os.File
		file, err = os.Open(src)
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		defer file.Close()
		a.Text, err = readArticle(file, src)
	}
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	if a.Outlet == "" {
		a.Outlet = "the outlet"
	}
	x, err := newExtractor(*engine, claim.DefaultHedges(), nil, nil)
	if err != nil {
		return usagef("extract: --%v", err)
	}
	claims := x.Extract(a)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, c := range claims {
			if err := enc.Encode(claim.ToJSON(c)); err != nil {
				return fmt.Errorf("extract: write: %w", err)
			}
		}
		return nil
	}
	return writeClaimTable(e.stdout, claims)
}

func readArticle(r io.Reader, name string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxArticleBytes+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxArticleBytes {
		return "", fmt.Errorf("read %s: %w (over %d bytes)", name, errTooLarge, maxArticleBytes)
	}
	return string(b), nil
}

var errTooLarge = errors.New("article too large")

// writeClaimTable prints what an editor checks: who claims what about
// whom, where, when, and the sentence that says so.
func writeClaimTable(w io.Writer, claims []claim.Claim) error {
	if len(claims) == 0 {
		_, err := fmt.Fprintln(w, "no claims found")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLAIMANT\tSUBJECT\tMEASURE\tPLACE\tVALUE\tAS OF\tSENTENCE")
	for _, c := range claims {
		place := c.Place
		if place == "" {
			place = "-"
		}
		asOf := "-"
		if !c.AsOf.IsZero() {
			asOf = c.AsOf.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Claimant, c.Subject, c.Measure, place,
			tableValue(c), asOf, clip(strings.Join(strings.Fields(c.Sentence), " "), 90))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("extract: write: %w", err)
	}
	return nil
}

func tableValue(c claim.Claim) string {
	if c.Kind == claim.Status {
		return c.Polarity.String()
	}
	return c.Value.String()
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
