package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/crosscheck-news/crosscheck/bot"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/config"
	"github.com/crosscheck-news/crosscheck/cmd/crosscheck/demo"
)

// runDemo is `crosscheck demo`: the whole pipeline on built-in sample
// feeds, alerts printed as they read in Slack. With SLACK_BOT_TOKEN and a
// channel (--channel, or SLACK_CHANNEL) it posts them to Slack too.
func runDemo(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "demo", "crosscheck demo [--channel C0123456789] [--slack-api-url URL] [--chart-dir DIR] [-v]")
	channel := fs.String("channel", e.getenv("SLACK_CHANNEL"), "also post alerts to this Slack `channel` (needs SLACK_BOT_TOKEN)")
	apiURL := fs.String("slack-api-url", config.DefaultSlackAPIURL, "Slack's Web API base `URL`")
	chartDir := fs.String("chart-dir", os.TempDir(), "write the chart of the first figure dispute into `DIR`")
	verbose := fs.Bool("v", false, "log every step to stderr")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("demo: unexpected argument %q (usage: crosscheck demo [--channel ID])", rest[0])
	}
	token := config.SecretsFromEnv(e.getenv).BotToken
	if *channel != "" && token == "" {
		return usagef("demo: --channel %s needs %s in the environment to post to Slack", *channel, bot.EnvBotToken)
	}
	opts := demo.Options{
		SlackToken:   token,
		SlackChannel: *channel,
		SlackAPIURL:  *apiURL,
		ChartDir:     *chartDir,
		Progress:     isTerminal(e.stdout),
		// The demo reports each step itself; the log is for failures.
		Log: newLogger(e.stderr, slog.LevelError, *verbose),
	}
	_, err = demo.Run(ctx, e.stdout, opts)
	if errors.Is(err, bot.ErrInvalidAuth) {
		// A refused token is the environment's mistake, like a bad
		// configuration.
		return usageError{err}
	}
	return err
}

// isTerminal reports whether w is a character device, where a progress
// line redrawn in place reads well; in a pipe or a file it would not.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
