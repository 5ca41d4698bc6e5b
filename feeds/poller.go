package feeds

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/state"
)

// Backoff after failed polls: BackoffBase after the first failure, doubling
// with each one after, never more than MaxBackoff.
const (
	BackoffBase = 5 * time.Minute
	MaxBackoff  = 6 * time.Hour
	// MaxServerDelay bounds how long a server's ttl, max-age or Retry-After
	// can hold a feed back, so a misconfigured server cannot silence it for
	// good.
	MaxServerDelay = 24 * time.Hour
)

// Backoff is the wait after the n-th failure in a row.
func Backoff(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	d := BackoffBase
	for i := 1; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// PollError is a failed poll of one feed. Its message names the feed and
// the cause without repeating the package prefix.
type PollError struct {
	Feed string
	Err  error
}

func (e *PollError) Error() string {
	return "feeds: poll " + e.Feed + ": " + strings.TrimPrefix(e.Err.Error(), "feeds: ")
}

func (e *PollError) Unwrap() error { return e.Err }

// Poller polls one feed at a time into the store. A Poller is safe for
// concurrent use on different feeds; the caller must not poll one feed
// twice at once.
type Poller struct {
	Fetcher *Fetcher
	Store   *state.Store
	// MaxItems caps the items one poll brings (DefaultMaxItemsPerPoll
	// when 0): the newest are kept, and the rest are named in a warning
	// and in the feed's LastError, so a feed of 300,000 items cannot hold
	// the store's write lock for minutes.
	MaxItems int
	// Now replaces the wall clock in tests.
	Now func() time.Time
	Log *slog.Logger
}

// DefaultMaxItemsPerPoll is limits.max_items_per_poll's default.
const DefaultMaxItemsPerPoll = 5000

// namedDropped is how many dropped items a warning names by link.
const namedDropped = 20

// Poll fetches src conditionally, parses it and works out which items are
// new or updated. It returns the poll without committing it: the caller
// extracts claims into each PolledItem and calls Store.CommitPoll. A 304
// returns a poll without items, whose commit only updates the feed state.
//
// On failure the failure is recorded in the store (error count, last error,
// a NextPoll backed off exponentially and never before Retry-After) and
// nothing else is touched; the error is a *PollError.
func (p *Poller) Poll(ctx context.Context, src Source) (*state.Poll, error) {
	now := p.now()
	st, err := p.Store.FeedState(ctx, src.Name)
	if err != nil {
		return nil, &PollError{Feed: src.Name, Err: err}
	}
	poll, err := p.poll(ctx, src, st, now)
	if err == nil {
		return poll, nil
	}
	err = &PollError{Feed: src.Name, Err: err}
	if ctx.Err() != nil {
		// Shutting down is not the feed's fault: no failure on its record.
		return nil, err
	}
	failed := st
	failed.LastPoll = now
	failed.ErrorCount++
	failed.LastError = err.Error()
	failed.NextPoll = now.Add(Backoff(failed.ErrorCount))
	var he *HTTPStatusError
	if errors.As(err, &he) {
		failed.NextPoll = later(failed.NextPoll, capDelay(he.RetryAfter, now))
	}
	if rerr := p.Store.RecordPollFailure(ctx, failed); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	p.log().Warn("poll failed", "feed", src.Name, "url", src.URL, "error", err.Error(),
		"error_count", failed.ErrorCount, "next_poll", failed.NextPoll)
	return nil, err
}

func (p *Poller) poll(ctx context.Context, src Source, st state.FeedState, now time.Time) (*state.Poll, error) {
	resp, err := p.Fetcher.Fetch(ctx, src.URL, Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		return nil, err
	}
	next := st
	next.LastPoll, next.LastSuccess = now, now
	next.ErrorCount, next.LastError = 0, ""
	next.ETag, next.LastModified = resp.ETag, resp.LastModified
	if resp.NotModified {
		next.NextPoll = later(now, capDelay(resp.NotBefore, now))
		p.log().Debug("feed not modified", "feed", src.Name)
		return &state.Poll{Feed: src.Name, State: next}, nil
	}

	feed, err := ParseWithContentType(resp.Body, resp.ContentType)
	if err != nil {
		return nil, err
	}
	next.Polled = true
	next.NextPoll = later(now, capDelay(resp.NotBefore, now))
	if feed.TTL > 0 {
		next.NextPoll = later(next.NextPoll, now.Add(min(feed.TTL, MaxServerDelay)))
	}

	if dropped := p.capItems(feed); len(dropped) > 0 {
		next.LastError = fmt.Sprintf("feeds: poll %s: %d items, over limits.max_items_per_poll: the newest %d kept, %d dropped",
			src.Name, len(feed.Items)+len(dropped), len(feed.Items), len(dropped))
		p.log().Warn("feed over the item cap", "feed", src.Name, "url", src.URL,
			"kept", len(feed.Items), "dropped", len(dropped), "dropped_items", dropped[:min(len(dropped), namedDropped)])
	}
	items, err := p.fresh(ctx, src, feed, resp.URL, !st.Polled)
	if err != nil {
		return nil, err
	}
	if src.FullText {
		p.fillFullText(ctx, items)
	}
	p.log().Debug("feed polled", "feed", src.Name, "items", len(feed.Items), "fresh_items", len(items))
	return &state.Poll{Feed: src.Name, State: next, Items: items}, nil
}

type candidate struct {
	item              Item
	id, linkKey, hash string
	link              string
}

// fresh keeps the items that are new, or seen before with other content.
// An item found by its link key under another identity keeps the stored
// identity, so a re-published item is not new and its claims stay one.
func (p *Poller) fresh(ctx context.Context, src Source, feed *Feed, base string, backfill bool) ([]state.PolledItem, error) {
	baseURL, _ := url.Parse(base)
	cands := make([]candidate, 0, len(feed.Items))
	keys := make([]state.ItemKey, 0, len(feed.Items))
	ids, links := map[string]bool{}, map[string]bool{}
	for _, it := range feed.Items {
		id := ItemID(it)
		if id == "" || ids[id] {
			continue
		}
		link := resolveLink(baseURL, it.Link)
		lk := LinkKey(link)
		if lk != "" && links[lk] {
			continue
		}
		ids[id], links[lk] = true, lk != ""
		cands = append(cands, candidate{item: it, id: id, linkKey: lk, hash: ContentHash(it), link: link})
		keys = append(keys, state.ItemKey{ID: id, LinkKey: lk})
	}
	if len(cands) == 0 {
		return nil, nil
	}
	seen, err := p.Store.Seen(ctx, src.Name, keys...)
	if err != nil {
		return nil, err
	}
	var out []state.PolledItem
	updated := map[string]bool{}
	for i, c := range cands {
		rec := state.ItemRecord{
			ID: c.id, LinkKey: c.linkKey, Feed: src.Name, Outlet: src.Outlet, URL: c.link,
			Title: c.item.Title, Published: c.item.Published, ContentHash: c.hash, Backfill: backfill,
		}
		switch s := seen[i]; {
		case !s.Found:
		case s.ContentHash == c.hash, updated[s.ID]:
			continue
		default:
			rec.ID, rec.Update = s.ID, true
			updated[s.ID] = true
		}
		text := c.item.Content
		if strings.TrimSpace(text) == "" {
			text = c.item.Title
		}
		out = append(out, state.PolledItem{Item: rec, Text: text})
	}
	return out, nil
}

// fillFullText replaces teasers with the article page's text. Any failure
// keeps the feed's text and says why on the item.
func (p *Poller) fillFullText(ctx context.Context, items []state.PolledItem) {
	for i := range items {
		it := &items[i]
		if WordCount(it.Text) >= FullTextMinWords {
			continue
		}
		if it.Item.URL == "" || !(strings.HasPrefix(it.Item.URL, "http://") || strings.HasPrefix(it.Item.URL, "https://")) {
			it.Item.FullTextError = "item has no http(s) link to fetch"
			continue
		}
		text, err := p.Fetcher.FullText(ctx, it.Item.URL)
		if err != nil {
			it.Item.FullTextError = err.Error()
			p.log().Info("full text unavailable, using the feed's text", "feed", it.Item.Feed, "url", it.Item.URL, "error", err.Error())
			continue
		}
		if WordCount(text) <= WordCount(it.Text) {
			it.Item.FullTextError = "page text is no longer than the feed's"
			continue
		}
		it.Text = text
	}
}

func resolveLink(base *url.URL, link string) string {
	if link == "" || base == nil {
		return link
	}
	ref, err := url.Parse(link)
	if err != nil || ref.IsAbs() {
		return link
	}
	return base.ResolveReference(ref).String()
}

// capDelay bounds a server-requested time to MaxServerDelay from now.
func capDelay(t, now time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	if limit := now.Add(MaxServerDelay); t.After(limit) {
		return limit
	}
	return t
}

func (p *Poller) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Poller) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.New(slog.DiscardHandler)
}

// capItems keeps the newest MaxItems of feed's items, in feed order, and
// returns the links (else GUIDs) of the rest, newest first. Undated items
// count as older than dated ones; among equals the feed's order decides.
func (p *Poller) capItems(feed *Feed) []string {
	limit := p.MaxItems
	if limit <= 0 {
		limit = DefaultMaxItemsPerPoll
	}
	if len(feed.Items) <= limit {
		return nil
	}
	order := make([]int, len(feed.Items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return feed.Items[b].Published.Compare(feed.Items[a].Published)
	})
	var dropped []string
	for _, i := range order[limit:] {
		dropped = append(dropped, cmp.Or(feed.Items[i].Link, feed.Items[i].GUID, feed.Items[i].Title))
	}
	keep := order[:limit]
	slices.Sort(keep)
	kept := make([]Item, len(keep))
	for j, i := range keep {
		kept[j] = feed.Items[i]
	}
	feed.Items = kept
	return dropped
}
