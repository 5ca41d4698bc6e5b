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
//	feeds         feed name → feeds.FeedState; see feeds.go
//	items         feed ‖ 0x00 ‖ item id → feeds.ItemRecord (seen items)
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
//	claims_by_topic    subject ‖ 0x00 ‖ measure ‖ 0x00 ‖ place ‖ 0x00 ‖
//	                   event ‖ party ‖ 0x00 ‖ asof ‖ seq → empty. event
//	                   is the claim's news event as 16 hex digits and
//	                   "/" (claims are judged within their event only);
//	                   party is claim.Party of the claimant. A claim is judged
//	                   against each place-and-party group's newest claim
//	                   within the AsOf window, one seek per group. Place
//	                   comes before party so a claim with a place reads
//	                   only its own place's groups and the place-less ones
//	                   (the only places that match it), never every place
//	                   the topic has gathered; a claim without a place
//	                   matches every place and reads at most
//	                   maxCandidateGroups groups per measure
//	claims_by_ident    claim identity (16 bytes, below) → seq: a duplicate
//	                   is one lookup
//	claims_by_claimant claimant ‖ 0x00 ‖ asof ‖ seq → empty
//	topics             topic key "subject | measure | place" → empty: every topic
//	claimants          claimant → empty: every claimant
//	outlets            outlet → empty: every outlet named (all three for
//	                   search: a query word no outlet holds is matched
//	                   through the topic and claimant indexes alone)
//
// News events (newsevents.go; claim.Event decides, the store keeps):
//
//	news_events           uint64 event id → {anchors, articles, place,
//	                      places, first, last}
//	news_events_by_anchor anchor ‖ 0x00 ‖ uint64 event id → empty: the
//	                      events holding an anchor; an article reads the
//	                      newest 16 of its 12 rarest anchors
//	anchor_freq           anchor → uvarint: articles that named it
//	item_events           item id → uint64 event id (0: an article that
//	                      named nothing; its claims meet only each other
//	                      and other such claims, as before events)
//	meta "event_articles" → uint64: articles assigned
//
// Schema version 2 put place before party in claims_by_topic (version 1
// had party first, and the first 8 bytes of the identity as value) and
// added claims_by_ident; migrate.go rebuilds both from the claims. Schema 3
// added the outbox's lanes and the alert routes: opening an older store
// indexes its queued alerts (indexOutbox). Schema 4 added the event to
// claims_by_topic: assignEvents puts the items of an older store's claims
// in events, read from their claims' sentences and places, and rebuilds the
// index. Schema 5 keeps every disagreeing pair as a conflict's evidence
// (conflict record format 0x02): rewriteConflicts rewrites older records,
// with no pairs, since schema 4 did not say which claims disagreed. Claim
// and conflict records in the earlier JSON form are still read.
//
// Evidence reaches a thread as digests: a conflict has at most one
// evidence alert waiting unposted (Alert.Digest), which new evidence joins
// instead of queueing another; the notifier renders the pairs found since
// the digest was queued. Preview judges in a read transaction: what it
// would write stays pending in its batch, never flushed.
//
// The same claim from the same article is stored once: its identity, a
// hash of article, sentence, claimant, topic and value, is looked up in
// claims_by_ident.
//
// One poll is one transaction, all there or absent, written in key order.
// CommitPoll and Record put every write but those whose keys only grow
// (claim records, the outbox and its lanes) and the feed's state into a
// batch (batch.go) that reads see through, and flush it bucket by bucket
// in key order at the end of the same transaction (flushAndRoute, which
// then routes the new alerts): bbolt moves every later key of a node for
// each insert and splits nodes only at commit, so hash-ordered keys into
// one large transaction were quadratic. Nothing is committed before the flush, and
// a failed flush rolls the whole transaction back. Before the commit the
// pipeline caps a poll at limits.max_items_per_poll items and
// limits.max_claims_per_poll claims, which bounds how long it holds the
// write lock (TestMuteWhileAPollCommits).
//
// Housekeeping (housekeeping.go, prune.go) prunes by age in batches of
// pruneBatch records, each its own short transaction: closed conflicts
// (with their index entries, alert route and thread mapping; feedback
// stays), then
// claims no remaining conflict cites (an article's claims go or stay
// together: later claims of an article point to its first), then
// undelivered alerts. The topic, claimant and outlet name lists are not
// pruned. Compact (compact.go) rewrites the file with bbolt's Compact to
// give the freed pages back.
//
// Conflicts, alerts, threads, mutes and feedback (conflicts.go, outbox.go,
// threads.go, mutes.go):
//
//	conflicts             conflict id → conflict (binary, conflicts_codec.go;
//	                      claims by seq; its evidence pairs, the newest
//	                      MaxPairs, with a count of all; the outbox number
//	                      of its waiting evidence digest; its event)
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
//	                      alerts follow the parent's lane; pruning a
//	                      conflict deletes its route
//	threads               conflict id → Thread{channel, ts}
//	thread_conflicts      channel ‖ 0x00 ‖ ts → conflict id (raw)
//	mutes                 normalised target (conflict id, topic key, or its
//	                      leading "subject" or "subject | measure") → Mute
//	feedback              conflict id → Feedback ("not a contradiction")
package state
