package feeds

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
	"golang.org/x/text/unicode/norm"
)

// DefaultSchedule is used when a feed names none.
const DefaultSchedule = "@every 10m"

// MaxNameLen bounds a feed name: it is typed in Slack commands and shown in
// narrow status tables.
const MaxNameLen = 64

// Source is one configured feed.
type Source struct {
	// Name is unique and stable: the feed's key in the store and in Slack.
	Name string `yaml:"name" json:"name"`
	URL  string `yaml:"url" json:"url"`
	// Outlet is the publication shown to editors ("The Kyiv Independent").
	Outlet string `yaml:"outlet" json:"outlet"`
	// Schedule is any robfig/cron/v3 spec, "@every 10m" by default.
	Schedule string `yaml:"schedule" json:"schedule"`
	// FullText fetches the article page when the feed carries only a teaser.
	FullText bool `yaml:"fulltext" json:"fulltext"`
}

// SourceError names the field of a Source that is wrong, so configuration
// errors can point at the line that holds it.
type SourceError struct {
	Name  string // the feed's name, possibly empty or invalid itself
	Field string // "name", "url", "outlet" or "schedule"
	Err   error
}

func (e *SourceError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("feeds: source: %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("feeds: source %q: %s: %v", e.Name, e.Field, e.Err)
}

func (e *SourceError) Unwrap() error { return e.Err }

// Validate checks what can be checked without the network: a name fit to
// be a store key and typed in Slack, an absolute http(s) URL, and a
// schedule that parses and fires. An empty schedule means DefaultSchedule.
func (s Source) Validate() error {
	fail := func(field string, err error) error {
		return &SourceError{Name: s.Name, Field: field, Err: err}
	}
	if err := ValidateName(s.Name); err != nil {
		return fail("name", err)
	}
	if err := ValidateURL(s.URL); err != nil {
		return fail("url", err)
	}
	if len(s.Outlet) > 200 || !utf8.ValidString(s.Outlet) {
		return fail("outlet", errors.New("must be valid UTF-8 of at most 200 bytes"))
	}
	if s.Schedule != "" {
		if _, err := ParseSchedule(s.Schedule); err != nil {
			return fail("schedule", err)
		}
	}
	return nil
}

// ValidateName accepts lowercase letters, digits, '.', '_' and '-', starting
// with a letter or digit: names are store keys and Slack arguments, so
// they must survive being typed and must not differ only in case.
func ValidateName(name string) error {
	if name == "" {
		return errors.New("missing (a short id such as \"kyiv-independent\")")
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("%q is longer than %d bytes", name, MaxNameLen)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && (r == '.' || r == '_' || r == '-')
		if !ok {
			hint := Slug(name)
			if hint == "" {
				return fmt.Errorf("%q: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit", name)
			}
			return fmt.Errorf("%q: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. %q)", name, hint)
		}
	}
	return nil
}

// ValidateURL accepts absolute http and https URLs with a host.
func ValidateURL(raw string) error {
	if raw == "" {
		return errors.New("missing")
	}
	if len(raw) > 2048 {
		return fmt.Errorf("longer than 2048 bytes")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return fmt.Errorf("%q has no scheme: feeds are fetched over http or https", raw)
	default:
		return fmt.Errorf("%q: scheme %q not allowed, only http and https", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}

// ParseSchedule parses a robfig/cron/v3 spec: five fields ("*/15 * * * *"),
// a descriptor ("@hourly", "@every 10m"), optionally prefixed by
// "CRON_TZ=Area/City ". It refuses specs cron would accept but that are
// surely mistakes: a non-positive or sub-second @every, and a spec that
// never fires (February 30th).
func ParseSchedule(spec string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, errors.New("bad cron spec \"\": empty")
	}
	bad := func(err error) error { return fmt.Errorf("bad cron spec %q: %w", spec, err) }
	rest := spec
	if strings.HasPrefix(rest, "TZ=") || strings.HasPrefix(rest, "CRON_TZ=") {
		// cron v3.0.1 slices past the end on a zone with nothing after it.
		i := strings.IndexByte(rest, ' ')
		if i < 0 || strings.TrimSpace(rest[i:]) == "" {
			return nil, bad(errors.New("a time zone needs a schedule after it"))
		}
		rest = strings.TrimSpace(rest[i:])
	}
	if d, ok := strings.CutPrefix(rest, "@every "); ok {
		dur, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil {
			return nil, bad(err)
		}
		if dur < time.Second {
			return nil, bad(errors.New("@every needs at least 1s"))
		}
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, bad(err)
	}
	if sched.Next(time.Now()).IsZero() {
		return nil, bad(errors.New("it never fires"))
	}
	return sched, nil
}

// Slug turns a title or host into a feed name: "The Kyiv Independent" →
// "the-kyiv-independent", "Émile's Blog" → "emiles-blog". It returns ""
// when nothing usable is left (a title in a non-Latin script); callers
// then fall back to the URL's host.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’':
			// accents and apostrophes vanish: "Émile's" → "emiles"
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
		if b.Len() >= MaxNameLen {
			break
		}
	}
	out := b.String()
	if len(out) > MaxNameLen {
		out = out[:MaxNameLen]
	}
	return strings.TrimRight(out, "-")
}

// URLKey is a feed URL reduced to what identifies the feed, for spotting
// the same feed added twice: scheme and host lowercased, default port and
// fragment dropped, an empty path made "/".
func URLKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443") {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}
