package bot

import (
	"slices"
	"strings"

	"github.com/crosscheck-news/crosscheck/state"
)

// NewRouter is the store's router for slack.routes: the first route that
// matches a dispute names its channel, slack.channel (the default lane)
// takes the rest. The store asks it once per dispute, when its first
// alert is queued.
func NewRouter(s Slack) state.Router {
	if len(s.Routes) == 0 {
		return state.Router{}
	}
	var feeds []string
	for _, r := range s.Routes {
		for _, f := range r.Feeds {
			if !slices.Contains(feeds, f) {
				feeds = append(feeds, f)
			}
		}
	}
	routes, def := s.Routes, s.Channel
	return state.Router{Feeds: feeds, Route: func(d state.Dispute) string {
		return RouteOf(routes, def, d)
	}}
}

// RouteOf is the channel of the first route matching d, or "" (the
// default channel) when none does or the one that does is the default
// itself, so that one Slack channel is one lane and one rate limit.
func RouteOf(routes []Route, defaultChannel string, d state.Dispute) string {
	for _, r := range routes {
		if matches(r, d) {
			if r.Channel == defaultChannel {
				return ""
			}
			return r.Channel
		}
	}
	return ""
}

// matches: every list the route sets has a value of the dispute in it
// (names compared without regard to case).
func matches(r Route, d state.Dispute) bool {
	var outlets, places []string
	for _, s := range d.Sides {
		for _, c := range s.Claims {
			outlets = append(outlets, c.Outlet)
			places = append(places, c.Place)
		}
	}
	for _, m := range []struct {
		want, have []string
	}{
		{r.Feeds, d.Feeds},
		{r.Outlets, outlets},
		{r.Places, places},
		{r.Beats, []string{d.Beat()}},
	} {
		if m.want != nil && !anyEqualFold(m.want, m.have) {
			return false
		}
	}
	return true
}

func anyEqualFold(want, have []string) bool {
	return slices.ContainsFunc(have, func(h string) bool {
		return h != "" && slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, h) })
	})
}
