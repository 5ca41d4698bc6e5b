package claim

import (
	"strings"
	"testing"
)

// TestDataErrorsNameFileAndLine: a broken data file is refused with its
// name, line and the key at fault, never half-loaded.
func TestDataErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unknown key", "measures:\n  - measure: killed\n    wrods: [slain]\n", "data/lexicon.yaml: yaml: unmarshal errors:\n  line 3: field wrods not found"},
		{"bad shape", "places: [kursk]\n", "line 1: cannot unmarshal !!seq into map[string][]string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d lexiconData
			err := decodeStrict("data/lexicon.yaml", []byte(tc.in), &d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestEmbeddedData: the embedded files load, and the knowledge they carry
// reaches the scanner (a claimant, a place and a measure from data).
func TestEmbeddedData(t *testing.T) {
	lx, err := buildLexicon()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		phrase string
		check  func(*phrase) bool
	}{
		{"seoul's spy agency", func(p *phrase) bool { return p.claimant == "South Korea's NIS" && p.ckind == kOrg }},
		{"yonhap news agency", func(p *phrase) bool { return p.claimant == "Yonhap" && p.ckind == kOutlet }},
		{"zaporozhye", func(p *phrase) bool { return p.place == "zaporizhzhia" }},
		{"death toll", func(p *phrase) bool { return p.measure == "killed" && p.mflags&mNoun != 0 }},
		{"pulled from the front", func(p *phrase) bool { return p.status == -1 }},
	} {
		p, ok := lx.byKey[strings.Join(splitWords(tc.phrase), " ")]
		if !ok || !tc.check(p) {
			t.Errorf("%q: %+v", tc.phrase, p)
		}
	}
	if !lx.needsNationality["soldiers"] || lx.opponents["russian"] != "ukrainian" {
		t.Errorf("needs_nationality %v, opponents %v", lx.needsNationality, lx.opponents)
	}
}
