package registry

import (
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	r := Default()
	for _, tc := range []struct{ phrase, name string }{
		{"Seoul's spy agency", "South Korea's NIS"},
		{"seoul’s  SPY agency", "South Korea's NIS"},
		{"yonhap news agency", "Yonhap"},
		{"budanov", "Kyrylo Budanov (HUR)"},
	} {
		if e, ok := r.Lookup(tc.phrase); !ok || e.Name != tc.name {
			t.Errorf("Lookup(%q) = %+v, %v; want %s", tc.phrase, e, ok, tc.name)
		}
	}
	if _, ok := r.Lookup("the fire service"); ok {
		t.Error("an unknown phrase was found")
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	_, err := Parse("desk.yaml", []byte("people:\n  - name: X\n    alias: [x]\n"))
	if err == nil || !strings.Contains(err.Error(), "desk.yaml") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("got %v", err)
	}
	_, err = Parse("desk.yaml", []byte("people:\n  - name: X\n"))
	if err == nil || !strings.Contains(err.Error(), "needs a name and aliases") {
		t.Errorf("got %v", err)
	}
}

func TestWithOverrides(t *testing.T) {
	r := Default().With([]Entry{{Kind: Organisation, Name: "Seoul's spies", Aliases: []string{"seoul's spy agency"}}})
	if e, _ := r.Lookup("seoul's spy agency"); e.Name != "Seoul's spies" {
		t.Errorf("override lost: %+v", e)
	}
}

func TestNationalities(t *testing.T) {
	n := DefaultNationalities()
	for _, tc := range []struct{ phrase, name string }{
		{"Moscow", "russian"}, {"North Korea's", "north korean"}, {"Ukrainians", "ukrainian"}, {"DPRK", "north korean"},
	} {
		if got, ok := n.Lookup(tc.phrase); !ok || got.Name != tc.name {
			t.Errorf("Lookup(%q) = %+v, %v; want %s", tc.phrase, got, ok, tc.name)
		}
	}
	if n.Opponents["russian"] != "ukrainian" {
		t.Errorf("opponents %v", n.Opponents)
	}
}
