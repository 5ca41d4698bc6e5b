package bot

// settle returns once the bot has finished all the work Slack has given it
// so far, so that a test can count answers knowing that no late double is
// still on its way. Over Socket Mode the bot acks and dispatches envelopes
// one at a time, in order: once a sentinel envelope sent now is acked,
// every earlier one has been dispatched. In HTTP mode a request is
// dispatched before its response. Dispatched work holds a worker slot until
// it is done, so no slot held means nothing left to do.
func (h *harness) settle() {
	h.t.Helper()
	if h.bot.cfg.Slack.Mode != ModeHTTP {
		// A message from another bot: dispatched like any event, and
		// ignored.
		id := h.fake.Send("events_api", h.fake.EventCallback(map[string]any{
			"type": "message", "channel": deskChannel, "bot_id": "BSETTLE", "subtype": "bot_message",
			"text": "settle", "ts": "9.000001",
		}))
		h.waitAck(h.t, id)
	}
	h.eventually("the bot idle", func() bool { return len(h.bot.sem) == 0 })
}
