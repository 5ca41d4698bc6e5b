package bot

import (
	"testing"

	"github.com/crosscheck-news/crosscheck/feeds/claim"
	"github.com/crosscheck-news/crosscheck/state"
)

func TestRouteOf(t *testing.T) {
	routes := []Route{
		{Channel: "C0WORLD0001", Feeds: []string{"kyiv-independent"}},
		{Channel: "C0DISASTER1", Beats: []string{"disasters"}},
		{Channel: "C0METRO0001", Outlets: []string{"City Paper"}, Places: []string{"Springfield"}},
		{Channel: "C0DEFAULT01", Places: []string{"kursk"}},
	}
	dispute := func(topic string, feeds []string, claims ...claim.Claim) state.Dispute {
		d := state.Dispute{Conflict: state.Conflict{Topic: topic}, Feeds: feeds}
		for i, c := range claims {
			d.Sides[i%2].Claims = append(d.Sides[i%2].Claims, c)
		}
		return d
	}
	at := func(outlet, place string) claim.Claim { return claim.Claim{Outlet: outlet, Place: place} }
	tests := []struct {
		name string
		d    state.Dispute
		want string
	}{
		{"a claim from a routed feed", dispute("people | killed | kyiv", []string{"kyiv-independent"}, at("A", "kyiv"), at("B", "kyiv")), "C0WORLD0001"},
		{"first match wins over the beat", dispute("people | killed | kyiv", []string{"kyiv-independent"}, at("A", ""), at("B", "")), "C0WORLD0001"},
		{"by beat", dispute("people | killed | gaza", nil, at("A", "gaza"), at("B", "gaza")), "C0DISASTER1"},
		{"every list set must match", dispute("workers | on strike | springfield", nil, at("City Paper", "Shelbyville"), at("B", "springfield")), "C0METRO0001"},
		{"one list alone is not enough", dispute("workers | on strike | shelbyville", nil, at("City Paper", "shelbyville")), ""},
		{"a route to the default channel is the default lane", dispute("soldiers | deployed | kursk", nil, at("A", "kursk")), ""},
		{"nothing matches", dispute("metro trips | carried | paris", nil, at("A", "paris")), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RouteOf(routes, "C0DEFAULT01", tt.d); got != tt.want {
				t.Errorf("RouteOf = %q, want %q", got, tt.want)
			}
		})
	}
	if r := NewRouter(Slack{Channel: "C0DEFAULT01"}); r.Route != nil {
		t.Error("a config without routes made a router")
	}
	if r := NewRouter(Slack{Channel: "C0DEFAULT01", Routes: routes}); len(r.Feeds) != 1 || r.Feeds[0] != "kyiv-independent" {
		t.Errorf("router feeds = %q, want the one feed a route names", r.Feeds)
	}
}
