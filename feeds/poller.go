package feeds

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
)

// MaxServerDelay bounds how long a server's ttl, max-age or Retry-After
// can hold a feed back, so a misconfigured server cannot silence it for
// good.
const MaxServerDelay = 24 * time.Hour

// PollError is a failed poll of one feed. Its message names the feed and
// the cause without repeating the package prefix.
type PollError struct {
	Feed string
	Err  error
	// Before is the feed's state before the failed poll; zero when the
	// failure was reading it.
	Before FeedState
}

func (e *PollError) Error() string {
	return "feeds: poll " + e.Feed + ": " + strings.TrimPrefix(e.Err.Error(), "feeds: ")
}

func (e *PollError) Unwrap() error { return e.Err }

// History is what a poll needs to know of a feed's past: its state (the
// validators for a conditional GET, whether it was ever polled) and which
// items it has seen. The store provides it; the poller only reads it.
type History interface {
	FeedState(ctx context.Context, feed string) (FeedState, error)
	Seen(ctx context.Context, feed string, keys ...ItemKey) ([]SeenItem, error)
}

// Poller polls one feed at a time and stores nothing: it returns what it
// fetched and what changed, which the pipeline (feeds/desk) commits. A
// Poller is safe for concurrent use on different feeds; the caller must
// not poll one feed twice at once.
type Poller struct {
	Fetcher *Fetcher
	History History
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
// extracts claims into each PolledItem and commits it. A 304 returns a
// poll without items, whose commit only updates the feed state. The
// poll's State is the feed's state after a success: validators, health
// reset, and a NextPoll no sooner than the server's ttl, max-age or
// Retry-After allow.
//
// A failure is a *PollError, with the state the feed had before it; what
// a failure does to the feed's state (backoff, error count) is the
// pipeline's to decide and record.
func (p *Poller) Poll(ctx context.Context, src Source) (*Poll, error) {
	st, err := p.History.FeedState(ctx, src.Name)
	if err != nil {
		return nil, &PollError{Feed: src.Name, Err: err}
	}
	poll, err := p.poll(ctx, src, st, p.now())
	if err != nil {
		return nil, &PollError{Feed: src.Name, Err: err, Before: st}
	}
	return poll, nil
}

func (p *Poller) poll(ctx context.Context, src Source, st FeedState, now time.Time) (*Poll, error) {
	resp, err := p.Fetcher.Fetch(ctx, src.URL, Validators{ETag: st.ETag, LastModified: st.LastModified})
	if err != nil {
		return nil, err
	}
	next := st
	next.LastPoll, next.LastSuccess = now, now
	next.ErrorCount, next.LastError = 0, ""
	next.ETag, next.LastModified = resp.ETag, resp.LastModified
	if resp.NotModified {
		next.NextPoll = later(now, CapDelay(resp.NotBefore, now))
		p.log().Debug("feed not modified", "feed", src.Name)
		return &Poll{Feed: src.Name, State: next}, nil
	}

	feed, err := ParseWithContentType(resp.Body, resp.ContentType)
	if err != nil {
		return nil, err
	}
	next.Polled = true
	next.NextPoll = later(now, CapDelay(resp.NotBefore, now))
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
	return &Poll{Feed: src.Name, State: next, Items: items}, nil
}

type candidate struct {
	item              Item
	id, linkKey, hash string
	link              string
}

// fresh keeps the items that are new, or seen before with other content.
// An item found by its link key under another identity keeps the stored
// identity, so a re-published item is not new and its claims stay one.
func (p *Poller) fresh(ctx context.Context, src Source, feed *Feed, base string, backfill bool) ([]PolledItem, error) {
	baseURL, _ := url.Parse(base)
	cands := make([]candidate, 0, len(feed.Items))
	keys := make([]ItemKey, 0, len(feed.Items))
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
		keys = append(keys, ItemKey{ID: id, LinkKey: lk})
	}
	if len(cands) == 0 {
		return nil, nil
	}
	seen, err := p.History.Seen(ctx, src.Name, keys...)
	if err != nil {
		return nil, err
	}
	var out []PolledItem
	updated := map[string]bool{}
	for i, c := range cands {
		rec := ItemRecord{
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
		out = append(out, PolledItem{Item: rec, Text: text})
	}
	return out, nil
}

// fillFullText replaces teasers with the article page's text. Any failure
// keeps the feed's text and says why on the item.
func (p *Poller) fillFullText(ctx context.Context, items []PolledItem) {
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

// CapDelay bounds a server-requested time to MaxServerDelay from now.
func CapDelay(t, now time.Time) time.Time {
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
