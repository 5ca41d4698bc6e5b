package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
)

// Slack allows about one message per second per channel; more is
// throttled with 429s.
const defaultPace = time.Second

// NotifierOptions configure a Notifier. Store, API and Channel are needed.
type NotifierOptions struct {
	Store Store
	API   *slack.Client
	// Channel receives alerts that name none of their own.
	Channel string
	// GroupInterval holds each alert back this long after it was queued,
	// so the alerts of one poll arrive together. Zero (or negative) means
	// no wait, as slack.group_interval: 0s says; the configuration's
	// default is filled in by cmd/crosscheck/config, not here, so that an
	// explicit 0s is never mistaken for "unset".
	GroupInterval time.Duration
	// Pace is the least time between two messages to one channel
	// (default 1 s).
	Pace time.Duration
	// PollInterval is how often the outbox is read when nothing wakes the
	// notifier (default 1 s).
	PollInterval time.Duration
	// MaxBackoff caps the wait between failed attempts (default 5 min).
	MaxBackoff time.Duration
	Log        *slog.Logger
	// OnDelivery, if set, hears every delivery attempt: nil for an alert
	// delivered, the error for one that failed and stays queued (for the
	// operator's metrics).
	OnDelivery func(err error)
}

// Notifier delivers the outbox to Slack: each channel in its own lane, in
// queue order, paced, retried until delivered. Nothing reaches Slack that
// was not queued in the store first, and an alert leaves the outbox only
// once Slack has taken it.
type Notifier struct {
	opts NotifierOptions
	log  *slog.Logger
	wake chan struct{}

	mu     sync.Mutex
	health map[string]ChannelHealth
	// nextSend is, per channel, the earliest time of its next post: it
	// outlives a lane, so Flush after Run keeps the pace.
	nextSend map[string]time.Time
}

// ChannelHealth is a lane's last delivery outcome, for `status`.
type ChannelHealth struct {
	Channel   string
	LastError string
	// Since is when the current error began; LastSent the last success.
	Since, LastSent time.Time
}

// NewNotifier checks the options and fills in defaults.
func NewNotifier(opts NotifierOptions) (*Notifier, error) {
	switch {
	case opts.Store == nil:
		return nil, errors.New("bot: notifier needs a store")
	case opts.API == nil:
		return nil, errors.New("bot: notifier needs a Slack client")
	case opts.Channel == "":
		return nil, errors.New("bot: notifier needs an alert channel (slack.channel)")
	}
	if opts.GroupInterval < 0 {
		opts.GroupInterval = 0
	}
	if opts.Pace <= 0 {
		opts.Pace = defaultPace
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{opts: opts, log: opts.Log, wake: make(chan struct{}, 1),
		health: map[string]ChannelHealth{}, nextSend: map[string]time.Time{}}, nil
}

// Wake tells the notifier that alerts were queued, so it need not wait for
// its next poll.
func (n *Notifier) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Health reports each channel's delivery state, channels in error first.
func (n *Notifier) Health() []ChannelHealth {
	n.mu.Lock()
	defer n.mu.Unlock()
	var bad, good []ChannelHealth
	for _, h := range n.health {
		if h.LastError != "" {
			bad = append(bad, h)
		} else {
			good = append(good, h)
		}
	}
	return append(bad, good...)
}

func (n *Notifier) noteResult(channel string, err error, now time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	h := n.health[channel]
	h.Channel = channel
	if err == nil {
		h.LastError, h.Since, h.LastSent = "", time.Time{}, now
	} else {
		if h.LastError == "" {
			h.Since = now
		}
		h.LastError = err.Error()
	}
	n.health[channel] = h
}

// Run delivers until ctx ends. Alerts still queued then stay in the store
// for Flush or the next start.
func (n *Notifier) Run(ctx context.Context) error {
	n.serve(ctx, false)
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("bot: notifier: %w", err)
	}
	return nil
}

// Flush delivers every queued alert now, without the group interval,
// and returns when the outbox holds nothing deliverable (only alerts
// waiting out a Retry-After or backoff beyond ctx, or none) or ctx ends.
// It is for shutdown: give it a deadline.
func (n *Notifier) Flush(ctx context.Context) error {
	n.serve(ctx, true)
	depth, err := n.opts.Store.OutboxDepth(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("bot: flush: %w", err)
	}
	if depth > 0 {
		return fmt.Errorf("bot: flush: %d alerts still queued (kept in the store for the next start)", depth)
	}
	return nil
}

// serve runs one lane per channel with alerts waiting. A wake reads the
// lanes' counters and nudges their goroutines; each lane reads only its
// head from the store, so a wake costs what it delivers, not what is
// queued. With flush, every lane stops once it has nothing it can deliver
// before ctx's deadline, and serve returns when all have.
func (n *Notifier) serve(ctx context.Context, flush bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	lanes := map[string]chan struct{}{}

	poll := time.NewTimer(0)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		case <-poll.C:
		}
		queued, err := n.opts.Store.Lanes(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			n.log.Error("outbox unreadable", "error", err)
		}
		for _, l := range queued {
			nudge := lanes[l.Channel]
			if nudge == nil {
				nudge = make(chan struct{}, 1)
				lanes[l.Channel] = nudge
				wg.Go(func() { n.runLane(ctx, l.Channel, nudge, flush) })
			}
			select {
			case nudge <- struct{}{}:
			default:
			}
		}
		if flush {
			wg.Wait()
			return
		}
		poll.Reset(n.opts.PollInterval)
	}
}

// runLane delivers one lane ("" is the default channel) in queue order:
// its head when due, then the next. The head blocks the rest, so a
// parent goes out before the replies behind it. nudge says the lane may
// have new work.
func (n *Notifier) runLane(ctx context.Context, lane string, nudge <-chan struct{}, flush bool) {
	channel := lane
	if channel == "" {
		channel = n.opts.Channel
	}
	nextSend := n.paced(channel, time.Time{})
	// The lane's own knowledge of when its head may be retried wins over
	// a record whose deferral could not be stored.
	var holdSeq uint64
	var holdUntil time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		a, ok, err := n.opts.Store.NextAlert(ctx, lane)
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		switch {
		case err != nil:
			n.log.Error("outbox lane unreadable", "channel", channel, "error", err)
			wait = n.opts.PollInterval
		case !ok:
			if flush {
				return
			}
			wait = -1 // until nudged
		default:
			due := later(a.NotBefore, nextSend)
			if a.Seq == holdSeq {
				due = later(due, holdUntil)
			}
			if !flush {
				due = later(due, a.Queued.Add(n.opts.GroupInterval))
			}
			if wait = time.Until(due); wait <= 0 {
				sent, retryAt := n.deliver(ctx, channel, a)
				nextSend = n.paced(channel, time.Time{})
				if ctx.Err() != nil {
					return
				}
				if !sent {
					holdSeq, holdUntil = a.Seq, retryAt
				}
				continue
			}
			if flush && deadlineBefore(ctx, due) {
				return
			}
		}
		if wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-nudge:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// paced records next (unless zero) as the earliest next post to channel
// and returns the one recorded. A post sets it as it ends; alerts that
// post nothing (dropped, or found already in Slack) cost no time.
func (n *Notifier) paced(channel string, next time.Time) time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !next.IsZero() {
		n.nextSend[channel] = next
	}
	return n.nextSend[channel]
}

func deadlineBefore(ctx context.Context, t time.Time) bool {
	d, ok := ctx.Deadline()
	return ok && d.Before(t)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// deliver posts one alert. It returns whether the alert left the outbox
// (posted, found already posted, or dropped because its conflict no
// longer wants it) and, if not, when to try again.
func (n *Notifier) deliver(ctx context.Context, channel string, a state.Alert) (bool, time.Time) {
	log := n.log.With("seq", a.Seq, "conflict_id", a.ConflictID, "kind", string(a.Kind), "channel", channel)
	c, err := n.opts.Store.Conflict(ctx, a.ConflictID)
	if errors.Is(err, state.ErrNotFound) {
		log.Warn("alert for a conflict that is gone; dropped")
		return n.drop(ctx, log, a), time.Time{}
	}
	if err != nil {
		return false, n.retry(ctx, log, channel, a, err)
	}
	th, hasThread, err := n.opts.Store.ThreadOf(ctx, a.ConflictID)
	if err != nil {
		return false, n.retry(ctx, log, channel, a, err)
	}
	if a.Kind != state.AlertNew && a.Claim == nil && hasThread {
		log.Info("evidence no longer in the ledger (pruned) and its parent is posted; alert dropped")
		return n.drop(ctx, log, a), time.Time{}
	}
	// A follow-up whose parent was never posted (its conflict opened in
	// backfill, say) becomes the parent.
	reply := a.Kind != state.AlertNew && hasThread && a.Claim != nil

	// The mark goes in before the post, so that a crash after Slack took
	// it leaves a trace for the next attempt.
	earlier, err := n.opts.Store.BeginAlert(ctx, a.Seq, time.Now())
	if errors.Is(err, state.ErrNotFound) {
		return true, time.Time{}
	}
	if err != nil {
		return false, n.retry(ctx, log, channel, a, err)
	}
	if a.Digest {
		// Evidence recorded until the mark went in joined this digest
		// rather than queueing its own: read the conflict again so the
		// digest carries it. Evidence after the mark queues a new digest.
		if fresh, err := n.opts.Store.Conflict(ctx, a.ConflictID); err == nil {
			c = fresh
		}
	}
	if !earlier.IsZero() {
		found, ok, err := n.findPosted(ctx, log, channel, a, th, reply, earlier)
		if err != nil {
			return false, n.retry(ctx, log, channel, a, err)
		}
		if ok {
			log.Info("alert already in Slack from an earlier attempt; not posted again", "ts", found.TS)
			return n.sent(ctx, log, channel, a, c, found, reply), time.Time{}
		}
	}

	if c.Status == state.StatusResolved || c.Status == state.StatusDismissed {
		log.Info("conflict closed before delivery; alert dropped", "status", string(c.Status))
		return n.drop(ctx, log, a), time.Time{}
	}
	if !n.mutedUntil(ctx, c).IsZero() {
		log.Info("conflict muted before delivery; alert dropped")
		return n.drop(ctx, log, a), time.Time{}
	}
	posted, err := n.post(ctx, channel, a, c, th, reply)
	if err != nil {
		return false, n.retry(ctx, log, channel, a, err)
	}
	return n.sent(ctx, log, channel, a, c, posted, reply), time.Time{}
}

// alertEventType labels the bot's alert posts in Slack's message
// metadata, which is how findPosted recognises them.
const alertEventType = "crosscheck_alert"

// post sends alert a: a reply in the conflict's thread, or its parent.
// Both carry the alert's metadata.
func (n *Notifier) post(ctx context.Context, channel string, a state.Alert, c state.Conflict, th state.Thread, reply bool) (state.Thread, error) {
	meta := slack.MsgOptionMetadata(slack.SlackMetadata{EventType: alertEventType, EventPayload: map[string]any{
		"alert": strconv.FormatUint(a.Seq, 10), "conflict": a.ConflictID,
	}})
	// The pace runs from each post's answer (Slack has taken the post by
	// then, so the next arrives a second later whatever the network's
	// jitter), not from the end of the store writes around it, which wait
	// for the write lock: one post a second, not one per second plus a
	// commit.
	defer func() { n.paced(channel, time.Now().Add(n.opts.Pace)) }()
	if !reply {
		text, blocks := RenderAlert(View{Conflict: c})
		ch, ts, err := n.opts.API.PostMessageContext(ctx, channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...), meta)
		if err != nil {
			return state.Thread{}, fmt.Errorf("bot: post alert %d: %w", a.Seq, err)
		}
		return state.Thread{Channel: ch, TS: ts}, nil
	}
	text := RenderEvidence(c, *a.Claim)
	if pairs, n := digestOf(a, c); a.Digest && n > 0 {
		// Rendered now, from the conflict as it stands: the evidence that
		// joined while the digest waited is in it.
		text = RenderDigest(c, pairs, n, a.Claim)
	}
	if a.Kind == state.AlertRevision {
		text = RenderRevision(c, *a.Claim)
	}
	// Never reply_broadcast: follow-ups stay in the thread.
	if _, _, err := n.opts.API.PostMessageContext(ctx, th.Channel, slack.MsgOptionText(text, false), slack.MsgOptionTS(th.TS), meta); err != nil {
		return state.Thread{}, fmt.Errorf("bot: post alert %d in thread %s: %w", a.Seq, th.TS, err)
	}
	return th, nil
}

// sent records alert a as delivered at posted; new evidence also
// refreshes the parent, whose sides and sources it changes.
func (n *Notifier) sent(ctx context.Context, log *slog.Logger, channel string, a state.Alert, c state.Conflict, posted state.Thread, reply bool) bool {
	if reply && a.Kind == state.AlertEvidence && (c.Status == state.StatusOpen || c.Status == "") {
		text, blocks := RenderAlert(View{Conflict: c})
		if _, _, _, err := n.opts.API.UpdateMessageContext(ctx, posted.Channel, posted.TS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
			// The reply is in; posting it again would double it. The
			// parent catches up with the next update.
			log.Warn("parent not updated with new evidence", "error", err)
		}
	}
	if err := n.opts.Store.MarkAlertSent(context.WithoutCancel(ctx), a.Seq, posted); err != nil && !errors.Is(err, state.ErrNotFound) {
		// Slack has it, and the in-flight mark stays: the next attempt
		// finds the message instead of posting it again.
		log.Error("alert posted but not marked sent", "error", err)
	}
	n.noteResult(channel, nil, time.Now())
	if n.opts.OnDelivery != nil {
		n.opts.OnDelivery(nil)
	}
	log.Info("alert delivered", "ts", posted.TS)
	return true
}

// Looking for a lost post reads at most lookupPages pages of lookupPage
// messages; clockSkew widens the window, since Slack stamps messages by
// its clock, not ours.
const (
	lookupPage  = 200
	lookupPages = 25
	clockSkew   = 5 * time.Minute
)

// findPosted looks in Slack for the message an earlier attempt at alert a
// may have posted before its outcome was lost (the process died, or the
// answer never came), by the metadata every alert post carries: among the
// thread's replies for a reply, else in the channel's history since the
// alert was queued.
func (n *Notifier) findPosted(ctx context.Context, log *slog.Logger, channel string, a state.Alert, th state.Thread, reply bool, attempted time.Time) (state.Thread, bool, error) {
	from := attempted
	if !a.Queued.IsZero() && a.Queued.Before(from) {
		from = a.Queued
	}
	oldest := formatTS(from.Add(-clockSkew))
	var page func(cursor string) ([]slack.Message, string, error)
	if reply {
		page = func(cursor string) ([]slack.Message, string, error) {
			msgs, more, next, err := n.opts.API.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: th.Channel, Timestamp: th.TS, Cursor: cursor, Oldest: oldest, Limit: lookupPage, IncludeAllMetadata: true,
			})
			if !more {
				next = ""
			}
			return msgs, next, err
		}
	} else {
		if strings.HasPrefix(channel, "#") {
			// conversations.history takes only IDs, and the ID is in the
			// answer that was lost.
			log.Warn("cannot look for an alert whose post was interrupted in a channel given by name; posting it again (set slack.channel to the channel ID to avoid doubles)")
			return state.Thread{}, false, nil
		}
		page = func(cursor string) ([]slack.Message, string, error) {
			h, err := n.opts.API.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Cursor: cursor, Oldest: oldest, Limit: lookupPage, IncludeAllMetadata: true,
			})
			if err != nil {
				return nil, "", err
			}
			if !h.HasMore {
				return h.Messages, "", nil
			}
			return h.Messages, h.ResponseMetaData.NextCursor, nil
		}
	}
	seq := strconv.FormatUint(a.Seq, 10)
	cursor := ""
	for range lookupPages {
		msgs, next, err := page(cursor)
		if err != nil {
			return state.Thread{}, false, fmt.Errorf("bot: look in Slack for alert %d: %w", a.Seq, err)
		}
		for _, m := range msgs {
			md := m.Metadata
			if md.EventType == alertEventType && fmt.Sprint(md.EventPayload["alert"]) == seq && fmt.Sprint(md.EventPayload["conflict"]) == a.ConflictID {
				if reply {
					return th, true, nil
				}
				return state.Thread{Channel: channel, TS: m.Timestamp}, true, nil
			}
		}
		if next == "" {
			return state.Thread{}, false, nil
		}
		cursor = next
	}
	log.Warn("alert not found in the recent messages searched; posting it", "pages", lookupPages)
	return state.Thread{}, false, nil
}

// formatTS writes t as a Slack "seconds.micros" stamp.
func formatTS(t time.Time) string {
	us := max(t.UnixMicro(), 0)
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

func (n *Notifier) mutedUntil(ctx context.Context, c state.Conflict) time.Time {
	mutes, err := n.opts.Store.Mutes(ctx, time.Now())
	if err != nil {
		return time.Time{}
	}
	return muteFor(mutes, c)
}

// muteFor is when the latest mute covering c ends, zero if none does.
func muteFor(mutes []state.Mute, c state.Conflict) time.Time {
	topic := state.NormalizeTarget(c.Topic)
	var until time.Time
	for _, m := range mutes {
		if m.Target == c.ID || m.Target == topic || len(topic) > len(m.Target) && topic[:len(m.Target)+2] == m.Target+" |" {
			until = later(until, m.Until)
		}
	}
	return until
}

func (n *Notifier) drop(ctx context.Context, log *slog.Logger, a state.Alert) bool {
	if err := n.opts.Store.DropAlert(context.WithoutCancel(ctx), a.Seq); err != nil && !errors.Is(err, state.ErrNotFound) {
		log.Error("alert not dropped", "error", err)
		return false
	}
	return true
}

// retry records a failed attempt and returns when to try again: after
// Slack's Retry-After on a 429, else after a backoff doubling from one
// second up to MaxBackoff. The alert stays queued whatever the error, so
// a wrong channel or a revoked token loses nothing once fixed.
func (n *Notifier) retry(ctx context.Context, log *slog.Logger, channel string, a state.Alert, err error) time.Time {
	now := time.Now()
	wait := backoff(a.Attempts, n.opts.MaxBackoff)
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		wait = max(rl.RetryAfter, n.opts.Pace)
	}
	at := now.Add(wait)
	msg := describeSlackError(err, channel)
	if ctx.Err() == nil {
		if derr := n.opts.Store.DeferAlert(context.WithoutCancel(ctx), a.Seq, at, msg); derr != nil {
			log.Error("alert deferral not stored", "error", derr)
		}
		n.noteResult(channel, errors.New(msg), now)
		if n.opts.OnDelivery != nil {
			n.opts.OnDelivery(err)
		}
		log.Warn("alert not delivered; will retry", "error", msg, "attempt", a.Attempts+1, "retry_in", wait.String())
	}
	return at
}

// backoff is the wait before an alert's next delivery attempt. It is not
// desk.Backoff, the feed polls' backoff, on purpose: a Slack post retries
// within seconds (from 1 s, and already after the first failure), is capped
// by NotifierOptions.MaxBackoff (minutes, not hours) and yields to Slack's
// Retry-After; a feed waits from 5 minutes up to 6 hours so as not to
// hammer a site. Sharing one function would tie two policies that change
// for different reasons.
func backoff(attempts int, maxWait time.Duration) time.Duration {
	d := time.Second
	for range min(attempts, 30) {
		d *= 2
		if d >= maxWait {
			return maxWait
		}
	}
	return min(d, maxWait)
}

// describeSlackError says what went wrong in words an operator can act on.
func describeSlackError(err error, channel string) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "channel_not_found":
			return fmt.Sprintf("channel_not_found: Slack has no channel %s the bot can see; check slack.channel and invite the bot (/invite @Crosscheck)", channel)
		case "not_in_channel":
			return fmt.Sprintf("not_in_channel: invite the bot to %s (/invite @Crosscheck)", channel)
		case "invalid_auth", "token_revoked", "not_authed", "account_inactive":
			return se.Err + ": Slack refused SLACK_BOT_TOKEN"
		case "missing_scope":
			return "missing_scope: the app lacks a scope it needs (channels:history and groups:history let it check for alerts posted before a crash); reinstall it from manifest.yaml"
		}
		return se.Err
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return fmt.Sprintf("rate limited by Slack; retry after %s", rl.RetryAfter)
	}
	return err.Error()
}
