// Package bot is Crosscheck in Slack: Socket Mode and HTTP endpoints
// (Handler), the /crosscheck command (Execute), buttons on alerts, thread
// follow-ups, Block Kit rendering of alerts (render.go, and PlainText for
// terminals), and their delivery from the store's outbox (Notifier).
//
// Every request is acknowledged first and worked on after, by a bounded
// set of goroutines under Run's context. Retried and redelivered requests
// are recognised by event_id or trigger_id, kept in the store. Nothing is
// posted as an alert that was not first queued in the outbox; an alert
// leaves the outbox only once Slack has taken it.
//
// The desk, which runs each poll through extraction and the ledger, is in
// feeds/desk; the fake Slack for tests in bot/slacktest. The configuration,
// metrics and health endpoints and the demo belong to the command, in
// cmd/crosscheck/config, cmd/crosscheck/ops and cmd/crosscheck/demo.
package bot
