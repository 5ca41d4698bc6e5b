package state

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// maxLockHold is how long the largest poll the caps allow may hold the
// store's write lock on the project's machine (2 shared cores), and so
// how long a mute from Slack may wait behind it.
const maxLockHold = time.Second

// TestMuteWhileAPollCommits mutes, as a Slack button does, while the
// largest poll the caps allow holds the write lock: the mute is stored
// within maxLockHold.
func TestMuteWhileAPollCommits(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("times a poll of thousands of items, which -short and -race do not allow")
	}
	for _, sh := range []pollShape{
		{"the item cap", benchItemCap, 0},
		{"the claim cap on one subject over many places", 20, benchClaimCap},
		{"both caps", benchItemCap, benchClaimCap},
	} {
		t.Run(sh.name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
			s, err := Open(filepath.Join(t.TempDir(), "poll.db"), Options{Now: func() time.Time { return at }})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p := hugePoll("bench", sh, at)
			locked := make(chan time.Time, 1)
			s.pollLocked = func() { locked <- time.Now() }
			committed := make(chan time.Time, 1)
			go func() {
				if _, err := s.CommitPoll(ctx, p); err != nil {
					t.Error(err)
				}
				committed <- time.Now()
			}()
			lockedAt := <-locked
			muteAt := time.Now()
			if err := s.Mute(ctx, "soldiers", at.Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			waited := time.Since(muteAt)
			hold := (<-committed).Sub(lockedAt)
			t.Logf("%d items, %d claims: the poll held the write lock %v; the mute waited %v", sh.items, sh.claims, hold.Round(time.Millisecond), waited.Round(time.Millisecond))
			if waited > maxLockHold {
				t.Errorf("a mute waited %v behind a poll of %d items and %d claims, want at most %v", waited, sh.items, sh.claims, maxLockHold)
			}
			if ok, err := s.Muted(ctx, "soldiers", at); err != nil || !ok {
				t.Errorf("the mute was not stored: %v", err)
			}
		})
	}
}

// TestCommitWorkIsLinear counts the ledger's index seeks per claim for
// polls of 1,000 and 10,000 claims on one subject spread over places: the
// work per claim stays flat (a lookup reads the claim's own place and the
// place-less group, not every group of the topic), where the layout before
// it grew with every place the topic had gathered.
func TestCommitWorkIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("commits polls of thousands of claims")
	}
	perClaim := map[int]float64{}
	for _, n := range []int{1_000, 10_000} {
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		s, err := Open(filepath.Join(t.TempDir(), "poll.db"), Options{Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		seeks := 0
		s.seeks = &seeks
		if _, err := s.CommitPoll(context.Background(), hugePoll("bench", pollShape{"", n / 100, n}, at)); err != nil {
			t.Fatal(err)
		}
		s.Close()
		perClaim[n] = float64(seeks) / float64(n)
		t.Logf("%d claims: %d seeks, %.1f a claim", n, seeks, perClaim[n])
	}
	if ratio := perClaim[10_000] / perClaim[1_000]; ratio > 1.5 {
		t.Errorf("seeks per claim grew %.1f× from 1,000 to 10,000 claims, want flat (at most 1.5×)", ratio)
	}
}

// TestPlacelessClaimWorkIsBounded: a claim without a place matches every
// place, yet its lookups stop at maxCandidateGroups groups a measure, so a
// topic spread over thousands of places costs it no more than over
// hundreds.
func TestPlacelessClaimWorkIsBounded(t *testing.T) {
	seeksFor := func(places int) int {
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		s, err := Open(filepath.Join(t.TempDir(), "poll.db"), Options{Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		if _, err := s.CommitPoll(ctx, hugePoll("spread", pollShape{"", places / 100, places}, at)); err != nil {
			t.Fatal(err)
		}
		p := hugePoll("placeless", pollShape{"", 1, 1}, at)
		p.Items[0].Claims[0].Place = ""
		seeks := 0
		s.seeks = &seeks
		if _, err := s.CommitPoll(ctx, p); err != nil {
			t.Fatal(err)
		}
		return seeks
	}
	few, many := seeksFor(1_000), seeksFor(8_000)
	t.Logf("a place-less claim against 500 places: %d seeks; against 4,000: %d", few, many)
	if float64(many) > 1.1*float64(few) {
		t.Errorf("a place-less claim made %d seeks against 4,000 places and %d against 500, want about as many", many, few)
	}
}
