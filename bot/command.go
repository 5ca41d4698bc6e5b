package bot

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
)

// MaxCommandText bounds what /crosscheck reads: Slack itself caps a
// command at 4,000 characters, so anything longer is not from Slack.
const MaxCommandText = 4000

// MaxMute is the longest mute: a muted topic is forgotten, never silenced
// for good.
const MaxMute = 90 * 24 * time.Hour

// DefaultMute applies when `mute` names no duration.
const DefaultMute = 24 * time.Hour

// command is one parsed /crosscheck invocation.
type command struct {
	// Sub is the subcommand ("feeds", "claims", …); Verb its action for
	// feeds ("list", "add", …).
	Sub, Verb string
	// Arg is the main argument: a URL, a feed name, a query, a target.
	Arg string
	// Schedule and Name are for `feeds add`.
	Schedule, Name string
	// Duration is for `mute`.
	Duration time.Duration
	// Scope is "open" or "all" for `conflicts`.
	Scope string
	// Share posts the answer to the channel instead of privately.
	Share bool
}

// usageOf is what each subcommand shows when used wrongly.
func usageOf(sub string) string {
	switch sub {
	case "help":
		return "`/crosscheck help` — what the bot can do"
	case "feeds":
		return "`/crosscheck feeds` — list feeds\n" +
			"`/crosscheck feeds add URL [schedule] [name]` — e.g. `feeds add https://example.org/rss \"@every 15m\" example` (admins)\n" +
			"`/crosscheck feeds remove NAME` · `feeds pause NAME` · `feeds resume NAME` (admins)"
	case "claims":
		return "`/crosscheck claims QUERY` — stored claims matching QUERY, e.g. `claims north korean soldiers kursk`"
	case "conflicts":
		return "`/crosscheck conflicts [open|all]` — open conflicts (default) or all of them"
	case "check":
		return "`/crosscheck check URL` — read an article now and show which stored claims it contradicts"
	case "mute":
		return "`/crosscheck mute CONFLICT-ID|TOPIC [duration]` — e.g. `mute c-3f9a1b 48h` or `mute north korean soldiers | fighting | kursk 7d`; from 1m to 90d, 24h by default"
	case "unmute":
		return "`/crosscheck unmute CONFLICT-ID|TOPIC`"
	case "status":
		return "`/crosscheck status` — each feed's last poll, last error, items and claims; the outbox depth"
	}
	return ""
}

// subcommands in the order help lists them.
func subcommands() []string {
	return []string{"help", "feeds", "claims", "conflicts", "check", "mute", "unmute", "status"}
}

// helpText lists every subcommand.
func helpText() string {
	var b strings.Builder
	b.WriteString("*Crosscheck* watches news feeds and flags sources that contradict each other.\n")
	for _, k := range subcommands() {
		b.WriteString(usageOf(k) + "\n")
	}
	b.WriteString("Answers are private; add `--share` to post one to the channel.\n")
	b.WriteString("In an alert's thread, mention me or ask: sources, timeline, why, latest, what did NAME say.")
	return b.String()
}

// usageError is a mistake in a command: the reply is the problem and the
// usage of the subcommand it concerns.
type usageError struct {
	sub string
	msg string
}

func (e *usageError) Error() string {
	u := usageOf(e.sub)
	if u == "" {
		return e.msg + "\n" + helpText()
	}
	return e.msg + "\nUsage:\n" + u
}

func usageErr(sub, format string, args ...any) error {
	return &usageError{sub: sub, msg: fmt.Sprintf(format, args...)}
}

// parseCommand reads the text after /crosscheck.
func parseCommand(text string) (command, error) {
	if len(text) > MaxCommandText*4 || utf8.RuneCountInString(text) > MaxCommandText {
		return command{}, usageErr("", "That command is too long (%s bytes); Slack commands are at most %d characters.", formatBytes(len(text)), MaxCommandText)
	}
	if !utf8.ValidString(text) {
		return command{}, usageErr("", "That command is not valid UTF-8.")
	}
	toks, err := tokenize(text)
	if err != nil {
		return command{}, usageErr("", "%v.", err)
	}
	var cmd command
	kept := toks[:0]
	for i, t := range toks {
		if t == "--share" || (i == 0 && strings.EqualFold(t, "share") && len(toks) > 1) {
			cmd.Share = true
			continue
		}
		kept = append(kept, t)
	}
	toks = kept
	if len(toks) == 0 {
		cmd.Sub = "help"
		return cmd, nil
	}
	cmd.Sub = strings.ToLower(toks[0])
	args := toks[1:]
	switch cmd.Sub {
	case "help", "?":
		cmd.Sub = "help"
	case "status":
		if len(args) > 0 {
			return cmd, usageErr("status", "`status` takes no arguments.")
		}
	case "feeds", "feed":
		cmd.Sub = "feeds"
		return parseFeeds(cmd, args)
	case "claims", "claim":
		cmd.Sub = "claims"
		cmd.Arg = strings.Join(args, " ")
		if cmd.Arg == "" {
			return cmd, usageErr("claims", "`claims` needs something to search for.")
		}
		if utf8.RuneCountInString(cmd.Arg) > 200 {
			return cmd, usageErr("claims", "That query is too long; keep it under 200 characters.")
		}
	case "conflicts", "conflict":
		cmd.Sub = "conflicts"
		cmd.Scope = "open"
		switch {
		case len(args) == 0:
		case len(args) == 1 && (strings.EqualFold(args[0], "open") || strings.EqualFold(args[0], "all")):
			cmd.Scope = strings.ToLower(args[0])
		default:
			return cmd, usageErr("conflicts", "`conflicts` takes `open` or `all`, not %q.", strings.Join(args, " "))
		}
	case "check":
		if len(args) != 1 {
			return cmd, usageErr("check", "`check` needs exactly one URL.")
		}
		u, err := checkURL(args[0])
		if err != nil {
			return cmd, usageErr("check", "%v", err)
		}
		cmd.Arg = u
	case "mute":
		return parseMute(cmd, args)
	case "unmute":
		if len(args) == 0 {
			return cmd, usageErr("unmute", "`unmute` needs a conflict ID or a topic.")
		}
		cmd.Arg = normalizeTarget(strings.Join(args, " "))
	default:
		return cmd, usageErr("", "I don't know the command %q.", truncate(toks[0], 40))
	}
	return cmd, nil
}

func formatBytes(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " M"
	case n >= 1<<10:
		return strconv.Itoa(n/(1<<10)) + " K"
	}
	return strconv.Itoa(n)
}

// tokenize splits on spaces, keeping "double quoted" or “curly quoted”
// runs together, since Slack's clients turn straight quotes curly.
func tokenize(s string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	inQuote, has := false, false
	for _, r := range s {
		switch {
		case r == '"' || r == '“' || r == '”':
			inQuote = !inQuote
			has = true
		case !inQuote && (r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0'):
			if has {
				toks = append(toks, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if inQuote {
		return nil, errors.New("a quote is not closed")
	}
	if has {
		toks = append(toks, cur.String())
	}
	return toks, nil
}

var feedName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func parseFeeds(cmd command, args []string) (command, error) {
	if len(args) == 0 {
		cmd.Verb = "list"
		return cmd, nil
	}
	cmd.Verb = strings.ToLower(args[0])
	args = args[1:]
	switch cmd.Verb {
	case "list", "ls":
		cmd.Verb = "list"
		if len(args) > 0 {
			return cmd, usageErr("feeds", "`feeds list` takes no arguments.")
		}
	case "remove", "rm", "delete", "pause", "resume":
		if cmd.Verb == "rm" || cmd.Verb == "delete" {
			cmd.Verb = "remove"
		}
		if len(args) != 1 {
			return cmd, usageErr("feeds", "`feeds %s` needs exactly one feed name.", cmd.Verb)
		}
		cmd.Arg = args[0]
	case "add":
		if len(args) == 0 {
			return cmd, usageErr("feeds", "`feeds add` needs the feed's URL.")
		}
		u, err := checkURL(args[0])
		if err != nil {
			return cmd, usageErr("feeds", "%v", err)
		}
		cmd.Arg = u
		rest := args[1:]
		switch {
		case len(rest) == 0:
		case strings.HasPrefix(rest[0], "@every") && !strings.Contains(rest[0], " "):
			if len(rest) < 2 {
				return cmd, usageErr("feeds", "`@every` needs an interval, such as `@every 15m`.")
			}
			cmd.Schedule, rest = rest[0]+" "+rest[1], rest[2:]
		case strings.HasPrefix(rest[0], "@") || strings.Contains(rest[0], " "):
			cmd.Schedule, rest = rest[0], rest[1:]
		case len(rest) >= 5 && allCronFields(rest[:5]):
			cmd.Schedule, rest = strings.Join(rest[:5], " "), rest[5:]
		}
		if cmd.Schedule != "" {
			if _, err := cron.ParseStandard(cmd.Schedule); err != nil {
				return cmd, usageErr("feeds", "%q is not a schedule I can read: %v.", cmd.Schedule, err)
			}
		}
		switch len(rest) {
		case 0:
		case 1:
			if !feedName.MatchString(rest[0]) {
				return cmd, usageErr("feeds", "%q is not a usable feed name: letters, digits, '.', '_' and '-', at most 64.", truncate(rest[0], 70))
			}
			cmd.Name = rest[0]
		default:
			return cmd, usageErr("feeds", "I could not tell the schedule from the name in %q; quote the schedule.", truncate(strings.Join(rest, " "), 80))
		}
	default:
		return cmd, usageErr("feeds", "`feeds` has no action %q.", truncate(cmd.Verb, 40))
	}
	return cmd, nil
}

func allCronFields(fs []string) bool {
	digitOrStar := false
	for _, f := range fs {
		for _, r := range f {
			switch {
			case r >= '0' && r <= '9' || r == '*':
				digitOrStar = true
			case r == '/' || r == ',' || r == '-' || r == '?' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			default:
				return false
			}
		}
	}
	return digitOrStar
}

func parseMute(cmd command, args []string) (command, error) {
	if len(args) == 0 {
		return cmd, usageErr("mute", "`mute` needs a conflict ID or a topic.")
	}
	cmd.Duration = DefaultMute
	if len(args) > 1 {
		last := args[len(args)-1]
		d, isDuration, err := parseMuteDuration(last)
		if err != nil {
			return cmd, usageErr("mute", "%v", err)
		}
		if isDuration {
			cmd.Duration = d
			args = args[:len(args)-1]
		}
	}
	cmd.Arg = normalizeTarget(strings.Join(args, " "))
	return cmd, nil
}

// parseMuteDuration reads "30m", "24h", "7d", "2w". isDuration is false
// for a word that is plainly part of a topic; words that ask for an
// endless or negative mute are errors, never silently a topic.
func parseMuteDuration(s string) (d time.Duration, isDuration bool, err error) {
	switch strings.ToLower(s) {
	case "forever", "permanently", "permanent", "indefinitely", "always", "never", "inf", "infinite", "∞":
		return 0, false, problemf("A mute cannot last %q; give a duration from 1m to %s, such as 24h or 7d.", s, formatDuration(MaxMute))
	}
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '+' || s[0] == '.') {
		return 0, false, nil
	}
	d, err = parseDuration(s)
	if err != nil {
		return 0, false, problemf("%q is not a duration I can read; use e.g. 30m, 24h, 7d or 2w.", s)
	}
	switch {
	case d <= 0:
		return 0, false, problemf("A mute of %q makes no sense; give a duration from 1m to %s.", s, formatDuration(MaxMute))
	case d < time.Minute:
		return 0, false, problemf("%q is too short to mute for; the least is 1m.", s)
	case d > MaxMute:
		return 0, false, problemf("%q is too long; mutes last at most %s.", s, formatDuration(MaxMute))
	}
	return d, true, nil
}

// parseDuration is time.ParseDuration plus days ("7d") and weeks ("2w").
func parseDuration(s string) (time.Duration, error) {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || f != f {
				return 0, fmt.Errorf("bad duration %q", s)
			}
			if f > float64(MaxMute/u.unit)*1000 || f < -float64(MaxMute/u.unit)*1000 {
				return 0, fmt.Errorf("duration %q out of range", s)
			}
			return time.Duration(f * float64(u.unit)), nil
		}
	}
	return time.ParseDuration(s)
}

func formatDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}

// normalizeTarget turns "North Korean soldiers|fighting | Kursk" into the
// topic key form "north korean soldiers | fighting | kursk"; a conflict ID
// passes unchanged.
func normalizeTarget(s string) string {
	if !strings.Contains(s, "|") {
		return strings.TrimSpace(s)
	}
	parts := strings.Split(s, "|")
	for i, p := range parts {
		parts[i] = strings.ToLower(strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(parts, " | ")
}

// checkURL accepts an http(s) URL with a host and no credentials. Whether
// its host may be private is the caller's question (privateHost), since
// that depends on the configuration.
func checkURL(raw string) (string, error) {
	raw = strings.Trim(raw, "<>")
	// Slack sends links as <url|label> or <url>.
	if i := strings.IndexByte(raw, '|'); i >= 0 {
		raw = raw[:i]
	}
	if len(raw) > 2048 {
		return "", problemf("That URL is longer than 2,048 characters.")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", problemf("%q is not a URL I can read.", truncate(raw, 80))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", problemf("Only http and https URLs can be read, not %q.", truncate(raw, 80))
	}
	if u.Hostname() == "" {
		return "", problemf("%q has no host.", truncate(raw, 80))
	}
	if u.User != nil {
		return "", problemf("URLs with a user name or password are not accepted; they would be stored and shown in Slack.")
	}
	return u.String(), nil
}

// privateHost reports whether host names a private, loopback, link-local
// or otherwise non-public address, literally or by a reserved name.
func privateHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".local") ||
		strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".lan") || strings.HasSuffix(h, ".home.arpa") {
		return true
	}
	addr, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		// Bare decimal or hex forms ("2130706433", "0x7f000001") reach
		// loopback in many resolvers.
		if n, err := strconv.ParseUint(h, 0, 32); err == nil {
			addr = netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		} else {
			return false
		}
	}
	addr = addr.Unmap()
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsUnspecified() || addr.IsMulticast() || addr.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range reservedPrefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

var reservedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
}

// problem is a sentence for the user, not an error chain: it reads as the
// reply, capital letter and full stop included.
type problem string

func (p problem) Error() string { return string(p) }

func problemf(format string, args ...any) error { return problem(fmt.Sprintf(format, args...)) }
