package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// writeDelivery is status's outbox part: how many alerts wait, each
// channel's delivery state (queued, last post, last error) and the routes
// that choose the channel.
func (b *Bot) writeDelivery(ctx context.Context, sb *strings.Builder, now time.Time) error {
	lanes, err := b.opts.Store.Lanes(ctx)
	if err != nil {
		return err
	}
	def := b.cfg.Slack.Channel
	queued := map[string]int{}
	total := 0
	for _, l := range lanes {
		ch := l.Channel
		if ch == "" {
			ch = def
		}
		queued[ch] += l.Queued
		total += l.Queued
	}
	channels := []string{def}
	for _, r := range b.cfg.Slack.Routes {
		channels = append(channels, r.Channel)
	}
	for _, l := range lanes {
		channels = append(channels, l.Channel)
	}
	health := map[string]ChannelHealth{}
	for _, h := range b.notifier.Health() {
		health[h.Channel] = h
		channels = append(channels, h.Channel)
	}

	fmt.Fprintf(sb, "*Outbox*: %d alert(s) waiting\n*Delivery*\n", total)
	seen := map[string]bool{"": true}
	for _, ch := range channels {
		if seen[ch] {
			continue
		}
		seen[ch] = true
		h := health[ch]
		fmt.Fprintf(sb, "• %s", channelRef(ch))
		if ch == def {
			sb.WriteString(" (default)")
		}
		fmt.Fprintf(sb, ": %d queued · last post %s", queued[ch], ago(now, h.LastSent))
		switch {
		case h.LastError != "":
			fmt.Fprintf(sb, "\n    :warning: failing since %s: %s", ago(now, h.Since), escape(h.LastError))
		case queued[ch] > 0:
			lane := ch
			if ch == def {
				lane = ""
			}
			if head, ok, err := b.opts.Store.NextAlert(ctx, lane); err == nil && ok && head.LastError != "" {
				fmt.Fprintf(sb, "\n    :warning: the oldest failed %d time(s): %s", head.Attempts, escape(head.LastError))
			}
		}
		sb.WriteString("\n")
	}
	writeRoutes(sb, b.cfg.Slack)
	return nil
}

// writeRoutes lists slack.routes in the order they are tried.
func writeRoutes(sb *strings.Builder, s Slack) {
	if len(s.Routes) == 0 {
		return
	}
	sb.WriteString("*Routes* (first match wins)\n")
	for i, r := range s.Routes {
		var when []string
		for _, m := range []struct {
			what  string
			names []string
		}{{"feeds", r.Feeds}, {"outlets", r.Outlets}, {"beats", r.Beats}, {"places", r.Places}} {
			if len(m.names) > 0 {
				when = append(when, m.what+" "+escape(strings.Join(m.names, ", ")))
			}
		}
		fmt.Fprintf(sb, "%d. %s → %s\n", i+1, strings.Join(when, "; "), channelRef(r.Channel))
	}
	fmt.Fprintf(sb, "otherwise → %s\n", channelRef(s.Channel))
}

// channelRef links a channel ID in Slack's markup; a #name stays as written.
func channelRef(ch string) string {
	if ch == "" || strings.HasPrefix(ch, "#") {
		return escape(ch)
	}
	return "<#" + ch + ">"
}
