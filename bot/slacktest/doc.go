// Package slacktest is a fake Slack for tests: it speaks Slack's wire
// protocol (Web API methods as form or JSON posts answered with JSON, and
// Socket Mode envelopes over a websocket) so that the slack-go client runs
// against it unchanged, pointed at its URL with slack.OptionAPIURL.
//
// It records every message posted, updated or shown ephemerally, with its
// message metadata, and answers conversations.history and
// conversations.replies from them as Slack does: newest first or oldest
// first, bounded by oldest and latest, in pages with cursors, metadata
// only on include_all_metadata. It takes files through Slack's current
// upload flow (files.getUploadURLExternal, a POST to the upload URL it
// hands out on the same server, files.completeUploadExternal), keeps
// their bytes (Files) and shares them in their channel or thread with a
// message. It hands out ts values unique per message,
// and fails on demand: HTTP 500, 429 with Retry-After, invalid_auth,
// channel_not_found, a whole outage, a websocket dropped in the middle of
// an envelope or before its ack arrives, and a post taken but never
// answered (OnPost), as when the bot dies right after Slack accepted it.
// Unacknowledged envelopes are delivered again on the next connection, as
// Slack does.
package slacktest
