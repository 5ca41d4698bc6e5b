// Package config reads crosscheck.yaml strictly and the Slack secrets from
// the environment.
//
// Strict means a typo never silently turns a setting off: an unknown key, a
// value of the wrong type, a bad cron spec, a non-http(s) URL, a duplicate
// feed name or a bad duration is an *Error naming the file, the line and
// the field ("crosscheck.yaml:12: feeds[1].schedule: bad cron spec ...").
// The command line maps *Error to exit status 2.
//
// The file is parsed into a yaml.Node tree and walked against the Config
// struct by this package rather than decoded by yaml.v3 directly: that is
// what lets every error carry the field path and line, and it refuses
// unknown keys as yaml.v3's KnownFields would.
//
// Secrets never come from the file: SecretsFromEnv reads SLACK_BOT_TOKEN,
// SLACK_APP_TOKEN and SLACK_SIGNING_SECRET into bot.Secrets, which never
// prints them.
//
// The slack: section decodes into the bot's own type (bot.Slack) and
// Config.Bot hands the bot what it acts on (bot.Settings): the bot
// defines what it needs and imports no configuration; this package
// imports the bot, never the reverse.
package config
