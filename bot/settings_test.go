package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretsNeverPrint(t *testing.T) {
	s := Secrets{BotToken: "xoxb-SECRET1", AppToken: "xapp-SECRET2"}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("start", "secrets", s)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("start", "secrets", s)
	out := fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s) + fmt.Sprint(s, &s) + logged.String()
	if strings.Contains(out, "SECRET") {
		t.Errorf("a secret leaked: %s", out)
	}
	if !strings.Contains(out, "SigningSecret:unset") || !strings.Contains(out, "BotToken:[redacted]") {
		t.Errorf("should say which secrets are set: %s", out)
	}
}

// New refuses secrets the mode cannot run with before it builds anything,
// naming the variable to set (cmd/crosscheck/config tests every message).
func TestNewRefusesMissingSecrets(t *testing.T) {
	tests := []struct {
		name, mode string
		secrets    Secrets
		variable   string
	}{
		{"socket without app token", ModeSocket, Secrets{BotToken: "xoxb-1", SigningSecret: "s"}, EnvAppToken},
		{"http without signing secret", ModeHTTP, Secrets{BotToken: "xoxb-1", AppToken: "xapp-1"}, EnvSigningSecret},
		{"no bot token", ModeHTTP, Secrets{SigningSecret: "s"}, EnvBotToken},
		{"unknown mode", "carrier-pigeon", Secrets{BotToken: "xoxb-1"}, "slack.mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Options{Store: openStore(t), Settings: Settings{Slack: Slack{Mode: tt.mode}}, Secrets: tt.secrets})
			var se *SecretError
			if !errors.As(err, &se) || se.Variable != tt.variable {
				t.Fatalf("New: %v, want a *SecretError naming %s", err, tt.variable)
			}
		})
	}
}
