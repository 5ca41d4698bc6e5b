package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// Extractor reads an article's claims: claim.Extractor (the token
// engine) or extract.Extractor (frames over the language layer).
type Extractor interface {
	Extract(claim.Article) []claim.Claim
}

// Desk joins a poller, an extractor and the store. Store is required;
// Extractor defaults to claim.Extract's defaults; Poller is needed only by
// Poll.
type Desk struct {
	Store     *state.Store
	Extractor Extractor
	Poller    *feeds.Poller
	// Now dates articles that carry no publication time and failed polls;
	// the wall clock when nil.
	Now func() time.Time
	// MaxClaims caps the claims one poll commits (DefaultMaxClaimsPerPoll
	// when 0), which bounds how long the commit holds the store's write
	// lock: see fitClaims.
	MaxClaims int
	Log       *slog.Logger
	// Backtest records articles without alerting (replay): their items
	// are backfill, so the conflicts they raise are kept but queue
	// nothing, and a store kept from a back-test can later be run without
	// posting it. Live evidence on such a conflict announces it then.
	Backtest bool
}

// DefaultMaxClaimsPerPoll is limits.max_claims_per_poll's default: a poll
// at this cap and the item cap holds the write lock for well under a
// second on two shared cores (state's TestMuteWhileAPollCommits).
const DefaultMaxClaimsPerPoll = 2000

// ErrNoPoller is returned by Poll on a desk built without a poller.
var ErrNoPoller = errors.New("desk: no poller")

// Poll polls one feed, extracts the claims of its new and updated items and
// commits the poll: items, claims, conflicts and alerts in one transaction.
// The first poll of a feed is backfill: recorded, never alerted.
func (d *Desk) Poll(ctx context.Context, src feeds.Source) (state.PollResult, error) {
	if d.Poller == nil {
		return state.PollResult{}, ErrNoPoller
	}
	poll, err := d.Poller.Poll(ctx, src)
	if err != nil {
		return state.PollResult{}, d.failed(ctx, src, err)
	}
	outlet := src.Outlet
	if outlet == "" {
		outlet = src.Name
	}
	for i := range poll.Items {
		it := &poll.Items[i]
		if it.Item.Outlet == "" {
			it.Item.Outlet = outlet
		}
		it.Claims = d.claims(claim.Article{
			Outlet: it.Item.Outlet, URL: it.Item.URL, Title: it.Item.Title,
			Published: d.published(it.Item.Published), Text: it.Text,
		})
	}
	d.fitClaims(src.Name, poll)
	res, err := d.Store.CommitPoll(ctx, *poll)
	if err != nil {
		return state.PollResult{}, fmt.Errorf("desk: poll %s: %w", src.Name, err)
	}
	if len(res.Conflicts) > 0 {
		d.log().Info("conflicts opened", "feed", src.Name, "conflicts", len(res.Conflicts))
	}
	return res, nil
}

// fitClaims keeps a poll within MaxClaims claims. Items are taken newest
// first while their claims fit; the item that does not fit and every older
// item with claims are deferred: left out of the poll, so not marked seen,
// and the next poll brings them again, a backlog draining a poll at a time.
// A first poll stays backfill until nothing is deferred. A single item
// with more claims than the cap keeps its first MaxClaims claims. What was
// deferred or cut is named in a warning and in the feed's LastError.
func (d *Desk) fitClaims(feed string, poll *feeds.Poll) {
	limit := d.MaxClaims
	if limit <= 0 {
		limit = DefaultMaxClaimsPerPoll
	}
	total := 0
	for _, it := range poll.Items {
		total += len(it.Claims)
	}
	if total <= limit {
		return
	}
	order := make([]int, len(poll.Items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return poll.Items[b].Item.Published.Compare(poll.Items[a].Item.Published)
	})
	deferred := map[int]bool{}
	var named []string
	cut, budget := 0, limit
	for _, i := range order {
		it := &poll.Items[i]
		switch n := len(it.Claims); {
		case n == 0:
		case n <= budget && len(deferred) == 0:
			budget -= n
		case budget == limit:
			// The newest item alone is over the cap: it is cut, or it
			// would be deferred for ever.
			cut = n - budget
			it.Claims, budget = it.Claims[:budget], 0
			named = append(named, it.Item.URL)
		default:
			deferred[i] = true
			named = append(named, it.Item.URL)
		}
	}
	kept := poll.Items[:0]
	backfill := false
	for i, it := range poll.Items {
		backfill = backfill || it.Item.Backfill
		if !deferred[i] {
			kept = append(kept, it)
		}
	}
	poll.Items = kept
	if backfill && len(deferred) > 0 {
		poll.State.Polled = false
	}
	note := fmt.Sprintf("desk: poll %s: %d claims, over limits.max_claims_per_poll (%d): %d items deferred to the next poll, %d claims of one item dropped",
		feed, total, limit, len(deferred), cut)
	poll.State.LastError = strings.TrimPrefix(poll.State.LastError+"; "+note, "; ")
	d.log().Warn("poll over the claim cap", "feed", feed, "claims", total, "max_claims", limit,
		"deferred_items", len(deferred), "claims_dropped", cut, "items", named[:min(len(named), 20)])
}

// Replay records one article as if a feed had brought it and returns the
// conflicts it opened. It is what `crosscheck replay` does per line.
func (d *Desk) Replay(ctx context.Context, a claim.Article) ([]state.Conflict, error) {
	res, err := d.Record(ctx, a)
	return res.Opened, err
}

// Record is Replay with the whole result: claims stored and refused,
// conflicts opened and joined, alerts queued.
func (d *Desk) Record(ctx context.Context, a claim.Article) (state.Recorded, error) {
	res, err := d.Store.Record(ctx, d.Item(a))
	if err != nil {
		return state.Recorded{}, fmt.Errorf("desk: record %s: %w", describe(a), err)
	}
	return res, nil
}

// RecordAll records articles in order in one transaction, as one poll
// would: a back-test of many articles pays for one commit, not one each.
func (d *Desk) RecordAll(ctx context.Context, as ...claim.Article) (state.Recorded, error) {
	items := make([]feeds.PolledItem, len(as))
	for i, a := range as {
		items[i] = d.Item(a)
	}
	res, err := d.Store.Record(ctx, items...)
	if err != nil {
		return state.Recorded{}, fmt.Errorf("desk: record %d articles: %w", len(as), err)
	}
	return res, nil
}

// Check judges one article against the ledger without storing it: the
// conflicts it would open, those it would add evidence to, and, for an
// article already recorded, the conflicts its claims are part of. It
// answers "/crosscheck check URL".
func (d *Desk) Check(ctx context.Context, a claim.Article) ([]state.Conflict, error) {
	item := d.Item(a)
	res, err := d.Store.Preview(ctx, item)
	if err != nil {
		return nil, fmt.Errorf("desk: check %s: %w", describe(a), err)
	}
	out := append(res.Opened, res.Joined...)
	if res.Duplicates == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	for _, c := range out {
		seen[c.ID] = true
	}
	for _, cl := range item.Claims {
		if seen["claimant\x00"+cl.Claimant] {
			continue
		}
		seen["claimant\x00"+cl.Claimant] = true
		cs, err := d.Store.ConflictsOf(ctx, cl.Claimant)
		if err != nil {
			return nil, fmt.Errorf("desk: check %s: %w", describe(a), err)
		}
		for _, c := range cs {
			if !seen[c.ID] && cites(c, a) {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// cites reports whether a conflict holds a claim read in article a.
func cites(c state.Conflict, a claim.Article) bool {
	for _, s := range c.Sides {
		for _, cl := range s.Claims {
			if cl.Outlet == a.Outlet && cl.URL == a.URL {
				return true
			}
		}
	}
	return false
}

// Item turns an article into the polled item the ledger records, its
// claims extracted.
func (d *Desk) Item(a claim.Article) feeds.PolledItem {
	a.Published = d.published(a.Published)
	h := sha256.Sum256([]byte(a.Outlet + "\x00" + a.URL + "\x00" + a.Title + "\x00" + a.Text))
	id := hex.EncodeToString(h[:12])
	return feeds.PolledItem{
		Item: feeds.ItemRecord{
			ID: id, Outlet: a.Outlet, URL: a.URL, Title: a.Title,
			Published: a.Published, ContentHash: id, Backfill: d.Backtest,
		},
		Text:   a.Text,
		Claims: d.claims(a),
	}
}

// claims extracts an article's claims and leaves out, with a warning, any
// the ledger would refuse, so one extraction slip cannot fail a poll.
func (d *Desk) claims(a claim.Article) []claim.Claim {
	var cs []claim.Claim
	if d.Extractor != nil {
		cs = d.Extractor.Extract(a)
	} else {
		cs = claim.Extract(a)
	}
	out := cs[:0]
	for _, c := range cs {
		if err := state.ValidateClaim(c); err != nil {
			d.log().Warn("claim refused", "url", a.URL, "outlet", a.Outlet, "error", err.Error())
			continue
		}
		out = append(out, c)
	}
	return out
}

func (d *Desk) published(t time.Time) time.Time {
	if !t.IsZero() {
		return t
	}
	return d.now()
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Desk) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.New(slog.DiscardHandler)
}

func describe(a claim.Article) string {
	if a.URL != "" {
		return a.URL
	}
	return fmt.Sprintf("%q (%s)", a.Title, a.Outlet)
}

// Backoff after failed polls: BackoffBase after the first failure, doubling
// with each one after, never more than MaxBackoff.
const (
	BackoffBase = 5 * time.Minute
	MaxBackoff  = 6 * time.Hour
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

// failed records a failed poll of src on the feed's state: its error
// count, its last error and a NextPoll backed off exponentially and never
// before the server's Retry-After; validators, counters and seen items
// stay. It returns err, joined with any error recording it.
func (d *Desk) failed(ctx context.Context, src feeds.Source, err error) error {
	var pe *feeds.PollError
	if ctx.Err() != nil || !errors.As(err, &pe) || pe.Before.Feed != src.Name {
		// Shutting down is not the feed's fault; nor is a store whose
		// state of the feed could not be read, and recording on top of
		// an unread state would reset its error count.
		return err
	}
	st := pe.Before
	now := d.now()
	st.LastPoll = now
	st.ErrorCount++
	st.LastError = err.Error()
	st.NextPoll = now.Add(Backoff(st.ErrorCount))
	var he *feeds.HTTPStatusError
	if errors.As(err, &he) {
		if ra := feeds.CapDelay(he.RetryAfter, now); ra.After(st.NextPoll) {
			st.NextPoll = ra
		}
	}
	if rerr := d.Store.RecordPollFailure(ctx, st); rerr != nil {
		return errors.Join(err, rerr)
	}
	d.log().Warn("poll failed", "feed", src.Name, "url", src.URL, "error", err.Error(),
		"error_count", st.ErrorCount, "next_poll", st.NextPoll)
	return err
}
