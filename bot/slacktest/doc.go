// Package slacktest is a fake Slack for tests: it speaks Slack's wire
// protocol (Web API methods as form or JSON posts answered with JSON, and
// Socket Mode envelopes over a websocket) so that the slack-go client runs
// against it unchanged, pointed at its URL with slack.OptionAPIURL.
//
// It records every message posted, updated or shown ephemerally, hands out
// ts values unique per message, and fails on demand: HTTP 500, 429 with
// Retry-After, invalid_auth, channel_not_found, a whole outage, and a
// websocket dropped in the middle of an envelope or before its ack arrives.
// Unacknowledged envelopes are delivered again on the next connection, as
// Slack does.
package slacktest
