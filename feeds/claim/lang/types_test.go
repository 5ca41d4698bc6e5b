package lang

import "testing"

func TestWordFeat(t *testing.T) {
	w := Word{Feats: "Mood=Ind|Number=Plur|Person=3|Tense=Past"}
	for _, tt := range []struct{ name, want string }{
		{"Mood", "Ind"}, {"Number", "Plur"}, {"Tense", "Past"},
		{"Num", ""}, {"Case", ""}, {"Past", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.Feat(tt.name); got != tt.want {
				t.Errorf("Feat(%q) of %q = %q, want %q", tt.name, w.Feats, got, tt.want)
			}
		})
	}
	if got := (&Word{}).Feat("Number"); got != "" {
		t.Errorf("Feat of a word without features = %q", got)
	}
}
