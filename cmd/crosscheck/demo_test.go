package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crosscheck-news/crosscheck/bot/slacktest"
)

// TestDemoSaysWhyItCannotPost: a newcomer trying the demo with their
// tokens learns at once, in one line, what to fix.
func TestDemoSaysWhyItCannotPost(t *testing.T) {
	tests := []struct {
		name     string
		token    string
		prepare  func(fake *slacktest.Server)
		wantLine string
		wantCode int
	}{
		{"refused token", "xoxb-revoked", nil,
			"crosscheck: slack refused the token (invalid_auth): check SLACK_BOT_TOKEN", exitUsage},
		{"not in channel", "", func(fake *slacktest.Server) {
			fake.Fail("chat.postMessage", slacktest.Failure{Error: "not_in_channel"})
		}, "crosscheck: slack refused to post in C0DEMO (not_in_channel): invite the bot to C0DEMO (/invite @Crosscheck)", exitFailed},
		{"no such channel", "", func(fake *slacktest.Server) { fake.SetChannelMissing("C0DEMO", true) },
			"crosscheck: slack has no channel C0DEMO the bot can see (channel_not_found): check --channel, and invite the bot to C0DEMO", exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := slacktest.NewServer()
			defer fake.Close()
			if tt.prepare != nil {
				tt.prepare(fake)
			}
			token := tt.token
			if token == "" {
				token = fake.BotToken
			}
			var stdout, stderr bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string {
				if k == "SLACK_BOT_TOKEN" {
					return token
				}
				return ""
			}}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			began := time.Now()
			code := run(ctx, e, []string{"demo", "--channel", "C0DEMO", "--slack-api-url", fake.APIURL(), "--chart-dir", t.TempDir()})
			took := time.Since(began)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			if got := oneLine(t, stderr.String()); got != tt.wantLine {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.wantLine)
			}
			if took > 2*time.Second {
				t.Errorf("took %s to give up, want under 2s", took)
			}
			if strings.Contains(stderr.String()+stdout.String(), "still queued") {
				t.Error("talks of alerts kept for a next start the temporary store never has")
			}
		})
	}
}

func TestDemoWritesTheChart(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := cliRun(t, "", "demo", "--chart-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	i := strings.LastIndex(stdout, dir)
	if i < 0 {
		t.Fatalf("no chart path in the output:\n%s", stdout)
	}
	path := strings.TrimSpace(stdout[i:])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG", path)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := cliRun(t, "", args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !regexp.MustCompile(`^crosscheck \S+ \(revision \S+.*, go1\.\d+`).MatchString(stdout) {
				t.Errorf("version prints %q, want the module version, revision and Go version", stdout)
			}
		})
	}
}
