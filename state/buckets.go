package state

// Top-level buckets. The key layout of each is written down in doc.go; keep
// the two in step.
var (
	bucketMeta = []byte("meta")
	keySchema  = []byte("schema")
)

// allBuckets are created by the first migration. A package file that adds a
// bucket appends it here and documents it in doc.go.
var allBuckets = [][]byte{
	bucketMeta,
	bucketEvents,
	bucketEventsExpiry,
	bucketFeedState,
	bucketItems,
	bucketItemLinks,
	bucketTombstones,
	bucketFeedList,
	bucketFeedPaused,
	bucketClaims,
	bucketClaimsByTopic,
	bucketClaimsByClaimant,
	bucketClaimsByIdent,
	bucketTopics,
	bucketClaimants,
	bucketOutlets,
	bucketNewsEvents,
	bucketEventsByAnchor,
	bucketAnchorFreq,
	bucketItemEvents,
	bucketConflicts,
	bucketConflictsByTopic,
	bucketConflictsByClaimant,
	bucketConflictsByUpdated,
	bucketOutbox,
	bucketOutboxLanes,
	bucketOutboxDepth,
	bucketOutboxUnrouted,
	bucketAlertRoutes,
	bucketThreads,
	bucketThreadConflicts,
	bucketMutes,
	bucketFeedback,
}
