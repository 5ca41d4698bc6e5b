// Package desk runs articles through Crosscheck's judgement: a feed poll
// (feeds.Poller) or a single article goes through claim extraction and into
// the ledger, whose transaction also records the conflicts the claims raise
// and queues their alerts. It is the one place that joins feeds, claim and
// state, so the poll command, the bot, replay and "check URL" all judge the
// same way. It keeps a poll within limits.max_claims_per_poll, deferring
// the items that do not fit to the next poll, so no commit holds the
// store's write lock for long.
package desk
