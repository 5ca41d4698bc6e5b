package config

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/feeds"
	"github.com/crosscheck-news/crosscheck/feeds/desk"
)

// The example configuration at the repository root must always load: it is
// what newcomers copy.
func TestExampleFileLoads(t *testing.T) {
	cfg, err := Load("../../../crosscheck.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []feeds.Source{
		{Name: "kyiv-independent", URL: "https://example.org/rss", Outlet: "The Kyiv Independent", Schedule: "@every 10m"},
		{Name: "wire-service", URL: "https://example.com/world/atom.xml", Outlet: "Wire Service", Schedule: "*/15 6-23 * * *", FullText: true},
	}
	if fmt.Sprint(cfg.Feeds) != fmt.Sprint(want) {
		t.Errorf("feeds = %+v\nwant %+v", cfg.Feeds, want)
	}
	if cfg.Slack.Channel != "C0123456789" || cfg.Slack.Admins[0] != "U0123456789" {
		t.Errorf("slack = %+v", cfg.Slack)
	}
	wantRoutes := []bot.Route{
		{Channel: "C0WORLD0001", Feeds: []string{"kyiv-independent"}},
		{Channel: "C0DISASTER1", Beats: []string{"disasters"}},
	}
	if fmt.Sprint(cfg.Slack.Routes) != fmt.Sprint(wantRoutes) {
		t.Errorf("routes = %+v, want %+v", cfg.Slack.Routes, wantRoutes)
	}
	if cfg.Claims.Window != 14*24*time.Hour || cfg.Claims.Tolerance != 0.10 {
		t.Errorf("claims = %+v", cfg.Claims)
	}
	if got := cfg.Claims.Aliases["dprk"]; len(got) != 3 || got[2] != "pyongyang" {
		t.Errorf("aliases[dprk] = %q", got)
	}
	// The example documents the defaults: apart from what it sets on
	// purpose, it must equal an empty file.
	def := Default()
	def.File = cfg.File
	def.Slack.Channel, def.Slack.Admins, def.Slack.Routes = cfg.Slack.Channel, cfg.Slack.Admins, cfg.Slack.Routes
	def.Feeds, def.Claims.Aliases = cfg.Feeds, cfg.Claims.Aliases
	if fmt.Sprintf("%+v", def) != fmt.Sprintf("%+v", cfg) {
		t.Errorf("the example's values are not the defaults:\n got %+v\nwant %+v", cfg, def)
	}
}

// The README's Configuration section shows the same complete example; it
// must stay loadable and identical to crosscheck.example.yaml.
func TestREADMEExampleMatchesExampleFile(t *testing.T) {
	readme, err := os.Open("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer readme.Close()
	var block strings.Builder
	inSection, inBlock := false, false
	sc := bufio.NewScanner(readme)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			inSection = line == "## Configuration"
		case inSection && line == "```yaml" && block.Len() == 0:
			inBlock = true
		case inBlock && line == "```":
			inBlock, inSection = false, false
		case inBlock:
			block.WriteString(line + "\n")
		}
	}
	if block.Len() == 0 {
		t.Fatal("README.md has no ```yaml block in its ## Configuration section")
	}
	example, err := os.ReadFile("../../../crosscheck.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if block.String() != string(example) {
		t.Error("README.md's configuration example differs from crosscheck.example.yaml; paste the file into the README")
	}
	if _, err := Parse("README.md", []byte(block.String())); err != nil {
		t.Error(err)
	}
}

func TestEmptyFileIsDefaults(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "---\n", "~\n"} {
		cfg, err := Parse("crosscheck.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		def := Default()
		def.File = "crosscheck.yaml"
		if fmt.Sprintf("%+v", cfg) != fmt.Sprintf("%+v", def) {
			t.Errorf("%q gave %+v", src, cfg)
		}
	}
	cfg := Default()
	if cfg.Store != "./crosscheck.db" || cfg.Listen != "127.0.0.1:8080" || cfg.Slack.Mode != "socket" ||
		cfg.Slack.APIURL != "https://slack.com/api/" || cfg.Limits.Workers != 8 || cfg.Limits.PerHost != 2 ||
		cfg.Limits.ConnectTimeout != 10*time.Second || cfg.Limits.RequestTimeout != 30*time.Second ||
		cfg.Limits.MaxBodyBytes != 10<<20 || cfg.Slack.GroupInterval != 30*time.Second ||
		cfg.Limits.HTTPReadTimeout != 30*time.Second || cfg.Limits.HTTPWriteTimeout != time.Minute ||
		cfg.Limits.HTTPIdleTimeout != time.Minute || cfg.Limits.HTTPConnsPerClient != 64 {
		t.Errorf("defaults changed: %+v", cfg)
	}
}

func TestValuesAndDefaults(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(*Config) string
	}{
		{"feed defaults", "feeds:\n  - name: a\n    url: https://a.example/rss\n", func(c *Config) string {
			return fmt.Sprintf("%+v", c.Feeds[0])
		}},
		{"api_url gains its slash", "slack:\n  api_url: http://127.0.0.1:9999/api\n", func(c *Config) string { return c.Slack.APIURL }},
		{"sizes", "limits:\n  max_body_bytes: 512KiB\n", func(c *Config) string { return fmt.Sprint(c.Limits.MaxBodyBytes) }},
		{"plain bytes", "limits:\n  max_body_bytes: 2048\n", func(c *Config) string { return fmt.Sprint(c.Limits.MaxBodyBytes) }},
		{"proxy from the environment", "limits:\n  proxy: environment\n", func(c *Config) string { return fmt.Sprint(c.Limits.Proxy, " ", c.Limits.ProxyURL()) }},
		{"proxy URL", "limits:\n  proxy: http://proxy.internal:3128\n", func(c *Config) string { return c.Limits.ProxyURL().String() }},
		{"retention in days", "retention:\n  claims: 365d\n  alerts: 0s\n", func(c *Config) string {
			return fmt.Sprint(c.Retention.Claims, " ", c.Retention.Alerts, " ", c.Retention.Conflicts)
		}},
		{"days and hours", "claims:\n  window: 1d12h\n", func(c *Config) string { return c.Claims.Window.String() }},
		{"percent", "claims:\n  tolerance: 15%\n  hedges: {about: 0.2}\n", func(c *Config) string {
			return fmt.Sprint(c.Claims.Tolerance, " ", c.Claims.Hedges.About, " ", c.Claims.Hedges.Nearly)
		}},
		{"null section keeps defaults", "slack:\nlimits: ~\n", func(c *Config) string { return c.Slack.Mode + " " + fmt.Sprint(c.Limits.Workers) }},
		{"anchors", "feeds:\n  - &a {name: a, url: 'https://a.example/', schedule: '@hourly'}\n  - {name: b, url: 'https://b.example/', schedule: '@hourly'}\n", func(c *Config) string {
			return c.Feeds[0].Schedule + " " + c.Feeds[1].Schedule
		}},
		{"channel by name", "slack:\n  channel: '#news-desk'\n  mode: http\n", func(c *Config) string { return c.Slack.Channel + " " + c.Slack.Mode }},
		{"timezone schedule", "feeds:\n  - {name: a, url: 'https://a.example/', schedule: 'CRON_TZ=Europe/Kyiv 0 6 * * *'}\n", func(c *Config) string { return c.Feeds[0].Schedule }},
		{"group interval 0s is no wait", "slack:\n  group_interval: 0s\n", func(c *Config) string { return c.Slack.GroupInterval.String() }},
		{"listener limits", "limits:\n  http_read_timeout: 5s\n  http_idle_timeout: 2m\n  http_conns_per_client: 8\n", func(c *Config) string {
			return fmt.Sprint(c.Limits.HTTPReadTimeout, " ", c.Limits.HTTPWriteTimeout, " ", c.Limits.HTTPIdleTimeout, " ", c.Limits.HTTPConnsPerClient)
		}},
	}
	want := map[string]string{
		"feed defaults":                "{Name:a URL:https://a.example/rss Outlet:a Schedule:@every 10m FullText:false}",
		"api_url gains its slash":      "http://127.0.0.1:9999/api/",
		"sizes":                        "524288",
		"plain bytes":                  "2048",
		"days and hours":               "36h0m0s",
		"percent":                      "0.15 0.2 0.1",
		"null section keeps defaults":  "socket 8",
		"anchors":                      "@hourly @hourly",
		"channel by name":              "#news-desk http",
		"timezone schedule":            "CRON_TZ=Europe/Kyiv 0 6 * * *",
		"proxy from the environment":   "environment <nil>",
		"proxy URL":                    "http://proxy.internal:3128",
		"group interval 0s is no wait": "0s",
		"listener limits":              "5s 1m0s 2m0s 8",
		"retention in days":            "8760h0m0s 0s 8760h0m0s",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("crosscheck.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.check(cfg); got != want[tt.name] {
				t.Errorf("got %q, want %q", got, want[tt.name])
			}
		})
	}
}

// Every mistake names the file, the line and the field, in one line.
// TestRunNeedsAChannel: a configuration without slack.channel loads
// (poll, feeds and backup do without), but run refuses it, naming the
// file, the slack section's line and the field.
func TestRunNeedsAChannel(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"slack section without it", "store: x.db\n\nslack:\n  mode: socket\n", "crosscheck.yaml:3: slack.channel: required by crosscheck run"},
		{"no slack section", "store: x.db\n", "crosscheck.yaml: slack.channel: required by crosscheck run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "crosscheck.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			tt.want = filepath.Join(filepath.Dir(path), tt.want)
			err = cfg.RequireChannel()
			var ce *Error
			if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("RequireChannel: %v, want %q…", err, tt.want)
			}
		})
	}
	cfg, err := Parse("crosscheck.yaml", []byte("slack:\n  channel: C0123456789\n"))
	if err != nil || cfg.RequireChannel() != nil {
		t.Errorf("a channel is refused: %v", err)
	}
}

func TestErrors(t *testing.T) {
	const twoFeeds = "feeds:\n" +
		"  - name: kyiv\n" +
		"    url: https://kyivindependent.com/rss\n" +
		"  - name: wire\n" +
		"    url: https://wire.example/rss\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "store: x.db\nstorage: y.db\n",
			`crosscheck.yaml:2: storage: unknown key (did you mean "store"?)`},
		{"unknown nested key", "slack:\n  mode: socket\n  chanel: C0123456789\n",
			`crosscheck.yaml:3: slack.chanel: unknown key (did you mean "channel"?)`},
		{"unknown key lists the known ones", "limits:\n  speed: 3\n",
			`crosscheck.yaml:2: limits.speed: unknown key (known: connect_timeout, http_conns_per_client, http_idle_timeout, http_read_timeout, http_write_timeout, max_body_bytes, max_claims_per_poll, max_items_per_poll, per_host, proxy, request_timeout, workers)`},
		{"proxy neither environment nor a URL", "limits:\n  proxy: env\n",
			`crosscheck.yaml:2: limits.proxy: "env": want environment, or a proxy URL such as http://proxy.internal:3128`},
		{"an unknown engine", "claims:\n  engine: neural\n",
			`crosscheck.yaml:2: claims.engine: "neural": want tokens or frames`},
		{"proxy of another scheme", "limits:\n  proxy: ftp://proxy.internal:21\n",
			`crosscheck.yaml:2: limits.proxy: "ftp://proxy.internal:21": want an http, https or socks5 proxy URL`},
		{"no items a poll", "limits:\n  max_items_per_poll: 0\n",
			`crosscheck.yaml:2: limits.max_items_per_poll: 0: want 1 to 100000`},
		{"claims pruned inside the window", "retention:\n  claims: 20d\n",
			`crosscheck.yaml:2: retention.claims: 480h0m0s: want 0 (keep forever) or at least twice claims.window (672h0m0s)`},
		{"unknown feed key", twoFeeds + "    full_text: true\n",
			`crosscheck.yaml:6: feeds[1].full_text: unknown key (did you mean "fulltext"?)`},
		{"bad cron spec", twoFeeds + "    schedule: every 5\n",
			`crosscheck.yaml:6: feeds[1].schedule: bad cron spec "every 5": expected exactly 5 fields, found 2: [every 5]`},
		{"bad @every", twoFeeds + "    schedule: '@every 5'\n",
			`crosscheck.yaml:6: feeds[1].schedule: bad cron spec "@every 5": time: missing unit in duration "5"`},
		{"sub-second @every", twoFeeds + "    schedule: '@every 100ms'\n",
			`crosscheck.yaml:6: feeds[1].schedule: bad cron spec "@every 100ms": @every needs at least 1s`},
		{"never fires", twoFeeds + "    schedule: '0 0 30 2 *'\n",
			`crosscheck.yaml:6: feeds[1].schedule: bad cron spec "0 0 30 2 *": it never fires`},
		{"zone without schedule", twoFeeds + "    schedule: TZ=UTC\n",
			`crosscheck.yaml:6: feeds[1].schedule: bad cron spec "TZ=UTC": a time zone needs a schedule after it`},
		{"file URL", "feeds:\n  - name: a\n    url: file:///etc/passwd\n",
			`crosscheck.yaml:3: feeds[0].url: "file:///etc/passwd": scheme "file" not allowed, only http and https`},
		{"URL without scheme", "feeds:\n  - name: a\n    url: example.org/rss\n",
			`crosscheck.yaml:3: feeds[0].url: "example.org/rss" has no scheme: feeds are fetched over http or https`},
		{"missing URL", "feeds:\n  - name: a\n",
			`crosscheck.yaml:2: feeds[0].url: missing`},
		{"missing name", "feeds:\n  - url: https://a.example/\n",
			`crosscheck.yaml:2: feeds[0].name: missing (a short id such as "kyiv-independent")`},
		{"bad name", "feeds:\n  - name: Kyiv Independent\n    url: https://a.example/\n",
			`crosscheck.yaml:2: feeds[0].name: "Kyiv Independent": use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. "kyiv-independent")`},
		{"duplicate name", twoFeeds + "  - name: kyiv\n    url: https://other.example/rss\n",
			`crosscheck.yaml:6: feeds[2].name: "kyiv" is already the name of feeds[0] (line 2); names must be unique`},
		{"duplicate URL", twoFeeds + "  - name: kyiv2\n    url: HTTPS://KyivIndependent.com:443/rss#top\n",
			`crosscheck.yaml:7: feeds[2].url: "HTTPS://KyivIndependent.com:443/rss#top" is already polled as feeds[0] "kyiv"`},
		{"bad duration", "limits:\n  connect_timeout: 10 seconds\n",
			`crosscheck.yaml:2: limits.connect_timeout: bad duration "10 seconds": use a number with a unit: 500ms, 30s, 10m, 2h, 14d`},
		{"duration as number", "limits:\n  request_timeout: 30\n",
			`crosscheck.yaml:2: limits.request_timeout: bad duration "30": use a number with a unit: 500ms, 30s, 10m, 2h, 14d`},
		{"zero timeout", "limits:\n  request_timeout: 0s\n",
			`crosscheck.yaml:2: limits.request_timeout: 0s: want more than 0s`},
		{"zero read timeout", "limits:\n  http_read_timeout: 0s\n",
			`crosscheck.yaml:2: limits.http_read_timeout: 0s: want between 1s and 10m`},
		{"idle timeout of a day", "limits:\n  http_idle_timeout: 1d\n",
			`crosscheck.yaml:2: limits.http_idle_timeout: 24h0m0s: want between 1s and 10m`},
		{"no connections per client", "limits:\n  http_conns_per_client: 0\n",
			`crosscheck.yaml:2: limits.http_conns_per_client: 0: want 1 to 100000`},
		{"workers not a number", "limits:\n  workers: many\n",
			`crosscheck.yaml:2: limits.workers: want a whole number, found "many"`},
		{"workers zero", "limits:\n  workers: 0\n",
			`crosscheck.yaml:2: limits.workers: 0: want 1 to 1000`},
		{"bad size", "limits:\n  max_body_bytes: 10 furlongs\n",
			`crosscheck.yaml:2: limits.max_body_bytes: bad size "10 furlongs": unknown unit "furlongs" (use B, KiB, MiB or GiB)`},
		{"bool as string", "allow_private_networks: sometimes\n",
			`crosscheck.yaml:1: allow_private_networks: want true or false, found "sometimes"`},
		{"mode", "slack:\n  mode: websocket\n",
			`crosscheck.yaml:2: slack.mode: "websocket": want socket or http`},
		{"admin by handle", "slack:\n  admins: [U0123456789, '@alice']\n",
			`crosscheck.yaml:2: slack.admins[1]: "@alice" is not a Slack user ID (like U0123456789: in Slack, the member's profile → ⋮ → Copy member ID)`},
		{"admins not a list", "slack:\n  admins: U0123456789\n",
			`crosscheck.yaml:2: slack.admins: want a list, found "U0123456789"`},
		{"channel", "slack:\n  channel: news desk\n",
			`crosscheck.yaml:2: slack.channel: "news desk": want a channel ID such as C0123456789, or #name`},
		{"api_url", "slack:\n  api_url: slack.com/api\n",
			`crosscheck.yaml:2: slack.api_url: "slack.com/api": want an http(s) URL such as https://slack.com/api/`},
		{"route without channel", "slack:\n  routes:\n    - beats: [disasters]\n",
			`crosscheck.yaml:3: slack.routes[0].channel: "": want a channel ID such as C0123456789, or #name`},
		{"route matching nothing", "slack:\n  routes:\n    - channel: C0WORLD0001\n",
			`crosscheck.yaml:3: slack.routes[0]: matches nothing: give feeds, outlets, beats or places`},
		{"route with an empty list", "slack:\n  routes:\n    - channel: C0WORLD0001\n      feeds: []\n",
			`crosscheck.yaml:4: slack.routes[0].feeds: empty list: leave the key out instead`},
		{"route with an unknown beat", "slack:\n  routes:\n    - channel: C0WORLD0001\n      places: [kursk]\n    - channel: C0SPORT0001\n      beats: [conflict, sport]\n",
			`crosscheck.yaml:6: slack.routes[1].beats[1]: "sport": unknown beat; want one of conflict, disasters, labour, migration, protests`},
		{"route with an unknown key", "slack:\n  routes:\n    - channel: C0WORLD0001\n      feed: [kyiv]\n",
			`crosscheck.yaml:4: slack.routes[0].feed: unknown key (did you mean "feeds"?)`},
		{"listen", "listen: 8080\n",
			`crosscheck.yaml:1: listen: "8080" is not host:port (e.g. 127.0.0.1:8080, or :8080 for every interface)`},
		{"tolerance", "claims:\n  tolerance: 150%\n",
			`crosscheck.yaml:2: claims.tolerance: 1.5: want a fraction from 0 up to (not including) 1, such as 0.1`},
		{"window", "claims:\n  window: fortnight\n",
			`crosscheck.yaml:2: claims.window: bad duration "fortnight": use a number with a unit: 500ms, 30s, 10m, 2h, 14d`},
		{"alias twice", "claims:\n  aliases:\n    a: [x]\n    b: [y, X]\n",
			`crosscheck.yaml:4: claims.aliases.b[1]: "x" is already an alias of "a"`},
		{"key set twice", "store: a.db\nlisten: :1\nstore: b.db\n",
			`crosscheck.yaml:3: store: set twice (first on line 1)`},
		{"section of the wrong kind", "slack: [socket]\n",
			`crosscheck.yaml:1: slack: want a mapping, found a list`},
		{"top level not a mapping", "- a\n- b\n",
			`crosscheck.yaml:1: want a mapping of settings (store:, slack:, feeds: ...), found a list`},
		{"syntax", "slack:\n  mode: socket\n channel: x\n",
			`crosscheck.yaml:2: not valid YAML: did not find expected key`},
		{"tab indentation", "slack:\n\tmode: socket\n",
			`crosscheck.yaml:2: not valid YAML: found character that cannot start any token`},
		{"merge key", "base: &b {mode: http}\n",
			`crosscheck.yaml:1: base: unknown key (known: allow_private_networks, claims, feeds, limits, listen, retention, slack, store)`},
		{"merge key in section", "slack:\n  <<: {mode: http}\n",
			`crosscheck.yaml:2: slack: keys must be plain names (YAML merge keys are not supported)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("crosscheck.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error; got %+v", cfg)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error: %v", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yaml")
	_, err := Load(missing)
	if want := missing + ": cannot read: no such file (create one from crosscheck.example.yaml, or pass --config)"; err == nil || err.Error() != want {
		t.Errorf("missing file: got %v, want %s", err, want)
	}
	_, err = Load(dir)
	if err == nil || !strings.HasPrefix(err.Error(), dir+": cannot read: ") {
		t.Errorf("directory: got %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# padding\n", maxFileSize/10+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge file: got %v", err)
	}
}

// A "billion laughs" document must fail fast rather than expand.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	// Hang the bomb where the walker must expand it: a list of strings.
	yml := strings.ReplaceAll(b.String(), "a0: &a0", "slack:\n  admins: &a0")
	start := time.Now()
	_, err := Parse("bomb.yaml", []byte(yml))
	if err == nil {
		t.Fatal("no error")
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestSecrets(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name, mode string
		getenv     func(string) string
		want       string
	}{
		{"socket ok", "socket", env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_APP_TOKEN", " xapp-1\n"), ""},
		{"http ok", "http", env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s3"), ""},
		{"no bot token", "socket", env("SLACK_APP_TOKEN", "xapp-1"),
			"SLACK_BOT_TOKEN: not set in the environment; the bot token (xoxb-…) from your Slack app's OAuth & Permissions page"},
		{"no app token", "socket", env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s3"),
			"SLACK_APP_TOKEN: not set in the environment; slack.mode socket needs an app-level token (xapp-…) with the connections:write scope"},
		{"no signing secret", "http", env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_APP_TOKEN", "xapp-1"),
			"SLACK_SIGNING_SECRET: not set in the environment; slack.mode http needs the signing secret from your Slack app's Basic Information page"},
		{"swapped", "socket", env("SLACK_BOT_TOKEN", "xapp-1", "SLACK_APP_TOKEN", "xoxb-1"),
			"SLACK_BOT_TOKEN: holds an app-level token (xapp-…); it needs the bot token (xoxb-…), the app token goes in SLACK_APP_TOKEN"},
		{"whitespace only", "socket", env("SLACK_BOT_TOKEN", "  ", "SLACK_APP_TOKEN", "xapp-1"),
			"SLACK_BOT_TOKEN: not set in the environment; the bot token (xoxb-…) from your Slack app's OAuth & Permissions page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSecrets(SecretsFromEnv(tt.getenv), tt.mode)
			got := ""
			if err != nil {
				got = err.Error()
				var ce *Error
				if !errors.As(err, &ce) {
					t.Errorf("%T is not a *config.Error", err)
				}
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("../../../crosscheck.example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("%T is not a *config.Error: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		names := map[string]bool{}
		for _, src := range cfg.Feeds {
			if err := src.Validate(); err != nil {
				t.Fatalf("accepted an invalid feed: %v", err)
			}
			if names[src.Name] {
				t.Fatalf("accepted duplicate name %q", src.Name)
			}
			names[src.Name] = true
			if src.Schedule == "" || src.Outlet == "" {
				t.Fatalf("defaults not applied: %+v", src)
			}
		}
		if cfg.Limits.Workers < 1 || cfg.Limits.PerHost < 1 || cfg.Limits.RequestTimeout <= 0 || !strings.HasSuffix(cfg.Slack.APIURL, "/") {
			t.Fatalf("accepted bad limits: %+v", cfg)
		}
	})
}

// The caps' defaults are the pipeline's own, which config names as
// numbers (config sits beside the desk, not above it).
func TestPollCapsAreThePipelines(t *testing.T) {
	if DefaultMaxClaimsPerPoll != desk.DefaultMaxClaimsPerPoll || DefaultMaxItemsPerPoll != feeds.DefaultMaxItemsPerPoll {
		t.Errorf("config's caps %d items, %d claims differ from the pipeline's %d, %d",
			DefaultMaxItemsPerPoll, DefaultMaxClaimsPerPoll, feeds.DefaultMaxItemsPerPoll, desk.DefaultMaxClaimsPerPoll)
	}
}
