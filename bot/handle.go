package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	switch a.ActionID {
	case ActionMute:
		mutedUntil = now.Add(MuteButtonDuration)
		if err := b.opts.Store.Mute(ctx, id, mutedUntil); err != nil {
			return err
		}
		c, err = b.opts.Store.Conflict(ctx, id)
	case ActionResolve:
		c, err = b.opts.Store.SetConflictStatus(ctx, id, state.StatusResolved, user)
	case ActionDismiss:
		c, err = b.opts.Store.SetConflictStatus(ctx, id, state.StatusDismissed, user)
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
	text, blocks := RenderAlert(View{Conflict: c, MutedUntil: mutedUntil, By: user})
	if _, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("stored, but the alert could not be updated: %w", err)
	}
	b.log.Info("alert button", "action", a.ActionID, "conflict_id", id, "user", user)
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
	switch e := ev.Inner.(type) {
	case *slackevents.MessageEvent:
		channel, user, botID, subtype, text, ts, threadTS = e.Channel, e.User, e.BotID, e.SubType, e.Text, e.TimeStamp, e.ThreadTimeStamp
	case *slackevents.AppMentionEvent:
		channel, user, botID, text, ts, threadTS = e.Channel, e.User, e.BotID, e.Text, e.TimeStamp, e.ThreadTimeStamp
	default:
		return
	}
	selfUser, selfBot := b.self()
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
	answer := b.answerThread(ctx, c, stripMention(text, selfUser))
	if answer == "" {
		return
	}
	// MsgOptionTS without MsgOptionBroadcast: the answer stays in the thread.
	if _, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionText(clip(answer, 39000), false), slack.MsgOptionTS(threadTS)); err != nil {
		b.log.Warn("thread answer not delivered", "conflict_id", id, "error", err)
	}
}

func stripMention(text, self string) string {
	if self != "" {
		text = strings.ReplaceAll(text, "<@"+self+">", " ")
	}
	return strings.TrimSpace(text)
}
