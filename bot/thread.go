package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

// threadHelp is the short list of what the bot answers in a thread.
const threadHelp = "I can answer, in this thread: *sources* (who said what, where) · *timeline* (the figures over time) · " +
	"*why* (which rule fired) · *latest* · *what did NAME say* · *help*"

// threadAnswer is the bot's answer in a thread: text, and whether the
// dispute's chart goes with it. The zero value is silence.
type threadAnswer struct {
	text  string
	chart bool
}

// answerThread answers msg in the thread of conflict c, or stays silent:
// it answers only questions it understands (phrases/thread.yaml), and,
// when mentioned, says what it can do instead of guessing.
func (b *Bot) answerThread(ctx context.Context, c state.Conflict, msg string, mentioned bool) threadAnswer {
	q := b.phrases.understand(msg, mentioned)
	switch q.kind {
	case askWhatSaid:
		return threadAnswer{text: b.whatDidSay(ctx, c, q.name)}
	case askHelp:
		return threadAnswer{text: threadHelp}
	case askSources:
		return threadAnswer{text: sources(c)}
	case askTimeline:
		return threadAnswer{text: b.timeline(ctx, c), chart: true}
	case askWhy:
		return threadAnswer{text: why(c)}
	case askLatest:
		return threadAnswer{text: latest(c)}
	}
	if mentioned {
		if strings.TrimSpace(msg) == "" {
			return threadAnswer{text: threadHelp}
		}
		return threadAnswer{text: "I didn't catch that. " + threadHelp}
	}
	return threadAnswer{}
}

func allClaims(c state.Conflict) []claim.Claim {
	var out []claim.Claim
	for _, s := range c.Sides {
		out = append(out, s.Claims...)
	}
	slices.SortStableFunc(out, func(a, b claim.Claim) int { return claimTime(a).Compare(claimTime(b)) })
	return out
}

func sources(c state.Conflict) string {
	var sb strings.Builder
	sb.WriteString("*Sources*\n")
	for i, s := range c.Sides {
		fmt.Fprintf(&sb, "*Side %d — %s*\n", i+1, escape(s.Claimant))
		for _, cl := range s.Claims {
			fmt.Fprintf(&sb, "• %s — %s · %s\n", escape(says(c, cl)), link(cl), formatDate(claimTime(cl)))
		}
	}
	return sb.String()
}

// TimelineClaims are the conflict's claims and, beyond its two sides,
// the store's others on the topic, oldest first. On an error the
// conflict's own claims are still returned.
func TimelineClaims(ctx context.Context, s interface {
	ClaimsOnTopic(ctx context.Context, topic string, limit int) ([]state.StoredClaim, error)
}, c state.Conflict) ([]claim.Claim, error) {
	cls := allClaims(c)
	more, err := s.ClaimsOnTopic(ctx, c.Topic, 50)
	if err != nil {
		return cls, err
	}
	seen := map[string]bool{}
	for _, cl := range cls {
		seen[cl.Claimant+"\x00"+cl.URL+"\x00"+cl.ValueString()] = true
	}
	for _, sc := range more {
		k := sc.Claimant + "\x00" + sc.URL + "\x00" + sc.ValueString()
		if !seen[k] {
			seen[k] = true
			cls = append(cls, sc.Claim)
		}
	}
	slices.SortStableFunc(cls, func(a, b claim.Claim) int { return claimTime(a).Compare(claimTime(b)) })
	return cls, nil
}

// timelineClaims is TimelineClaims from the bot's store; a failed query
// is logged, and the conflict's own claims are still shown.
func (b *Bot) timelineClaims(ctx context.Context, c state.Conflict) []claim.Claim {
	cls, err := TimelineClaims(ctx, b.opts.Store, c)
	if err != nil {
		b.log.Warn("claims on topic unreadable", "conflict_id", c.ID, "error", err)
	}
	return cls
}

func (b *Bot) timeline(ctx context.Context, c state.Conflict) string {
	cls := b.timelineClaims(ctx, c)
	var sb strings.Builder
	fmt.Fprintf(&sb, "*Timeline of %s*\n", escape(Headline(c)))
	for _, cl := range cls {
		fmt.Fprintf(&sb, "• %s — *%s*: %s (%s)\n", formatDate(claimTime(cl)), escape(cl.Claimant), escape(says(c, cl)), link(cl))
	}
	return sb.String()
}

func why(c state.Conflict) string {
	var sb strings.Builder
	sb.WriteString("*Why this was flagged*\n")
	if c.Reason != "" {
		sb.WriteString(escape(c.Reason) + "\n")
	}
	for i, s := range c.Sides {
		if r := lead(c, i); r != nil {
			fmt.Fprintf(&sb, "• *%s*: %s\n", escape(s.Claimant), escape(says(c, *r)))
		}
	}
	fmt.Fprintf(&sb, "Severity %s (%.2f).", SeverityLabel(c.Severity), c.Severity)
	return sb.String()
}

func latest(c state.Conflict) string {
	cls := allClaims(c)
	if len(cls) == 0 {
		return "Nothing on record yet."
	}
	cl := cls[len(cls)-1]
	var sb strings.Builder
	fmt.Fprintf(&sb, "*Latest*: *%s* — %s\n", escape(cl.Claimant), escape(says(c, cl)))
	writeEvidence(&sb, cl)
	return sb.String()
}

func (b *Bot) whatDidSay(ctx context.Context, c state.Conflict, name string) string {
	words := b.phrases.nameWords(name)
	said := func(claimant string) bool {
		cl := strings.ToLower(claimant)
		for _, w := range words {
			if !strings.Contains(cl, w) {
				return false
			}
		}
		return len(words) > 0
	}
	var hits []claim.Claim
	for _, cl := range allClaims(c) {
		if said(cl.Claimant) {
			hits = append(hits, cl)
		}
	}
	if len(hits) == 0 && len(words) > 0 {
		// Not a side of this conflict: what the ledger has from them on
		// the topic.
		if more, err := b.opts.Store.ClaimsOnTopic(ctx, c.Topic, 50); err == nil {
			for _, sc := range more {
				if said(sc.Claimant) {
					hits = append(hits, sc.Claim)
				}
			}
		}
	}
	if len(hits) == 0 {
		var names []string
		for _, s := range c.Sides {
			names = append(names, s.Claimant)
		}
		return fmt.Sprintf("I have nothing from %q on this. The sides are %s.", name, escape(strings.Join(names, " and ")))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "*What %s said*\n", escape(hits[0].Claimant))
	for _, cl := range hits {
		fmt.Fprintf(&sb, "• %s — %s\n", formatDate(claimTime(cl)), escape(says(c, cl)))
		if cl.Sentence != "" {
			fmt.Fprintf(&sb, ">%s\n", escape(truncate(cl.Sentence, maxQuote)))
		}
		fmt.Fprintf(&sb, "%s\n", link(cl))
	}
	return sb.String()
}
