// Package state is Crosscheck's memory: one bbolt file holding the feeds'
// poll state and seen items, the claim ledger, conflicts and their
// lifecycle, the alert outbox, Slack thread mapping, mutes and feedback.
//
// It knows nothing of HTTP or Slack wire formats.
//
// Buckets and key layouts (all integers big-endian; values JSON unless said):
//
//	meta        "schema" → uint64 schema version
//	events      Slack event/request id → uint64 expiry (unix ns); see events.go
//	events_expiry uint64 expiry ‖ id → empty: expiry index for pruning
//	feeds       feed name → FeedState; see feeds.go
//	items       feed ‖ 0x00 ‖ item id → ItemRecord (seen items)
//	item_links  feed ‖ 0x00 ‖ link key → item id (raw): a second identity
//	tombstones  feed ‖ 0x00 ‖ item id → Tombstone: a pruned item, still seen
//	feedlist    feed name → FeedEntry: feeds added at runtime; see feedlist.go
//	feed_paused feed name → {since, by}: paused feeds, stored or configured
package state
