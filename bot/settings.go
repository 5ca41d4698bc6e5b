package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/crosscheck-news/crosscheck/feeds"
)

// The bot defines the settings it acts on and cmd/crosscheck/config reads
// crosscheck.yaml into them, so the bot imports no configuration package
// (config may import bot, never the reverse). Slack and Route carry their
// yaml keys, as feeds.Source does: the configuration decodes straight into
// them and checks them, and no second copy of the types has to be kept in
// step.

// Slack connection modes (slack.mode).
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// DefaultAPIURL is Slack's Web API base, used when Slack.APIURL is "".
const DefaultAPIURL = "https://slack.com/api/"

// Settings are what the bot takes from the configuration.
type Settings struct {
	// File names the configuration in replies ("remove it there"); ""
	// says "the configuration".
	File  string
	Slack Slack
	// Feeds are the configured feeds: listed as configured, and not
	// removable from Slack.
	Feeds []feeds.Source
	// AllowPrivateNetworks lets `feeds add` take a feed on a private
	// address.
	AllowPrivateNetworks bool
}

// Slack is where and how alerts are delivered (crosscheck.yaml's slack:
// section). The tokens are not here: see Secrets.
type Slack struct {
	// Mode is ModeSocket (no public URL needed) or ModeHTTP (Events API).
	Mode string `yaml:"mode"`
	// Channel receives alerts: an ID (C0123456789) or "#name".
	Channel string `yaml:"channel"`
	// Admins are the Slack user IDs allowed to change feeds.
	Admins []string `yaml:"admins"`
	// APIURL is Slack's Web API base, always ending in "/".
	APIURL string `yaml:"api_url"`
	// GroupInterval holds the alerts of one poll back this long so related
	// ones arrive together. 0s means no wait: the configuration fills in
	// its default before the file is read, so an explicit 0s stays 0.
	GroupInterval time.Duration `yaml:"group_interval"`
	// Routes send disputes to other channels than Channel, by feed,
	// outlet, beat or place: the first route that matches takes a
	// dispute, Channel the rest.
	Routes []Route `yaml:"routes"`
}

// Route sends the disputes it matches to Channel. A dispute matches when,
// for each list the route sets, one of its claims is in that list: from
// one of Feeds, read at one of Outlets, on one of Places; and its beat
// (claim.Beat) is one of Beats.
type Route struct {
	Channel string   `yaml:"channel"`
	Feeds   []string `yaml:"feeds"`
	Outlets []string `yaml:"outlets"`
	Beats   []string `yaml:"beats"`
	Places  []string `yaml:"places"`
}

// The environment variables the secrets come from. They never live in the
// configuration file, which is mounted, copied and committed; the bot's
// errors name them so the operator knows which one to fix.
const (
	EnvBotToken      = "SLACK_BOT_TOKEN"
	EnvAppToken      = "SLACK_APP_TOKEN"
	EnvSigningSecret = "SLACK_SIGNING_SECRET"
)

// Secrets are Slack's credentials. They print as "[redacted]" in every
// format, including slog, so logging a struct that holds them is safe.
type Secrets struct {
	// BotToken (xoxb-…) calls the Web API.
	BotToken string
	// AppToken (xapp-…) opens Socket Mode connections.
	AppToken string
	// SigningSecret verifies requests in HTTP mode.
	SigningSecret string
}

// SecretError is a secret missing or misplaced; Variable names its
// environment variable (or "slack.mode" for a mode that needs none known).
type SecretError struct {
	Variable string
	Err      error
}

func (e *SecretError) Error() string { return e.Variable + ": " + e.Err.Error() }

func (e *SecretError) Unwrap() error { return e.Err }

// Check says whether the secrets the Slack mode needs are present: the
// bot token always, the app token in socket mode, the signing secret in
// http mode. The error is a *SecretError.
func (s Secrets) Check(mode string) error {
	missing := func(name, why string) error {
		return &SecretError{Variable: name, Err: fmt.Errorf("not set in the environment; %s", why)}
	}
	if s.BotToken == "" {
		return missing(EnvBotToken, "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page")
	}
	if strings.HasPrefix(s.BotToken, "xapp-") {
		return &SecretError{Variable: EnvBotToken, Err: errors.New("holds an app-level token (xapp-…); it needs the bot token (xoxb-…), the app token goes in " + EnvAppToken)}
	}
	switch mode {
	case ModeSocket:
		if s.AppToken == "" {
			return missing(EnvAppToken, "slack.mode socket needs an app-level token (xapp-…) with the connections:write scope")
		}
		if strings.HasPrefix(s.AppToken, "xoxb-") {
			return &SecretError{Variable: EnvAppToken, Err: errors.New("holds a bot token (xoxb-…); it needs the app-level token (xapp-…)")}
		}
	case ModeHTTP:
		if s.SigningSecret == "" {
			return missing(EnvSigningSecret, "slack.mode http needs the signing secret from your Slack app's Basic Information page")
		}
	default:
		return &SecretError{Variable: "slack.mode", Err: fmt.Errorf("%q: want %s or %s", mode, ModeSocket, ModeHTTP)}
	}
	return nil
}

// String never shows a secret, only which ones are set.
func (s Secrets) String() string {
	set := func(v string) string {
		if v == "" {
			return "unset"
		}
		return "[redacted]"
	}
	return fmt.Sprintf("Secrets{BotToken:%s AppToken:%s SigningSecret:%s}", set(s.BotToken), set(s.AppToken), set(s.SigningSecret))
}

// GoString keeps %#v from printing the tokens.
func (s Secrets) GoString() string { return s.String() }

// Format keeps every fmt verb, %+v and %q included, from printing them.
func (s Secrets) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.String()) }

// LogValue keeps slog from printing them.
func (s Secrets) LogValue() slog.Value {
	return slog.StringValue(s.String())
}
