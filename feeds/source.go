package feeds

// DefaultSchedule is used when a feed names none.
const DefaultSchedule = "@every 10m"

// Source is one configured feed.
type Source struct {
	// Name is unique and stable: the feed's key in the store and in Slack.
	Name string `yaml:"name" json:"name"`
	URL  string `yaml:"url" json:"url"`
	// Outlet is the publication shown to editors ("The Kyiv Independent").
	Outlet string `yaml:"outlet" json:"outlet"`
	// Schedule is any robfig/cron/v3 spec, "@every 10m" by default.
	Schedule string `yaml:"schedule" json:"schedule"`
	// FullText fetches the article page when the feed carries only a teaser.
	FullText bool `yaml:"fulltext" json:"fulltext"`
}
