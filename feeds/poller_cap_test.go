package feeds

import (
	"slices"
	"testing"
	"time"
)

// TestCapItemsKeepsTheNewest keeps the newest items of a feed over the
// cap, in the feed's order, and names the rest, newest first.
func TestCapItemsKeepsTheNewest(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	item := func(name string, ageDays int) Item {
		it := Item{GUID: name, Link: "https://wire.example/" + name}
		if ageDays >= 0 {
			it.Published = day.Add(-time.Duration(ageDays) * 24 * time.Hour)
		}
		return it
	}
	for _, tc := range []struct {
		name        string
		items       []Item
		limit       int
		wantKept    []string
		wantDropped []string
	}{
		{"under the cap", []Item{item("a", 1), item("b", 2)}, 2, []string{"a", "b"}, nil},
		{"newest kept in feed order", []Item{item("old", 9), item("new", 0), item("mid", 4), item("older", 12)}, 2,
			[]string{"new", "mid"}, []string{"https://wire.example/old", "https://wire.example/older"}},
		{"undated items count as oldest", []Item{item("undated", -1), item("dated", 30)}, 1,
			[]string{"dated"}, []string{"https://wire.example/undated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &Feed{Items: tc.items}
			dropped := (&Poller{MaxItems: tc.limit}).capItems(f)
			var kept []string
			for _, it := range f.Items {
				kept = append(kept, it.GUID)
			}
			if !slices.Equal(kept, tc.wantKept) || !slices.Equal(dropped, tc.wantDropped) {
				t.Errorf("kept %v and dropped %v, want %v and %v", kept, dropped, tc.wantKept, tc.wantDropped)
			}
		})
	}
}

// TestPollOverTheItemCap polls a feed longer than limits.max_items_per_poll:
// the poll carries the cap's worth and the feed's status says so.
