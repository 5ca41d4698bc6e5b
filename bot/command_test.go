package bot

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text string
		want command
	}{
		{"", command{Sub: "help"}},
		{"help", command{Sub: "help"}},
		{"status", command{Sub: "status"}},
		{"feeds", command{Sub: "feeds", Verb: "list"}},
		{"feeds list --share", command{Sub: "feeds", Verb: "list", Share: true}},
		{"share conflicts all", command{Sub: "conflicts", Scope: "all", Share: true}},
		{"feeds add https://example.org/rss", command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss"}},
		{"feeds add <https://example.org/rss> @every 15m kyiv", command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss", Schedule: "@every 15m", Name: "kyiv"}},
		{`feeds add https://example.org/rss "@every 15m"`, command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss", Schedule: "@every 15m"}},
		{"feeds add https://example.org/rss “*/5 * * * *” kyiv-independent", command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss", Schedule: "*/5 * * * *", Name: "kyiv-independent"}},
		{"feeds add https://example.org/rss 0 * * * MON yonhap", command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss", Schedule: "0 * * * MON", Name: "yonhap"}},
		{"feeds add https://example.org/rss @hourly", command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss", Schedule: "@hourly"}},
		{"feeds add https://example.org/rss yonhap", command{Sub: "feeds", Verb: "add", Arg: "https://example.org/rss", Name: "yonhap"}},
		{"feeds remove yonhap", command{Sub: "feeds", Verb: "remove", Arg: "yonhap"}},
		{"FEEDS Pause yonhap", command{Sub: "feeds", Verb: "pause", Arg: "yonhap"}},
		{"feeds resume yonhap", command{Sub: "feeds", Verb: "resume", Arg: "yonhap"}},
		{"claims north korean soldiers", command{Sub: "claims", Arg: "north korean soldiers"}},
		{"conflicts", command{Sub: "conflicts", Scope: "open"}},
		{"conflicts open", command{Sub: "conflicts", Scope: "open"}},
		{"check https://example.org/a?b=1", command{Sub: "check", Arg: "https://example.org/a?b=1"}},
		{"mute c-3f9a1b", command{Sub: "mute", Arg: "c-3f9a1b", Duration: 24 * time.Hour}},
		{"mute c-3f9a1b 48h", command{Sub: "mute", Arg: "c-3f9a1b", Duration: 48 * time.Hour}},
		{"mute North Korean soldiers|fighting | Kursk 7d", command{Sub: "mute", Arg: "north korean soldiers | fighting | kursk", Duration: 7 * 24 * time.Hour}},
		{"mute north korean soldiers | fighting | kursk 2w", command{Sub: "mute", Arg: "north korean soldiers | fighting | kursk", Duration: 14 * 24 * time.Hour}},
		{"unmute c-3f9a1b", command{Sub: "unmute", Arg: "c-3f9a1b"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := parseCommand(tt.text)
			if err != nil {
				t.Fatalf("parseCommand(%q): %v", tt.text, err)
			}
			if got != tt.want {
				t.Errorf("parseCommand(%q) =\n %+v, want\n %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct {
		text string
		// The reply must say what is wrong and show this usage.
		wantMsg, wantUsage string
	}{
		{"frobnicate", `I don't know the command "frobnicate"`, "/crosscheck feeds add URL"},
		{"feeds explode", `no action "explode"`, "/crosscheck feeds add URL"},
		{"feeds add", "needs the feed's URL", "/crosscheck feeds add URL"},
		{"feeds add ftp://example.org/rss", `Only http and https URLs`, "/crosscheck feeds add URL"},
		{"feeds add file:///etc/passwd", `Only http and https URLs`, "/crosscheck feeds add URL"},
		{"feeds add https://user:pw@example.org/rss", "user name or password", "/crosscheck feeds add URL"},
		{"feeds add https://example.org/rss @every", "needs an interval", "/crosscheck feeds add URL"},
		{"feeds add https://example.org/rss @fortnightly", "not a schedule", "/crosscheck feeds add URL"},
		{"feeds add https://example.org/rss a b", "could not tell the schedule from the name", "/crosscheck feeds add URL"},
		{"feeds add https://example.org/rss ../../etc", "not a usable feed name", "/crosscheck feeds add URL"},
		{"feeds remove", "needs exactly one feed name", "/crosscheck feeds add URL"},
		{"claims", "needs something to search for", "/crosscheck claims QUERY"},
		{"conflicts closed", "takes `open` or `all`", "/crosscheck conflicts [open|all]"},
		{"check", "needs exactly one URL", "/crosscheck check URL"},
		{"check javascript:alert(1)", "Only http and https", "/crosscheck check URL"},
		{"mute", "needs a conflict ID or a topic", "/crosscheck mute"},
		{"mute c-1 forever", `cannot last "forever"`, "/crosscheck mute"},
		{"mute c-1 -5m", `A mute of "-5m" makes no sense`, "/crosscheck mute"},
		{"mute c-1 0s", "makes no sense", "/crosscheck mute"},
		{"mute c-1 10s", "too short", "/crosscheck mute"},
		{"mute c-1 1000d", "too long", "/crosscheck mute"},
		{"mute c-1 5parsecs", "not a duration", "/crosscheck mute"},
		{"unmute", "needs a conflict ID or a topic", "/crosscheck unmute"},
		{"status now", "takes no arguments", "/crosscheck status"},
		{`feeds add "https://example.org`, "quote is not closed", "/crosscheck help"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := parseCommand(tt.text)
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("parseCommand(%q) = %v, want a usage error", tt.text, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantMsg) || !strings.Contains(msg, tt.wantUsage) {
				t.Errorf("reply lacks %q or %q:\n%s", tt.wantMsg, tt.wantUsage, msg)
			}
		})
	}
}

func TestParseCommandHuge(t *testing.T) {
	text := "claims " + strings.Repeat("x", 1<<20)
	_, err := parseCommand(text)
	if err == nil || !strings.Contains(err.Error(), "too long (1.0 M bytes)") {
		t.Fatalf("1 MB command: %v", err)
	}
	if len(err.Error()) > 4000 {
		t.Errorf("the reply echoes the input: %d bytes", len(err.Error()))
	}
}

func TestPrivateHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"example.org", false},
		{"93.184.216.34", false},
		{"[2606:2800:220:1::]", false},
		{"localhost", true},
		{"LOCALHOST.", true},
		{"printer.local", true},
		{"db.internal", true},
		{"127.0.0.1", true},
		{"10.1.2.3", true},
		{"172.16.0.9", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"0.0.0.0", true},
		{"::1", true},
		{"fd00::1", true},
		{"fe80::1", true},
		{"::ffff:127.0.0.1", true},
		{"2130706433", true},
		{"0x7f000001", true},
	}
	for _, tt := range tests {
		if got := privateHost(tt.host); got != tt.want {
			t.Errorf("privateHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"", "help", "feeds add https://example.org/rss @every 15m kyiv", "mute a | b | c 7d",
		`check "https://x`, "mute c-1 -5m", "feeds add http://[::1]/ 0 0 * * * n", "conflicts all --share"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := parseCommand(text)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if cmd.Sub == "" {
			t.Fatalf("parsed %q to no subcommand", text)
		}
		if cmd.Sub == "mute" && (cmd.Duration <= 0 || cmd.Duration > MaxMute) {
			t.Fatalf("mute duration %v accepted from %q", cmd.Duration, text)
		}
		if (cmd.Sub == "check" || cmd.Verb == "add") && !strings.HasPrefix(cmd.Arg, "http") {
			t.Fatalf("URL %q accepted from %q", cmd.Arg, text)
		}
	})
}
