package state

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestFirstEvent(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path, clock.Now)

	steps := []struct {
		name    string
		advance time.Duration
		id      string
		ttl     time.Duration
		want    bool
	}{
		{"first sighting", 0, "Ev01", time.Hour, true},
		{"retry within ttl", 10 * time.Minute, "Ev01", time.Hour, false},
		{"another event", 0, "Ev02", time.Hour, true},
		{"retry again later", 40 * time.Minute, "Ev01", time.Hour, false},
		{"after expiry it is new again", 11 * time.Minute, "Ev01", time.Hour, true},
		{"and remembered afresh", time.Minute, "Ev01", time.Hour, false},
		{"default ttl", 0, "Ev03", 0, true},
		{"default ttl holds for an hour", time.Hour, "Ev03", 0, false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Advance(st.advance)
			got, err := s.FirstEvent(ctx, st.id, st.ttl)
			if err != nil {
				t.Fatal(err)
			}
			if got != st.want {
				t.Errorf("FirstEvent(%q) = %v, want %v", st.id, got, st.want)
			}
		})
	}

	t.Run("empty id is refused", func(t *testing.T) {
		if _, err := s.FirstEvent(ctx, "", time.Hour); err == nil {
			t.Fatal("empty id accepted")
		}
	})
}

func TestFirstEventSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path, clock.Now)
	if first, err := s.FirstEvent(ctx, "Ev9", time.Hour); err != nil || !first {
		t.Fatalf("FirstEvent = %v, %v", first, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path, clock.Now)
	first, err := s.FirstEvent(ctx, "Ev9", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if first {
		t.Error("event acted on again after a restart")
	}
}

func TestPruneEvents(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)}
	s := openStore(t, filepath.Join(t.TempDir(), "events.db"), clock.Now)
	for i := range 200 {
		if _, err := s.FirstEvent(ctx, fmt.Sprintf("old%03d", i), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(30 * time.Second)
	if _, err := s.FirstEvent(ctx, "young", time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneEvents(ctx); err != nil || n != 0 {
		t.Fatalf("PruneEvents before expiry = %d, %v; want 0", n, err)
	}
	clock.Advance(time.Minute)
	// One write prunes a bounded batch on the way.
	if _, err := s.FirstEvent(ctx, "trigger", time.Hour); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := 200 - pruneEventsPerWrite; n != want {
		t.Errorf("PruneEvents = %d, want %d", n, want)
	}
	if first, _ := s.FirstEvent(ctx, "young", time.Hour); first {
		t.Error("a live event was pruned")
	}
	if first, _ := s.FirstEvent(ctx, "old007", time.Hour); !first {
		t.Error("an expired event is still remembered")
	}
}

func TestFirstEventConcurrent(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)}
	s := openStore(t, filepath.Join(t.TempDir(), "events.db"), clock.Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range 16 {
		wg.Go(func() {
			first, err := s.FirstEvent(ctx, "same", time.Hour)
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 1 {
		t.Errorf("%d goroutines saw the event first, want 1", firsts)
	}
}
