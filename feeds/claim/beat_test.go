package claim

import (
	"slices"
	"testing"
)

func TestBeat(t *testing.T) {
	tests := []struct {
		subject, measure, want string
	}{
		{"north korean soldiers", "killed", "conflict"}, // the subject's head decides
		{"people", "killed", "disasters"},
		{"civilians", "displaced", "disasters"},
		{"north korean soldiers", "at the front", "conflict"},
		{"asylum seekers", "arrived", "migration"},
		{"people", "protesting", "protests"},
		{"teachers", "on strike", "labour"},
		{"metro trips", "carried", "" /* neither named */},
	}
	for _, tt := range tests {
		t.Run(tt.subject+"/"+tt.measure, func(t *testing.T) {
			if got := Beat(tt.subject, tt.measure); got != tt.want {
				t.Errorf("Beat(%q, %q) = %q, want %q", tt.subject, tt.measure, got, tt.want)
			}
		})
	}
}

// TestBeatTable: the embedded table parses, and a word in two beats is
// refused rather than decided by map order.
func TestBeatTable(t *testing.T) {
	if got := Beats(); !slices.Equal(got, []string{"conflict", "disasters", "labour", "migration", "protests"}) {
		t.Errorf("Beats() = %q", got)
	}
	if _, err := parseBeats([]byte("a:\n  measures: [killed]\nb:\n  measures: [killed]\n")); err == nil {
		t.Error("a measure in two beats was accepted")
	}
	if _, err := parseBeats([]byte("a: [killed]\n")); err == nil {
		t.Error("a beat without subjects: or measures: was accepted")
	}
}
