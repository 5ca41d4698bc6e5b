package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
)

// ArticleChecker is the Checker the bot runs with: it fetches the page
// (feeds.Fetcher.FullText, with its size limits and its refusal of private
// addresses) and lets the desk judge the article without recording it.
type ArticleChecker struct {
	// Fetch returns an article page's main text.
	Fetch func(ctx context.Context, url string) (string, error)
	Desk  *desk.Desk
	// Timeout bounds one check (default 30 s).
	Timeout time.Duration
	Now     func() time.Time
}

// Check implements Checker.
func (c ArticleChecker) Check(ctx context.Context, u string) (CheckResult, error) {
	if c.Fetch == nil || c.Desk == nil {
		return CheckResult{}, errors.New("bot: check: no fetcher or desk")
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	text, err := c.Fetch(ctx, u)
	if err != nil {
		return CheckResult{}, fmt.Errorf("bot: check %s: %w", u, err)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	outlet := u
	if p, err := url.Parse(u); err == nil {
		outlet = strings.TrimPrefix(p.Hostname(), "www.")
	}
	a := claim.Article{Outlet: outlet, URL: u, Published: now(), Text: text}
	conflicts, err := c.Desk.Check(ctx, a)
	if err != nil {
		return CheckResult{}, err
	}
	return CheckResult{Claims: c.Desk.Item(a).Claims, Conflicts: conflicts}, nil
}
