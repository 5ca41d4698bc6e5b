// Package desk is the pipeline: it runs articles through Crosscheck's
// judgement. A feed poll (feeds.Poller) or a single article goes through
// claim extraction and into the ledger, whose transaction also records the
// conflicts the claims raise and queues their alerts. It is the one place
// that joins feeds, claim and state (miniflux's reader handler plays the
// same part), so the poll command, the bot, replay and "check URL" all
// judge the same way, and it is the only writer of a feed's poll state: a
// success commits the poll's state with the poll, a failure records the
// error, its count and the backoff (Backoff, never before the server's
// Retry-After) that sets the next poll. It keeps a poll within
// limits.max_claims_per_poll, deferring the items that do not fit to the
// next poll, so no commit holds the store's write lock for long. It
// imports no Slack package.
package desk
