package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// eventEnvelope is an Events API callback reduced to what the bot uses.
type eventEnvelope struct {
	EventID string
	Inner   any
}

func asEventEnvelope(data any) (eventEnvelope, bool) {
	e, ok := data.(slackevents.EventsAPIEvent)
	if !ok || e.Type != slackevents.CallbackEvent {
		return eventEnvelope{}, false
	}
	env := eventEnvelope{Inner: e.InnerEvent.Data}
	if cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent); ok {
		env.EventID = cb.EventID
	}
	return env, true
}

// requestKey names one Slack request for dedupe: by its trigger_id when
// Slack sent one, or else by a digest of everything that tells it from
// another request, so that two different requests never share a key and a
// retry of one always does. reqID is the delivery's own identity: the
// signed request timestamp in HTTP mode, the envelope ID in Socket Mode.
func requestKey(kind, triggerID string, parts ...string) string {
	if triggerID != "" {
		return kind + ":" + triggerID
	}
	h := sha256.New()
	for _, p := range parts {
		// Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return kind + ":sum:" + hex.EncodeToString(h.Sum(nil)[:16])
}

func commandKey(cmd slack.SlashCommand, reqID string) string {
	return requestKey("cmd", cmd.TriggerID,
		cmd.EnterpriseID, cmd.TeamID, cmd.UserID, cmd.ChannelID, cmd.Command, cmd.Text, reqID)
}

func interactionKey(cb slack.InteractionCallback, reqID string) string {
	parts := []string{cb.Enterprise.ID, cb.Team.ID, cb.User.ID, cb.Channel.ID, cb.Container.MessageTs, reqID}
	for _, a := range cb.ActionCallback.BlockActions {
		parts = append(parts, a.ActionID, a.Value, a.ActionTs)
	}
	return requestKey("act", cb.TriggerID, parts...)
}

// handleCommand answers /crosscheck, privately unless asked to share.
// reqID is as for requestKey.
func (b *Bot) handleCommand(ctx context.Context, cmd slack.SlashCommand, reqID string) {
	if !b.first(ctx, commandKey(cmd, reqID)) {
		return
	}
	reply, share := b.Execute(ctx, cmd.UserID, cmd.Text)
	log := b.log.With("user", cmd.UserID, "channel", cmd.ChannelID)
	reply = clip(reply, 39000)
	var err error
	if share {
		_, _, err = b.api.PostMessageContext(ctx, cmd.ChannelID, slack.MsgOptionText(reply, false))
	} else {
		_, err = b.api.PostEphemeralContext(ctx, cmd.ChannelID, cmd.UserID, slack.MsgOptionText(reply, false))
	}
	if err != nil && cmd.ResponseURL != "" {
		// The bot may not be in the channel (or it is a DM); the response
		// URL reaches the user anyway.
		typ := slack.ResponseTypeEphemeral
		if share {
			typ = slack.ResponseTypeInChannel
		}
		werr := slack.PostWebhookCustomHTTPContext(ctx, cmd.ResponseURL, b.opts.HTTPClient, &slack.WebhookMessage{Text: reply, ResponseType: typ})
		if werr == nil {
			err = nil
		}
	}
	if err != nil {
		log.Warn("command answer not delivered", "error", err)
	}
}

// handleInteraction applies a button on an alert: the effect is stored
// first, then shown on the parent at once. reqID is as for requestKey.
func (b *Bot) handleInteraction(ctx context.Context, cb slack.InteractionCallback, reqID string) {
	if cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	if !b.first(ctx, interactionKey(cb, reqID)) {
		return
	}
	for _, a := range cb.ActionCallback.BlockActions {
		if err := b.applyAction(ctx, cb, a); err != nil {
			b.log.Warn("button not applied", "action", a.ActionID, "conflict_id", a.Value, "error", err)
			b.tellUser(ctx, cb.Channel.ID, cb.User.ID, "That did not work: "+err.Error())
		}
	}
}

func (b *Bot) applyAction(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) error {
	id, user := a.Value, cb.User.ID
	var (
		c   state.Conflict
		err error
	)
	now := b.now()
	var mutedUntil time.Time
	var was string
	switch a.ActionID {
	case ActionMute:
		mutedUntil = now.Add(MuteButtonDuration)
		if err := b.opts.Store.Mute(ctx, id, mutedUntil); err != nil {
			return err
		}
		c, err = b.opts.Store.Conflict(ctx, id)
	case ActionResolve, ActionDismiss:
		status := state.StatusResolved
		if a.ActionID == ActionDismiss {
			status = state.StatusDismissed
		}
		var st settlement
		st, err = b.settle(ctx, id, status, user)
		if err == nil && st.refused != "" {
			b.tellUser(ctx, cb.Channel.ID, user, st.refused)
			return nil
		}
		c, was = st.conflict, st.was
	case ActionChart:
		return b.chartButton(ctx, id)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	if mutedUntil.IsZero() {
		mutedUntil = b.mutedUntil(ctx, c)
	}
	channel, ts := cb.Channel.ID, cb.Container.MessageTs
	if ts == "" {
		ts = cb.Message.Timestamp
	}
	if th, ok, err := b.opts.Store.ThreadOf(ctx, id); err == nil && ok {
		channel, ts = th.Channel, th.TS
	}
	by := user
	if c.ChangedBy != "" && c.Status != state.StatusOpen {
		by = c.ChangedBy // a repeated click leaves the first settler named
	}
	text, blocks := RenderAlert(View{Conflict: c, MutedUntil: mutedUntil, By: by, Was: was})
	if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("stored, but the alert could not be updated: %w", err)
	}
	b.log.Info("alert button", "action", a.ActionID, "conflict_id", id, "user", user)
	return nil
}

// settlement is what a Resolved or Not a contradiction click did: the
// conflict after it, what it replaced ("marked not a contradiction by
// <@U1>") or, when the click changed nothing, why (refused), for the
// clicker alone.
type settlement struct {
	conflict state.Conflict
	was      string
	refused  string
}

// settle applies the buttons' rule, which README.md states: anyone may
// settle an open conflict or change a settlement a non-admin made; an
// admin's settlement stands against a non-admin's click, so a
// "Not a contradiction" from the desk never silently undoes an admin's
// "Resolved" (nor the reverse). Clicks are applied one at a time, so two
// people clicking at once cannot both read the conflict as open.
func (b *Bot) settle(ctx context.Context, id string, status state.ConflictStatus, user string) (settlement, error) {
	b.settleMu.Lock()
	defer b.settleMu.Unlock()
	cur, err := b.opts.Store.Conflict(ctx, id)
	if err != nil {
		return settlement{}, err
	}
	settled := cur.Status == state.StatusResolved || cur.Status == state.StatusDismissed
	switch {
	case settled && cur.Status == status:
		return settlement{conflict: cur}, nil
	case settled && b.isAdmin(cur.ChangedBy) && !b.isAdmin(user):
		return settlement{conflict: cur, refused: fmt.Sprintf(
			"%s by <@%s>, an admin, stands: only an admin can change it.", statusWords(cur.Status), cur.ChangedBy)}, nil
	}
	c, err := b.opts.Store.SetConflictStatus(ctx, id, status, user)
	if err != nil {
		return settlement{}, err
	}
	st := settlement{conflict: c}
	if settled && cur.ChangedBy != "" {
		st.was = strings.ToLower(statusWords(cur.Status)[:1]) + statusWords(cur.Status)[1:] + " by <@" + cur.ChangedBy + ">"
	}
	return st, nil
}

func statusWords(s state.ConflictStatus) string {
	if s == state.StatusDismissed {
		return "Marked not a contradiction"
	}
	return "Resolved"
}

// chartButton posts the chart into the alert's thread; the parent is
// left as it is.
func (b *Bot) chartButton(ctx context.Context, id string) error {
	th, ok, err := b.opts.Store.ThreadOf(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no thread for %s", id)
	}
	c, err := b.opts.Store.Conflict(ctx, id)
	if err != nil {
		return err
	}
	b.postChart(ctx, c, th)
	return nil
}

func (b *Bot) mutedUntil(ctx context.Context, c state.Conflict) time.Time {
	mutes, err := b.opts.Store.Mutes(ctx, b.now())
	if err != nil {
		return time.Time{}
	}
	return muteFor(mutes, c)
}

func (b *Bot) tellUser(ctx context.Context, channel, user, text string) {
	if channel == "" || user == "" {
		return
	}
	if _, err := b.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(text, false)); err != nil {
		b.log.Warn("ephemeral reply not delivered", "error", err)
	}
}

// handleEvent answers questions in the threads of the bot's alerts.
func (b *Bot) handleEvent(ctx context.Context, ev eventEnvelope) {
	if ev.EventID != "" && !b.first(ctx, "ev:"+ev.EventID) {
		return
	}
	var channel, user, botID, subtype, text, ts, threadTS string
	var mentioned bool
	switch e := ev.Inner.(type) {
	case *slackevents.MessageEvent:
		channel, user, botID, subtype, text, ts, threadTS = e.Channel, e.User, e.BotID, e.SubType, e.Text, e.TimeStamp, e.ThreadTimeStamp
	case *slackevents.AppMentionEvent:
		channel, user, botID, text, ts, threadTS = e.Channel, e.User, e.BotID, e.Text, e.TimeStamp, e.ThreadTimeStamp
		mentioned = true
	default:
		return
	}
	selfUser, selfBot := b.self()
	mentioned = mentioned || selfUser != "" && strings.Contains(text, "<@"+selfUser+">")
	switch {
	case threadTS == "" || threadTS == ts:
		return // not a reply in a thread
	case botID != "" || subtype != "" || user == "":
		return // bots, edits, joins: never answered
	case user == selfUser || (selfBot != "" && botID == selfBot):
		return
	}
	// One message can arrive as both a message and an app_mention event.
	if !b.first(ctx, "msg:"+channel+":"+ts) {
		return
	}
	id, ok, err := b.opts.Store.ConflictInThread(ctx, state.Thread{Channel: channel, TS: threadTS})
	if err != nil {
		b.log.Warn("thread lookup failed", "error", err)
		return
	}
	if !ok {
		return // a thread the bot did not start
	}
	c, err := b.opts.Store.Conflict(ctx, id)
	if err != nil {
		b.log.Warn("conflict of thread unreadable", "conflict_id", id, "error", err)
		return
	}
	answer := b.answerThread(ctx, c, stripMention(text, selfUser), mentioned)
	if answer.text == "" {
		return // not a question for the bot: people talking
	}
	// MsgOptionTS without MsgOptionBroadcast: the answer stays in the thread.
	if _, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionText(clip(answer.text, 39000), false), slack.MsgOptionTS(threadTS)); err != nil {
		b.log.Warn("thread answer not delivered", "conflict_id", id, "error", err)
	}
	if answer.chart {
		b.postChart(ctx, c, state.Thread{Channel: channel, TS: threadTS})
	}
}

// postChart uploads the dispute's chart into its thread, or says there
// is nothing to draw.
func (b *Bot) postChart(ctx context.Context, c state.Conflict, th state.Thread) {
	png, err := ChartPNG(c, b.timelineClaims(ctx, c))
	if errors.Is(err, ErrNoFigures) {
		msg := "No chart: this dispute is about a status (" + escape(Headline(c)) + "), with no figures to draw."
		if _, _, err := b.api.PostMessageContext(ctx, th.Channel, slack.MsgOptionText(msg, false), slack.MsgOptionTS(th.TS)); err != nil {
			b.log.Warn("thread answer not delivered", "conflict_id", c.ID, "error", err)
		}
		return
	}
	if err != nil {
		b.log.Warn("chart not drawn", "conflict_id", c.ID, "error", err)
		return
	}
	name := "crosscheck-" + c.ID + ".png"
	_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(png), FileSize: len(png), Filename: name,
		Title: "Timeline of " + Headline(c), AltTxt: "Chart of the figures in " + Headline(c) + " over time",
		Channel: th.Channel, ThreadTimestamp: th.TS,
	})
	if err != nil {
		b.log.Warn("chart not uploaded", "conflict_id", c.ID, "error", err)
	}
}

func stripMention(text, self string) string {
	if self != "" {
		text = strings.ReplaceAll(text, "<@"+self+">", " ")
	}
	return strings.TrimSpace(text)
}
