package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// The environment variables secrets come from. They never live in the
// configuration file, which is mounted, copied and committed.
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

// SecretsFromEnv reads the secrets through getenv (os.Getenv, or a map
// lookup in tests). Surrounding whitespace, a common copy-paste accident,
// is dropped.
func SecretsFromEnv(getenv func(string) string) Secrets {
	return Secrets{
		BotToken:      strings.TrimSpace(getenv(EnvBotToken)),
		AppToken:      strings.TrimSpace(getenv(EnvAppToken)),
		SigningSecret: strings.TrimSpace(getenv(EnvSigningSecret)),
	}
}

// Check says whether the secrets the Slack mode needs are present: the
// bot token always, the app token in socket mode, the signing secret in
// http mode. The error is an *Error naming the variable.
func (s Secrets) Check(mode string) error {
	missing := func(name, why string) error {
		return &Error{Field: name, Err: fmt.Errorf("not set in the environment; %s", why)}
	}
	if s.BotToken == "" {
		return missing(EnvBotToken, "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page")
	}
	if strings.HasPrefix(s.BotToken, "xapp-") {
		return &Error{Field: EnvBotToken, Err: errors.New("holds an app-level token (xapp-…); it needs the bot token (xoxb-…), the app token goes in " + EnvAppToken)}
	}
	switch mode {
	case ModeSocket:
		if s.AppToken == "" {
			return missing(EnvAppToken, "slack.mode socket needs an app-level token (xapp-…) with the connections:write scope")
		}
		if strings.HasPrefix(s.AppToken, "xoxb-") {
			return &Error{Field: EnvAppToken, Err: errors.New("holds a bot token (xoxb-…); it needs the app-level token (xapp-…)")}
		}
	case ModeHTTP:
		if s.SigningSecret == "" {
			return missing(EnvSigningSecret, "slack.mode http needs the signing secret from your Slack app's Basic Information page")
		}
	default:
		return &Error{Field: "slack.mode", Err: fmt.Errorf("%q: want socket or http", mode)}
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
