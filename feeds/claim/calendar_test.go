package claim

import (
	"testing"
	"time"
)

// The calendar names come from data/lexicon.yaml alone; every reader of
// dates sees the same months, abbreviations and homographs.
func TestCalendarNames(t *testing.T) {
	months, weekdays := CalendarNames()
	for w, want := range map[string]time.Month{"january": time.January, "jan": time.January, "may": time.May, "sept": time.September, "sep": time.September, "december": time.December} {
		if got := months[w]; got != want {
			t.Errorf("month %q = %v, want %v", w, got, want)
		}
	}
	if weekdays["sunday"] != time.Sunday || weekdays["saturday"] != time.Saturday || len(weekdays) != 7 {
		t.Errorf("weekdays = %v", weekdays)
	}
	tests := []struct {
		word string
		dot  bool
		want bool
	}{
		{"January", false, true},
		{"january", false, true},
		{"March", false, true},
		{"march", false, false}, // "march on the capital"
		{"may", false, false},   // "may have"
		{"Feb", false, true},
		{"feb", true, true},
		{"feb", false, false},
		{"Monday", false, false},
		{"mayor", false, false},
	}
	for _, tt := range tests {
		if got := monthWord(tt.word, tt.dot); got != tt.want {
			t.Errorf("monthWord(%q, %v) = %v, want %v", tt.word, tt.dot, got, tt.want)
		}
	}
}
