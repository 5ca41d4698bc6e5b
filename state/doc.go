// Package state is Crosscheck's memory: one bbolt file holding the feeds'
// poll state and seen items, the claim ledger, conflicts and their
// lifecycle, the alert outbox, Slack thread mapping, mutes and feedback.
//
// It knows nothing of HTTP or Slack wire formats.
//
// Buckets and key layouts (all integers big-endian; values JSON unless said):
//
//	meta          "schema" → uint64 schema version
//	events        Slack event/request id → uint64 expiry (Unix ns); see events.go
//	events_expiry uint64 expiry ‖ id → empty: expiry index for pruning
//	feeds         feed name → FeedState; see feeds.go
//	items         feed ‖ 0x00 ‖ item id → ItemRecord (seen items)
//	item_links    feed ‖ 0x00 ‖ link key → item id (raw): a second identity
//	tombstones    feed ‖ 0x00 ‖ item id → Tombstone: a pruned item, still seen
//	feedlist      feed name → FeedEntry (without Paused): feeds added at
//	              runtime; see feedlist.go
//	feed_paused   feed name → {since, by}: paused feeds, stored or configured
//
// The claim ledger (ledger.go). asof is the claim's AsOf in Unix seconds
// with the sign bit flipped (sorts as time); seq is the claim's number.
//
//	claims             seq → claim (binary, ledger_codec.go; the claims of
//	                   one article share its fields and each sentence)
//	claims_by_topic    subject ‖ 0x00 ‖ measure ‖ 0x00 ‖ party ‖ 0x00 ‖
//	                   place ‖ 0x00 ‖ asof ‖ seq → the first 8 bytes of
//	                   the claim's identity (below). party is
//	                   claim.Party of the claimant. A claim is judged
//	                   against each party-and-place group's newest claim
//	                   within the AsOf window: one seek per group, so the
//	                   work is bounded by the claimants on a topic, never
//	                   by how many claims they made
//	claims_by_claimant claimant ‖ 0x00 ‖ asof ‖ seq → empty
//	topics             topic key "subject | measure | place" → empty: every topic
//	claimants          claimant → empty: every claimant
//	outlets            outlet → empty: every outlet named (all three for
//	                   search: a query word no outlet holds is matched
//	                   through the topic and claimant indexes alone)
//
// These layouts changed before any store was kept; claim and conflict
// records in the earlier JSON form are still read. Schema 2 added the
// outbox's lanes and the alert routes: opening a schema 1 store indexes its
// queued alerts (indexOutbox).
//
// The same claim from the same article is stored once: its group's
// entries with the same AsOf are compared with it by identity, a hash of
// article, sentence, claimant, topic and value.
//
// Conflicts, alerts, threads, mutes and feedback (conflicts.go, outbox.go,
// threads.go, mutes.go):
//
//	conflicts             conflict id → conflict (binary, conflicts_codec.go;
//	                      claims by seq)
//	conflicts_by_topic    topic ‖ 0x00 ‖ conflict id → empty
//	conflicts_by_claimant party (claim.Party) ‖ 0x00 ‖ conflict id → empty
//	conflicts_by_updated  updated (Unix ns, sign bit flipped) ‖ conflict id
//	                      → empty: "conflicts" lists the latest without
//	                      decoding the rest; a put moves the entry
//	outbox                uint64 alert seq (bucket sequence) → Alert, its
//	                      claim by its number in the ledger ("claim_seq"),
//	                      or, for a claim not in the ledger, as the
//	                      ledger's JSON claim record (claimRec);
//	                      its "channel" the lane it waits in ("" for the
//	                      default channel), plus "posting": when a post of
//	                      unknown outcome began (BeginAlert)
//	outbox_lanes          channel ‖ 0x00 ‖ uint64 seq → empty: each
//	                      channel's queue in due order (seq order: every
//	                      alert is due a fixed group interval after it was
//	                      queued, and a deferred head holds its lane), so
//	                      delivery reads a lane's head with one seek
//	                      (Lanes, NextAlert), never the whole outbox
//	outbox_depth          channel ‖ 0x00 → uint64 alerts in that lane; no
//	                      key for an empty lane
//	outbox_unrouted       uint64 seq → empty: alerts whose conflict had no
//	                      route yet, routed (and removed) at the end of the
//	                      transaction that queued them; empty between
//	                      transactions
//	alert_routes          conflict id → channel (raw; "" for the default):
//	                      decided by Options.Router when the conflict's
//	                      first alert is queued, then kept, so its later
//	                      alerts follow the parent's lane. Pruning a
//	                      conflict should delete its route
//	threads               conflict id → Thread{channel, ts}
//	thread_conflicts      channel ‖ 0x00 ‖ ts → conflict id (raw)
//	mutes                 normalised target (conflict id, topic key, or its
//	                      leading "subject" or "subject | measure") → Mute
//	feedback              conflict id → Feedback ("not a contradiction")
package state
