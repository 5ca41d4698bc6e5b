package desk

import (
	"fmt"
	"strings"
	"testing"

	. "github.com/crosscheck-news/crosscheck/feeds"
)

func TestPollOverTheItemCap(t *testing.T) {
	var items []testItem
	for i := range 5 {
		items = append(items, testItem{guid: fmt.Sprint(i), link: fmt.Sprintf("/story/%d", i), title: fmt.Sprintf("Story %d", i)})
	}
	rig := newPollRig(t, FetcherConfig{}, items...)
	rig.poller.MaxItems = 3
	p := rig.pollOK(t)
	if len(p.Items) != 3 {
		t.Errorf("a poll over the cap of 3 carried %d items", len(p.Items))
	}
	if want := "5 items, over limits.max_items_per_poll: the newest 3 kept, 2 dropped"; !strings.Contains(p.State.LastError, want) {
		t.Errorf("feed status LastError = %q, want it to say %q", p.State.LastError, want)
	}
	if p.State.ErrorCount != 0 {
		t.Errorf("a capped poll counted as a failure: %d", p.State.ErrorCount)
	}
}
