// Package desk runs articles through Crosscheck's judgement: a feed poll
// (feeds.Poller) or a single article goes through claim extraction and into
// the ledger, whose transaction also records the conflicts the claims raise
// and queues their alerts. It is the one place that joins feeds, claim and
// state, so the poll command, the bot, replay and "check URL" all judge the
// same way.
package desk
