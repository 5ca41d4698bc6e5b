package bot

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// Checker reads the article at a URL and compares its claims with the
// ledger without recording them, for `/crosscheck check URL`.
type Checker interface {
	Check(ctx context.Context, url string) (CheckResult, error)
}

// CheckResult is what one article says and whom it contradicts.
type CheckResult struct {
	Claims    []claim.Claim
	Conflicts []state.Conflict
}

// How many rows a listing shows; Slack messages stay readable.
const listLimit = 20

// Execute runs the text of one /crosscheck command for user and returns
// the reply and whether to share it with the channel. Every mistake gets
// an answer, never silence.
func (b *Bot) Execute(ctx context.Context, user, text string) (reply string, share bool) {
	cmd, err := parseCommand(text)
	if err != nil {
		return err.Error(), false
	}
	reply, err = b.run(ctx, user, cmd)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			return err.Error(), false
		}
		b.log.Warn("command failed", "sub", cmd.Sub, "user", user, "error", err)
		return "Sorry, that failed: " + err.Error(), false
	}
	return reply, cmd.Share
}

func (b *Bot) run(ctx context.Context, user string, cmd command) (string, error) {
	switch cmd.Sub {
	case "help":
		return helpText(), nil
	case "status":
		return b.status(ctx)
	case "feeds":
		return b.feeds(ctx, user, cmd)
	case "claims":
		return b.claims(ctx, cmd.Arg)
	case "conflicts":
		return b.conflicts(ctx, cmd.Scope)
	case "check":
		return b.check(ctx, cmd.Arg)
	case "mute":
		return b.mute(ctx, cmd.Arg, cmd.Duration)
	case "unmute":
		return b.unmute(ctx, cmd.Arg)
	}
	return "", usageErr("", "I don't know the command %q.", cmd.Sub)
}

func (b *Bot) isAdmin(user string) bool {
	return user != "" && slices.Contains(b.cfg.Slack.Admins, user)
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t).Round(time.Second)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

func (b *Bot) status(ctx context.Context) (string, error) {
	now := b.now()
	states, err := b.opts.Store.FeedStates(ctx)
	if err != nil {
		return "", err
	}
	known := map[string]feeds.FeedState{}
	for _, s := range states {
		known[s.Feed] = s
	}
	names, _, err := b.feedNames(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range states {
		if !slices.Contains(names, s.Feed) {
			names = append(names, s.Feed)
		}
	}
	paused, err := b.opts.Store.PausedFeeds(ctx)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("*Feeds*\n")
	if len(names) == 0 {
		sb.WriteString("_none yet: `/crosscheck feeds add URL`_\n")
	}
	for _, name := range names {
		s := known[name]
		mark := ":large_green_circle:"
		switch {
		case paused[name]:
			mark = ":double_vertical_bar:"
		case s.LastError != "":
			mark = ":red_circle:"
		case s.LastPoll.IsZero():
			mark = ":white_circle:"
		}
		fmt.Fprintf(&sb, "%s *%s* — last poll %s · %d items · %d claims", mark, escape(name), ago(now, s.LastPoll), s.Items, s.Claims)
		if paused[name] {
			sb.WriteString(" · paused")
		}
		if s.LastError != "" {
			fmt.Fprintf(&sb, "\n    last error (%d in a row): %s", s.ErrorCount, escape(truncate(s.LastError, 300)))
		}
		sb.WriteString("\n")
	}
	if err := b.writeDelivery(ctx, &sb, now); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// feedNames lists the configured and the stored feeds, configured first.
func (b *Bot) feedNames(ctx context.Context) ([]string, []state.FeedEntry, error) {
	var names []string
	for _, f := range b.cfg.Feeds {
		names = append(names, f.Name)
	}
	stored, err := b.opts.Store.ListFeeds(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range stored {
		if !slices.Contains(names, f.Name) {
			names = append(names, f.Name)
		}
	}
	return names, stored, nil
}

func (b *Bot) configured(name string) (feeds.Source, bool) {
	for _, f := range b.cfg.Feeds {
		if f.Name == name {
			return f, true
		}
	}
	return feeds.Source{}, false
}

func (b *Bot) feeds(ctx context.Context, user string, cmd command) (string, error) {
	if cmd.Verb == "list" {
		return b.listFeeds(ctx)
	}
	if !b.isAdmin(user) {
		return fmt.Sprintf("Only the admins in slack.admins may change feeds (you are <@%s>). Ask one of them: %s.",
			user, mentions(b.cfg.Slack.Admins)), nil
	}
	switch cmd.Verb {
	case "add":
		return b.addFeed(ctx, user, cmd)
	case "remove":
		if _, ok := b.configured(cmd.Arg); ok {
			return fmt.Sprintf("*%s* is configured in %s; remove it there, or `feeds pause %s`.", escape(cmd.Arg), b.configFile(), escape(cmd.Arg)), nil
		}
		if err := b.opts.Store.RemoveFeed(ctx, cmd.Arg); err != nil {
			if errors.Is(err, state.ErrNoFeed) {
				return "", usageErr("feeds", "There is no feed called %q; `/crosscheck feeds` lists them.", cmd.Arg)
			}
			return "", err
		}
		if s := b.opts.Scheduler; s != nil {
			if err := s.Remove(cmd.Arg); err != nil {
				b.log.Warn("scheduler did not drop feed", "feed", cmd.Arg, "error", err)
			}
		}
		b.log.Info("feed removed", "feed", cmd.Arg, "user", user)
		return fmt.Sprintf("Removed *%s*. Its claims stay in the ledger.", escape(cmd.Arg)), nil
	case "pause", "resume":
		pause := cmd.Verb == "pause"
		if !b.feedExists(ctx, cmd.Arg) {
			return "", usageErr("feeds", "There is no feed called %q; `/crosscheck feeds` lists them.", cmd.Arg)
		}
		if err := b.opts.Store.SetFeedPaused(ctx, cmd.Arg, pause, user); err != nil {
			return "", err
		}
		if s := b.opts.Scheduler; s != nil {
			var err error
			if pause {
				err = s.Pause(cmd.Arg)
			} else {
				err = s.Resume(cmd.Arg)
			}
			if err != nil {
				b.log.Warn("scheduler did not take the change", "feed", cmd.Arg, "error", err)
			}
		}
		b.log.Info("feed "+cmd.Verb+"d", "feed", cmd.Arg, "user", user)
		if pause {
			return fmt.Sprintf("Paused *%s*; `feeds resume %s` starts it again.", escape(cmd.Arg), escape(cmd.Arg)), nil
		}
		return fmt.Sprintf("Resumed *%s*.", escape(cmd.Arg)), nil
	}
	return "", usageErr("feeds", "`feeds` has no action %q.", cmd.Verb)
}

func (b *Bot) configFile() string {
	if b.cfg.File != "" {
		return b.cfg.File
	}
	return "the configuration"
}

func (b *Bot) feedExists(ctx context.Context, name string) bool {
	names, _, err := b.feedNames(ctx)
	return err == nil && slices.Contains(names, name)
}

func mentions(users []string) string {
	if len(users) == 0 {
		return "none are configured"
	}
	var out []string
	for _, u := range users {
		out = append(out, "<@"+u+">")
	}
	return strings.Join(out, ", ")
}

func (b *Bot) addFeed(ctx context.Context, user string, cmd command) (string, error) {
	u, _ := url.Parse(cmd.Arg)
	if !b.cfg.AllowPrivateNetworks && privateHost(u.Hostname()) {
		return "", usageErr("feeds", "%s is on a private or local network; feeds must be public (allow_private_networks is off).", u.Hostname())
	}
	name := cmd.Name
	if name == "" {
		name = nameFromHost(u.Hostname())
	}
	src := feeds.Source{Name: name, URL: cmd.Arg, Outlet: u.Hostname(), Schedule: cmd.Schedule}
	if src.Schedule == "" {
		src.Schedule = feeds.DefaultSchedule
	}
	if err := src.Validate(); err != nil {
		return "", usageErr("feeds", "%v", err)
	}
	if _, ok := b.configured(name); ok {
		return "", usageErr("feeds", "A feed called %q is already configured; give another name.", name)
	}
	err := b.opts.Store.AddFeed(ctx, state.FeedEntry{Source: src, AddedAt: b.now(), AddedBy: user})
	if errors.Is(err, state.ErrFeedExists) {
		return "", usageErr("feeds", "%v", err)
	}
	if err != nil {
		return "", err
	}
	if s := b.opts.Scheduler; s != nil {
		if err := s.Add(src); err != nil {
			b.log.Warn("scheduler did not take the new feed", "feed", name, "error", err)
			return fmt.Sprintf("Added *%s* (%s), but it is not scheduled yet: %s. It will be at the next start.", escape(name), escape(src.URL), escape(err.Error())), nil
		}
	}
	b.log.Info("feed added", "feed", name, "url", src.URL, "user", user)
	return fmt.Sprintf("Added *%s* — %s, polled `%s`. Its first poll records claims without alerting.", escape(name), escape(src.URL), src.Schedule), nil
}

// nameFromHost makes a feed name of "www.kyivindependent.com":
// "kyivindependent-com".
func nameFromHost(host string) string {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	var sb strings.Builder
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
	}
	n := strings.Trim(sb.String(), "-")
	if n == "" {
		n = "feed"
	}
	return truncate(n, 60)
}

func (b *Bot) listFeeds(ctx context.Context) (string, error) {
	_, stored, err := b.feedNames(ctx)
	if err != nil {
		return "", err
	}
	paused, err := b.opts.Store.PausedFeeds(ctx)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("*Feeds*\n")
	n := 0
	line := func(name, u, schedule, origin string) {
		n++
		if schedule == "" {
			schedule = feeds.DefaultSchedule
		}
		fmt.Fprintf(&sb, "• *%s* — %s · `%s` · %s", escape(name), escape(u), schedule, origin)
		if paused[name] {
			sb.WriteString(" · paused")
		}
		sb.WriteString("\n")
	}
	for _, f := range b.cfg.Feeds {
		line(f.Name, f.URL, f.Schedule, "configured")
	}
	for _, f := range stored {
		if _, ok := b.configured(f.Name); ok {
			continue
		}
		origin := "added"
		if f.AddedBy != "" && !strings.Contains(f.AddedBy, ":") {
			origin += " by <@" + f.AddedBy + ">"
		}
		line(f.Name, f.URL, f.Schedule, origin)
	}
	if n == 0 {
		sb.WriteString("_No feeds yet._ An admin can add one: `/crosscheck feeds add URL`.\n")
	}
	return sb.String(), nil
}

func formatClaimLine(c claim.Claim) string {
	return fmt.Sprintf("• *%s*: %s — _%s_ · %s · %s", escape(c.Claimant), escape(c.ValueString()),
		escape(strings.ReplaceAll(c.Topic(), " | ", " · ")), link(c), formatDate(claimTime(c)))
}

func (b *Bot) claims(ctx context.Context, query string) (string, error) {
	found, err := b.opts.Store.SearchClaims(ctx, query, listLimit+1)
	if err != nil {
		return "", err
	}
	if len(found) == 0 {
		return fmt.Sprintf("No stored claims match %q.", query), nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "*Claims matching %q* (newest first)\n", escape(query))
	for i, c := range found {
		if i == listLimit {
			sb.WriteString("_…and more; narrow the query._\n")
			break
		}
		sb.WriteString(formatClaimLine(c.Claim) + "\n")
	}
	return sb.String(), nil
}

func (b *Bot) conflicts(ctx context.Context, scope string) (string, error) {
	f := state.ConflictFilter{Limit: listLimit + 1}
	if scope != "all" {
		f.Status = state.StatusOpen
	}
	cs, err := b.opts.Store.Conflicts(ctx, f)
	if err != nil {
		return "", err
	}
	if len(cs) == 0 {
		if scope == "all" {
			return "No conflicts recorded yet.", nil
		}
		return "No open conflicts. `/crosscheck conflicts all` shows closed ones too.", nil
	}
	var sb strings.Builder
	title := "Open conflicts"
	if scope == "all" {
		title = "Conflicts"
	}
	fmt.Fprintf(&sb, "*%s* (most recent first)\n", title)
	for i, c := range cs {
		if i == listLimit {
			sb.WriteString("_…and more._\n")
			break
		}
		fmt.Fprintf(&sb, "• `%s` *%s* — %s vs %s · severity %s", c.ID, escape(Headline(c)),
			escape(c.Sides[0].Claimant), escape(c.Sides[1].Claimant), SeverityLabel(c.Severity))
		if c.Status != state.StatusOpen {
			fmt.Fprintf(&sb, " · %s", c.Status)
		}
		fmt.Fprintf(&sb, "\n    topic: `%s`\n", escape(c.Topic))
	}
	return sb.String(), nil
}

func (b *Bot) check(ctx context.Context, u string) (string, error) {
	if b.opts.Checker == nil {
		return "`check` is not available: this bot was started without an article reader.", nil
	}
	res, err := b.opts.Checker.Check(ctx, u)
	if err != nil {
		return fmt.Sprintf("I could not read %s: %s", escape(u), escape(err.Error())), nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s*: %d claim(s) found.\n", escape(u), len(res.Claims))
	for i, c := range res.Claims {
		if i == listLimit {
			sb.WriteString("_…and more._\n")
			break
		}
		sb.WriteString(formatClaimLine(c) + "\n")
	}
	if len(res.Conflicts) == 0 {
		sb.WriteString("It contradicts nothing in the ledger.\n")
		return sb.String(), nil
	}
	fmt.Fprintf(&sb, "*It contradicts %d stored claim(s):*\n", len(res.Conflicts))
	for _, c := range res.Conflicts {
		fmt.Fprintf(&sb, "• *%s*: %s says %s; %s says %s (%s)\n", escape(Headline(c)),
			escape(c.Sides[0].Claimant), escape(leadValue(c, 0)), escape(c.Sides[1].Claimant), escape(leadValue(c, 1)),
			escape(c.Reason))
	}
	return sb.String(), nil
}

func leadValue(c state.Conflict, side int) string {
	if r := lead(c, side); r != nil {
		return says(c, *r)
	}
	return "nothing on record"
}

func (b *Bot) resolveTarget(ctx context.Context, target string) (norm string, isConflict bool, err error) {
	norm = state.NormalizeTarget(target)
	if !strings.Contains(norm, "|") {
		if _, err := b.opts.Store.Conflict(ctx, norm); err == nil {
			return norm, true, nil
		} else if !errors.Is(err, state.ErrNotFound) {
			return "", false, err
		}
	}
	return norm, false, nil
}

func (b *Bot) mute(ctx context.Context, target string, d time.Duration) (string, error) {
	norm, isConflict, err := b.resolveTarget(ctx, target)
	if err != nil {
		return "", err
	}
	until := b.now().Add(d)
	if err := b.opts.Store.Mute(ctx, norm, until); err != nil {
		return "", err
	}
	what := "topic `" + escape(norm) + "`"
	if isConflict {
		what = "conflict `" + norm + "`"
	}
	return fmt.Sprintf("Muted %s for %s (until %s). Claims are still recorded; `/crosscheck unmute %s` lifts it.",
		what, formatDuration(d), until.UTC().Format("Jan 2 15:04 MST"), escape(norm)), nil
}

func (b *Bot) unmute(ctx context.Context, target string) (string, error) {
	norm := state.NormalizeTarget(target)
	ok, err := b.opts.Store.Unmute(ctx, norm)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", usageErr("unmute", "Nothing is muted as %q.", norm)
	}
	return fmt.Sprintf("Unmuted `%s`.", escape(norm)), nil
}
