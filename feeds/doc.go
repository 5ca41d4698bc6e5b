// Package feeds brings articles in: feed sources, the cron scheduler, a
// polite and safe HTTP fetcher, parsing of RSS, Atom and JSON feeds, item
// identity, and full article text. It knows nothing of Slack.
package feeds
