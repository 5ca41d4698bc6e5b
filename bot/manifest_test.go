package bot

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestManifest keeps manifest.yaml in step with what the bot needs:
// the scopes, the slash command, the events it answers and Socket Mode.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			BotUser struct {
				DisplayName string `yaml:"display_name"`
			} `yaml:"bot_user"`
			SlashCommands []struct{ Command string } `yaml:"slash_commands"`
		}
		OAuth struct {
			Scopes struct{ Bot []string } `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool `yaml:"is_enabled"`
			}
			SocketMode bool `yaml:"socket_mode_enabled"`
		}
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest.yaml: %v", err)
	}
	for _, s := range []string{"chat:write", "commands", "app_mentions:read", "channels:history", "groups:history", "files:write"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("manifest lacks bot scope %s", s)
		}
	}
	for _, e := range []string{"app_mention", "message.channels", "message.groups"} {
		if !slices.Contains(m.Settings.Events.BotEvents, e) {
			t.Errorf("manifest lacks bot event %s", e)
		}
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/crosscheck" {
		t.Errorf("slash commands = %+v", m.Features.SlashCommands)
	}
	if !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Errorf("interactivity %v, socket mode %v; both must be on", m.Settings.Interactivity.Enabled, m.Settings.SocketMode)
	}
}
