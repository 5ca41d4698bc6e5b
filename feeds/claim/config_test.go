package claim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAliases(t *testing.T) {
	x, err := NewExtractor(Config{Aliases: map[string][]string{
		"dprk":                   {"north korea", "north korean", "pyongyang", "hermit kingdom"},
		"north korean soldiers":  {"kpa troops", "kim's fighters"},
		"South Korea's NIS":      {"the spy service in seoul"},
		"Kyrylo Budanov (HUR)":   {"the spy chief"},
		"pokrovsk":               {"krasnoarmeysk"},
		"place:velyka novosilka": {"velyka novosilka", "velykonovosilkivska"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       row
	}{
		{"nationality alias", "The Hermit Kingdom sent 1,000 troops, the NIS said.",
			row{"South Korea's NIS", "north korean soldiers", "deployed", "", "[1,000, 1,000]", "", ""}},
		{"subject alias", "About 500 KPA troops were killed, Budanov said.",
			row{"Kyrylo Budanov (HUR)", "north korean soldiers", "killed", "", "[450, 550]", "", ""}},
		{"subject alias with a possessive", "Some 200 Kim's fighters were wounded, the spy chief said.",
			row{"Kyrylo Budanov (HUR)", "north korean soldiers", "wounded", "", "[180, 220]", "", ""}},
		{"claimant alias", "The spy service in Seoul said 300 North Korean soldiers died.",
			row{"South Korea's NIS", "north korean soldiers", "killed", "", "[300, 300]", "", ""}},
		{"place alias", "Russia's Defense Ministry said its forces had completely taken Krasnoarmeysk.",
			row{"Russia's Defense Ministry", "russian soldiers", "controls city", "pokrovsk", "present", "", ""}},
		{"explicit place", "Ukrainian officials said 40 Russian soldiers were killed near Velyka Novosilka.",
			row{"Ukrainian officials", "russian soldiers", "killed", "velyka novosilka", "[40, 40]", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub := time.Date(2025, 2, 5, 0, 0, 0, 0, time.UTC)
			claims := x.Extract(Article{Outlet: "Wire", Published: pub, Text: tt.text})
			for _, c := range claims {
				if rowOf(c, pub) == tt.want {
					return
				}
			}
			t.Errorf("want %s\ngot:\n%s", tt.want, dump(claims, pub))
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty alias", Config{Aliases: map[string][]string{"north korean soldiers": {"kpa troops", "  "}}}, `"north korean soldiers": empty alias`},
		{"empty name", Config{Aliases: map[string][]string{"place:": {"x"}}}, "empty name"},
		{"bad hedges", Config{Hedges: Hedges{AboutLow: 2, AboutHigh: 1, NearlyLow: 0.9}}, "about_low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewExtractor(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewExtractor: %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestHedgesConfigured(t *testing.T) {
	h := DefaultHedges()
	h.AboutLow, h.AboutHigh = 0.8, 1.2
	x, err := NewExtractor(Config{Hedges: h})
	if err != nil {
		t.Fatal(err)
	}
	cs := x.Extract(Article{Outlet: "Wire", Text: "North Korea sent about 11,000 troops."})
	if len(cs) != 1 || cs[0].Value.String() != "[8,800, 13,200]" {
		t.Errorf("about 11,000 with ±20%%: %v", cs)
	}
}

func TestToJSON(t *testing.T) {
	pub := time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("EET", 2*3600))
	claims := Extract(Article{Outlet: "KI", URL: "https://example.org/a", Published: pub,
		Text: "Zelensky said more than 3,000 North Korean soldiers were killed or wounded. Budanov said on Monday they were still fighting."})
	var got []string
	for _, c := range claims {
		b, err := json.Marshal(ToJSON(c))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	want := []string{
		`{"claimant":"Volodymyr Zelensky","outlet":"KI","url":"https://example.org/a","published":"2025-03-03T07:00:00Z","as_of":"2025-03-03T07:00:00Z","text":"Zelensky said more than 3,000 North Korean soldiers were killed or wounded.","low":3000,"high":null,"low_open":true,"status":"","subject":"north korean soldiers","measure":"killed or wounded","place":"","start":0,"end":75}`,
		`{"claimant":"Kyrylo Budanov (HUR)","outlet":"KI","url":"https://example.org/a","published":"2025-03-03T07:00:00Z","as_of":"2025-03-02T22:00:00Z","text":"Budanov said on Monday they were still fighting.","low":null,"high":null,"status":"present","subject":"north korean soldiers","measure":"at the front","place":"","start":76,"end":124}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
