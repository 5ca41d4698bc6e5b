// Package bot is Crosscheck in Slack: Socket Mode and HTTP endpoints, the
// /crosscheck command, thread follow-ups, Block Kit alerts and their
// delivery from the store's outbox; and the desk, which runs each poll
// through claim extraction and the ledger.
package bot
