// Package feeds brings articles in: feed sources, the cron scheduler, a
// polite and safe HTTP fetcher, parsing of RSS, Atom and JSON feeds, item
// identity, and full article text. It knows nothing of Slack and stores
// nothing: the Poller reads a feed's past through History (the store
// implements it) and returns what it fetched and what changed, a Poll,
// which the pipeline in feeds/desk commits. The Scheduler keeps no poll
// policy of its own: it waits until the time each poll's caller returns.
package feeds
