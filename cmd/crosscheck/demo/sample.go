package demo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"
)

//go:embed sample/stories.json
var storiesJSON []byte

// Sample is the demo's newsroom: its feeds and the stories they publish.
type Sample struct {
	Feeds   []SampleFeed `json:"feeds"`
	Stories []Story      `json:"stories"`
}

// SampleFeed is one invented outlet's feed.
type SampleFeed struct {
	Name   string `json:"name"`
	Outlet string `json:"outlet"`
	// Format is how the feed is served: "rss", "atom" or "json" (JSON Feed).
	Format string `json:"format"`
	// Site is the outlet's home page; article links hang off it. The
	// .example domain is reserved, so the links can never reach a stranger.
	Site string `json:"site"`
}

// Story is one article. Step is when it appears: step 0 is each feed's
// first poll (backfill: recorded, never alerted), steps 1..N follow.
type Story struct {
	Feed    string `json:"feed"`
	Step    int    `json:"step"`
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Content string `json:"content"`
}

// StepInterval is how far apart the simulated steps are.
const StepInterval = 2 * time.Hour

// DefaultStart is the simulated time of step 0, in the weeks of the Kursk
// reports the stories retell.
var DefaultStart = time.Date(2025, time.February, 11, 6, 0, 0, 0, time.UTC)

// LoadSample returns the built-in sample, checked.
func LoadSample() (*Sample, error) {
	return ParseSample(storiesJSON)
}

// ParseSample reads and checks a sample in the stories.json format.
func ParseSample(data []byte) (*Sample, error) {
	var s Sample
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("demo: sample: %w", err)
	}
	if len(s.Feeds) == 0 {
		return nil, fmt.Errorf("demo: sample: no feeds")
	}
	feeds := map[string]bool{}
	for i, f := range s.Feeds {
		switch {
		case f.Name == "" || f.Outlet == "" || f.Site == "":
			return nil, fmt.Errorf("demo: sample: feeds[%d]: name, outlet and site are required", i)
		case feeds[f.Name]:
			return nil, fmt.Errorf("demo: sample: feeds[%d]: duplicate name %q", i, f.Name)
		case f.Format != "rss" && f.Format != "atom" && f.Format != "json":
			return nil, fmt.Errorf("demo: sample: feeds[%d]: format %q is not rss, atom or json", i, f.Format)
		}
		feeds[f.Name] = true
	}
	slugs := map[string]bool{}
	for i, st := range s.Stories {
		switch {
		case !feeds[st.Feed]:
			return nil, fmt.Errorf("demo: sample: stories[%d]: unknown feed %q", i, st.Feed)
		case st.Step < 0:
			return nil, fmt.Errorf("demo: sample: stories[%d]: negative step", i)
		case st.Slug == "" || st.Title == "" || st.Content == "":
			return nil, fmt.Errorf("demo: sample: stories[%d]: slug, title and content are required", i)
		case slugs[st.Feed+"/"+st.Slug]:
			return nil, fmt.Errorf("demo: sample: stories[%d]: duplicate slug %q", i, st.Slug)
		}
		slugs[st.Feed+"/"+st.Slug] = true
	}
	return &s, nil
}

// Steps is the last step any story appears at.
func (s *Sample) Steps() int {
	n := 0
	for _, st := range s.Stories {
		n = max(n, st.Step)
	}
	return n
}

func (s *Sample) feed(name string) (SampleFeed, bool) {
	for _, f := range s.Feeds {
		if f.Name == name {
			return f, true
		}
	}
	return SampleFeed{}, false
}
