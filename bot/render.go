package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
	"github.com/slack-go/slack"
)

// Button action IDs. The value of each button is the conflict ID.
const (
	ActionMute    = "crosscheck_mute"
	ActionResolve = "crosscheck_resolve"
	ActionDismiss = "crosscheck_dismiss"
	// ActionChart posts the dispute's chart into its thread.
	ActionChart = "crosscheck_chart"
)

// MuteButtonDuration is how long the Mute button silences a conflict.
const MuteButtonDuration = 24 * time.Hour

// Slack's limits: a header holds 150 characters, a section field 2,000,
// a message's text 40,000; quotes are cut well below so the two sides
// stay readable next to each other.
const (
	maxHeader = 150
	maxQuote  = 400
	maxField  = 2000
)

// View is a conflict as its parent message shows it: the conflict, plus
// what editors did with it.
type View struct {
	Conflict state.Conflict
	// MutedUntil is set while the conflict is muted.
	MutedUntil time.Time
	// By is the Slack user ID whose button last changed the status.
	By string
	// Was is the settlement By's click replaced ("marked not a
	// contradiction by <@U1>"), shown beside it.
	Was string
}

// Headline names the topic the way an editor says it:
// "north korean soldiers fighting in kursk".
func Headline(c state.Conflict) string {
	subject, measure, place := splitTopic(c.Topic)
	if s := representative(c.Sides[0]); s != nil && subject == "" {
		subject, measure, place = s.Subject, s.Measure, s.Place
	}
	h := strings.TrimSpace(subject + " " + measure)
	if place != "" {
		h += " in " + place
	}
	if h == "" {
		return c.Topic
	}
	return h
}

func splitTopic(topic string) (subject, measure, place string) {
	parts := strings.Split(topic, " | ")
	if len(parts) != 3 {
		return "", "", ""
	}
	return parts[0], parts[1], parts[2]
}

// SeverityLabel turns the 0..1 severity into a word an editor can act on.
func SeverityLabel(s float64) string {
	switch {
	case s >= 0.5:
		return "high"
	case s >= 0.2:
		return "medium"
	}
	return "low"
}

// lead is the claim that states side i's position (state.Conflict.Lead:
// its latest claim on the conflict's measure, or the sum of its parts),
// shown on the parent; the side's other claims are listed as sources.
func lead(c state.Conflict, i int) *claim.Claim {
	l := c.Lead(i)
	if l.Claimant == "" && l.Sentence == "" {
		return nil
	}
	return &l
}

// says is what claim cl asserts, in the words an editor needs beside
// conflict c: the figure or status alone when it is on the conflict's own
// measure; otherwise with its measure ("8,000 still fighting"), and, for a
// figure in a status conflict, the status it implies. Without that, a
// figure joining a status conflict reads as a bare number.
func says(c state.Conflict, cl claim.Claim) string {
	_, measure, _ := splitTopic(c.Topic)
	if cl.Kind == claim.Status || measure == "" || cl.Measure == measure {
		return cl.ValueString()
	}
	// The measure belongs with the words, before any interval that
	// ValueString adds ("nearly 2,700 wounded [2,430, 2,700]").
	words, interval := cl.ValueString(), ""
	if cl.ValueText != "" && cl.Value.Low != cl.Value.High {
		words, interval = cl.ValueText, " "+cl.Value.String()
	}
	out := words + " " + measurePhrase(cl.Measure) + interval
	if c.Kind == claim.Status {
		if st, ok := claim.ImpliedStatus(cl); ok {
			out += " (implies: " + st.ValueString() + ")"
		}
	}
	return out
}

// measurePhrase is a measure as a reporter writes it after a number.
func measurePhrase(measure string) string {
	if measure == claim.MeasureFighting {
		return "still fighting"
	}
	return measure
}

// representative is the side's most recent claim.
func representative(s state.Side) *claim.Claim {
	if len(s.Claims) == 0 {
		return nil
	}
	best := 0
	for i, c := range s.Claims {
		if claimTime(c).After(claimTime(s.Claims[best])) {
			best = i
		}
	}
	return &s.Claims[best]
}

func claimTime(c claim.Claim) time.Time {
	if !c.AsOf.IsZero() {
		return c.AsOf
	}
	return c.Published
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	return t.UTC().Format("Jan 2, 2006")
}

// escape makes text safe in mrkdwn: Slack reads &, < and > as markup.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncate cuts s to at most n runes, on a word boundary where it can.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

func link(c claim.Claim) string {
	outlet := c.Outlet
	if outlet == "" {
		outlet = "article"
	}
	if c.URL == "" {
		return escape(outlet)
	}
	return "<" + strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(c.URL) + "|" + escape(outlet) + ">"
}

// sideField is one side of the parent: claimant, figure or status, the
// quoted sentence, the article link and its date.
func sideField(cf state.Conflict, i int) string {
	s := cf.Sides[i]
	c := lead(cf, i)
	if c == nil {
		return "*" + escape(s.Claimant) + "*\n_no claim on record_"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n%s\n", escape(s.Claimant), escape(says(cf, *c)))
	if c.Sentence != "" {
		fmt.Fprintf(&b, ">%s\n", escape(truncate(c.Sentence, maxQuote)))
	}
	fmt.Fprintf(&b, "%s · %s", link(*c), formatDate(claimTime(*c)))
	if more := otherSources(s, c); len(more) > 0 {
		b.WriteString("\nAlso: " + strings.Join(more, ", "))
	}
	return clip(b.String(), maxField)
}

// clip cuts s to at most n runes, keeping its line breaks.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func otherSources(s state.Side, shown *claim.Claim) []string {
	var out []string
	seen := map[string]bool{shown.URL: true}
	for _, c := range s.Claims {
		if seen[c.URL] {
			continue
		}
		seen[c.URL] = true
		out = append(out, link(c))
	}
	return out
}

func statusLine(v View) string {
	by := ""
	if v.By != "" {
		by = " by <@" + v.By + ">"
	}
	was := ""
	if v.Was != "" {
		was = " (was " + v.Was + ")"
	}
	switch v.Conflict.Status {
	case state.StatusResolved:
		return ":white_check_mark: Resolved" + by + was
	case state.StatusDismissed:
		return ":no_entry_sign: Marked not a contradiction" + by + was + "; similar alerts will be held back"
	}
	if !v.MutedUntil.IsZero() {
		return ":no_bell: Muted until " + v.MutedUntil.UTC().Format("Jan 2 15:04 MST") + by
	}
	return ""
}

// FallbackText is what notifications, screen readers and old clients
// show instead of the blocks.
func FallbackText(c state.Conflict) string {
	var sides []string
	for i, s := range c.Sides {
		v := "no claim"
		if r := lead(c, i); r != nil {
			v = says(c, *r)
		}
		sides = append(sides, s.Claimant+": "+v)
	}
	return fmt.Sprintf("Conflicting claims on %s — %s (severity %s)",
		Headline(c), strings.Join(sides, " vs "), SeverityLabel(c.Severity))
}

// RenderAlert builds the parent message of a conflict: fallback text and
// Block Kit blocks.
func RenderAlert(v View) (string, []slack.Block) {
	c := v.Conflict
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType,
			truncate("Conflicting claims: "+Headline(c), maxHeader), true, false)),
	}
	if line := eventLine(c); line != "" {
		blocks = append(blocks, slack.NewContextBlock("event",
			slack.NewTextBlockObject(slack.MarkdownType, "Event: "+escape(line), false, false)))
	}
	blocks = append(blocks,
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			slack.NewTextBlockObject(slack.MarkdownType, sideField(c, 0), false, false),
			slack.NewTextBlockObject(slack.MarkdownType, sideField(c, 1), false, false),
		}, nil),
		slack.NewContextBlock("meta", slack.NewTextBlockObject(slack.MarkdownType,
			fmt.Sprintf("Severity: *%s* (%.2f) · %s conflict · `%s`", SeverityLabel(c.Severity), c.Severity, kindName(c.Kind), c.ID),
			false, false)),
	)
	if line := evidenceLine(c); line != "" {
		blocks = append(blocks, slack.NewContextBlock("evidence",
			slack.NewTextBlockObject(slack.MarkdownType, line, false, false)))
	}
	if line := statusLine(v); line != "" {
		blocks = append(blocks, slack.NewContextBlock("status",
			slack.NewTextBlockObject(slack.MarkdownType, line, false, false)))
	}
	var buttons []slack.BlockElement
	for _, bt := range alertButtons(v) {
		e := slack.NewButtonBlockElement(bt.action, c.ID, slack.NewTextBlockObject(slack.PlainTextType, bt.label, false, false))
		if bt.style != "" {
			e = e.WithStyle(bt.style)
		}
		buttons = append(buttons, e)
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("actions", buttons...))
	}
	return FallbackText(c), blocks
}

// eventLine names the happening both sides are taken to speak of: the
// title of the article that opened the dispute and its event's most named
// anchors, so an editor sees at once when two events were confused.
func eventLine(c state.Conflict) string {
	title := truncate(strings.Join(strings.Fields(c.EventTitle), " "), maxQuote)
	anchors := strings.Join(c.EventAnchors, " · ")
	switch {
	case title != "" && anchors != "":
		return title + " (" + anchors + ")"
	case title != "":
		return title
	}
	return anchors
}

// evidenceLine says how much evidence stands behind the lead pair the
// parent shows: the pairs found after the parent was posted go into the
// thread as digests (those of the article that opened it are counted, not
// posted). Empty while the lead pair is all there is.
func evidenceLine(c state.Conflict) string {
	if c.PairCount <= 1 {
		return ""
	}
	more := c.PairCount - 1
	noun := "pairs"
	if more == 1 {
		noun = "pair"
	}
	return fmt.Sprintf("%d more disagreeing %s; new evidence goes into the thread", more, noun)
}

type button struct {
	action, label string
	style         slack.Style
}

// alertButtons are the parent's buttons, the same in Block Kit and in the
// terminal: Mute, Resolved and Not a contradiction while the conflict is
// open (Mute only while not muted); Chart for a figure dispute, settled
// or not, since a status dispute has no figures to draw.
func alertButtons(v View) []button {
	c := v.Conflict
	var out []button
	if c.Status == state.StatusOpen || c.Status == "" {
		if v.MutedUntil.IsZero() {
			out = append(out, button{ActionMute, "Mute 24h", ""})
		}
		out = append(out, button{ActionResolve, "Resolved", slack.StylePrimary}, button{ActionDismiss, "Not a contradiction", slack.StyleDanger})
	}
	if c.Kind == claim.Figure {
		out = append(out, button{ActionChart, "Chart", ""})
	}
	return out
}

func kindName(k claim.Kind) string {
	switch k {
	case claim.Figure:
		return "Figure"
	case claim.Status:
		return "Status"
	}
	return "Claim"
}

// RenderEvidence is the thread reply for new evidence on a conflict.
func RenderEvidence(c state.Conflict, cl claim.Claim) string {
	var b strings.Builder
	fmt.Fprintf(&b, ":heavy_plus_sign: New evidence: *%s* — %s\n", escape(cl.Claimant), escape(says(c, cl)))
	writeEvidence(&b, cl)
	return b.String()
}

// maxDigestPairs bounds the pairs a digest lists; the rest are counted.
const maxDigestPairs = 10

// RenderDigest is the one thread reply for the evidence a dispute
// gathered since its last: which outlets, saying what, against what, the
// newest pair first.
func RenderDigest(c state.Conflict, pairs []state.Pair, total int, cl *claim.Claim) string {
	if cl != nil && total == len(pairs) && fromOneArticle(pairs, cl.URL) {
		// One article's evidence: the claim with its quote, as an editor
		// checks it at the source, and whom it answers.
		var against []string
		for _, p := range pairs {
			o := p[0]
			if o.URL == cl.URL {
				o = p[1]
			}
			if w := escape(o.Claimant) + " " + escape(says(c, o)); !slices.Contains(against, w) {
				against = append(against, w)
			}
		}
		return RenderEvidence(c, *cl) + "\nAgainst: " + strings.Join(against, "; ")
	}
	var outlets []string
	for _, p := range pairs {
		for _, cl := range p {
			if o := orArticle(cl.Outlet); !slices.Contains(outlets, o) {
				outlets = append(outlets, o)
			}
		}
	}
	var b strings.Builder
	noun := "pairs"
	if total == 1 {
		noun = "pair"
	}
	fmt.Fprintf(&b, ":heavy_plus_sign: New evidence: %d disagreeing %s from %s\n", total, noun, escape(strings.Join(outlets, ", ")))
	for i := len(pairs) - 1; i >= 0 && i >= len(pairs)-maxDigestPairs; i-- {
		p := pairs[i]
		fmt.Fprintf(&b, "• *%s* %s (%s) against *%s* %s (%s)\n",
			escape(p[0].Claimant), escape(says(c, p[0])), link(p[0]),
			escape(p[1].Claimant), escape(says(c, p[1])), link(p[1]))
	}
	if more := total - min(len(pairs), maxDigestPairs); more > 0 {
		fmt.Fprintf(&b, "…and %d more\n", more)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// fromOneArticle reports whether every pair has a claim of the article
// at url.
func fromOneArticle(pairs []state.Pair, url string) bool {
	for _, p := range pairs {
		if p[0].URL != url && p[1].URL != url {
			return false
		}
	}
	return url != ""
}

// digestOf is what a digest alert reports of c: its pairs and how many
// there are in all (more than listed once the conflict dropped its oldest).
func digestOf(a state.Alert, c state.Conflict) ([]state.Pair, int) {
	return c.PairsFrom(a.FromPair), max(c.PairCount-a.FromPair, 0)
}

// writeEvidence is the part every claim shown on its own ends with: the
// quoted sentence, the article link and its date, so an editor can check
// it at the source.
func writeEvidence(b *strings.Builder, cl claim.Claim) {
	if cl.Sentence != "" {
		fmt.Fprintf(b, ">%s\n", escape(truncate(cl.Sentence, maxQuote)))
	}
	fmt.Fprintf(b, "%s · %s", link(cl), formatDate(claimTime(cl)))
}

// RenderRevision is the thread note when a claimant changes its figure.
func RenderRevision(c state.Conflict, cl claim.Claim) string {
	var b strings.Builder
	fmt.Fprintf(&b, ":pencil2: Revision: *%s* now says %s", escape(cl.Claimant), escape(says(c, cl)))
	if prev := previousValue(c, cl); prev != "" {
		fmt.Fprintf(&b, " (earlier: %s)", escape(prev))
	}
	b.WriteString("\n")
	writeEvidence(&b, cl)
	return b.String()
}

// previousValue is the claimant's latest earlier figure on this conflict.
func previousValue(c state.Conflict, cl claim.Claim) string {
	var best *claim.Claim
	for _, s := range c.Sides {
		for i := range s.Claims {
			p := &s.Claims[i]
			if p.Claimant != cl.Claimant || p.ValueString() == cl.ValueString() {
				continue
			}
			if claimTime(*p).After(claimTime(cl)) {
				continue
			}
			if best == nil || claimTime(*p).After(claimTime(*best)) {
				best = p
			}
		}
	}
	if best == nil {
		return ""
	}
	return says(c, *best)
}

// PlainText renders an alert as an editor reads it in Slack, without
// markup: for `crosscheck demo` and anywhere a terminal shows alerts.
func PlainText(a state.Alert, c state.Conflict) string {
	switch a.Kind {
	case state.AlertEvidence:
		if pairs, n := digestOf(a, c); a.Digest && n > 0 {
			return "In the thread of " + c.ID + ":\n" + unmark(RenderDigest(c, pairs, n, a.Claim)) + "\n"
		}
		if a.Claim != nil {
			return "In the thread of " + c.ID + ":\n" + unmark(RenderEvidence(c, *a.Claim)) + "\n"
		}
	case state.AlertRevision:
		if a.Claim != nil {
			return "In the thread of " + c.ID + ":\n" + unmark(RenderRevision(c, *a.Claim)) + "\n"
		}
	}
	return PlainAlert(View{Conflict: c})
}

// PlainAlert is the parent message in plain text.
func PlainAlert(v View) string {
	c := v.Conflict
	var b strings.Builder
	fmt.Fprintf(&b, "Conflicting claims: %s\n", Headline(c))
	if line := eventLine(c); line != "" {
		fmt.Fprintf(&b, "Event: %s\n", line)
	}
	fmt.Fprintf(&b, "Severity: %s (%.2f) · %s conflict · %s\n", SeverityLabel(c.Severity), c.Severity, kindName(c.Kind), c.ID)
	for i, s := range c.Sides {
		b.WriteString("\n")
		r := lead(c, i)
		if r == nil {
			fmt.Fprintf(&b, "  %s: no claim on record\n", s.Claimant)
			continue
		}
		fmt.Fprintf(&b, "  %s: %s\n", s.Claimant, says(c, *r))
		if r.Sentence != "" {
			fmt.Fprintf(&b, "    “%s”\n", truncate(r.Sentence, maxQuote))
		}
		fmt.Fprintf(&b, "    %s, %s%s\n", orArticle(r.Outlet), formatDate(claimTime(*r)), urlSuffix(r.URL))
		var more []string
		for _, o := range s.Claims {
			if o.URL != r.URL && !slices.Contains(more, orArticle(o.Outlet)) {
				more = append(more, orArticle(o.Outlet))
			}
		}
		if len(more) > 0 {
			fmt.Fprintf(&b, "    Also: %s\n", strings.Join(more, ", "))
		}
	}
	if line := evidenceLine(c); line != "" {
		fmt.Fprintf(&b, "\n%s\n", line)
	}
	if line := statusLine(v); line != "" {
		fmt.Fprintf(&b, "\n%s\n", unmark(line))
	}
	if bts := alertButtons(v); len(bts) > 0 {
		labels := make([]string, len(bts))
		for i, bt := range bts {
			labels[i] = "[" + bt.label + "]"
		}
		b.WriteString("\n" + strings.Join(labels, " ") + "\n")
	}
	return b.String()
}

func orArticle(outlet string) string {
	if outlet == "" {
		return "article"
	}
	return outlet
}

func urlSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " — " + u
}

// unmark turns mrkdwn into plain text: links to "outlet (url)", no
// emphasis, no emoji codes, entities decoded.
func unmark(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		inner := s[i+1 : i+j]
		switch {
		case strings.HasPrefix(inner, "@"):
			b.WriteString(inner)
		case strings.Contains(inner, "|"):
			u, text, _ := strings.Cut(inner, "|")
			b.WriteString(text + " (" + u + ")")
		default:
			b.WriteString(inner)
		}
		s = s[i+j+1:]
	}
	out := b.String()
	for _, e := range []string{":heavy_plus_sign: ", ":pencil2: ", ":white_check_mark: ", ":no_entry_sign: ", ":no_bell: "} {
		out = strings.ReplaceAll(out, e, "")
	}
	out = strings.ReplaceAll(out, "*", "")
	var lines []string
	for l := range strings.SplitSeq(out, "\n") {
		if q, ok := strings.CutPrefix(l, ">"); ok {
			l = "“" + q + "”"
		}
		lines = append(lines, l)
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(strings.Join(lines, "\n"))
}
